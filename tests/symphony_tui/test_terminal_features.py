"""Terminal panel features beyond a single shell: scrollback search, mouse selection and copy, splits.

Real /bin/sh programs on real PTYs, driven through the app as a user would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.explorer import Explorer
from symphony_tui.widgets.terminal_find import TerminalFindBar
from symphony_tui.widgets.terminal_panel import TerminalPanel
from symphony_tui.widgets.terminal_view import TerminalView
from terminal.selection import ScreenPoint, TextRange
from tests.symphony_tui.test_terminal_pane import SH, SIZE, open_sh, wait_for
from tests.symphony_tui.workspace_fixture import make_demo_workspace

# A marker far up in the scrollback, then enough lines to push it off the screen.
SCROLLED_AWAY = "printf 'needle-in-history\\n'; seq 1 200; printf 'done\\n'; sleep 30"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_demo_workspace(tmp_path)


def count_label(app: SymphonyApp) -> str:
    return str(app.query_one("#terminal-find-count", Label).render())


async def test_find_bar_scrolls_to_a_match_in_the_scrollback_and_escape_returns_to_the_terminal(
    workspace: Path,
) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app, ["/bin/sh", "-c", SCROLLED_AWAY])
        await wait_for(pilot, lambda: "done" in view.screen_text)
        assert "needle-in-history" not in view.screen_text
        app.dispatch("terminal.find")
        bar = app.query_one(TerminalFindBar)
        await wait_for(pilot, lambda: bar.is_open and isinstance(app.focused, Input))
        await pilot.press(*"NEEDLE")
        await wait_for(pilot, lambda: "needle-in-history" in view.screen_text)
        assert count_label(app) == "1 of 1"
        assert view.current_match is not None and view.session.text_in(view.current_match) == "needle"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is view)
        assert not bar.is_open and view.matches == [] and view.find_needle == ""


async def test_enter_steps_to_older_matches_and_down_to_newer_ones_wrapping_round(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        script = "for i in 1 2 3; do printf 'mark-%s\\n' $i; seq 1 40; done; printf 'done\\n'; sleep 30"
        view = await open_sh(app, ["/bin/sh", "-c", script])
        await wait_for(pilot, lambda: "done" in view.screen_text)
        app.dispatch("terminal.find")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"mark-")

        def current() -> str:
            match = view.current_match
            return (
                view.session.text_in(TextRange(match.start, ScreenPoint(match.end.y, match.end.x + 1))) if match else ""
            )

        await wait_for(pilot, lambda: count_label(app) == "3 of 3")
        assert current() == "mark-3"
        await pilot.press("enter")
        await wait_for(pilot, lambda: count_label(app) == "2 of 3")
        assert current() == "mark-2"
        await wait_for(pilot, lambda: "mark-2" in view.screen_text)
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: count_label(app) == "1 of 3")  # wrapped from the newest to the oldest
        assert current() == "mark-1"


async def test_dragging_the_mouse_selects_and_copies_text_without_any_key(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app, ["/bin/sh", "-c", "printf 'alpha beta\\ngamma delta\\n'; sleep 30"])
        await wait_for(pilot, lambda: "gamma delta" in view.screen_text)
        await pilot.mouse_down(view, offset=(6, 0))
        await pilot.hover(view, offset=(2, 1))
        await pilot.mouse_up(view, offset=(2, 1))
        await pilot.pause()
        assert view.selection == TextRange(
            ScreenPoint(view.selection.start.y, 6), ScreenPoint(view.selection.start.y + 1, 2)
        )  # type: ignore[union-attr]
        assert app.clipboard == "beta\ngam"
        await pilot.press("x")  # typing drops the highlight
        assert view.selection is None


async def test_a_click_without_dragging_copies_nothing(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app, ["/bin/sh", "-c", "printf 'alpha\\n'; sleep 30"])
        await wait_for(pilot, lambda: "alpha" in view.screen_text)
        await pilot.click(view, offset=(1, 0))
        assert view.selection is None and app.clipboard == ""
        app.dispatch("terminal.copySelection")
        await pilot.pause()
        assert app.clipboard == ""


async def test_a_program_tracking_the_mouse_gets_the_click_and_shift_drag_still_selects(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        script = (
            r"stty raw -echo; printf 'click here\033[?1000h\033[?1006h\n';"
            r"dd bs=1 count=20 2>/dev/null | od -An -c; sleep 30"
        )
        view = await open_sh(app, ["/bin/sh", "-c", script])
        await wait_for(pilot, lambda: view.session.snapshot().modes.mouse_tracking.name != "NONE")
        await pilot.mouse_down(view, offset=(0, 0), shift=True)
        await pilot.hover(view, offset=(4, 0))
        await pilot.mouse_up(view, offset=(4, 0), shift=True)
        await pilot.pause()
        assert app.clipboard == "click"
        await pilot.click(view, offset=(2, 0))
        await wait_for(pilot, lambda: "<" in view.screen_text)  # the SGR report (ESC [ < 0 ; 3 ; 1 M) reached it


ECHO_REPORTS = r"dd bs=1 count={} 2>/dev/null | tr '\033' E; sleep 30"
"""Echo what the program receives, ESC shown as E."""


def _motion(view: TerminalView, x: int, y: int, button: int) -> events.MouseMove:
    region = view.content_region
    return events.MouseMove(view, x, y, 0, 0, button, False, False, False, region.x + x, region.y + y)


async def test_any_motion_mode_reports_plain_mouse_movement_to_the_program(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        # The program echoes what it receives with ESC shown as E: one 1003 motion report is 10 bytes.
        script = rf"stty raw -echo; printf '\033[?1003h\033[?1006h'; {ECHO_REPORTS.format(10)}"
        view = await open_sh(app, ["/bin/sh", "-c", script])
        await wait_for(pilot, lambda: view.session.snapshot().modes.mouse_tracking.name == "ANY")
        await pilot.hover(view, offset=(4, 1))
        await wait_for(pilot, lambda: "E[<35;5;2M" in view.screen_text)


async def test_button_motion_mode_reports_drags_but_not_plain_movement(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        script = rf"stty raw -echo; printf '\033[?1002h\033[?1006h'; {ECHO_REPORTS.format(20)}"
        view = await open_sh(app, ["/bin/sh", "-c", script])
        await wait_for(pilot, lambda: view.session.snapshot().modes.mouse_tracking.name == "BUTTON")
        view.post_message(_motion(view, 3, 0, button=0))  # no button held: not reported in this mode
        await pilot.mouse_down(view, offset=(1, 0))
        view.post_message(_motion(view, 6, 2, button=1))
        await pilot.mouse_up(view, offset=(6, 2))
        await wait_for(pilot, lambda: "E[<0;2;1ME[<32;7;3M" in view.screen_text)
        assert not view.selection  # the program had the drag; Symphony did not select


async def test_selection_and_matches_stay_on_their_text_when_old_history_is_dropped(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(TerminalPanel)
        # libghostty-vt drops history a page (several hundred rows) at a time once past the limit; the marked line
        # sits in the second page, and each Enter pushes 200 more lines until the first page is dropped.
        script = "seq 1 800; printf 'keep-me\\n'; while read go; do seq 1 200; done"
        view = await panel.new_terminal(["/bin/sh", "-c", script], scrollback=1000, env=SH)
        assert await view.wait_started()
        await wait_for(pilot, lambda: "keep-me" in view.screen_text)
        assert view.find("keep") == 1
        (match,) = view.matches
        view.select(TextRange(match.start, ScreenPoint(match.end.y, match.end.x + 3)))
        before = match.start.y
        for _ in range(10):
            top = view.session.emulator.viewport_top
            view.session.write(b"\r")  # not a key press: typing would clear the selection
            await wait_for(pilot, lambda top=top: view.session.emulator.viewport_top != top)
            await pilot.pause(0.1)
            if view.session.emulator.viewport_top < top:
                break  # a page was dropped
        assert view.session.emulator.viewport_top < top, "the flood never reached the scrollback limit"
        assert view.matches and view.matches[0].start.y < before
        assert view.selection is not None and view.session.text_in(view.selection) == "keep-me"
        assert [view.session.text_in(m) for m in view.matches] == ["keep"]
        assert view.current_match == view.matches[0]


async def test_split_runs_a_second_shell_beside_the_first_in_the_same_tab(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        first = await open_sh(app)
        panel = app.query_one(TerminalPanel)
        second = await panel.split_terminal(["/bin/sh"], env=SH)
        assert await second.wait_started()
        assert panel.views == [first, second] and second.parent is first.parent
        await wait_for(pilot, lambda: app.focused is second)
        assert panel.active_view is second
        assert first.region.right <= second.region.x  # side by side
        await pilot.press(*"echo right-$((1+1))", "enter")
        await wait_for(pilot, lambda: "right-2" in second.screen_text)
        assert "right-2" not in first.screen_text
        app.dispatch("terminal.kill")
        await wait_for(pilot, lambda: panel.views == [first])
        await wait_for(pilot, lambda: first.size.width == panel.size.width)  # it takes the whole width back
        assert panel.is_open and app.focused is first


async def test_split_command_starts_a_tab_when_there_is_no_terminal(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHELL", "/bin/sh")  # the user's shell may run slow start-up files
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        app.dispatch("terminal.split")
        panel = app.query_one(TerminalPanel)
        await wait_for(pilot, lambda: len(panel.views) == 1 and app.focused is panel.views[0])
        app.dispatch("terminal.split")
        await wait_for(pilot, lambda: len(panel.views) == 2)
        assert len(panel.tabs.query("TabPane")) == 1


def test_alternate_screen_program_snapshot(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    script = (
        r"printf 'shell output before\n';"
        r"printf '\033[?1049h\033[2J\033[H\033[7m full-screen app \033[0m\033[3;5H\033[1;33mbody text\033[0m';"
        r"printf '\033[10;1H\033[44m status line \033[0m'; sleep 30"
    )
    app = SymphonyApp(workspace, watch_config=False)

    async def run_before(pilot: Pilot[None]) -> None:
        view = await open_sh(app, ["/bin/sh", "-c", script])
        app.query_one(Explorer).focus()
        await wait_for(pilot, lambda: "status line" in view.screen_text)
        assert "shell output before" not in view.screen_text
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_search_highlights_and_selection_snapshot(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    script = r"printf 'one apple\ntwo apples\nthree pears\n'; sleep 30"
    app = SymphonyApp(workspace, watch_config=False)

    async def run_before(pilot: Pilot[None]) -> None:
        view = await open_sh(app, ["/bin/sh", "-c", script])
        await wait_for(pilot, lambda: "pears" in view.screen_text)
        top = view.session.snapshot().viewport_top
        view.select(TextRange(ScreenPoint(top + 2, 0), ScreenPoint(top + 2, 4)))
        app.dispatch("terminal.find")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"apple")
        await wait_for(pilot, lambda: count_label(app) == "2 of 2")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_switching_theme_repaints_terminal_rows_in_the_new_colours(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app, ["/bin/sh", "-c", "printf 'plain text\\n'; sleep 30"])
        await wait_for(pilot, lambda: "plain text" in view.screen_text)

        def background() -> object:
            return next(iter(view.render_line(0))).style.bgcolor  # type: ignore[union-attr]

        dark = background()
        app.theme = "symphony-light"
        await pilot.pause()
        assert background() != dark


async def test_double_click_selects_and_copies_the_word_under_the_mouse(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app, ["/bin/sh", "-c", "printf 'see /tmp/some-file.txt here\\n'; sleep 30"])
        await wait_for(pilot, lambda: "here" in view.screen_text)
        await pilot.click(view, offset=(8, 0), times=2)
        await wait_for(pilot, lambda: view.selection is not None)
        assert app.clipboard == "/tmp/some-file.txt"


async def test_dragging_above_the_top_edge_scrolls_back_and_extends_the_selection(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_sh(app, ["/bin/sh", "-c", "seq 1 100; sleep 30"])
        await wait_for(pilot, lambda: "100" in view.screen_text)
        top = view.session.snapshot().viewport_top
        await pilot.mouse_down(view, offset=(1, 2))
        for _ in range(5):
            await pilot.hover(view, offset=(0, -1))
            await pilot.pause()
        await wait_for(pilot, lambda: view.session.snapshot().viewport_top <= top - 4)
        await pilot.hover(view, offset=(0, -1))
        await pilot.mouse_up(view, offset=(0, -1))
        await pilot.pause()
        assert view.selection is not None and view.selection.start.y < top
        lines = app.clipboard.splitlines()
        anchor_number = str(top + 2 + 1)  # seq prints n on screen row n - 1; the drag began on viewport row 2, column 1
        assert lines[-1] == anchor_number[:2]
        assert int(lines[0]) < top + 1  # it reaches above the first number that was on screen
