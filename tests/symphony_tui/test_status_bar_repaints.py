"""A keystroke changes the cursor field of the status bar: only that field may render again.

Repainting the bar itself re-rendered all of its fields on every key (and the problem counts re-laid out the
screen at every diagnostics republish); both show up in what the compositor asks each widget to render.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from symphony_tui import compositor
from symphony_tui.lsp.status import ProblemCounts
from symphony_tui.widgets.status_bar import StatusBar, StatusInfo


class Bar(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How often each widget (by id) rendered lines since the fixture was last cleared (with the workbench's
    banded repaints, which render only widgets meeting the dirty rows)."""
    compositor.install()
    counts: Counter[str] = Counter()
    original = Widget.render_lines

    def render_lines(self: Widget, crop: Region) -> list[Strip]:
        counts[self.id or type(self).__name__] += 1
        return original(self, crop)

    monkeypatch.setattr(Widget, "render_lines", render_lines)
    yield counts


def _info(column: int) -> StatusInfo:
    return StatusInfo("module.py", 12, column, "Python", "utf-8", "LF")


async def test_moving_the_cursor_renders_only_the_cursor_field(rendered: Counter[str]) -> None:
    app = Bar()
    async with app.run_test(size=(100, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.info = _info(3)
        await pilot.pause()
        rendered.clear()
        bar.info = _info(4)
        await pilot.pause()
        assert rendered["status-cursor"] >= 1
        assert not {"status-path", "status-language", "status-encoding", "status-eol"} & set(rendered)


async def test_unchanged_problem_counts_do_no_work(rendered: Counter[str]) -> None:
    app = Bar()
    async with app.run_test(size=(100, 3)) as pilot:
        bar = app.query_one(StatusBar)
        field = ProblemCounts("", id="status-problems")
        await bar.mount(field)
        field.show(Text("✖ 1 ▲ 0"))
        await pilot.pause()
        rendered.clear()
        field.show(Text("✖ 1 ▲ 0"))  # a server republishing the same diagnostics
        await pilot.pause()
        assert not rendered
        field.show(Text("✖ 2 ▲ 0"))
        await pilot.pause()
        assert rendered["status-problems"] >= 1
        assert not {"status-path", "status-cursor", "status-language", "status-encoding", "status-eol"} & set(rendered)
