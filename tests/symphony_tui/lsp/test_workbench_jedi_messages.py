"""What the user is told when jedi-language-server cannot do what was asked, against the real server: a request
the server does not offer says so (rather than claiming there is nothing there)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, open_and_wait, wait_until, workspace

__all__ = ["workspace"]


def _messages(app: SymphonyApp, title: str) -> list[str]:
    return [n.message for n in app._notifications if n.title == title]


async def _settle(pilot: Pilot[None]) -> None:
    for _ in range(6):
        await pilot.pause(0.05)


async def test_go_to_implementation_says_jedi_does_not_offer_it(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "main.py")
        server = app.lsp.running_server(app.lsp.document(editor))  # type: ignore[arg-type]
        assert server is not None and not server.supports("implementation_provider")
        editor.move_cursor((3, 7))  # on Config
        await pilot.press("ctrl+f12")
        await wait_until(pilot, lambda: _messages(app, "Go to"))
        assert _messages(app, "Go to") == ["jedi-language-server does not offer go to implementation."]
        # A request it offers but that finds nothing still says so.
        editor.move_cursor((1, 0))  # an empty line
        await pilot.press("f12")
        await wait_until(pilot, lambda: len(_messages(app, "Go to")) == 2)
        assert _messages(app, "Go to")[1] == "No definition found."
        await _settle(pilot)


async def test_the_server_log_opens_at_its_newest_lines(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "main.py")
        server = app.lsp.running_server(app.lsp.document(editor))  # type: ignore[arg-type]
        assert server is not None
        # Earlier runs appended to the same log: the user wants this run's lines, at the end.
        older = "".join(f"[older run] line {n}\n" for n in range(200))
        server.log_path.write_text(older + server.log_path.read_text(encoding="utf-8"), encoding="utf-8")
        await app.run_command("lsp.showLog")
        await wait_until(pilot, lambda: app.active_editor is not None and app.active_editor is not editor)
        log = app.active_editor
        assert log is not None and log.state.path == server.log_path
        last = log.document.line_count - 1
        await wait_until(pilot, lambda: log.cursor_location[0] >= last - 1)
        await _settle(pilot)
        assert (
            log.scroll_offset.y <= log.cursor_location[0] < log.scroll_offset.y + log.scrollable_content_region.height
        )


async def test_formatting_with_jedi_says_it_does_not_format_and_leaves_the_text(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "main.py")
        before = editor.text
        await pilot.press("ctrl+shift+i")
        await wait_until(pilot, lambda: _messages(app, "Format"))
        assert _messages(app, "Format") == ["jedi-language-server does not format documents."]
        editor.selection = ((2, 0), (3, 0))  # type: ignore[assignment]
        await app.run_command("editor.formatSelection")
        await wait_until(pilot, lambda: len(_messages(app, "Format")) == 2)
        assert _messages(app, "Format")[1] == "jedi-language-server does not format selections."
        assert editor.text == before
