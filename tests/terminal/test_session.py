"""Real PTYs: programs emit known sequences, and the session's frames and screen model show them."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from core.errors import NotFoundError
from terminal.events import TitleChanged
from terminal.pty import spawn_pty
from terminal.session import Frame, TerminalSession
from terminal.shell import shell_argv, terminal_environment

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX PTY tests")

WAIT_S = 10.0  # generous upper bound for a loaded CI machine; tests finish far sooner


def sh(script: str, **kwargs: object) -> TerminalSession:
    return TerminalSession(["/bin/sh", "-c", script], **kwargs)  # type: ignore[arg-type]


def wait_for_text(session: TerminalSession, needle: str) -> str:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        with session.lock:
            text = session.emulator.text()
        if needle in text:
            return text
        time.sleep(0.01)
    raise AssertionError(f"{needle!r} never appeared; screen was:\n{text}")


def test_printf_escape_sequences_reach_the_screen_model() -> None:
    frames: list[Frame] = []
    script = r"printf '\033]2;job\007plain \033[1;31mred\033[0m \344\270\255\n\033[7mrev\033[0m'"
    with sh(script, cols=30, rows=4, on_frame=frames.append) as session:
        status = session.wait(WAIT_S)
    assert status is not None and status.success
    final = frames[-1]
    assert final.exit_status == status
    assert final.title == "job"
    assert TitleChanged("job") in [event for frame in frames for event in frame.events]
    snapshot = session.snapshot()
    first, second = snapshot.lines[0], snapshot.lines[1]
    assert first.text == "plain red 中"
    assert first.cells[6].style.bold and first.cells[6].style.fg == 1
    assert first.cells[10].width == 2
    assert second.cells[0].style.reverse


def test_exit_code_is_reported() -> None:
    with sh("exit 7") as session:
        status = session.wait(WAIT_S)
    assert status is not None
    assert (status.code, status.signal) == (7, None)
    assert status.describe() == "exited with code 7"


def test_death_by_signal_is_reported() -> None:
    with sh("kill -TERM $$") as session:
        status = session.wait(WAIT_S)
    assert status is not None
    assert status.signal == signal.SIGTERM
    assert not status.success


def test_resize_reaches_the_program_as_sigwinch() -> None:
    script = "trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 0.02; done"
    with sh(script, cols=80, rows=24) as session:
        wait_for_text(session, "ready")
        session.resize(100, 30)
        assert session.wait(WAIT_S) is not None
    assert "30 100" in session.emulator.text()


def test_the_program_sees_a_256_colour_truecolor_terminal(tmp_path: Path) -> None:
    with sh('printf "%s %s %s" "$TERM" "$COLORTERM" "$PWD"', cwd=tmp_path, cols=400) as session:
        session.wait(WAIT_S)
    assert session.emulator.line(0).text == f"xterm-256color truecolor {tmp_path}"


def test_keys_and_pastes_are_delivered_to_the_program() -> None:
    with sh("stty -echo; read line; printf 'got:%s' \"$line\"", cols=40, rows=3) as session:
        time.sleep(0.05)
        session.paste("hello")
        session.send_key("enter")
        session.wait(WAIT_S)
    assert "got:hello" in session.emulator.text()


def is_running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie lingers until init reaps it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_close_kills_the_whole_process_group() -> None:
    session = sh("sleep 60 & echo bg=$!.; wait")
    session.start()
    text = wait_for_text(session, ".")
    background = int(text.split("bg=")[1].split(".")[0])
    assert is_running(background)
    session.close()
    deadline = time.monotonic() + WAIT_S
    while is_running(background) and time.monotonic() < deadline:
        time.sleep(0.01)
    if is_running(background):
        os.kill(background, signal.SIGKILL)
        pytest.fail("the background child outlived close()")
    assert session.wait(WAIT_S) is not None


def test_a_foreground_job_is_detected_so_the_ui_can_confirm_killing() -> None:
    session = TerminalSession(["/bin/sh", "-i"], env={"PS1": "$ "})
    session.start()
    try:
        wait_for_text(session, "$")
        assert not session.has_foreground_job()
        session.write(b"sleep 30\r")
        deadline = time.monotonic() + WAIT_S
        while not session.has_foreground_job() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert session.has_foreground_job()
    finally:
        session.close()


def test_a_flood_is_coalesced_into_few_frames_with_only_changed_lines() -> None:
    frames: list[Frame] = []
    started = time.monotonic()
    with sh("i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); done", max_fps=30, on_frame=frames.append) as s:
        s.wait(WAIT_S)
    elapsed = time.monotonic() - started
    # At most one frame per 1/30 s (plus the first and the final one), never one per write.
    assert len(frames) <= elapsed * 30 + 2
    assert frames[-1].exit_status is not None
    assert s.emulator.line(s.emulator.rows - 2).text == "line 2999"


def test_output_that_only_moves_the_cursor_or_sets_modes_still_reaches_the_ui() -> None:
    # A backspace or a mode switch damages no row, but the pane must still move its cursor / forward the mouse.
    frames: list[Frame] = []
    script = r"printf 'abc'; sleep 0.3; printf '\b\033[?1003h'; sleep 30"
    with sh(script, cols=20, rows=4, on_frame=frames.append):
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and not (frames and frames[-1].cursor.x == 2):
            time.sleep(0.01)
        last = frames[-1]
    assert (last.cursor.x, last.cursor.y) == (2, 0)
    assert last.modes.mouse_tracking.name == "ANY"


def test_next_frame_merges_frames_nobody_collected() -> None:
    with sh("echo one; sleep 0.1; echo two", cols=20, rows=4) as session:
        session.wait(WAIT_S)
        frame = session.next_frame(timeout=WAIT_S)
    assert frame is not None
    assert frame.exit_status is not None
    assert frame.lines[0].text == "one"
    assert frame.lines[1].text == "two"


def test_a_missing_program_names_itself() -> None:
    with pytest.raises(NotFoundError) as raised:
        spawn_pty(["/nonexistent/shell"])
    assert raised.value.data == {"path": "/nonexistent/shell"}


def test_a_missing_working_directory_names_itself(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    with pytest.raises(NotFoundError, match="gone"):
        spawn_pty(["/bin/sh"], cwd=missing)


def test_shell_defaults_to_dollar_shell_and_env_sets_term() -> None:
    assert shell_argv(environ={"SHELL": "/bin/zsh"}) == ["/bin/zsh"]
    assert shell_argv(["fish", "-l"]) == ["fish", "-l"]
    env = terminal_environment({"TERM": "dumb", "LINES": "10", "HOME": "/h"}, {"EXTRA": "1"})
    assert env == {"TERM": "xterm-256color", "COLORTERM": "truecolor", "TERM_PROGRAM": "Symphony", "HOME": "/h"} | {
        "EXTRA": "1"
    }
