"""POSIX PTYs through ptyprocess: fork, setsid, controlling terminal, window size, and process-group cleanup."""

from __future__ import annotations

import contextlib
import errno
import os
import select
import signal
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from ptyprocess import PtyProcess, PtyProcessError  # type: ignore[import-untyped]

from core.errors import SymphonyIOError
from terminal.pty import ExitStatus, Pty

_CLOSE_GRACE_S = 0.5
_READ_POLL_S = 0.25
_REAP_POLL_S = 0.01
"""How often a waiting reader thread checks whether the child has exited."""


class PosixPty(Pty):
    """A child on a POSIX PTY. The child leads its own session, so its pid is also its process-group id."""

    def __init__(self, process: PtyProcess) -> None:
        self._process = process
        self._fd: int = process.fd
        self._closed = False
        self._status: ExitStatus | None = None
        self._reap_lock = threading.Lock()

    @classmethod
    def spawn(
        cls,
        argv: Sequence[str],
        *,
        cwd: Path | str | None,
        env: Mapping[str, str] | None,
        cols: int,
        rows: int,
    ) -> PosixPty:
        """Fork ``argv`` onto a new PTY (see ``terminal.pty.spawn_pty``)."""
        try:
            process = PtyProcess.spawn(
                list(argv),
                cwd=str(cwd) if cwd is not None else None,
                env=dict(env) if env is not None else None,
                dimensions=(rows, cols),
            )
        except OSError as exc:
            raise SymphonyIOError(
                f"Could not start {argv[0]} on a pseudo-terminal: {exc.strerror or exc}",
                hint="Check that the program is executable and the system has free PTYs.",
                data={"path": argv[0]},
            ) from exc
        return cls(process)

    @property
    def pid(self) -> int:
        """The child's pid (and process-group id)."""
        return int(self._process.pid)

    def read(self, size: int = 65536) -> bytes:
        """Block for output; b"" at end of output or after ``close``."""
        while not self._closed:
            try:
                ready, _, _ = select.select([self._fd], [], [], _READ_POLL_S)
                if not ready:
                    continue
                return os.read(self._fd, size)
            except OSError as exc:
                # Linux reports EIO once the child side of the PTY is closed; EBADF after our own close.
                if exc.errno in (errno.EIO, errno.EBADF):
                    return b""
                raise SymphonyIOError(
                    f"Reading from the terminal of pid {self.pid} failed: {exc.strerror}",
                    hint="The terminal will be closed; open a new one.",
                    data={"pid": self.pid},
                ) from exc
            except ValueError:  # select() on a closed fd
                return b""
        return b""

    def write(self, data: bytes) -> None:
        """Write all of ``data`` (the kernel may accept it in pieces)."""
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._fd, view)
            except BlockingIOError:
                select.select([], [self._fd], [], _READ_POLL_S)
                continue
            except OSError as exc:
                raise SymphonyIOError(
                    f"Writing to the terminal of pid {self.pid} failed: {exc.strerror}",
                    hint="The program has probably exited; open a new terminal.",
                    data={"pid": self.pid},
                ) from exc
            view = view[written:]

    def resize(self, cols: int, rows: int) -> None:
        """Set the window size; the kernel sends SIGWINCH to the foreground job."""
        if self._closed:
            return
        try:
            self._process.setwinsize(rows, cols)
        except OSError as exc:
            raise SymphonyIOError(
                f"Resizing the terminal of pid {self.pid} failed: {exc.strerror}",
                hint="The program has probably exited.",
                data={"pid": self.pid},
            ) from exc

    def _reap(self) -> bool:
        """Record the exit status if the child has ended; True once it has.

        The reader thread (``wait``) and the UI thread (``close`` -> ``is_alive``) both ask; a blocking
        waitpid in one raced the other's into ECHILD. So nobody blocks in waitpid: both poll under one lock.
        """
        with self._reap_lock:
            if self._status is not None:
                return True
            try:
                alive = self._process.isalive()
            except (PtyProcessError, ChildProcessError):
                alive = False  # reaped by someone else (e.g. a global SIGCHLD handler): status unknown
            if alive:
                return False
            code, sig = self._process.exitstatus, self._process.signalstatus
            self._status = ExitStatus(code=code if sig is None else None, signal=sig)
            return True

    def is_alive(self) -> bool:
        """Whether the child is still running (reaps it if it has exited)."""
        return not self._reap()

    def wait(self) -> ExitStatus:
        """Block until the child exits; returns its code, or the signal that killed it."""
        while not self._reap():
            time.sleep(_REAP_POLL_S)
        assert self._status is not None
        return self._status

    def foreground_pid(self) -> int | None:
        """The foreground process group of the PTY (equal to ``pid`` while the shell itself waits at a prompt)."""
        try:
            return os.tcgetpgrp(self._fd)
        except OSError:
            return None

    def close(self) -> None:
        """SIGHUP the child's group and the PTY's foreground job, SIGKILL whatever outlives a short grace."""
        if self._closed:
            return
        groups = {self.pid}
        foreground = self.foreground_pid()
        if foreground is not None and foreground > 0:
            groups.add(foreground)
        self._signal_groups(groups, signal.SIGHUP)
        self._signal_groups(groups, signal.SIGCONT)
        deadline = time.monotonic() + _CLOSE_GRACE_S
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.is_alive():
            self._signal_groups(groups, signal.SIGKILL)
        self._closed = True
        with contextlib.suppress(OSError):
            self._process.close(force=True)

    @staticmethod
    def _signal_groups(groups: set[int], sig: signal.Signals) -> None:
        for group in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, sig)
