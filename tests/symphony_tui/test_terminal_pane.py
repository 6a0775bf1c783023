"""Terminal panes with real shells in real PTYs, driven through the workbench."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.dialogs import ChoiceDialog
from symphony_tui.widgets.explorer import Explorer
from symphony_tui.widgets.terminal_panel import TerminalPanel
from symphony_tui.widgets.terminal_view import TerminalView
from tests.symphony_tui.workspace_fixture import make_demo_workspace

SIZE = (100, 30)
SH = {"PS1": "$ ", "ENV": ""}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_demo_workspace(tmp_path)


async def wait_for(pilot: Pilot[None], condition, attempts: int = 1000) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``condition()`` holds (bounded by event-loop turns, not a clock)."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), "condition never became true"


async def open_sh(app: SymphonyApp, argv: list[str] | None = None) -> TerminalView:
    panel = app.query_one(TerminalPanel)
    view = await panel.new_terminal(argv or ["/bin/sh"], env=SH)
    assert await view.wait_started()
    return view


async def test_toggle_opens_a_shell_that_runs_commands(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The user's shell is $SHELL; a plain sh keeps the test independent of this machine's bash start-up files.
    monkeypatch.setenv("SHELL", "/bin/sh")
    monkeypatch.setenv("ENV", "")
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(TerminalPanel)
        assert not panel.is_open
        await pilot.press("ctrl+@")
        await wait_for(pilot, lambda: panel.active_view is not None and panel.active_view._started)
        view = panel.active_view
        assert panel.is_open and app.focused is view
        await pilot.press(*"echo sym$((6*7))", "enter")
        await wait_for(pilot, lambda: "sym42" in view.screen_text)
        await pilot.press("ctrl+@")  # the escape chord still reaches Symphony
        assert not panel.is_open


async def test_symphony_keys_go_to_the_program_while_a_terminal_has_focus(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app, ["/bin/sh", "-c", "stty raw -echo; dd bs=1 count=3 2>/dev/null | od -An -c; sleep 5"])
        await pilot.pause(0.2)
        await pilot.press("ctrl+w", "ctrl+b", "colon")
        await wait_for(pilot, lambda: "027" in view.screen_text and "002" in view.screen_text)
        assert ":" in view.screen_text
        assert len(app.editors) == 1  # ctrl+w did not close the editor
        assert app.query_one(Explorer).display  # ctrl+b did not hide the explorer


async def test_exit_status_is_shown_in_the_tab(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app, ["/bin/sh", "-c", "exit 3"])
        await wait_for(pilot, lambda: view.exited)
        assert view.exit_code == 3
        panel = app.query_one(TerminalPanel)
        # The panel relabels when it handles the view's Exited message, a moment after the view knows.
        await wait_for(pilot, lambda: "[exit 3]" in str(panel.tabs.get_tab(view.parent.id).label))  # type: ignore[union-attr]


async def test_kill_terminal_asks_when_a_program_is_running(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app)
        await pilot.press(*"sleep 30", "enter")
        await wait_for(pilot, lambda: view.session.has_foreground_job())
        app.dispatch("terminal.kill")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("c")
        await pilot.pause()
        assert app.query_one(TerminalPanel).views == [view]
        app.dispatch("terminal.kill")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("k")
        panel = app.query_one(TerminalPanel)
        await wait_for(pilot, lambda: not panel.views)
        assert not panel.is_open


async def test_run_selection_pastes_the_line_into_the_terminal(workspace: Path) -> None:
    (workspace / "cmd.sh").write_text("echo from-editor-$((2+3))\n")
    app = SymphonyApp(workspace, open_paths=[workspace / "cmd.sh"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app)
        app.active_editor.focus()  # type: ignore[union-attr]
        app.dispatch("terminal.runSelection")
        await wait_for(pilot, lambda: "from-editor-5" in view.screen_text)


def test_colours_and_wide_characters_snapshot(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    script = (
        r"printf '\033[31mred\033[0m \033[1;32mbold green\033[0m \033[4munder\033[0m \033[7mreverse\033[0m\n';"
        r"printf '\033[38;5;208m256-orange\033[0m \033[38;2;90;160;255mtruecolor\033[0m\n';"
        r"printf '中文 wide | emoji 🎵 | end\n'; sleep 30"
    )
    app = SymphonyApp(workspace, watch_config=False)

    async def run_before(pilot: Pilot[None]) -> None:
        view = await open_sh(app, ["/bin/sh", "-c", script])
        app.query_one(Explorer).focus()  # no blinking cursor in the picture
        await wait_for(pilot, lambda: "end" in view.screen_text)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
