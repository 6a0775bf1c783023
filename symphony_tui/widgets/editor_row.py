"""One editor row built in one pass: the cost of a repainted row on the critical path of every keystroke.

The layered path (``WindowedRenderMixin._render_line`` and the four mixins over it) re-read ~50 widget reactives
per row and built ~9 ``Strip`` objects: the styled text, its base style, crop, padding, the gutter join, then
secondary cursors, visible whitespace and two gutter signs each dividing and re-joining the finished row. Here the
widget state every row of a paint shares is read once (:class:`RowFrame`, made per ``render_lines`` call), the
line's styled text is built exactly as before, and its segments are cropped, based, overlaid and joined to the
gutter (with its signs) into the one ``Strip`` returned. Rows the fast path does not cover (wide characters, an
inline suggestion, the empty selected line drawn as ``▌``) go through the layered path, which stays the reference.

``EditorStylesCache`` skips Textual's generic per-line border/padding/tint/opacity work when the editor has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual._styles_cache import StylesCache
from textual.expand_tabs import expand_tabs_inline, expand_text_tabs_from_widths
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from symphony_tui.widgets.editor_render import SHORT_LINE, _tab_widths, _utf8_offsets, visible_window

if TYPE_CHECKING:
    from textual.color import Color
    from textual.css.styles import StylesBase
    from textual.geometry import Size, Spacing


@dataclass(slots=True)
class RowFrame:
    """What every row of one paint shares, read from the widget once."""

    theme: Any
    base_style: Style
    scroll_x: int
    scroll_y: int
    view_width: int
    gutter_width: int
    text_width: int
    tab_width: int
    soft_wrap: bool
    selection: Selection
    has_cursor: bool
    cursor_line_style: Style | None
    """The theme's cursor-line style when the cursor line is highlighted (None otherwise)."""
    highlight_cursor_line: bool
    matching: tuple[int, int] | None
    draw_brackets: bool
    suggestion: str
    suggestion_shown: bool
    draw_cursor: bool
    show_line_numbers: bool
    line_number_start: int
    show_whitespace: bool
    whitespace_marker: Style
    """The style added to whitespace markers (the gutter's colour, else dim)."""
    extras: list[Selection]
    gutter_style: Style
    """The gutter's style on other rows than the cursor's (base included), and on the cursor's."""
    cursor_gutter_style: Style
    git_marks: bool
    """Some source set gutter marks."""
    lsp_signs: bool
    """The language server's decorations may put a sign in the gutter (diagnostics or the lightbulb)."""
    cache_key: tuple[object, ...]
    """The frame's share of each row's cache key (size, theme, bracket, flags)."""


