"""TerminalEmulator: a VT/xterm state machine. Bytes in, damaged viewport lines out.

Usage (no PTY, no UI, no threads)::

    emu = TerminalEmulator(cols=80, rows=24, scrollback=10_000)
    damaged = emu.feed(b"\\x1b[1;31mhello\\x1b[0m\\r\\n")   # frozenset({0, 1})
    emu.line(0).cells[0]          # Cell(text='h', width=1, style=Style(fg=1, bold=True, ...))
    emu.cursor                    # Cursor(x=0, y=1, visible=True, shape=CursorShape.BLOCK, ...)
    emu.modes.bracketed_paste     # False
    emu.drain_events()            # [TitleChanged('...'), CwdChanged(...), ClipboardWrite(...), Bell()]
    emu.drain_replies()           # bytes the program asked for (DA, DSR...) to write back to the PTY
    emu.encode_key("ctrl+up")     # b"\\x1b[1;5A"
    emu.encode_paste("ls\\n")      # fenced when the program enabled bracketed paste

Line indices are viewport rows, 0 at the top. ``feed`` never raises on program output: invalid UTF-8 becomes
U+FFFD, unknown or truncated sequences are dropped or wait for more bytes, huge parameters are clamped.

The engine is libghostty-vt (see ``terminal/_ghostty.py`` for why). This class is not thread-safe: one owner at a
time (``TerminalSession`` serialises the reader thread and the UI behind a lock). The C calls release the GIL.

Scrollback: ``scroll_viewport(-n)`` shows older lines (primary screen only), ``scroll_to_bottom()`` returns;
``viewport_offset`` is 0 at the bottom. Output arriving while scrolled back keeps the viewport where the user put
it. ``text()`` and ``history_text()`` give plain text for copy and search.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.errors import ValidationError
from terminal._ghostty import CELL_LAYOUT, NO_VALUE, check, ffi, lib, new_sized, owned, string_of
from terminal.events import Bell, ClipboardTarget, ClipboardWrite, CwdChanged, TerminalEvent, TitleChanged
from terminal.history_shift import HistoryShift
from terminal.input import InputEncoder, MouseEvent
from terminal.joining import may_change_earlier_cells
from terminal.modes import MouseFormat, MouseTracking, TerminalModes
from terminal.screen import BLANK_CELL, DEFAULT_STYLE, Cell, Color, Cursor, CursorShape, Line, Style, UnderlineStyle
from terminal.selection import ScreenPoint, TextRange

ffi.cdef(
    """
    typedef struct { uint16_t x; uint32_t y; uint64_t _pad; } SymphonyPointValue;
    typedef struct { GhosttyPointTag tag; SymphonyPointValue value; } SymphonyPoint;
    typedef struct { GhosttyTerminalScrollViewportTag tag; int64_t delta; uint64_t _pad; } SymphonyScrollViewport;
    """
)
# cffi's ABI mode cannot pass unions by value; these twins have the real types' layout and calling convention.
assert ffi.sizeof("SymphonyPoint") == ffi.sizeof("GhosttyPoint")
assert ffi.offsetof("SymphonyPoint", "value") == ffi.offsetof("GhosttyPoint", "value")
assert ffi.sizeof("SymphonyScrollViewport") == ffi.sizeof("GhosttyTerminalScrollViewport")
_grid_ref_fn = ffi.cast(
    "GhosttyResult(*)(GhosttyTerminal, SymphonyPoint, GhosttyGridRef*)", ffi.addressof(lib, "ghostty_terminal_grid_ref")
)
_scroll_fn = ffi.cast(
    "void(*)(GhosttyTerminal, SymphonyScrollViewport)", ffi.addressof(lib, "ghostty_terminal_scroll_viewport")
)

_TAG_GRAPHEME = lib.GHOSTTY_CELL_CONTENT_CODEPOINT_GRAPHEME
_CELL_CACHE_LIMIT = 65_536
"""Distinct (cell value, style) pairs kept; a flood uses a few hundred, and the cache restarts past this."""
_STYLE_INTERN_LIMIT = 4096

MAX_DIMENSION = 4096
"""Columns/rows beyond this are refused: nothing legitimate needs them and the grid memory grows with the product."""

_MODE_APP_CURSOR = 1
_MODE_AUTOWRAP = 7
_MODE_CURSOR_VISIBLE = 25
_MODE_APP_KEYPAD = 66
_MODE_FOCUS = 1004
_MODE_MOUSE_UTF8 = 1005
_MODE_MOUSE_SGR = 1006
_MODE_ALT_SCROLL = 1007
_MODE_MOUSE_URXVT = 1015
_MODE_MOUSE_SGR_PIXELS = 1016
_MODE_BRACKETED_PASTE = 2004
_MODE_SYNC_OUTPUT = 2026
_ANSI_MODE_INSERT = 4
# Most specific first: a program may leave 1000 set while enabling 1003.
_MOUSE_TRACKING_MODES = (
    (1003, MouseTracking.ANY),
    (1002, MouseTracking.BUTTON),
    (1000, MouseTracking.NORMAL),
    (9, MouseTracking.X10),
)

_CLIPBOARD_TARGETS = {
    lib.GHOSTTY_CLIPBOARD_LOCATION_STANDARD: ClipboardTarget.CLIPBOARD,
    lib.GHOSTTY_CLIPBOARD_LOCATION_SELECTION: ClipboardTarget.SELECTION,
    lib.GHOSTTY_CLIPBOARD_LOCATION_PRIMARY: ClipboardTarget.PRIMARY,
}


def _check_size(cols: int, rows: int) -> None:
    if not (1 <= cols <= MAX_DIMENSION and 1 <= rows <= MAX_DIMENSION):
        raise ValidationError(
            f"Terminal size {cols}x{rows} is out of range",
            hint=f"Columns and rows must be between 1 and {MAX_DIMENSION}.",
            data={"cols": cols, "rows": rows},
        )


def _color(value: Any) -> Color:
    tag = value.tag
    if tag == lib.GHOSTTY_STYLE_COLOR_PALETTE:
        return int(value.value.palette)
    if tag == lib.GHOSTTY_STYLE_COLOR_RGB:
        rgb = value.value.rgb
        return (int(rgb.r), int(rgb.g), int(rgb.b))
    return None


def _style(raw: Any) -> Style:
    return Style(
        fg=_color(raw.fg_color),
        bg=_color(raw.bg_color),
        underline_color=_color(raw.underline_color),
        bold=bool(raw.bold),
        dim=bool(raw.faint),
        italic=bool(raw.italic),
        underline=UnderlineStyle(raw.underline) if 0 <= raw.underline <= 5 else UnderlineStyle.SINGLE,
        blink=bool(raw.blink),
        reverse=bool(raw.inverse),
        invisible=bool(raw.invisible),
        strikethrough=bool(raw.strikethrough),
        overline=bool(raw.overline),
    )


class TerminalEmulator:
    """A VT/xterm screen: ``feed`` program output, read ``line``/``cursor``/``modes``, encode input back."""

    def __init__(
        self,
        cols: int = 80,
        rows: int = 24,
        *,
        scrollback: int = 10_000,
        on_event: Callable[[TerminalEvent], None] | None = None,
    ) -> None:
        """``scrollback`` is the number of lines kept above the screen; ``on_event`` also sees each event."""
        _check_size(cols, rows)
        if scrollback < 0:
            raise ValidationError(
                f"Scrollback of {scrollback} lines is negative",
                hint="Set terminal.scrollback to 0 or more lines.",
                data={"scrollback": scrollback},
            )
        self._cols, self._rows = cols, rows
        handle = ffi.new("GhosttyTerminal*")
        check(lib.ghostty_terminal_new(ffi.NULL, handle, cols, rows), "terminal_new")
        self._handle = owned(handle, "ghostty_terminal_free")
        self._t = handle[0]
        check(
            lib.ghostty_terminal_set(
                self._t, lib.GHOSTTY_TERMINAL_OPT_SCROLLBACK_MAX_LINES, ffi.new("size_t*", scrollback)
            ),
            "set scrollback",
        )
        self._new_render_state()
        self._history_shift = HistoryShift(self._t, rows)
        rows_it = ffi.new("GhosttyRenderStateRowIterator*")
        check(lib.ghostty_render_state_row_iterator_new(ffi.NULL, rows_it), "row_iterator_new")
        self._rows_it_handle = owned(rows_it, "ghostty_render_state_row_iterator_free")
        self._rows_it = rows_it
        cells = ffi.new("GhosttyRenderStateRowCells*")
        check(lib.ghostty_render_state_row_cells_new(ffi.NULL, cells), "row_cells_new")
        self._cells_handle = owned(cells, "ghostty_render_state_row_cells_free")
        self._cells = cells
        self._scratch_style = new_sized("GhosttyStyle")
        self._scratch_u32 = ffi.new("uint32_t*")
        self._scratch_dirty = ffi.new("GhosttyRenderStateDirty*")
        self._scratch_y = ffi.new("uint16_t*")
        self._scratch_view = ffi.new("GhosttyCellsView*")
        self._scratch_row = ffi.new("GhosttyRow*")
        self._scratch_bool = ffi.new("bool*")

        self._lines: dict[int, Line] = {}
        self._cell_cache: dict[tuple[int, int], Cell] = {}
        self._style_intern: dict[Style, Style] = {DEFAULT_STYLE: DEFAULT_STYLE}
        """One object per distinct style, so ``id(style)`` can key the cell cache; as many as the program used."""
        self._events: list[TerminalEvent] = []
        self._replies: list[bytes] = []
        self._on_event = on_event
        self._callback_error: BaseException | None = None
        self._install_callbacks()
        self._input = InputEncoder(self._t)
        self._refresh()

    # ----------------------------------------------------------------- feeding
    def feed(self, data: bytes) -> frozenset[int]:
        """Parse program output; returns the viewport rows whose content or style changed."""
        if data:
            lib.ghostty_terminal_vt_write(self._t, data, len(data))
            if may_change_earlier_cells(data):
                self._new_render_state()  # see terminal.joining: the library would not mark that row dirty
            self._history_shift.observe(self._rows)
        if self._callback_error is not None:
            error, self._callback_error = self._callback_error, None
            raise error
        return self._refresh()

    def _new_render_state(self) -> None:
        """A render state that copies every row on its next update (cheap: one viewport)."""
        state = ffi.new("GhosttyRenderState*")
        check(lib.ghostty_render_state_new(ffi.NULL, state), "render_state_new")
        self._state_handle = owned(state, "ghostty_render_state_free")
        self._state = state[0]
        self._lines = {}

    def _refresh(self) -> frozenset[int]:
        """Pull terminal changes into the render state; drop cached lines for the rows that changed."""
        check(lib.ghostty_render_state_update(self._state, self._t), "render_state_update")
        lib.ghostty_render_state_get(self._state, lib.GHOSTTY_RENDER_STATE_DATA_DIRTY, self._scratch_dirty)
        dirty = self._scratch_dirty[0]
        if dirty == lib.GHOSTTY_RENDER_STATE_DIRTY_FALSE:
            return frozenset()
        if dirty == lib.GHOSTTY_RENDER_STATE_DIRTY_FULL:
            damaged = frozenset(range(self._rows))
        else:
            check(
                lib.ghostty_render_state_get(self._state, lib.GHOSTTY_RENDER_STATE_DATA_ROW_ITERATOR, self._rows_it),
                "row_iterator",
            )
            found: set[int] = set()
            while lib.ghostty_render_state_row_iterator_next_dirty(self._rows_it[0], self._scratch_y):
                found.add(int(self._scratch_y[0]))
            damaged = frozenset(found)
        lib.ghostty_render_state_clean(self._state)
        if len(damaged) == self._rows:
            self._lines.clear()
        else:
            for y in damaged:
                self._lines.pop(y, None)
        return damaged

    # ----------------------------------------------------------------- reading
    @property
    def cols(self) -> int:
        """Width in cells."""
        return self._cols

    @property
    def rows(self) -> int:
        """Height in cells."""
        return self._rows

    def line(self, y: int) -> Line:
        """Viewport row ``y`` (0 = top) as immutable cells; cached until the row is damaged."""
        cached = self._lines.get(y)
        if cached is not None:
            return cached
        if not 0 <= y < self._rows:
            raise IndexError(f"row {y} is outside the {self._rows}-row viewport")
        self._read_rows({y})
        return self._lines[y]

    def lines(self) -> list[Line]:
        """Every viewport row, top to bottom."""
        missing = {y for y in range(self._rows) if y not in self._lines}
        if missing:
            self._read_rows(missing)
        return [self._lines[y] for y in range(self._rows)]

    def _read_rows(self, wanted: set[int]) -> None:
        check(
            lib.ghostty_render_state_get(self._state, lib.GHOSTTY_RENDER_STATE_DATA_ROW_ITERATOR, self._rows_it),
            "row_iterator",
        )
        y = 0
        it = self._rows_it[0]
        while lib.ghostty_render_state_row_iterator_next(it):
            if y in wanted:
                self._lines[y] = self._read_row(it, y)
            y += 1
        for missing in wanted - self._lines.keys():  # only if the library reported fewer rows than we expect
            self._lines[missing] = Line(cells=(BLANK_CELL,) * self._cols)

    def _read_row(self, it: Any, y: int) -> Line:
        layout = CELL_LAYOUT
        view = self._scratch_view
        check(lib.ghostty_render_state_row_get(it, lib.GHOSTTY_RENDER_STATE_ROW_DATA_CELLS_RAW, view), "cells_raw")
        raw_cells = ffi.unpack(view.ptr, view.len) if view.len else []
        check(lib.ghostty_render_state_row_get(it, lib.GHOSTTY_RENDER_STATE_ROW_DATA_RAW, self._scratch_row), "row")
        lib.ghostty_row_get(self._scratch_row[0], lib.GHOSTTY_ROW_DATA_WRAP, self._scratch_bool)
        wrapped = bool(self._scratch_bool[0])
        cells_loaded = False
        styles: dict[int, Style] = {0: DEFAULT_STYLE}
        cache = self._cell_cache
        if len(cache) > _CELL_CACHE_LIMIT or len(self._style_intern) > _STYLE_INTERN_LIMIT:
            # Together: a key holds id(style), which may be reused once the interned style is dropped.
            cache.clear()
            self._style_intern = {DEFAULT_STYLE: DEFAULT_STYLE}
        style_shift, style_mask, link_shift = layout.style_shift, layout.style_mask, layout.link_shift
        out: list[Cell] = []
        append = out.append
        for x, value in enumerate(raw_cells):
            style_id = (value >> style_shift) & style_mask
            style = styles.get(style_id)
            tag = (value >> layout.tag_shift) & layout.tag_mask
            if style is None or tag == _TAG_GRAPHEME:
                if not cells_loaded:
                    check(
                        lib.ghostty_render_state_row_get(it, lib.GHOSTTY_RENDER_STATE_ROW_DATA_CELLS, self._cells),
                        "row_cells",
                    )
                    cells_loaded = True
                check(lib.ghostty_render_state_row_cells_select(self._cells[0], x), "row_cells_select")
            if style is None:
                raw_style = self._scratch_style
                check(
                    lib.ghostty_render_state_row_cells_get(
                        self._cells[0], lib.GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_STYLE, raw_style
                    ),
                    "cell style",
                )
                fresh = _style(raw_style)
                style = styles[style_id] = self._style_intern.setdefault(fresh, fresh)
            # The packed value holds content, style id, width and flags but no position, so (value, style) names
            # the cell: a flood repeats a few hundred of them, and building frozen dataclasses was the cost.
            linked = (value >> link_shift) & 1
            key = (value, id(style))
            if tag != _TAG_GRAPHEME and not linked:
                cached = cache.get(key)
                if cached is not None:
                    append(cached)
                    continue
            cell = self._make_cell(value, tag, style, x, y, linked)
            if tag != _TAG_GRAPHEME and not linked:
                cache[key] = cell
            append(cell)
        return Line(cells=tuple(out), wrapped=wrapped)

    def _make_cell(self, value: int, tag: int, style: Style, x: int, y: int, linked: int) -> Cell:
        layout = CELL_LAYOUT
        content = value >> layout.content_shift
        if tag == lib.GHOSTTY_CELL_CONTENT_BG_COLOR_PALETTE:
            text = " "
            style = Style(bg=int(content & 0xFF))
        elif tag == lib.GHOSTTY_CELL_CONTENT_BG_COLOR_RGB:
            text = " "
            style = Style(bg=(content & 0xFF, (content >> 8) & 0xFF, (content >> 16) & 0xFF))
        else:
            codepoint = content & layout.codepoint_mask
            text = chr(codepoint) if 0 < codepoint < 0x110000 else " "
            if tag == _TAG_GRAPHEME:
                text = self._grapheme(text)
        width = 1
        wide = (value >> layout.wide_shift) & layout.wide_mask
        if wide == lib.GHOSTTY_CELL_WIDE_WIDE:
            width = 2
        elif wide == lib.GHOSTTY_CELL_WIDE_SPACER_TAIL:
            width, text = 0, ""
        elif wide == lib.GHOSTTY_CELL_WIDE_SPACER_HEAD:
            text = " "
        link = self._hyperlink(x, y) if linked else None
        if text == " " and style is DEFAULT_STYLE and link is None and width == 1:
            return BLANK_CELL
        return Cell(text=text, width=width, style=style, hyperlink=link)

    def _grapheme(self, first: str) -> str:
        length = self._scratch_u32
        cells = self._cells[0]
        check(
            lib.ghostty_render_state_row_cells_get(
                cells, lib.GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_GRAPHEMES_LEN, length
            ),
            "graphemes_len",
        )
        if not length[0]:
            return first
        buf = ffi.new("uint32_t[]", int(length[0]))
        check(
            lib.ghostty_render_state_row_cells_get(cells, lib.GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_GRAPHEMES_BUF, buf),
            "graphemes_buf",
        )
        return "".join(chr(cp) for cp in buf if 0 < cp < 0x110000) or first

    def _hyperlink(self, x: int, y: int) -> str | None:
        point = ffi.new("SymphonyPoint*", {"tag": lib.GHOSTTY_POINT_TAG_VIEWPORT, "value": {"x": x, "y": y}})
        ref = new_sized("GhosttyGridRef")
        if _grid_ref_fn(self._t, point[0], ref) != 0:
            return None
        size = ffi.new("size_t*")
        lib.ghostty_grid_ref_hyperlink_uri(ref, ffi.NULL, 0, size)
        if not size[0]:
            return None
        buf = ffi.new("uint8_t[]", int(size[0]))
        if lib.ghostty_grid_ref_hyperlink_uri(ref, buf, len(buf), size) != 0:
            return None
        return bytes(ffi.buffer(buf, size[0])).decode("utf-8", "replace")

    @property
    def cursor(self) -> Cursor:
        """The cursor as the last ``feed`` left it, in viewport coordinates."""
        raw = new_sized("GhosttyRenderStateCursor")
        check(lib.ghostty_render_state_get(self._state, lib.GHOSTTY_RENDER_STATE_DATA_CURSOR, raw), "cursor")
        x = self._get("CURSOR_X", "uint16_t")
        y = self._get("CURSOR_Y", "uint16_t")
        in_view = bool(raw.viewport_has_value)
        if in_view:
            x, y = int(raw.viewport_x), int(raw.viewport_y)
        return Cursor(
            x=int(x),
            y=int(y),
            visible=bool(raw.visible) and in_view,
            shape=CursorShape(int(raw.visual_style)) if 0 <= raw.visual_style <= 3 else CursorShape.BLOCK,
            blinking=bool(raw.blinking),
        )

    def mode(self, number: int, *, ansi: bool = False) -> bool:
        """Whether DEC private mode ``number`` (or ANSI mode with ``ansi=True``) is set; unknown modes are False."""
        config = ffi.new("GhosttyTerminalModeConfig*")
        config.mode = (number & 0x7FFF) | (int(ansi) << 15)
        if lib.ghostty_terminal_get(self._t, lib.GHOSTTY_TERMINAL_DATA_MODE, config) != 0:
            return False
        return bool(config.value)

    @property
    def modes(self) -> TerminalModes:
        """The input- and display-relevant modes the program has set."""
        tracking = MouseTracking.NONE
        for number, kind in _MOUSE_TRACKING_MODES:
            if self.mode(number):
                tracking = kind
                break
        if self.mode(_MODE_MOUSE_SGR_PIXELS):
            mouse_format = MouseFormat.SGR_PIXELS
        elif self.mode(_MODE_MOUSE_SGR):
            mouse_format = MouseFormat.SGR
        elif self.mode(_MODE_MOUSE_URXVT):
            mouse_format = MouseFormat.URXVT
        elif self.mode(_MODE_MOUSE_UTF8):
            mouse_format = MouseFormat.UTF8
        else:
            mouse_format = MouseFormat.X10
        return TerminalModes(
            application_cursor=self.mode(_MODE_APP_CURSOR),
            application_keypad=self.mode(_MODE_APP_KEYPAD),
            bracketed_paste=self.mode(_MODE_BRACKETED_PASTE),
            focus_events=self.mode(_MODE_FOCUS),
            mouse_tracking=tracking,
            mouse_format=mouse_format,
            alternate_screen=self._get("ACTIVE_SCREEN", "GhosttyTerminalScreen")
            == lib.GHOSTTY_TERMINAL_SCREEN_ALTERNATE,
            alternate_scroll=self.mode(_MODE_ALT_SCROLL),
            cursor_visible=self.mode(_MODE_CURSOR_VISIBLE),
            auto_wrap=self.mode(_MODE_AUTOWRAP),
            insert=self.mode(_ANSI_MODE_INSERT, ansi=True),
            synchronized_output=self.mode(_MODE_SYNC_OUTPUT),
            kitty_keyboard_flags=int(self._get("KITTY_KEYBOARD_FLAGS", "uint8_t")),
        )

    @property
    def title(self) -> str:
        """The last OSC 0/2 title ("" if none)."""
        return self._get_string("TITLE")

    @property
    def cwd(self) -> str:
        """The last OSC 7 working directory as sent ("" if none)."""
        return self._get_string("PWD")

    def _get(self, key: str, ctype: str) -> Any:
        out = ffi.new(ctype + "*")
        check(lib.ghostty_terminal_get(self._t, getattr(lib, f"GHOSTTY_TERMINAL_DATA_{key}"), out), f"get {key}")
        return out[0]

    def _get_string(self, key: str) -> str:
        out = ffi.new("GhosttyString*")
        result = lib.ghostty_terminal_get(self._t, getattr(lib, f"GHOSTTY_TERMINAL_DATA_{key}"), out)
        if result == NO_VALUE:
            return ""
        check(result, f"get {key}")
        return string_of(out)

    def text(self) -> str:
        """The viewport as plain text, one line per row, trailing blanks trimmed."""
        return "\n".join(line.text for line in self.lines())

    def history_text(self) -> str:
        """Scrollback plus screen as plain text, soft-wrapped lines joined (for copy-all and search)."""
        selection = new_sized("GhosttySelection")
        result = lib.ghostty_terminal_select_all(self._t, selection)
        if result == NO_VALUE:
            return ""
        check(result, "select_all")
        return self._format(selection)

    def text_in(self, span: TextRange) -> str:
        """The text a selection covers, soft-wrapped rows joined and trailing blanks trimmed (what copy puts)."""
        last_row = self.scrollback_rows + self._rows - 1
        selection = new_sized("GhosttySelection")
        for name, point in (("start", span.start), ("end", span.end)):
            y = min(max(point.y, 0), last_row)
            x = min(max(point.x, 0), self._cols - 1)
            screen_point = ffi.new("SymphonyPoint*", {"tag": lib.GHOSTTY_POINT_TAG_SCREEN, "value": {"x": x, "y": y}})
            check(_grid_ref_fn(self._t, screen_point[0], ffi.addressof(selection[0], name)), "grid_ref")
        return self._format(selection)

    def _format(self, selection: Any) -> str:
        options = new_sized("GhosttyTerminalSelectionFormatOptions")
        options.emit = lib.GHOSTTY_FORMATTER_FORMAT_PLAIN
        options.unwrap, options.trim, options.selection = True, True, selection
        size = ffi.new("size_t*")
        lib.ghostty_terminal_selection_format_buf(self._t, options[0], ffi.NULL, 0, size)
        buf = ffi.new("uint8_t[]", max(int(size[0]), 1))
        check(lib.ghostty_terminal_selection_format_buf(self._t, options[0], buf, len(buf), size), "format")
        return bytes(ffi.buffer(buf, size[0])).decode("utf-8", "replace")

    def word_at(self, point: ScreenPoint) -> TextRange | None:
        """The word (or run of blanks) under ``point``, as libghostty-vt delimits words: what a double click selects.

        None past the end of the row's text.
        """
        last_row = self.scrollback_rows + self._rows - 1
        x, y = min(max(point.x, 0), self._cols - 1), min(max(point.y, 0), last_row)
        options = new_sized("GhosttyTerminalSelectWordOptions")
        screen_point = ffi.new("SymphonyPoint*", {"tag": lib.GHOSTTY_POINT_TAG_SCREEN, "value": {"x": x, "y": y}})
        check(_grid_ref_fn(self._t, screen_point[0], ffi.addressof(options[0], "ref")), "grid_ref")
        selection = new_sized("GhosttySelection")
        if lib.ghostty_terminal_select_word(self._t, options, selection) != 0:
            return None
        return TextRange.between(self._screen_point(selection.start), self._screen_point(selection.end))

    def _screen_point(self, ref: Any) -> ScreenPoint:
        coordinate = ffi.new("GhosttyPointCoordinate*")
        check(
            lib.ghostty_terminal_point_from_grid_ref(
                self._t, ffi.addressof(ref), lib.GHOSTTY_POINT_TAG_SCREEN, coordinate
            ),
            "point_from_grid_ref",
        )
        return ScreenPoint(int(coordinate.y), int(coordinate.x))

    def search(self, needle: str) -> list[TextRange]:
        """Every occurrence of ``needle`` in the scrollback and screen, oldest first (empty needle: none).

        libghostty-vt's search runs over its own page list, so matches that cross a soft wrap are found and no
        copy of the history is made in Python.
        """
        if not needle:
            return []
        handle = ffi.new("GhosttySearch*")
        check(lib.ghostty_search_new(ffi.NULL, handle, self._t), "search_new")
        keep_alive = owned(handle, "ghostty_search_free")  # freed when this call returns
        search = keep_alive[0]
        encoded = needle.encode("utf-8")
        needle_bytes = ffi.new("uint8_t[]", encoded)
        text = ffi.new("GhosttyString*", {"ptr": needle_bytes, "len": len(encoded)})
        check(lib.ghostty_search_set(search, lib.GHOSTTY_SEARCH_OPT_NEEDLE, text), "search needle")
        check(lib.ghostty_search_run(search), "search_run")
        status = ffi.new("GhosttySearchStatus*")
        while True:
            check(lib.ghostty_search_tick(search, status), "search_tick")
            if status[0] == lib.GHOSTTY_SEARCH_STATUS_COMPLETE:
                break
            if status[0] == lib.GHOSTTY_SEARCH_STATUS_FEED_REQUIRED:
                check(lib.ghostty_search_feed(search), "search_feed")
        total = ffi.new("size_t*")
        check(lib.ghostty_search_get(search, lib.GHOSTTY_SEARCH_DATA_TOTAL_MATCHES, total), "search total")
        count = int(total[0])
        if not count:
            return []
        found = ffi.new("GhosttySelection[]", count)
        buffer = ffi.new("GhosttySelectionBuffer*", {"ptr": found, "cap": count, "len": 0})
        check(lib.ghostty_search_get(search, lib.GHOSTTY_SEARCH_DATA_MATCHES, buffer), "search matches")
        matches = [
            TextRange.between(self._screen_point(m.start), self._screen_point(m.end)) for m in found[0 : buffer.len]
        ]
        matches.sort(key=lambda match: match.start)
        return matches

    # ------------------------------------------------------------- viewport
    @property
    def viewport_top(self) -> int:
        """The screen row (0 = oldest scrollback line) shown at the top of the viewport."""
        bar = ffi.new("GhosttyTerminalScrollbar*")
        check(lib.ghostty_terminal_get(self._t, lib.GHOSTTY_TERMINAL_DATA_SCROLLBAR, bar), "scrollbar")
        return int(bar.offset)

    def reveal_row(self, y: int) -> frozenset[int]:
        """Scroll so screen row ``y`` is visible (a third down from the top when it was not); returns damage."""
        top = self.viewport_top
        if top <= y < top + self._rows:
            return frozenset()
        return self.scroll_viewport(y - self._rows // 3 - top)

    @property
    def scrollback_rows(self) -> int:
        """How many lines are stored above the screen."""
        return int(self._get("SCROLLBACK_ROWS", "size_t"))

    @property
    def viewport_offset(self) -> int:
        """How many lines the viewport is scrolled up from the bottom (0 = following output)."""
        bar = ffi.new("GhosttyTerminalScrollbar*")
        check(lib.ghostty_terminal_get(self._t, lib.GHOSTTY_TERMINAL_DATA_SCROLLBAR, bar), "scrollbar")
        return int(bar.total - bar.offset - bar.len)

    def scroll_viewport(self, delta: int) -> frozenset[int]:
        """Scroll the view by ``delta`` lines (negative = back into history); returns the damaged rows."""
        _scroll_fn(self._t, {"tag": lib.GHOSTTY_SCROLL_VIEWPORT_DELTA, "delta": delta, "_pad": 0})
        return self._refresh()

    def scroll_to_bottom(self) -> frozenset[int]:
        """Return the view to the live screen."""
        _scroll_fn(self._t, {"tag": lib.GHOSTTY_SCROLL_VIEWPORT_BOTTOM, "delta": 0, "_pad": 0})
        return self._refresh()

    def resize(self, cols: int, rows: int) -> frozenset[int]:
        """Change the grid size; the primary screen's soft-wrapped lines reflow. Every row is damaged."""
        _check_size(cols, rows)
        # The pin must not exist during the resize: libghostty-vt would keep its row on screen, pushing the top
        # lines into the history instead of dropping the blank rows below the cursor.
        del self._history_shift
        check(lib.ghostty_terminal_resize(self._t, cols, rows, 1, 1), "resize")
        self._cols, self._rows = cols, rows
        self._history_shift = HistoryShift(self._t, rows)
        self._lines.clear()
        self._refresh()
        return frozenset(range(rows))

    def reset(self) -> frozenset[int]:
        """Full reset (RIS), as ``reset(1)`` would do."""
        lib.ghostty_terminal_reset(self._t)
        self._history_shift.observe(self._rows)
        self._lines.clear()
        self._refresh()
        return frozenset(range(self._rows))

    # ---------------------------------------------------------------- input
    def encode_key(self, key: str, text: str | None = None) -> bytes:
        """Bytes for a key press in the program's current modes (``"ctrl+c"``, ``"up"``, ``"f5"``, ``"é"``)."""
        return self._input.key(key, text)

    def encode_mouse(self, event: MouseEvent) -> bytes:
        """The mouse report for ``event``, or b"" when the program is not tracking that kind of event."""
        return self._input.mouse(event, self._cols, self._rows)

    def encode_paste(self, text: str) -> bytes:
        """Pasted text, bracketed when the program enabled mode 2004."""
        return self._input.paste(text, bracketed=self.mode(_MODE_BRACKETED_PASTE))

    def encode_focus(self, focused: bool) -> bytes:
        """ESC[I / ESC[O when the program enabled focus reporting (mode 1004), else b""."""
        return self._input.focus(focused) if self.mode(_MODE_FOCUS) else b""

    # --------------------------------------------------------------- events
    def drain_events(self) -> list[TerminalEvent]:
        """Events queued since the last call (titles, cwd, clipboard writes, bells), oldest first."""
        events, self._events = self._events, []
        return events

    def drain_history_shift(self) -> int:
        """History rows dropped from the top since the last call (pruned past the scrollback limit, or cleared):
        subtract it from a screen ``y`` to keep a mark on its text (``history_shift.UNKNOWN_SHIFT``: all gone)."""
        return self._history_shift.take()

    def drain_replies(self) -> bytes:
        """Answers the program requested (device attributes, cursor reports...) to be written back to the PTY."""
        replies, self._replies = self._replies, []
        return b"".join(replies)

    def _emit(self, event: TerminalEvent) -> None:
        self._events.append(event)
        if self._on_event is not None:
            self._on_event(event)

    def _install_callbacks(self) -> None:
        def remember_error(exc_type: Any, value: BaseException, tb: Any) -> None:
            if self._callback_error is None:
                self._callback_error = value

        def on_title(terminal: Any, userdata: Any) -> None:
            self._emit(TitleChanged(self.title))

        def on_pwd(terminal: Any, userdata: Any) -> None:
            self._emit(CwdChanged(self.cwd))

        def on_bell(terminal: Any, userdata: Any) -> None:
            self._emit(Bell())

        def on_write_pty(terminal: Any, userdata: Any, data: Any, length: int) -> None:
            self._replies.append(bytes(ffi.buffer(data, length)))

        def on_clipboard(terminal: Any, userdata: Any, write: Any) -> None:
            target = _CLIPBOARD_TARGETS.get(write.location, ClipboardTarget.CLIPBOARD)
            for i in range(write.contents_len):
                content = write.contents[i]
                mime = string_of(content.mime)
                if not mime or mime.startswith("text/"):
                    self._emit(ClipboardWrite(string_of(content.data), target))
                    break
            if write.reply != ffi.NULL:
                reply = new_sized("GhosttyClipboardWriteReply")
                reply.result = lib.GHOSTTY_CLIPBOARD_WRITE_RESULT_SUCCESS
                write.reply(write, reply)

        self._callbacks = [
            (
                lib.GHOSTTY_TERMINAL_OPT_TITLE_CHANGED,
                ffi.callback("GhosttyTerminalTitleChangedFn", on_title, onerror=remember_error),
            ),
            (
                lib.GHOSTTY_TERMINAL_OPT_PWD_CHANGED,
                ffi.callback("GhosttyTerminalPwdChangedFn", on_pwd, onerror=remember_error),
            ),
            (lib.GHOSTTY_TERMINAL_OPT_BELL, ffi.callback("GhosttyTerminalBellFn", on_bell, onerror=remember_error)),
            (
                lib.GHOSTTY_TERMINAL_OPT_WRITE_PTY,
                ffi.callback("GhosttyTerminalWritePtyFn", on_write_pty, onerror=remember_error),
            ),
            (
                lib.GHOSTTY_TERMINAL_OPT_CLIPBOARD_WRITE,
                ffi.callback("GhosttyTerminalClipboardWriteFn", on_clipboard, onerror=remember_error),
            ),
        ]
        for option, callback in self._callbacks:
            check(lib.ghostty_terminal_set(self._t, option, callback), f"set callback {option}")
