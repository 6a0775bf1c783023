"""Lay out only the part of the screen whose layout changed.

Textual answers every layout request with a layout of the whole screen: each widget of the workbench arranged
again and the map rebuilt, then a repaint of everything that moved (~5-10 ms here). Most requests while
typing come from inside a widget whose own size cannot change with its content: the status bar (a field grew
from "Col 99" to "Col 100"), the tab bar (the unsaved marker), the editor (its scrollbar appeared). Textual's
own bookkeeping says so: a request walks up the ancestors while they size to their content and stops at the
first that does not (``Screen._layout_widgets``). When every request stopped below the screen, only those
subtrees are arranged again, with the compositor's own ``_arrange_root``: the widgets beside the path from the
screen to the subtree are skipped for the moment and keep their entries, so the map is exactly what a full
layout builds (``SYMPHONY_CHECK_LAYOUT=1`` compares the two after every partial layout; the test suite runs with
it on). Anything else (a resize, a CSS refresh, a request that reached the screen, a pending scroll, a map that
is not current) takes Textual's full layout.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

from textual import events, messages
from textual._compositor import CompositorMap, MapGeometry
from textual.app import App
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.widget import Widget

from symphony_tui import compositor as banded

_original_refresh_layout = Screen._refresh_layout
_original_can_replace = messages.Layout.can_replace
_ROOT_ORDER = (0, 0, 0)


def checking() -> bool:
    """Whether every partial layout is compared with a full one (tests; slow)."""
    return os.environ.get("SYMPHONY_CHECK_LAYOUT", "") not in ("", "0")


def inside(widget: object, root: Widget) -> bool:
    """Whether ``widget`` is ``root`` or below it (scrollbars count as inside their widget)."""
    node = widget
    while node is not None:
        if node is root:
            return True
        node = getattr(node, "_parent", None)
    return False


def _map_is_current(screen: Screen) -> bool:
    layout = screen._compositor
    return (
        banded.is_installed()
        and layout.root is screen
        and not layout._full_map_invalidated
        and layout._visible_map is None
        and layout.size == screen.outer_size
        and screen.is_current
    )


def _arrange_path(screen: Screen, root: Widget) -> tuple[CompositorMap, set[Widget]]:
    """The compositor's own arrangement, with everything beside the path from the screen to ``root`` skipped."""
    layout = screen._compositor
    skipped: list[Widget] = []
    node: Widget = root
    while node is not screen:
        parent = node._parent
        assert isinstance(parent, Widget)
        skipped.extend(child for child in parent._nodes if child is not node and child._is_mounted)
        node = parent
    for widget in skipped:
        widget._is_mounted = False  # add_widget returns at once for these: their entries stay as they are
    try:
        return layout._arrange_root(screen, layout.size, visible_only=False)
    finally:
        for widget in skipped:
            widget._is_mounted = True


def rearrange(screen: Screen, root: Widget) -> bool:
    """Arrange ``root``'s subtree into the current map (False, map untouched, when only a full layout will do).

    ``root`` is an overlay on the screen (it may appear or disappear) or a widget already on the map whose own
    placement does not depend on its content.
    """
    if not _map_is_current(screen) or not root.is_attached:
        return False
    layout = screen._compositor
    old_map = layout._full_map
    top_level = root._parent is screen
    if top_level:
        # The screen's arrangement with every child as it is (the arrangement below then comes from its cache).
        container = layout.size.region.shrink(screen.styles.gutter)
        arrangement = screen.arrange(
            container.size if screen.loading else screen._get_scrollable_region(container).size
        )
    elif root not in old_map:
        return False
    partial, arranged = _arrange_path(screen, root)
    run = [(widget, geometry) for widget, geometry in partial.items() if inside(widget, root)]
    for widget, geometry in partial.items():
        if not inside(widget, root) and old_map.get(widget) != geometry:
            return False  # something on the path moved too: not this subtree's change alone
    if top_level:
        new_map = _merged_top_level(
            old_map, run, root, screen, [placement.widget for placement in arrangement.placements]
        )
    else:
        if not any(widget is root for widget, _ in run):
            return False  # the root left the map (hidden): its parent's layout changed after all
        new_map = _merged_in_place(old_map, run, root)
        if new_map is None:
            return False
    if checking():
        check(screen, [root], new_map)
    _apply(screen, old_map, new_map, {widget for widget in arranged if inside(widget, root)}, root, run)
    return True