class OnePassRowMixin(TextArea):
    """``_render_line`` as one pass over the row (see the module docstring); ``fast_render = False`` paints
    through the layered chain instead."""

    fast_render: bool = True
    """Paint rows in one pass; False paints through the layered ``_render_line`` chain this replaces (kept as the
    reference that tests and ``benchmarks.editor_render`` compare it with)."""
    _combined_styles: dict[tuple[Style, ...], Style] = {}
    """A run's styles (base first) -> their combination; replaced by the instance's own dict on first use."""
    _frame: RowFrame | None = None
    """Set for the duration of one ``render_lines`` call (widget state cannot change inside it)."""
    _row_extras: tuple[Selection, ...] | None = None
    """Set by ``render_line`` for the row about to be rendered: its secondary selections (found for its key)."""

    def _row_frame(self) -> RowFrame:
        """The current frame: the one of the paint under way, else read afresh."""
        frame = self._frame
        if frame is None:
            frame = self._read_frame()
        if "_combined_styles" not in self.__dict__:
            self._combined_styles = {}
        return frame

    def _read_frame(self) -> RowFrame:
        theme = self._theme
        base_style = theme.base_style if theme and theme.base_style is not None else self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        view_width = self.scrollable_content_region.size.width
        gutter_width = self.gutter_width
        selection = self.selection
        has_cursor = self._has_cursor
        highlight_cursor_line = self.highlight_cursor_line
        cursor_line_style = theme.cursor_line_style if (theme and highlight_cursor_line and has_cursor) else None
        matching = self._matching_bracket_location
        match_cursor_bracket = self.match_cursor_bracket
        suggestion = self.suggestion
        soft_wrap = self.soft_wrap
        show_line_numbers = self.show_line_numbers
        extras: list[Selection] = getattr(self, "extra_selections", None) or []
        gutter_style = theme.gutter_style if theme else None
        cursor_gutter_style = theme.cursor_line_gutter_style if theme else None
        decorations = getattr(self, "decorations", None)
        return RowFrame(
            theme=theme,
            base_style=base_style,
            scroll_x=scroll_x,
            scroll_y=scroll_y,
            view_width=view_width,
            gutter_width=gutter_width,
            text_width=max(0, view_width - gutter_width),
            tab_width=self.indent_width,
            soft_wrap=soft_wrap,
            selection=selection,
            has_cursor=has_cursor,
            cursor_line_style=cursor_line_style,
            highlight_cursor_line=highlight_cursor_line,
            matching=matching,
            draw_brackets=has_cursor and match_cursor_bracket and matching is not None and selection.is_empty,
            suggestion=suggestion,
            suggestion_shown=bool(suggestion) and (self.has_focus or not self.hide_suggestion_on_blur),
            draw_cursor=self._draw_cursor,
            show_line_numbers=show_line_numbers,
            line_number_start=self.line_number_start,
            show_whitespace=getattr(self, "_show_whitespace", False),
            whitespace_marker=Style(color=gutter_style.color)
            if gutter_style is not None and gutter_style.color is not None
            else Style(dim=True),
            extras=extras,
            gutter_style=base_style + gutter_style if gutter_style else base_style,
            cursor_gutter_style=base_style + cursor_gutter_style if cursor_gutter_style else base_style,
            git_marks=bool(getattr(self, "_decoration_gutter", None)),
            lsp_signs=decorations is not None
            and (bool(decorations.diagnostics) or decorations.lightbulb_line is not None),
            cache_key=(
                self.size,
                self.theme,
                matching,
                match_cursor_bracket,
                soft_wrap,
                show_line_numbers,
                self.read_only,
                self.show_cursor,
                suggestion,
            ),
        )

    def _render_line(self, y: int) -> Strip:
        if not self.fast_render:
            return super()._render_line(y)
        frame = self._row_frame()
        unscrolled_key, self._unscrolled_key = self._unscrolled_key, None
        extras, self._row_extras = self._row_extras, None
        wrapped = self.wrapped_document
        y_offset = y + frame.scroll_y
        if y_offset >= wrapped.height:
            return Strip.blank(frame.view_width, frame.base_style)
        try:
            line_index, section = wrapped._offset_to_line_info[y_offset]
        except IndexError:
            return Strip.blank(frame.view_width, frame.base_style)
        raw = self.document[line_index]
        if frame.soft_wrap or len(raw) > SHORT_LINE:
            unscrolled_key = None
        cache = self._line_cache
        styled = cache.get(unscrolled_key) if unscrolled_key is not None else None
        crop_left = frame.scroll_x
        if styled is None:
            built = self._styled_segments(frame, raw, line_index, section)
            if built is None:  # a row the one pass does not cover: the layered path paints it (uncached)
                return super()._render_line(y)
            styled, crop_left = built
            if unscrolled_key is not None:
                cache[unscrolled_key] = styled
        if extras is None:
            extras = self._extras_on_row(line_index) if frame.extras else ()  # type: ignore[attr-defined]
        return self._compose_row(frame, styled, crop_left, line_index, section, raw, y, extras)

    def _styled_segments(
        self, frame: RowFrame, raw: str, line_index: int, section: int
    ) -> tuple[list[Segment], int] | None:
        """The row's text segments (base style applied, from its first character in view) and how many cells
        to crop from their left; None for rows left to the layered path. Mirrors ``WindowedRenderMixin``."""
        theme = frame.theme
        crop_left = 0
        tab_width = frame.tab_width
        if frame.soft_wrap:
            wrapped = self.wrapped_document
            offsets = wrapped.get_offsets(line_index)
            first = offsets[section - 1] if section > 0 else 0
            end = offsets[section] if section < len(offsets) else len(raw)
            tabs_before = raw.count("\t", 0, first)
            tab_widths = wrapped.get_tab_widths(line_index)[tabs_before : tabs_before + raw.count("\t", first, end)]
        elif len(raw) <= SHORT_LINE:
            first, end = 0, len(raw)
            tab_widths = [] if "\t" not in raw else _tab_widths(raw, tab_width)
            crop_left = frame.scroll_x
        else:
            first, end, first_cell, tab_widths = visible_window(raw, frame.scroll_x, frame.text_width, tab_width)
            crop_left = frame.scroll_x - first_cell
        visible = raw[first:end]
        if not visible.isascii() and cell_len(visible.replace("\t", " ")) != len(visible):
            return None  # wide or zero-width characters: the layered path crops them cell by cell
        selection = frame.selection
        start, stop = selection
        cursor_row, cursor_column = stop
        top, bottom = sorted(selection)
        selected = start != stop and top[0] <= line_index <= bottom[0]
        selection_style = theme.selection_style if theme else None
        if selected and selection_style and not raw and line_index != cursor_row:
            return None  # the empty selected line drawn as "▌"
        if cursor_row == line_index and frame.suggestion_shown and first <= cursor_column:
            return None  # the inline suggestion shifts the text after the cursor

        line = Text(visible, end="", no_wrap=True)
        at_line_end = end == len(raw)
        line.set_length(end - first + (1 if at_line_end else 0))

        def clip(column: int | None) -> int:
            if column is None:
                return len(line)
            return min(max(column - first, 0), len(line))

        stylize = line.stylize
        if frame.has_cursor and frame.cursor_line_style and cursor_row == line_index:
            stylize(frame.cursor_line_style)
        if selected and selection_style:
            left = top[1] if line_index == top[0] else 0
            right = bottom[1] if line_index == bottom[0] else len(raw)
            stylize(selection_style, clip(left), clip(right))
        highlights = self._highlights
        if highlights and theme:
            get_style = theme.syntax_styles.get
            spans = highlights[line_index]
            if spans:
                to_char = None if raw.isascii() else _utf8_offsets(raw)
                # ``clip`` and ``stylize`` inlined (the most spans of a row): a span that survives clipping
                # starts inside the text, so ``stylize`` would append it unchanged.
                length = len(line)
                add_span = line._spans.append
                for span_start, span_end, name in spans:
                    style = get_style(name)
                    if style is None:
                        continue
                    if to_char is not None:
                        span_start = to_char.get(span_start, 0)
                        span_end = to_char.get(span_end) if span_end is not None else None
                    left = span_start - first
                    left = 0 if left < 0 else (length if left > length else left)
                    if span_end is None:
                        right = length
                    else:
                        right = span_end - first
                        right = 0 if right < 0 else (length if right > length else right)
                    if right > left:
                        add_span(Span(left, right, style))
        self.decorate_line(line, line_index, clip)  # type: ignore[attr-defined]
        matching = frame.matching
        bracket_style = theme.bracket_matching_style if theme else None
        if cursor_row == line_index:
            if frame.draw_brackets and bracket_style and first <= cursor_column < end:
                stylize(bracket_style, clip(cursor_column), clip(cursor_column) + 1)
            if frame.draw_cursor and theme and theme.cursor_style and first <= cursor_column <= end:
                at = clip(cursor_column)
                stylize(theme.cursor_style, at, at + 1)
        if (
            frame.draw_brackets
            and bracket_style
            and matching is not None
            and matching[0] == line_index
            and first <= matching[1] < end
        ):
            stylize(bracket_style, clip(matching[1]), clip(matching[1]) + 1)
        if tab_widths:
            line = expand_text_tabs_from_widths(line, tab_widths)
        return render_spans(line, frame.base_style, self.app.console, self._combined_styles), crop_left

    def _compose_row(
        self,
        frame: RowFrame,
        styled: list[Segment],
        crop_left: int,
        line_index: int,
        section: int,
        raw: str,
        y: int,
        extras: tuple[Selection, ...],
    ) -> Strip:
        """Crop the styled text to the view, pad it, lay the secondary cursors and whitespace markers over it and
        put the gutter (with its signs) before it: the row as the layered path paints it, built once."""
        theme = frame.theme
        base = frame.base_style
        text_width = frame.text_width
        gutter_width = frame.gutter_width if frame.show_line_numbers and theme else 0
        cursor_row = frame.selection.end[0]
        on_cursor_line = cursor_row == line_index and frame.highlight_cursor_line
        line_style = frame.cursor_line_style if on_cursor_line else (theme.base_style if theme else None)
        segments: list[Segment] = []
        append = segments.append
        if gutter_width:
            segments.extend(self._gutter(frame, line_index, section, on_cursor_line and frame.has_cursor))
        # The text, cropped to [crop_left, crop_left + text_width).
        position = 0
        limit = crop_left + text_width
        filled = 0
        for segment in styled:
            text = segment.text
            length = len(text)
            next_position = position + length
            if next_position <= crop_left:
                position = next_position
                continue
            if position >= limit:
                break
            if position < crop_left or next_position > limit:
                text = text[max(0, crop_left - position) : limit - position]
                append(Segment(text, segment.style))
                filled += len(text)
            else:
                append(segment)
                filled += length
            position = next_position
        if filled < text_width:
            append(Segment(" " * (text_width - filled), base + line_style if line_style else base))
        if extras and theme is not None:
            segments = _overlay_extras(segments, frame, extras, line_index, raw)
        if frame.show_whitespace and (" " in raw or "\t" in raw):
            if frame.soft_wrap or len(raw) > SHORT_LINE:
                strip = Strip(segments, gutter_width + text_width)
                return self._mark_whitespace(strip, y)  # type: ignore[attr-defined,no-any-return]
            runs = _whitespace_runs(raw, frame.tab_width, gutter_width - frame.scroll_x, gutter_width)
            if runs:
                segments = _overlay_whitespace(segments, runs, frame.whitespace_marker)
        return Strip(segments, gutter_width + text_width)

    def _gutter(self, frame: RowFrame, line_index: int, section: int, cursor_line: bool) -> list[Segment]:
        style = frame.cursor_gutter_style if cursor_line else frame.gutter_style
        width = frame.gutter_width
        number = str(line_index + frame.line_number_start) if section == 0 else ""
        text = f"{number:>{width - 2}}  "
        if section:
            return [Segment(text, style)]
        git = self.gutter_mark_at(line_index) if frame.git_marks else None  # type: ignore[attr-defined]
        sign = self._lsp_sign(line_index) if frame.lsp_signs else None
        if git is None and sign is None:
            return [Segment(text, style)]
        cells: list[tuple[str, Style]] = [(text, style)]
        if git is not None and width - 1 >= 0:
            cells = _splice(cells, width - 1, git.symbol[:1] or " ", style + Style.parse(git.style))
        if sign is not None and width - 2 >= 0:
            cells = _splice(cells, width - 2, sign[0], style + sign[1])
        return [Segment(text, cell_style) for text, cell_style in cells]

    def _lsp_sign(self, line_index: int) -> tuple[str, Style] | None:
        """The language server's gutter sign for ``line_index`` (lightbulb or severity), as the layered path."""
        from symphony_tui.lsp.decorations import LIGHTBULB, SIGNS

        decorations = getattr(self, "decorations", None)
        if decorations is None:
            return None
        if decorations.lightbulb_line == line_index:
            return (LIGHTBULB, Style(color=self.app.current_theme.warning or None, bold=True))
        if not decorations.diagnostics:
            return None
        severity = decorations.line_severity(line_index)
        if severity is None:
            return None
        return (SIGNS[severity], self._severity_style(severity))  # type: ignore[attr-defined]


