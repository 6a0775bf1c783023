"""Hot exit: a real `symphony` killed with SIGKILL after typing into two buffers loses neither of them."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core import paths
from symphony_tui.app import SymphonyApp

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Terminal:
    """A program running in a pseudo-terminal, as a user would run it."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color"}
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.seen = b""

    def pump(self) -> None:
        while select.select([self.master], [], [], 0.05)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.seen += chunk

    def wait_for(self, condition: Callable[[], bool], what: str, limit: float = 30.0) -> None:
        """Keep reading output until ``condition()``; the limit only stops a hung test, it measures nothing."""
        give_up = time.monotonic() + limit
        while not condition():
            if time.monotonic() > give_up:
                raise AssertionError(f"never saw {what}; output tail: {self.seen[-300:]!r}")
            self.pump()

    def type(self, data: bytes) -> None:
        os.write(self.master, data)
        self.pump()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.master)


def backups(workspace: Path) -> list[dict[str, object]]:
    from core.text.backups import BackupStore

    folder = BackupStore(workspace, root=paths.state_dir() / "backups").directory
    found = []
    for file in folder.glob("*.json") if folder.is_dir() else []:
        with contextlib.suppress(ValueError, OSError):
            found.append(json.loads(file.read_text(encoding="utf-8")))
    return found


async def test_unsaved_buffers_survive_sigkill_and_come_back_with_their_cursors(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "notes.txt").write_text("hello\n", encoding="utf-8")
    term = Terminal([sys.executable, "-m", "symphony_tui", str(workspace / "notes.txt")], cwd=workspace)
    try:
        term.wait_for(lambda: b"hello" in term.seen, "the file painted")
        term.type(b"AAA")
        term.type(b"\x0e")  # ctrl+n: a new untitled buffer
        term.wait_for(lambda: b"Untitled" in term.seen, "the untitled tab")
        mark = term.seen.index(b"Untitled")
        # The tab can paint before the new buffer takes focus; the status bar follows the focused buffer.
        term.wait_for(lambda: b"Ln 1, Col 1" in term.seen[mark:], "the untitled buffer focused")
        term.type(b"BBB")
        texts = lambda: sorted(str(b["text"]) for b in backups(workspace))  # noqa: E731
        term.wait_for(lambda: texts() == ["AAAhello\n", "BBB"], "both buffers backed up")
    finally:
        term.kill()
    assert (workspace / "notes.txt").read_text() == "hello\n"  # nothing was saved

    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        restored = {(e.display_name, e.text, e.cursor_location, e.dirty) for e in app.editors}
        assert restored == {("notes.txt", "AAAhello\n", (0, 3), True), ("Untitled", "BBB", (0, 3), True)}


async def test_saving_or_undoing_to_clean_removes_the_backup(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "notes.txt").write_text("hello\n", encoding="utf-8")
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        editor = app.active_editor
        assert editor is not None
        await pilot.press("X")
        editor.write_backup()  # what the timer does a second after the last edit
        assert [b["text"] for b in backups(workspace)] == ["Xhello\n"]
        editor.undo()
        await pilot.pause()
        assert backups(workspace) == []
        await pilot.press("Y")
        editor.write_backup()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert backups(workspace) == [] and (workspace / "notes.txt").read_text() == "Yhello\n"


async def test_the_backup_of_an_unsaved_buffer_follows_a_rename_in_the_explorer(tmp_path: Path) -> None:
    from textual.widgets import Input

    from symphony_tui.widgets.dialogs import InputDialog
    from symphony_tui.widgets.explorer import Explorer

    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "notes.txt").write_text("hello\n", encoding="utf-8")
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        editor = app.active_editor
        assert editor is not None
        await pilot.press("X")
        for _ in range(200):  # the backup timer fires a second after the last edit
            if backups(workspace):
                break
            await pilot.pause(0.02)
        assert [b["path"] for b in backups(workspace)] == [str(workspace / "notes.txt")]
        explorer = app.query_one(Explorer)
        explorer.reveal(workspace / "notes.txt")
        explorer.focus()
        await pilot.press("f2")
        for _ in range(200):
            if isinstance(app.screen, InputDialog):
                break
            await pilot.pause(0.02)
        app.screen.query_one(Input).value = "todo.txt"
        await pilot.press("enter")
        for _ in range(200):
            if editor.state.path == workspace / "todo.txt":
                break
            await pilot.pause(0.02)
        # A kill now brings the text back in todo.txt's tab, not as an Untitled buffer beside the file.
        assert [(b["path"], b["text"]) for b in backups(workspace)] == [(str(workspace / "todo.txt"), "Xhello\n")]
