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

from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget

from symphony_tui import partial_layout

log = logging.getLogger("symphony.overlay")

_original_refresh = Widget.refresh


_held: tuple[Widget, list[Widget]] | None = None
"""The overlay whose layout requests are being recorded, and the widgets that asked (one hold at a time)."""


def _refresh_holding_layout(
    self: Widget, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
) -> Widget:
    if layout and _held is not None and partial_layout.inside(self, _held[0]):
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
    if (
        not isinstance(screen, Screen)
        or screen._layout_required
        or screen._layout_widgets
        or screen._scroll_required
        or overlay.styles.overlay != "screen"
        or not partial_layout.rearrange(screen, overlay)
    ):
        return False
    screen._dirty_widgets.add(screen)  # asks for the paint of what moved (a hidden overlay would not)
    screen.check_idle()
    screen.screen_layout_refresh_signal.publish(screen)
    return True


__all__ = ["relayout", "restyle"]