def render_spans(line: Text, base: Style, console: Console, cache: dict[tuple[Style, ...], Style]) -> list[Segment]:
    """``line``'s segments with ``base`` under every style: what ``Strip(line.render(console)).apply_style(base)``
    gives (the same span order and combination), without the generator, the per-render style cache, or a Strip.
    ``cache`` maps a run's styles (base first) to their combination and lives as long as the editor."""
    text = line.plain
    spans = line._spans
    if not spans:
        return [Segment(text, base)]
    null = Style.null()
    style_map = [base]
    for span in spans:
        style = span.style
        style_map.append(style if isinstance(style, Style) else console.get_style(style, default=null))
    events = [(0, False, 0)]
    events.extend((span.start, False, index) for index, span in enumerate(spans, 1))
    events.extend((span.end, True, index) for index, span in enumerate(spans, 1))
    events.append((len(text), True, 0))
    events.sort(key=_offset_and_leaving)
    stack: list[int] = []
    out: list[Segment] = []
    append = out.append
    get = style_map.__getitem__
    cached = cache.get
    for (offset, leaving, style_id), (next_offset, _, _) in pairwise(events):
        if leaving:
            stack.remove(style_id)
        else:
            stack.append(style_id)
        if next_offset > offset:
            key = tuple(map(get, sorted(stack)))
            style = cached(key)
            if style is None:
                if len(cache) > 4096:
                    cache.clear()
                style = cache[key] = Style.combine(key)
            append(Segment(text[offset:next_offset], style))
    return out


