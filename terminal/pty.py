"""A pseudo-terminal with a child process behind one interface on POSIX (ptyprocess) and Windows (pywinpty).

Usage::

    pty = spawn_pty(["/bin/sh", "-c", "printf hi"], cwd=workspace, cols=80, rows=24)
    data = pty.read()          # blocks; b"" once the child has exited and its output is drained
    pty.write(b"ls\\r")
    pty.resize(120, 40)        # SIGWINCH on POSIX, winpty resize on Windows
    status = pty.wait()        # ExitStatus(code=0, signal=None)
    pty.close()                # hang up and kill the child's whole process group

``read`` and ``wait`` block, so a session calls them from its own thread. Failures a user can see (the shell
does not exist, the directory is missing) raise NotFoundError / SymphonyIOError naming the path.
"""

from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class ExitStatus:
    """How the child ended: an exit ``code``, or the ``signal`` that killed it (POSIX)."""

    code: int | None
    signal: int | None = None

    @property
    def success(self) -> bool:
        """True for exit code 0."""
        return self.code == 0

    def describe(self) -> str:
        """A short phrase for a status line, e.g. ``exited with code 2`` or ``killed by signal 9``."""
        if self.signal is not None:
            return f"killed by signal {self.signal}"
        return f"exited with code {self.code}"


class Pty(ABC):
    """A running child attached to a pseudo-terminal."""

    @property
    @abstractmethod
    def pid(self) -> int:
        """The child's process id (its process group id too on POSIX)."""

    @abstractmethod
    def read(self, size: int = 65536) -> bytes:
        """Block until output is available; b"" means the child is gone and all output was read."""

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send input to the child (keys, pastes, replies to queries)."""

    @abstractmethod
    def resize(self, cols: int, rows: int) -> None:
        """Tell the child the window changed size."""

    @abstractmethod
    def is_alive(self) -> bool:
        """Whether the child is still running."""

    @abstractmethod
    def wait(self) -> ExitStatus:
        """Block until the child exits and return how it ended."""

    @abstractmethod
    def close(self) -> None:
        """Hang up, terminate the child's process group, release the PTY. Idempotent."""

    @abstractmethod
    def foreground_pid(self) -> int | None:
        """The pid leading the PTY's foreground job (the shell itself when idle), if the platform can tell."""


def check_spawn_args(argv: Sequence[str], cwd: Path | str | None) -> None:
    """Reject a missing program or directory with an error that names it, before forking."""
    if not argv:
        raise NotFoundError("No program was given to run in the terminal", hint="Configure terminal.shell.")
    if cwd is not None and not Path(cwd).is_dir():
        raise NotFoundError(
            f"Terminal working directory {cwd} does not exist",
            hint="Open an existing folder, or fix terminal.cwd in settings.",
            data={"path": str(cwd)},
        )
    program = argv[0]
    if os.sep in program or (os.altsep and os.altsep in program):
        found = Path(program).is_file()
    else:
        import shutil

        found = shutil.which(program) is not None
    if not found:
        raise NotFoundError(
            f"Terminal program {program} was not found",
            hint="Install it, or set terminal.shell to a shell that exists (e.g. /bin/sh).",
            data={"path": program},
        )


def spawn_pty(
    argv: Sequence[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    cols: int = 80,
    rows: int = 24,
) -> Pty:
    """Start ``argv`` on a new PTY of ``cols`` x ``rows`` with the platform's backend."""
    check_spawn_args(argv, cwd)
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        from terminal.pty_windows import WindowsPty

        return WindowsPty.spawn(argv, cwd=cwd, env=env, cols=cols, rows=rows)
    from terminal.pty_posix import PosixPty

    return PosixPty.spawn(argv, cwd=cwd, env=env, cols=cols, rows=rows)
