"""Counts the history rows dropped from the top of the scrollback, so screen-coordinate marks can follow their text.

Screen coordinates (``terminal.selection``) number rows from the oldest line kept; when libghostty-vt prunes
old pages (the scrollback limit) or the program clears the history (``ESC [ 3 J``), every kept row moves up and
a selection or search match left as is would highlight other text. A *tracked grid ref* is a libghostty pin
that follows its row through pruning: one is kept on the bottom row of the screen, re-pinned after each write,
and the rows its screen ``y`` lost since are the rows dropped above it.
"""

from __future__ import annotations

from typing import Any

from pyghostty._ffi import union_fn  # type: ignore[import-untyped]

from terminal._ghostty import check, ffi, lib, owned

UNKNOWN_SHIFT = 1 << 62
"""Reported when the pin itself was pruned (a single write longer than the whole history): every mark is gone."""

# GhosttyPoint holds a union, which ABI-mode cffi cannot pass by value; pyghostty declares a layout twin.
_TRACK = "GhosttyResult(*)(GhosttyTerminal, GhosttyPointS, GhosttyTrackedGridRef*)"
_SET = "GhosttyResult(*)(GhosttyTrackedGridRef, GhosttyTerminal, GhosttyPointS)"


class HistoryShift:
    """Rows dropped above the screen since the last ``take()``, for one terminal."""

    def __init__(self, terminal: Any, rows: int) -> None:
        self._t = terminal
        self._point = ffi.new("GhosttyPointS*")
        self._point.tag = lib.GHOSTTY_POINT_TAG_ACTIVE
        self._coordinate = ffi.new("GhosttyPointCoordinate*")
        ref = ffi.new("GhosttyTrackedGridRef*")
        self._point.value.x, self._point.value.y = 0, rows - 1
        check(union_fn("ghostty_terminal_grid_ref_track", _TRACK)(terminal, self._point[0], ref), "grid_ref_track")
        self._ref_handle = owned(ref, "ghostty_tracked_grid_ref_free")
        self._ref = ref[0]
        self._pinned_y = self._screen_y() or 0
        self._shift = 0

    def _screen_y(self) -> int | None:
        if not lib.ghostty_tracked_grid_ref_has_value(self._ref):
            return None
        result = lib.ghostty_tracked_grid_ref_point(self._ref, lib.GHOSTTY_POINT_TAG_SCREEN, self._coordinate)
        return int(self._coordinate.y) if result == 0 else None

    def observe(self, rows: int) -> None:
        """Account for what the last write dropped, then pin the bottom row again (call after every write)."""
        y = self._screen_y()
        if y is None:
            self._shift = UNKNOWN_SHIFT
        elif y < self._pinned_y:
            self._shift = min(self._shift + self._pinned_y - y, UNKNOWN_SHIFT)
        self._point.value.y = rows - 1
        check(union_fn("ghostty_tracked_grid_ref_set", _SET)(self._ref, self._t, self._point[0]), "grid_ref_set")
        self._pinned_y = self._screen_y() or 0

    def take(self) -> int:
        """Rows dropped since the previous call (``UNKNOWN_SHIFT`` if too many to know)."""
        shift, self._shift = self._shift, 0
        return shift
