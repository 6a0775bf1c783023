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
