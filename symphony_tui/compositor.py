"""Partial repaints that cost what changed, not the box around it.

Textual repaints the dirty regions of a frame by cropping to the rectangle that encloses them all, and every
widget overlapping that rectangle renders all of its visible lines. A keystroke dirties the edited row, the
completion popup and the status bar at the bottom of the screen: the rectangle is most of the screen, so the
explorer, every editor line and the containers behind them were rendered (from cache, then filtered and cut)
to show three small changes — about half of a keystroke's CPU time with the popup open.

:func:`install` replaces three compositor methods so a partial update renders the dirty lines in bands (dirty
regions grouped by the rows they cover), each widget only its lines inside the band, and a layout marks
dirty only what moved and leaves the full map it built valid (see :func:`_reflow_marking_moved_only`). What
reaches the terminal is unchanged: tests apply every partial update to a screen image and compare it with a
full render.
"""

from __future__ import annotations

import inspect
import itertools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import textual
from textual._compositor import ChopsUpdate, Compositor, ReflowResult
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

_BAND_GAP = 2
"""Dirty rows this close together are rendered as one band (one pass over the widgets instead of two)."""

_original_get_renders = Compositor._get_renders
_original_partial_update = Compositor.render_partial_update
_original_reflow = Compositor.reflow
_original_update_widgets = Compositor.update_widgets


def _bands(regions: Iterable[Region], gap: int = _BAND_GAP) -> list[Region]:
    """Group regions whose rows overlap or nearly touch; each band is the union of its regions."""
    ordered = sorted((region for region in regions if region), key=lambda region: region.y)
    bands: list[Region] = []
    for region in ordered:
        if bands and region.y <= bands[-1].bottom + gap:
            bands[-1] = bands[-1].union(region)
        else:
            bands.append(region)
    return bands


def _get_renders_rows(self: Compositor, crop: Region | None = None) -> Iterable[tuple[Region, Region, Sequence[Strip]]]:
    """Textual's ``_get_renders``, but a widget renders only the rows where it meets a dirty region and is not
    hidden behind the widgets in front of it (all their columns, so the compositor's cuts line up as before).

    Only cells inside dirty regions reach the terminal (``_regions_to_spans``), and the front-most widget at any
    such cell meets that cell's region, so it renders that row: rows a widget skips are never shown from it.
    """
    if crop is None:
        yield from _original_get_renders(self, crop)
        return
    dirty: Sequence[Region] = getattr(self, "_symphony_band_regions", None) or (crop,)
    in_front: list[Region] = []
    for widget, (region, clip) in self.visible_widgets.items():
        visible = region.intersection(clip)
        if not crop.overlaps(visible):
            continue  # Textual tests the clip (its container's area): the explorer "overlapped" the editor's rows
        needed = [hit for hit in (visible.intersection(area) for area in dirty) if hit]
        if not needed:
            continue  # in the band's rows but beside every change (the editor beside the popup's list)
        # Painted front to back, the first strip of a cut wins: cells the widgets in front cover would be thrown
        # away (the editor under the completion list, the screen and panes behind the edited row).
        uncovered = [hit for hit in needed if not _covered(hit, in_front)]
        in_front.append(visible)
        if not uncovered:
            continue
        first = min(hit.y for hit in uncovered)
        last = max(hit.bottom for hit in uncovered)
        x, width = visible.x, visible.width
        rows = Region(x, first, width, last - first)
        yield region, rows, widget.render_lines(Region(x - region.x, first - region.y, width, last - first))


def _covered(target: Region, in_front: Sequence[Region]) -> bool:
    """Whether the union of ``in_front`` covers every cell of ``target``."""
    hits = [hit for hit in (region.intersection(target) for region in in_front) if hit]
    if not hits:
        return False
    edges = sorted({target.y, target.bottom, *(hit.y for hit in hits), *(hit.bottom for hit in hits)})
    right_edge = target.right
    for slab_top, slab_bottom in itertools.pairwise(edges):
        reach = target.x
        for left, right in sorted(
            (hit.x, hit.right) for hit in hits if hit.y <= slab_top and hit.bottom >= slab_bottom
        ):
            if left > reach:
                return False
            reach = max(reach, right)
            if reach >= right_edge:
                break
        if reach < right_edge:
            return False
    return True


