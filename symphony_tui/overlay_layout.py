"""Show, hide, move and resize a floating overlay without re-laying out the whole screen.

Textual answers any change of an overlay's offset, display or size with a layout of the screen: every widget
of the workbench is arranged again and the map rebuilt (several milliseconds on the first key of each word,
when the completion popup appears at the new word). Nothing but the overlay moved, so :func:`restyle` applies
such changes with Textual's layout request held back and then arranges only the overlay's subtree, with the
compositor's own ``_arrange_root`` (the other children of the screen are left out of that arrangement for the
moment, and keep their entries in the map), so positions, clips and paint order are exactly what a full layout
gives. Whenever the map is not known to be current (a layout or scroll is pending, the screen was resized, the
compositor is not the patched one) the overlay asks Textual for an ordinary layout instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from textual import events
from textual._compositor import CompositorMap, MapGeometry
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget

from symphony_tui import compositor as banded

log = logging.getLogger("symphony.overlay")

_original_refresh = Widget.refresh


_held: tuple[Widget, list[Widget]] | None = None
"""The overlay whose layout requests are being recorded, and the widgets that asked (one hold at a time)."""


def _refresh_holding_layout(
    self: Widget, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
) -> Widget:
    if layout and _held is not None and _inside(self, _held[0]):
        _held[1].append(self)
        layout = False
    return _original_refresh(self, *regions, repaint=repaint, layout=layout, recompose=recompose)


@contextmanager
def _layout_held(root: Widget, asked: list[Widget]) -> Iterator[None]:
    """Within the block, a layout asked for by ``root`` or a widget inside it is recorded instead of posted."""
    global _held
    _held = (root, asked)
    Widget.refresh = _refresh_holding_layout  # type: ignore[assignment]
    try:
        yield
    finally:
        Widget.refresh = _original_refresh  # type: ignore[method-assign]
        _held = None


def _inside(widget: Widget, root: Widget) -> bool:
    node: object = widget
    while node is not None:
        if node is root:
            return True
        node = getattr(node, "_parent", None)
    return False


def _merged(
    old_map: CompositorMap, partial: CompositorMap, overlay: Widget, screen: Screen, placed: list[Widget]
) -> CompositorMap:
    """The full map with the overlay's entries replaced, in the order a full arrangement inserts them.

    Paint order sorts by each entry's ``order`` key, and overlays share one, so among overlays the insertion
    order decides which is in front: each child of the screen contributes one contiguous run of entries, in
    reverse placement order, then the screen's own entries.
    """
    runs: dict[Widget, list[tuple[Widget, MapGeometry]]] = {}
    rest: list[tuple[Widget, MapGeometry]] = []
    for widget, geometry in old_map.items():
        top = _child_of(widget, screen)
        if top is None:
            rest.append((widget, geometry))
        else:
            runs.setdefault(top, []).append((widget, geometry))
    runs[overlay] = [(widget, geometry) for widget, geometry in partial.items() if widget is not screen]
    merged: CompositorMap = {}
    for index, child in enumerate(reversed(placed)):
        run = runs.pop(child, ())
        if child is not overlay:
            run = _renumbered(run, -index)
        merged.update(run)
    runs.pop(overlay, None)
    for run in runs.values():  # children the screen did not place (none while the map is current)
        merged.update(run)
    merged.update(rest)
    return merged


def _renumbered(run: list[tuple[Widget, MapGeometry]], first: int) -> list[tuple[Widget, MapGeometry]]:
    """A child's entries with their paint-order keys as the child's new place among its siblings gives them.

    Below the root, every level of an ``order`` key counts down from the place of the screen's child that
    holds it (its first child gets that number): showing or hiding an overlay moves the places of the others.
    """
    top = max((geometry.order[1][2] for _, geometry in run if len(geometry.order) > 1), default=first)
    shift = first - top
    if not shift:
        return run
    return [
        (
            widget,
            geometry._replace(
                order=(geometry.order[0], *((layer, z, place + shift) for layer, z, place in geometry.order[1:]))
            ),
        )
        for widget, geometry in run
    ]


def _same_but_order(before: MapGeometry, after: MapGeometry) -> bool:
    """Whether only the order key differs, for a widget outside every overlay (its order starts with the root's)."""
    return before.order[0] == after.order[0] == _ROOT_ORDER and before._replace(order=()) == after._replace(order=())


_ROOT_ORDER = (0, 0, 0)


def _child_of(widget: Widget, screen: Screen) -> Widget | None:
    """The child of ``screen`` that holds ``widget`` (None for the screen and its own scrollbars)."""
    node: Widget | None = widget
    while node is not None:
        parent = node._parent
        if parent is screen:
            return node if node in screen._nodes else None
        node = parent if isinstance(parent, Widget) else None
    return None


def restyle(overlay: Widget, change: Callable[[], None]) -> None:
    """Run ``change`` (style or content changes of ``overlay`` and its descendants), then place the overlay.

    ``overlay`` must be a direct child of its screen on the ``overlay: screen`` layer.
    """
    if _held is not None:
        change()  # inside another restyle (a popup placing itself while its content changes): that one places it
        return
    asked: list[Widget] = []
    with _layout_held(overlay, asked):
        change()
    if not asked:
        return
    for widget in asked:
        # What Textual does when the layout request is delivered: arrangements that contain the widget are stale.
        for node in widget.ancestors_with_self:
            if isinstance(node, Widget):
                node._clear_arrangement_cache()
    if not relayout(overlay):
        overlay.refresh(layout=True)


def relayout(overlay: Widget) -> bool:
    """Arrange ``overlay``'s subtree into the screen's current map; False when only a full layout is safe."""
    screen = overlay.parent
    if not isinstance(screen, Screen) or not overlay.is_attached or not banded.is_installed():
        return False
    layout = screen._compositor
    if (
        layout.root is not screen
        or layout._full_map_invalidated
        or layout._visible_map is not None
        or layout.size != screen.outer_size
        or screen._layout_required
        or screen._layout_widgets
        or screen._scroll_required
        or overlay.styles.overlay != "screen"
        or not screen.is_current
    ):
        return False
    size = layout.size
    old_map = layout._full_map
    # The screen's own arrangement with every child as it is (cached for the partial arrangement below).
    container = size.region.shrink(screen.styles.gutter)
    arrangement = screen.arrange(container.size if screen.loading else screen._get_scrollable_region(container).size)
    others = [child for child in screen._nodes if child is not overlay and child._is_mounted]
    for child in others:
        child._is_mounted = False  # skipped by the arrangement: their entries stay as they are
    try:
        partial, arranged = layout._arrange_root(screen, size, visible_only=False)
    finally:
        for child in others:
            child._is_mounted = True
    if partial.get(screen) != old_map.get(screen):
        return False  # the screen itself changed: not a change of the overlay alone

    new_map = _merged(old_map, partial, overlay, screen, [placement.widget for placement in arrangement.placements])
    old_subtree = {widget for widget in layout.widgets if _inside(widget, overlay)}
    new_subtree = {widget for widget in arranged if _inside(widget, overlay)}

    layout._full_map = new_map
    layout.widgets = (layout.widgets - old_subtree) | new_subtree
    layout._cuts = None
    layout._layers = None
    layout._layers_visible = None
    layout._visible_widgets = None

    dirty = set()
    for widget in old_map.keys() | new_map.keys():
        before, after = old_map.get(widget), new_map.get(widget)
        if before == after:
            continue
        if before is not None and after is not None and _same_but_order(before, after):
            continue  # renumbered with its whole run: the stacking under the overlays is unchanged
        for geometry in (before, after):
            if geometry is not None and (area := geometry.clip.intersection(geometry.region)):
                dirty.add(area)
    layout._dirty_regions.update(dirty)

    shown = new_map.keys() - old_map.keys()
    for widget in old_subtree - new_subtree:
        widget.post_message(events.Hide())
    for widget, geometry in partial.items():
        if widget is screen:
            continue
        before = old_map.get(widget)
        resized = before is not None and before.region.size != geometry.region.size
        widget._size_updated(geometry.region.size, geometry.virtual_size, geometry.container_size)
        if widget in shown or resized:
            widget.post_message(events.Resize(geometry.region.size, geometry.virtual_size, geometry.container_size))
    for widget in shown:
        widget.post_message(events.Show())
    screen._dirty_widgets.add(screen)  # asks for the paint of the regions above (a hidden overlay would not)
    screen.check_idle()
    screen.screen_layout_refresh_signal.publish(screen)
    return True


__all__ = ["relayout", "restyle"]
