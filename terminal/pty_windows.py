"""Windows PTYs through pywinpty (ConPTY). Written against pywinpty's PtyProcess API; not exercised by CI (Linux).

pywinpty hands back text rather than bytes; it is re-encoded as UTF-8 so the emulator sees one byte stream on
every platform. Killing the process tree is left to ConPTY, which closes the console and its attached processes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.errors import SymphonyIOError, UnsupportedError
from terminal.pty import ExitStatus, Pty


class WindowsPty(Pty):  # pragma: no cover - Windows only
    """A child on a Windows pseudo-console."""

    def __init__(self, process: Any) -> None:
        self._process = process
        self._closed = False

    @classmethod
    def spawn(
        cls,
        argv: Sequence[str],
        *,
        cwd: Path | str | None,
        env: Mapping[str, str] | None,
        cols: int,
        rows: int,
    ) -> WindowsPty:
        """Start ``argv`` on a new pseudo-console."""
        try:
            from winpty import PtyProcess  # type: ignore[import-not-found]
        except ImportError as exc:
            raise UnsupportedError(
                "Terminals on Windows need the pywinpty package",
                hint="Install it with: pip install pywinpty",
                data={"module": "winpty"},
            ) from exc
        try:
            process = PtyProcess.spawn(
                list(argv),
                cwd=str(cwd) if cwd is not None else None,
                env=dict(env) if env is not None else None,
                dimensions=(rows, cols),
            )
        except OSError as exc:
            raise SymphonyIOError(
                f"Could not start {argv[0]} on a pseudo-console: {exc}",
                hint="Check that the program exists and is executable.",
                data={"path": argv[0]},
            ) from exc
        return cls(process)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return int(self._process.pid)

    def read(self, size: int = 65536) -> bytes:
        """Block for output; b"" once the console is closed."""
        if self._closed:
            return b""
        try:
            text = self._process.read(size)
        except EOFError:
            return b""
        if isinstance(text, bytes):
            return text
        return str(text).encode("utf-8", "surrogateescape")

    def write(self, data: bytes) -> None:
        """Send input to the child."""
        try:
            self._process.write(data.decode("utf-8", "replace"))
        except (OSError, EOFError) as exc:
            raise SymphonyIOError(
                f"Writing to the terminal of pid {self.pid} failed: {exc}",
                hint="The program has probably exited; open a new terminal.",
                data={"pid": self.pid},
            ) from exc

    def resize(self, cols: int, rows: int) -> None:
        """Resize the pseudo-console."""
        if not self._closed:
            self._process.setwinsize(rows, cols)

    def is_alive(self) -> bool:
        """Whether the child is still running."""
        return bool(self._process.isalive())

    def wait(self) -> ExitStatus:
        """Block until the child exits."""
        code = self._process.wait()
        return ExitStatus(code=int(code) if code is not None else None)

    def foreground_pid(self) -> int | None:
        """Windows has no foreground process groups; None."""
        return None

    def close(self) -> None:
        """Terminate the child and close the pseudo-console."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):
            self._process.terminate(force=True)