def _merged_in_place(
    old_map: CompositorMap, run: list[tuple[Widget, MapGeometry]], root: Widget
) -> CompositorMap | None:
    """The old map with ``root``'s contiguous run of entries replaced by ``run``."""
    merged: CompositorMap = {}
    placed = False
    for widget, geometry in old_map.items():
        if inside(widget, root):
            if not placed:
                merged.update(run)
                placed = True
            continue
        merged[widget] = geometry
    return merged if placed else None


def _merged_top_level(
    old_map: CompositorMap, run: list[tuple[Widget, MapGeometry]], overlay: Widget, screen: Screen, placed: list[Widget]
) -> CompositorMap:
    """The map with a child of the screen replaced, in the order a full arrangement inserts entries.

    Paint order sorts by each entry's ``order`` key, and overlays share one, so among overlays the insertion
    order decides which is in front: each child of the screen contributes one contiguous run of entries, in
    reverse placement order, then the screen's own entries.
    """
    runs: dict[Widget, list[tuple[Widget, MapGeometry]]] = {}
    rest: list[tuple[Widget, MapGeometry]] = []
    child_of = _ChildOf(screen)
    for widget, geometry in old_map.items():
        top = child_of(widget)
        if top is None:
            rest.append((widget, geometry))
        else:
            runs.setdefault(top, []).append((widget, geometry))
    runs[overlay] = run
    merged: CompositorMap = {}
    for index, child in enumerate(reversed(placed)):
        entries = runs.pop(child, [])
        if child is not overlay:
            entries = _renumbered(entries, -index)
        merged.update(entries)
    runs.pop(overlay, None)
    for entries in runs.values():  # children the screen did not place (none while the map is current)
        merged.update(entries)
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