def _render_partial_update_in_bands(self: Compositor) -> ChopsUpdate | None:
    """Textual's ``render_partial_update``, rendering each band of dirty rows on its own."""
    screen_region = self.size.region
    update_regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not update_regions:
        return None
    spans = list(self._regions_to_spans(update_regions))
    is_rendered_line = {y for y, _, _ in spans}.__contains__
    chops: list[Mapping[int, Strip | None]] | None = None
    for band in _bands(update_regions):
        crop = band.intersection(screen_region)
        if not crop:
            continue
        self._symphony_band_regions = [area for area in update_regions if area.overlaps(crop)]  # type: ignore[attr-defined]
        try:
            band_chops = self._render_chops(crop, is_rendered_line)
        finally:
            self._symphony_band_regions = None  # type: ignore[attr-defined]
        if chops is None:
            chops = list(band_chops)
        else:
            chops[crop.y : crop.bottom] = band_chops[crop.y : crop.bottom]
    if chops is None:
        return None
    chop_ends = [cut_set[1:] for cut_set in self.cuts]
    return ChopsUpdate(chops, spans, chop_ends)


def _reflow_marking_moved_only(self: Compositor, parent: Widget, size: Size) -> ReflowResult:
    """Textual's ``reflow``, without repainting widgets whose only change is their ``order`` key.

    Showing, hiding or moving an overlay (the completion popup) shifts the order keys of every widget on the
    screen while their stacking stays the same, and Textual repainted the whole screen for it. When the
    relative stacking of the widgets on screen before and after is unchanged, only widgets that appeared,
    disappeared or changed geometry are marked dirty (at their old and new places).
    """
    old_map = self._full_map
    dirty_before = set(self._dirty_regions)
    result = _original_reflow(self, parent, size)
    # The map just built is the full map (Textual's reflow arranges with ``visible_only=False``), but an
    # invalidation from before it (a hidden widget refreshed, a scroll's visible-only reflow) survived it, so
    # the next ``widget.region`` arranged the whole screen a second time: on the key that shows the completion
    # popup, its anchoring asks for the editor's region right after the layout.
    self._full_map_invalidated = False
    new_map = self._full_map
    if size.region in self._dirty_regions:
        return result
    common = [widget for widget in new_map if widget in old_map]
    if sorted(common, key=lambda w: old_map[w].order) != sorted(common, key=lambda w: new_map[w].order):
        return result  # the stacking changed: keep Textual's (wider) repaint
    regions = set(dirty_before)
    for widget, geometry in new_map.items():
        old = old_map.get(widget)
        if old is not None and old._replace(order=()) == geometry._replace(order=()):
            continue
        regions.add(geometry.clip.intersection(geometry.region))
        if old is not None:
            regions.add(old.clip.intersection(old.region))
    for widget, old in old_map.items():
        if widget not in new_map:
            regions.add(old.clip.intersection(old.region))
    self._dirty_regions.clear()
    self._dirty_regions.update(region for region in regions if region)
    return result


