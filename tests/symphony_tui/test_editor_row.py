"""The one-pass row builder paints exactly what the layered path paints, cell for cell, over random views.

Each round puts the editor in a random state (edits, primary and secondary selections, language-server marks,
git marks, inlay hints, visible whitespace, scroll position, soft wrap) and renders every visible row both ways:
through the layered ``_render_line`` chain (``fast_render = False``, the reference) and through the one pass,
once from an empty row cache and once more after a sideways scroll (the cached, unscrolled rows cropped anew).
"""

from __future__ import annotations

import random
from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets.text_area import Selection

from symphony_tui.app import SymphonyApp
from symphony_tui.lsp.decorations import ERROR, HINT, WARNING, EditorDecorations, Mark
from symphony_tui.widgets.editor import Editor
from symphony_tui.widgets.editor_decorations import GutterMark, RangeMark
from tests.symphony_tui.pilot_wait import settle

SIZE = (90, 20)

SOURCE_LINES = [
    "import os",
    "",
    "def compute(value, scale=2):",
    '    """Compute the thing."""',
    "\ttotal = len(str(value)) * scale  # tab-indented",
    "    if total % 3 == 0:",
    "        return [x for x in range(total) if x % 7]  # café",
    '    name = "界面"  # wide characters',
    "    " + "long_name_" * 130,  # longer than SHORT_LINE: the windowed path
    "\t\tmixed\ttabs\there",
    '    return {"name": value, "env": os.environ.get("HOME")}   ',
]


def cells(strip: Strip) -> list[tuple[str, Style | None]]:
    """One (character, style) per cell: what the screen shows, however the segments are divided."""
    out: list[tuple[str, Style | None]] = []
    for text, style, _ in strip:
        out.extend((char, style) for char in text)
    return out


def paint(editor: Editor, fast: bool) -> list[list[tuple[str, Style | None]]]:
    editor.fast_render = fast
    editor._line_cache.clear()
    return [cells(editor.render_line(y)) for y in range(editor.size.height)]


def random_location(rng: random.Random, editor: Editor) -> tuple[int, int]:
    top = editor.scroll_offset.y
    row = min(editor.document.line_count - 1, max(0, top + rng.randint(-2, editor.size.height + 2)))
    return row, rng.randint(0, len(editor.document[row]))


def randomize(rng: random.Random, editor: Editor) -> None:
    width = editor.virtual_size.width
    editor.scroll_to(
        x=rng.choice([0, 0, rng.randint(0, max(0, width))]),
        y=rng.randint(0, max(0, editor.document.line_count - 5)),
        animate=False,
        immediate=True,
    )
    for _ in range(rng.randint(0, 2)):  # edits: typed text, a new line, a deletion
        start = random_location(rng, editor)
        text = rng.choice(["x", "  ", "\t", "(", "é", "\n", "界", ""])
        end = start if text else (start[0], min(len(editor.document[start[0]]), start[1] + 3))
        editor.replace(text, start, end)
    anchor, head = random_location(rng, editor), random_location(rng, editor)
    editor.selection = Selection(anchor, anchor if rng.random() < 0.4 else head)
    extras = [Selection(random_location(rng, editor), random_location(rng, editor)) for _ in range(rng.randint(0, 3))]
    extras += [Selection.cursor(random_location(rng, editor)) for _ in range(rng.randint(0, 2))]
    editor.extra_selections = extras
    spans = [(random_location(rng, editor), random_location(rng, editor)) for _ in range(4)]
    marks = [Mark(min(a, b), max(a, b), rng.choice([ERROR, WARNING, HINT])) for a, b in spans[:2]]
    row = random_location(rng, editor)[0]
    editor.decorations = EditorDecorations(
        diagnostics=marks,
        highlights=[Mark(*sorted(spans[2]))] if rng.random() < 0.5 else [],
        lightbulb_line=row if rng.random() < 0.3 else None,
        semantic={row: [(0, 3, "variable"), (4, 9, "function")]} if rng.random() < 0.5 else {},
        inlay={random_location(rng, editor)[0]: [": int"]} if rng.random() < 0.5 else {},
    )
    editor.set_decorations(
        "git",
        gutter=[GutterMark(random_location(rng, editor)[0], "▎", "green") for _ in range(rng.randint(0, 3))],
        ranges=[RangeMark(*sorted(spans[3]), "on #303030")] if rng.random() < 0.5 else [],
    )
    editor.show_whitespace = rng.random() < 0.3
    editor.show_line_numbers = rng.random() < 0.9
    editor.cursor_blink = rng.random() < 0.5