_offset_and_leaving = itemgetter(0, 1)


_BLANKS = re.compile(r"[ \t]+")


def _whitespace_runs(line: str, tab_width: int, offset: int, gutter: int) -> list[tuple[int, int, str]]:
    """(first cell, end cell, glyphs) of the whitespace markers of an unwrapped single-cell ``line`` whose cell 0
    is painted at ``offset`` (runs left of ``gutter`` cut off), as ``SmartTypingMixin._mark_whitespace`` places
    them: ``·`` per space, ``→`` on a tab's first cell."""
    from symphony_tui.widgets.editor_typing import WHITESPACE_GLYPHS

    dot, arrow = WHITESPACE_GLYPHS[" "], WHITESPACE_GLYPHS["\t"]
    runs: list[tuple[int, int, str]] = []
    shift = offset  # the painted cell of character 0, moved right by every tab's extra cells
    for match in _BLANKS.finditer(line):
        start, end = match.span()
        blanks = match.group()
        if "\t" not in blanks:
            runs.append((start + shift, end + shift, dot * (end - start)))
            continue
        for index in range(start, end):
            cell = index + shift
            if blanks[index - start] == " ":
                if runs and runs[-1][1] == cell and runs[-1][2][-1] == dot:
                    first, _, glyphs = runs[-1]
                    runs[-1] = (first, cell + 1, glyphs + dot)
                else:
                    runs.append((cell, cell + 1, dot))
            else:
                width = tab_width - ((cell - offset) % tab_width) if tab_width else 1
                runs.append((cell, cell + 1, arrow))
                shift += width - 1
    if runs and runs[0][0] < gutter:
        runs = [
            (max(first, gutter), end, glyphs[max(0, gutter - first) :]) for first, end, glyphs in runs if end > gutter
        ]
    return runs


