"""The Problems panel's order: files by path, and within a file the most severe problems first (as its docstring
and VS Code's Problems view have it), then by position."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from symphony_tui.lsp.panels import ProblemsPanel
from symphony_tui.lsp.service import ProblemRow


class _PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ProblemsPanel("PROBLEMS", id="problems")


async def test_errors_come_before_warnings_within_a_file_and_files_stay_grouped() -> None:
    a, b = Path("/ws/a.py"), Path("/ws/b.py")
    problems = [
        ProblemRow(b, 0, 0, 2, "b warning", "jedi"),
        ProblemRow(a, 1, 0, 2, "a warning early", "jedi"),
        ProblemRow(a, 9, 4, 1, "a error late", "jedi"),
        ProblemRow(a, 3, 0, 4, "a hint", "jedi"),
        ProblemRow(a, 5, 0, 1, "a error", "jedi"),
    ]
    app = _PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(ProblemsPanel)
        panel.show_problems(problems, lambda path: path.name)
        await pilot.pause()
        listed = [None if row is None else row.text for row in panel.rows]
        assert listed == [None, "a error", "a error late", "a warning early", "a hint", None, "b warning"]
