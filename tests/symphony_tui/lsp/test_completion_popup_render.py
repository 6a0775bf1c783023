"""The completion popup draws its rows itself (Textual's per-line pipeline cost more than the drawing): what it
draws must be exactly what Textual's own path draws, for any list, selection, theme and crop."""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.filter import NoColor
from textual.geometry import Region
from textual.widget import Widget

from core.lsp.completion import CompletionFilter, CompletionItems
from symphony_tui.lsp.completion_popup import CompletionPopup

WORDS = ["path", "pathsep", "PathLike", "pardir", "print", "property", "é_unicode", "宽字符", "a" * 60, "p"]


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield CompletionPopup()


async def test_rows_drawn_by_the_popup_match_textuals_own_rendering() -> None:
    rng = random.Random(5)
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        popup = app.query_one(CompletionPopup)
        compared = 0
        for step in range(60):
            labels = [rng.choice(WORDS) + str(rng.randint(0, 500)) for _ in range(rng.randint(1, 30))]
            raw = [{"label": label, "kind": rng.randint(1, 25)} for label in labels]
            items = CompletionFilter(CompletionItems(raw))
            ranked = items.rank(rng.choice(["", "p", "pa", "th", "1"]))
            if not ranked:
                continue
            popup.show(ranked, rng.randrange(len(ranked)))
            if step % 7 == 0:
                app.theme = rng.choice(["textual-dark", "textual-light", "nord", "gruvbox"])
            if step == 30:  # a terminal without colours (NO_COLOR), as over some SSH sessions
                app._filters.append(NoColor())
            popup.styles.offset = (rng.randint(0, 40), rng.randint(0, 10))
            await pilot.pause()
            width, height = popup.outer_size
            assert popup._edges() is not None, "the fast path must be the one in use"
            for crop in (Region(0, 0, width, height), Region(rng.randint(0, width - 1), 0, width, height)):
                crop = crop.intersection(Region(0, 0, width, height))
                ours = popup.render_lines(crop)
                popup._styles_cache.clear()
                theirs = Widget.render_lines(popup, crop)
                assert [list(strip) for strip in ours] == [list(strip) for strip in theirs], f"step {step} {crop}"
                compared += 1
        assert compared > 60


async def test_a_look_the_popup_does_not_draw_itself_goes_through_textual() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        popup = app.query_one(CompletionPopup)
        popup.show(CompletionFilter(CompletionItems([{"label": "alpha"}, {"label": "beta"}])).rank(""))
        popup.styles.padding = (0, 1)
        popup.styles.tint = "red 20%"
        await pilot.pause()
        assert popup._edges() is None
        region = Region(0, 0, *popup.outer_size)
        assert [list(s) for s in popup.render_lines(region)] == [list(s) for s in Widget.render_lines(popup, region)]


async def test_a_new_list_of_the_same_size_repaints_every_row_and_nothing_stale_stays() -> None:
    from tests.symphony_tui.screen_image import TerminalImage

    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        popup = app.query_one(CompletionPopup)
        image = TerminalImage(app, 60, 20)
        for step, word in enumerate(["alpha", "bravo", "charlie", "delta"]):
            labels = [f"{word}_{index}" for index in range(12)]
            popup.show(CompletionFilter(CompletionItems([{"label": label} for label in labels])).rank(""), step)
            await pilot.pause()
            if step == 0:  # the image starts blank: paint it all once
                app.screen._compositor._dirty_regions.add(app.screen.region)
                app.screen.refresh()
                await pilot.pause()
            assert image.cells == image.full_render(), f"{word}: a row on screen is stale"
            rows = ["".join(char for char, _ in row) for row in image.cells]
            assert f"{word}_0" in rows[1] and f"{word}_7" in rows[10]  # in sortText order: _0, _1, _10, _11, _2...


async def test_the_documentation_pane_stands_beside_the_list_and_grows_only_away_from_the_cursor() -> None:
    from symphony_tui.lsp.completion_popup import DOCS_MAX_HEIGHT, DOCS_WIDTH

    app = Host()
    async with app.run_test(size=(100, 30)):
        docs = app.query_one(CompletionPopup).docs
        screen = Region(0, 0, 100, 30)
        docs.place_beside(Region(10, 5, 18, 12), screen, above=False)  # below the cursor, room on the right
        assert docs.styles.offset.x.value == 28 and docs.styles.offset.y.value == 5
        assert (docs.styles.min_height.value, docs.styles.max_height.value) == (12, DOCS_MAX_HEIGHT)  # type: ignore[union-attr]
        docs.place_beside(Region(10, 20, 18, 6), screen, above=False)  # near the bottom: stops above the status bar
        assert docs.styles.max_height.value == 30 - 1 - 20  # type: ignore[union-attr]
        docs.place_beside(Region(70, 8, 18, 12), screen, above=True)  # no room on the right; flipped above
        assert docs.styles.offset.x.value == 70 - DOCS_WIDTH
        assert (docs.styles.min_height.value, docs.styles.max_height.value) == (12, 12)  # type: ignore[union-attr]


@given(label=st.text(min_size=0, max_size=30), positions=st.lists(st.integers(0, 40), unique=True))
def test_a_rows_label_is_split_into_matched_and_plain_runs(label: str, positions: list[int]) -> None:
    base, dim, match = Style(), Style(dim=True), Style(bold=True, underline=True)
    ordered = tuple(sorted(positions))
    segments = CompletionPopup._segments(label, ordered, "ƒ", base, dim, match)
    assert segments[0] == Segment(" ƒ ", dim)
    body = segments[1:]
    assert "".join(segment.text for segment in body) == label
    matched = {index for index, segment in _cells(body) if segment.style == match}
    assert matched == {position for position in ordered if position < len(label)}
    assert all(a.style != b.style for a, b in itertools.pairwise(body))  # adjacent matches are one segment


def _cells(segments: list[Segment]) -> list[tuple[int, Segment]]:
    cells: list[tuple[int, Segment]] = []
    for segment in segments:
        start = len(cells)
        cells.extend((start + offset, segment) for offset in range(len(segment.text)))
    return cells