def _overlay_whitespace(segments: list[Segment], runs: list[tuple[int, int, str]], marker: Style) -> list[Segment]:
    """``segments`` (single-cell text) with each run's cells replaced by its glyphs in their style + ``marker``."""
    out: list[Segment] = []
    append = out.append
    position = 0
    index = 0
    count = len(runs)
    for segment in segments:
        text, style, control = segment
        end = position + len(text)
        while index < count and runs[index][1] <= position:
            index += 1
        if index == count or runs[index][0] >= end:
            append(segment)
            position = end
            continue
        marked = (style or Style()) + marker
        cursor = position
        run = index
        while run < count and runs[run][0] < end:
            first, last, glyphs = runs[run]
            cut_first, cut_last = max(first, cursor), min(last, end)
            if cut_first > cursor:
                append(Segment(text[cursor - position : cut_first - position], style, control))
            append(Segment(glyphs[cut_first - first : cut_last - first], marked, control))
            cursor = cut_last
            if last > end:
                break
            run += 1
        if cursor < end:
            append(Segment(text[cursor - position :], style, control))
        position = end
    return out


def _splice(cells: list[tuple[str, Style]], at: int, symbol: str, style: Style) -> list[tuple[str, Style]]:
    """``cells`` (single-cell text runs) with cell ``at`` replaced by ``symbol`` in ``style``."""
    out: list[tuple[str, Style]] = []
    position = 0
    for text, text_style in cells:
        end = position + len(text)
        if position <= at < end:
            if at > position:
                out.append((text[: at - position], text_style))
            out.append((symbol, style))
            if end > at + 1:
                out.append((text[at + 1 - position :], text_style))
        else:
            out.append((text, text_style))
        position = end
    return out