async def test_one_pass_rows_match_the_layered_rows_over_random_views(tmp_path: Path) -> None:
    lines = [SOURCE_LINES[i % len(SOURCE_LINES)] for i in range(120)]
    (tmp_path / "mod.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "mod.py"], watch_config=False)
    rng = random.Random(20261126)
    compared = 0
    height = 0
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=2)
        editor = app.active_editor
        assert editor is not None
        app.query_one("#explorer").display = False
        await settle(pilot)
        for wrap in (False, True):
            editor.soft_wrap = wrap
            await pilot.pause()
            for round_ in range(60):
                randomize(rng, editor)
                if round_ % 10 == 0:
                    await pilot.pause()  # let highlights catch up with the edits now and then
                layered = paint(editor, fast=False)
                fast = paint(editor, fast=True)
                height = editor.size.height
                for y, (want, got) in enumerate(zip(layered, fast, strict=True)):
                    assert got == want, f"row {y} differs (round {round_}, wrap={wrap})"
                    compared += 1
                if not wrap:  # the cached unscrolled rows, cropped for another sideways scroll
                    editor.scroll_to(x=editor.scroll_offset.x + rng.randint(1, 9), animate=False, immediate=True)
                    editor.fast_render = True
                    again = [cells(editor.render_line(y)) for y in range(editor.size.height)]
                    assert again == paint(editor, fast=False)
                    editor.fast_render = True
    assert height and compared == 2 * 60 * height


async def test_the_view_paints_the_same_through_the_styles_cache(tmp_path: Path) -> None:
    """The whole widget paint (Textual's styles cache, its background and line filters) agrees both ways, with
    and without a border (a split pane's border takes Textual's general path)."""
    (tmp_path / "mod.py").write_text("\n".join(SOURCE_LINES * 4) + "\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "mod.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=2)
        editor = app.active_editor
        assert editor is not None
        editor.selection = Selection((2, 3), (5, 8))
        editor.extra_selections = [Selection.cursor((7, 2))]
        for bordered in (False, True):
            editor.set_class(bordered, "-split-pane")
            await pilot.pause()
            region = Region(0, 0, editor.size.width, editor.size.height)
            views = []
            for fast in (False, True):
                editor.fast_render = fast
                editor._line_cache.clear()
                editor._styles_cache.clear()
                views.append([cells(strip) for strip in editor.render_lines(region)])
            assert views[0] == views[1]
        editor.fast_render = True


def test_cells_see_through_segment_division() -> None:
    style = Style(bold=True)
    assert cells(Strip([Segment("ab", style), Segment("c", style)])) == cells(Strip([Segment("abc", style)]))
    assert cells(Strip([Segment("ab", style)])) != cells(Strip([Segment("ab", Style(bold=False))]))


async def test_scrolled_sideways_secondary_cursors_and_whitespace_stay_out_of_the_gutter(tmp_path: Path) -> None:
    source = "".join(f"        value_{i} = {i}  # {'wide ' * 40}\n" for i in range(30))  # wider than the view
    (tmp_path / "mod.py").write_text(source, encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "mod.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=2)
        editor = app.active_editor
        assert editor is not None
        app.query_one("#explorer").display = False
        await pilot.pause()
        editor.cursor_blink = False
        editor.selection = Selection.cursor((20, 0))
        editor.extra_selections = [Selection.cursor((3, 0)), Selection((5, 0), (6, 4))]
        editor.show_whitespace = True
        editor.scroll_to(x=4, y=0, animate=False, immediate=True)
        assert editor.scroll_offset.x == 4
        gutter = editor.gutter_width
        for fast in (False, True):
            plain = paint(editor, fast)[10][:gutter]  # a row with neither cursor nor selection
            for y in (3, 5, 6):
                painted = paint(editor, fast)[y][:gutter]
                assert [char for char, _ in painted] == list(f"{y + 1:>{gutter - 2}}  ")
                assert [style for _, style in painted] == [style for _, style in plain]