class _ChildOf:
    """The child of ``screen`` that holds a widget (None for the screen and its own scrollbars), remembered
    along the way: a whole map is asked about, and siblings share every ancestor above them."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.known: dict[object, Widget | None] = {}

    def __call__(self, widget: Widget) -> Widget | None:
        known, screen = self.known, self.screen
        path: list[object] = []
        node: object = widget
        while node not in known:
            parent = getattr(node, "_parent", None)
            if parent is screen:
                known[node] = node if node in screen._nodes else None  # type: ignore[assignment]
                break
            if not isinstance(parent, Widget):
                known[node] = None
                break
            path.append(node)
            node = parent
        top = known[node]
        for visited in path:
            known[visited] = top
        return top


def _same_but_order(before: MapGeometry, after: MapGeometry) -> bool:
    """Whether only the order key differs, for a widget outside every overlay (its order starts with the root's)."""
    return before.order[0] == after.order[0] == _ROOT_ORDER and before._replace(order=()) == after._replace(order=())


def _apply(
    screen: Screen,
    old_map: CompositorMap,
    new_map: CompositorMap,
    new_subtree: set[Widget],
    root: Widget,
    run: list[tuple[Widget, MapGeometry]],
) -> None:
    """Install ``new_map`` and do what Textual does after a layout: repaint what moved, size and event widgets."""
    layout = screen._compositor
    if root._parent is screen:  # an overlay: one walk per family of widgets, not one per widget
        child_of = _ChildOf(screen)
        old_subtree = {widget for widget in layout.widgets if child_of(widget) is root}
    else:
        old_subtree = {widget for widget in layout.widgets if inside(widget, root)}
    layout._full_map = new_map
    layout.widgets = (layout.widgets - old_subtree) | new_subtree
    layout._cuts = None
    layout._layers = None
    layout._layers_visible = None
    layout._visible_widgets = None
    dirty: set[Region] = set()
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
    for widget, geometry in run:
        before = old_map.get(widget)
        resized = before is not None and before.region.size != geometry.region.size
        widget._size_updated(geometry.region.size, geometry.virtual_size, geometry.container_size)
        if widget in shown or resized:
            widget.post_message(events.Resize(geometry.region.size, geometry.virtual_size, geometry.container_size))
    for widget in shown:
        widget.post_message(events.Show())


def check(screen: Screen, roots: Iterable[Widget], current: CompositorMap | None = None) -> None:
    """Raise if what was arranged for ``roots`` differs from what a full layout builds now (order included).

    Only the arranged subtrees and the path to them are compared: a request elsewhere may still be on its way
    to the screen, and a full layout would pick that change up early (the partial one does when it arrives).
    It runs before the arranged widgets learn their sizes, which may show a scrollbar (a layout of its own).
    """
    layout = screen._compositor
    fresh, _ = layout._arrange_root(screen, layout.size, visible_only=False)
    current = layout._full_map if current is None else current
    for root in roots:
        ours = [(widget, geometry) for widget, geometry in current.items() if inside(widget, root)]
        theirs = [(widget, geometry) for widget, geometry in fresh.items() if inside(widget, root)]
        path = [node for node in root.ancestors if isinstance(node, Widget)]
        ours += [(node, current.get(node)) for node in path]
        theirs += [(node, fresh.get(node)) for node in path]
        if ours != theirs:
            different = [(a, b) for a, b in zip(ours, theirs, strict=False) if a != b] or [(ours[-1:], theirs[-1:])]
            raise AssertionError(f"partial layout of {root!r} differs from a full one: {different[0]!r}")


def hand_over_refreshes(screen: Screen, root: Widget) -> None:
    """Give ``screen`` the repaints and layouts ``root``'s subtree asked for, now.

    Textual passes each widget's requests on when that widget next goes idle, a message hop through its own
    queue; a caller about to paint (the completion popup's held frame) would otherwise paint the edit without
    the popup just shown or its new list, and those a frame later. Handed over as soon as they are made, they
    never take that hop (the widget finds nothing to pass on when it goes idle). This is what
    ``Widget._check_refresh`` and the screen's ``_on_update``/``_on_layout`` do with them, done in one step.
    """
    handed = False
    for widget in root.walk_children(Widget, with_self=True):
        if widget._repaint_required:
            widget._repaint_required = False
            if widget.display and screen in screen._compositor:
                screen._dirty_widgets.add(widget)
                handed = True
        if widget._layout_required:
            widget._layout_required = False
            _ask_layout(screen, widget)
            handed = True
    if handed:
        screen.check_idle()  # what the screen does on receiving them: its frame timer resumes


def end_hold(app: App[object], handed_over: Widget | None = None) -> None:
    """End one repaint hold (``app._begin_batch``); when it was the last, paint the held frame now.

    Textual's frame timer skips a tick that falls inside a hold and then sleeps to its next tick: what was held
    waited up to a whole frame more. ``handed_over``'s own pending requests reach the screen first.
    """
    app._end_batch()
    if app._batch_count:
        return  # another hold paints when it ends
    with contextlib.suppress(Exception):  # the screen may be gone (shutting down)
        screen = app.screen
        if handed_over is not None:
            hand_over_refreshes(screen, handed_over)
        if screen._dirty_widgets or screen._layout_required:
            screen._on_timer_update()
        else:
            screen.check_idle()


def _ask_layout(screen: Screen, widget: Widget) -> None:
    """``Widget._check_refresh``'s layout branch and ``Screen._on_layout`` for one widget (Textual 8.2)."""
    for ancestor in widget.ancestors:
        if not isinstance(ancestor, Widget):
            break
        ancestor._clear_arrangement_cache()
        ancestor._layout_updates += 1
        if not ancestor.styles.auto_dimensions:
            break
    requests = screen._layout_widgets
    asking: Widget = widget
    for ancestor in widget.ancestors:
        if not isinstance(ancestor, Widget):
            break
        if ancestor not in requests:
            requests[ancestor] = set()
        if asking not in requests:
            requests[ancestor].add(asking)
            screen._layout_required = True
        if not ancestor.styles.auto_dimensions:
            break
        asking = ancestor


# ----------------------------------------------------------------- the screen's layout pass


def _roots(requests: dict[object, set[Widget]], screen: Screen) -> list[Widget] | None:
    """The widgets whose subtrees the pending requests need arranged (None: only a full layout will do).

    Textual records every ancestor a request passed (up to the first whose size does not follow its content)
    as a key, and only sometimes the child it came from; so each key is followed up to where its request
    stopped. A request reaches the screen itself from one of its direct children: for an overlay (the
    completion popup shown, moved or resized) nothing else moves, so the overlay is arranged alone; any other
    child takes room from its siblings.
    """
    roots: dict[Widget, None] = {}  # in request order: a set's order would differ from run to run
    for widget, asking in requests.items():
        if widget is screen:
            if not all(child._parent is screen and child.styles.overlay == "screen" for child in asking):
                return None
            roots.update(dict.fromkeys(asking))
            continue
        if not isinstance(widget, Widget):
            return None
        node = widget
        while node.styles.auto_dimensions:
            parent = node._parent
            if parent is screen:
                if node.styles.overlay != "screen":
                    return None
                break
            if not isinstance(parent, Widget):
                return None
            node = parent
        roots[node] = None
    if not roots:
        return None
    return [root for root in roots if not any(other is not root and inside(root, other) for other in roots)]


def _refresh_layout(self: Screen, size: Size | None = None, scroll: bool = False) -> None:
    """Textual's ``Screen._refresh_layout``, arranging only the subtrees that asked when that is enough."""
    full = getattr(self, "_symphony_full_layout", True)
    self._symphony_full_layout = False
    if full or size is not None or scroll or not self._layout_widgets or not _map_is_current(self):
        return _original_refresh_layout(self, size, scroll)
    roots = _roots(self._layout_widgets, self)
    if roots is None:
        return _original_refresh_layout(self, size, scroll)
    self._compositor.update_widgets(self._dirty_widgets)
    self._update_timer.pause()
    try:
        for root in roots:
            if not rearrange(self, root):
                return _original_refresh_layout(self, size, scroll)
    except Exception as error:  # as Textual's own layout does
        self.app._handle_exception(error)
        return None
    self._layout_widgets.clear()
    if self.is_current:
        if self.app._batch_count:
            self.call_later(self._compositor_refresh)
        else:
            self._compositor_refresh()
    self.screen_layout_refresh_signal.publish(self.screen)
    return None


def _refresh(
    self: Screen, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
) -> Screen:
    if layout:
        self._symphony_full_layout = True  # asked of the screen itself (a mount on it, a resize): arrange it all
    return Widget.refresh(self, *regions, repaint=repaint, layout=layout, recompose=recompose)


def _replaces_same_widget(self: messages.Layout, message: object) -> bool:
    """A queued layout request is replaced only by a newer one from the same widget.

    Textual lets any Layout message replace the one waiting in the screen's queue: its layout arranges the whole
    screen, so one request is as good as another. Partial layouts arrange what asked: a request dropped that way
    (the completion popup hidden together with its documentation pane) left a widget on the map that was no
    longer there.
    """
    return isinstance(message, messages.Layout) and message.widget is self.widget


def install() -> bool:
    """Let screens lay out only what asked (idempotent); False (Textual's path kept) on an untested Textual."""
    if not banded.supported():
        return False
    Screen._refresh_layout = _refresh_layout  # type: ignore[method-assign]
    Screen.refresh = _refresh  # type: ignore[assignment,method-assign]
    messages.Layout.can_replace = _replaces_same_widget  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    """Textual's own layout path (tests compare the two)."""
    Screen._refresh_layout = _original_refresh_layout  # type: ignore[method-assign]
    messages.Layout.can_replace = _original_can_replace  # type: ignore[method-assign]
    if "refresh" in Screen.__dict__:
        del Screen.refresh


__all__ = ["check", "checking", "end_hold", "hand_over_refreshes", "inside", "install", "rearrange", "uninstall"]