def _overlay_extras(
    segments: list[Segment], frame: RowFrame, extras: Sequence[Selection], row: int, line: str
) -> list[Segment]:
    """Secondary selections and cursors laid over the row, as ``MultiCursorMixin`` lays them."""
    theme = frame.theme
    gutter = frame.gutter_width
    offset = gutter - frame.scroll_x
    tab_width = frame.tab_width

    def cell(column: int) -> int:
        return offset + len(expand_tabs_inline(line[:column], tab_width))

    for extra in extras:
        top, bottom = sorted(extra)
        if top != bottom and theme.selection_style is not None:
            first = cell(top[1]) if top[0] == row else offset
            last = cell(bottom[1]) if bottom[0] == row else cell(len(line)) + 1
            segments = _restyle(segments, max(first, gutter), last, theme.selection_style)
        if extra.end[0] == row and theme.cursor_style is not None:
            at = cell(extra.end[1])
            if at >= gutter:
                segments = _restyle(segments, at, at + 1, theme.cursor_style)
    return segments


def _restyle(segments: list[Segment], start: int, end: int, style: Style) -> list[Segment]:
    """``segments`` (single-cell text) with ``style`` laid over cells [start, end)."""
    start = max(0, start)
    if start >= end:
        return segments
    out: list[Segment] = []
    position = 0
    for segment in segments:
        text, seg_style, control = segment
        next_position = position + len(text)
        if next_position <= start or position >= end:
            out.append(segment)
        else:
            cut_start, cut_end = max(start, position) - position, min(end, next_position) - position
            if cut_start:
                out.append(Segment(text[:cut_start], seg_style, control))
            out.append(Segment(text[cut_start:cut_end], (seg_style or Style()) + style, control))
            if cut_end < len(text):
                out.append(Segment(text[cut_end:], seg_style, control))
        position = next_position
    return out


class EditorStylesCache(StylesCache):
    """Textual's styles cache, without its per-line border/padding/tint/opacity/hatch work when the editor has
    none of them (the usual case; a split pane's border takes the general path)."""

    _plain = False

    def render(  # type: ignore[override]
        self,
        styles: StylesBase,
        size: Size,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        filters: Any,
        border_title: Any,
        border_subtitle: Any,
        content_size: Size | None = None,
        padding: Spacing | None = None,
        crop: Any = None,
        opacity: float = 1.0,
        ansi_theme: Any = None,
        native_ansi: bool = False,
    ) -> list[Strip]:
        pad = styles.padding if padding is None else padding
        self._plain = (
            (content_size is None or content_size == size)
            and not any(pad)
            and not any(edge for edge, _ in styles.border)
            and not any(edge for edge, _ in styles.outline)
            and not styles.tint.a
            and opacity == 1.0
            and styles.text_opacity == 1.0
            and not (styles.has_rule("hatch") and styles.hatch != "none")
        )
        kwargs: dict[str, Any] = {} if ansi_theme is None else {"ansi_theme": ansi_theme}
        return super().render(
            styles,
            size,
            base_background,
            background,
            render_content_line,
            filters,
            border_title,
            border_subtitle,
            content_size=content_size,
            padding=padding,
            crop=crop,
            opacity=opacity,
            native_ansi=native_ansi,
            **kwargs,
        )

    def render_line(  # type: ignore[override]
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        *rest: Any,
    ) -> Strip:
        if not self._plain:
            return super().render_line(
                styles, y, size, content_size, padding, base_background, background, render_content_line, *rest
            )
        inner = self.get_inner_outer(base_background, background)[0].rich_style
        width, height = size
        if y < height:
            return render_content_line(y).adjust_cell_length(width, inner)
        return Strip.blank(width, inner)