def _update_widgets_keeping_map(self: Compositor, widgets: set[Widget]) -> None:
    """Textual's ``update_widgets``, without throwing the full map away for widgets it already accounts for.

    Textual invalidates the map whenever a refreshed widget is not on screen, assuming it is new; the next
    region query then arranges the whole screen again (~3 ms). A widget that is hidden (it or an ancestor has
    ``display: none``, like the contents of the closed completion popup) or already in the map (scrolled out of
    view) cannot change the map by repainting, and one shown again is placed by the layout its showing asked
    for; only the others (newly mounted) still invalidate it.
    """
    if not self._full_map_invalidated:
        visible = self.visible_widgets.keys()
        if not widgets.issubset(visible):
            full_map = self._full_map
            pending = _pending_layout(self.root)
            if not all(
                widget in full_map or _hidden(widget) or _placed_by_pending_layout(widget, pending)
                for widget in widgets - visible
            ):
                self._full_map_invalidated = True
    invalidated = self._full_map_invalidated
    self._full_map_invalidated = True  # Textual's check is done: skip it
    try:
        _original_update_widgets(self, widgets)
    finally:
        self._full_map_invalidated = invalidated


def _pending_layout(root: Widget | None) -> set[object]:
    """The widgets a layout already asked of the screen will arrange again (the screen itself aside)."""
    requests: dict[object, set[Widget]] = getattr(root, "_layout_widgets", None) or {}
    pending: set[object] = set()
    for widget, asking in requests.items():
        if widget is not root:
            pending.add(widget)
        pending.update(asking)
    return pending


def _placed_by_pending_layout(widget: Widget, pending: set[object]) -> bool:
    """Whether ``widget`` (shown again, say) is inside a subtree whose layout is on its way.

    That layout puts it on the map; invalidating the map now would only make it a layout of the whole screen.
    """
    node: object = widget
    while isinstance(node, Widget):
        if node in pending or node._layout_required:
            return True
        node = node._parent
    return False


def _hidden(widget: Widget) -> bool:
    node: object = widget
    while isinstance(node, Widget):
        if node.styles.display == "none":
            return True
        node = node._parent
    return False


TESTED_TEXTUAL = "8.2."
"""The Textual release line these replacements were written and tested against (they stand in for private methods)."""

log = logging.getLogger("symphony.compositor")


def supported(version: str | None = None) -> bool:
    """Whether the installed Textual is the release line this module was tested on, with the methods it replaces.

    Another Textual keeps its own (slower, correct) repaint path rather than risk a wrong screen.
    """
    version = textual.__version__ if version is None else version
    if not version.startswith(TESTED_TEXTUAL):
        return False
    expected: dict[Callable[..., Any], list[str]] = {
        _original_get_renders: ["self", "crop"],
        _original_partial_update: ["self"],
        _original_reflow: ["self", "parent", "size"],
        _original_update_widgets: ["self", "widgets"],
    }
    if any(list(inspect.signature(method).parameters) != names for method, names in expected.items()):
        return False
    return all(hasattr(Compositor, name) for name in ("_render_chops", "_regions_to_spans"))


def install() -> bool:
    """Make every screen's partial repaints banded (idempotent); False (and Textual's path kept) when unsupported."""
    if not supported():
        log.info(
            "Textual %s is not the tested %sx line: keeping its own repaint path", textual.__version__, TESTED_TEXTUAL
        )
        return False
    patched: dict[str, Callable[..., Any]] = {
        "_get_renders": _get_renders_rows,
        "render_partial_update": _render_partial_update_in_bands,
        "reflow": _reflow_marking_moved_only,
        "update_widgets": _update_widgets_keeping_map,
    }
    for name, function in patched.items():
        setattr(Compositor, name, function)
    return True


def is_installed() -> bool:
    """Whether Textual's compositor runs the replacements now (a layout then leaves the full map valid)."""
    return Compositor.reflow is _reflow_marking_moved_only  # type: ignore[comparison-overlap]


def uninstall() -> None:
    """Textual's own repaint path (tests compare the two)."""
    Compositor._get_renders = _original_get_renders  # type: ignore[method-assign]
    Compositor.render_partial_update = _original_partial_update  # type: ignore[method-assign]
    Compositor.reflow = _original_reflow  # type: ignore[method-assign]
    Compositor.update_widgets = _original_update_widgets  # type: ignore[method-assign]


__all__ = ["install", "is_installed", "uninstall"]
