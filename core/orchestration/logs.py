"""Per-node log capture: what a node printed and logged, kept with its run (``symphony runs logs RUN NODE``).

Shell nodes' stdout/stderr are streamed line by line by the local executor (and captured whole elsewhere).
Python nodes and registered targets have their ``logging`` records captured, and in dedicated worker processes
also their stdout/stderr. Captured lines travel with the outputs under LOGS_KEY (or in a failure's
``data["logs"]``), so they cross worker-process and Dask boundaries with no extra channel; the runner strips
them before outputs are stored.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, TextIO

LOGS_KEY: Final = "$logs"
"""Outputs key (and NodeFailure data key ``logs``) carrying captured ``[stream, text]`` lines."""
MAX_LINE: Final = 4000
"""Longer lines are cut (a node printing a megabyte on one line must not bloat the run database)."""
MAX_LINES: Final = 5000
"""Per attempt; beyond it only a note that lines were dropped is kept."""

LogSink = Callable[[str, str], None]
"""``sink(stream, text)``: stream is "stdout", "stderr" or "log"."""


@dataclass(frozen=True, slots=True)
class LogLine:
    """One captured line of one node attempt."""

    node_id: str
    attempt: int
    stream: str
    text: str
    time: float


class LineBuffer:
    """Collects lines for one attempt, cut to MAX_LINE characters and MAX_LINES lines."""

    def __init__(self) -> None:
        self.lines: list[list[str]] = []
        self.dropped = 0

    def add(self, stream: str, text: str) -> None:
        """Add one line (a trailing newline is removed)."""
        text = text.rstrip("\n")
        if len(text) > MAX_LINE:
            text = text[:MAX_LINE] + " …"
        if len(self.lines) < MAX_LINES:  # one writer at a time: the node's thread, or the event loop
            self.lines.append([stream, text])
        else:
            self.dropped += 1

    def result(self) -> list[list[str]]:
        """The lines, plus a note if some were dropped."""
        if self.dropped:
            return [*self.lines, ["log", f"[{self.dropped} more lines dropped]"]]
        return list(self.lines)


class _StreamTee(io.TextIOBase):
    """A text stream that splits what is written into lines for a LineBuffer."""

    def __init__(self, buffer: LineBuffer, stream: str) -> None:
        self._buffer = buffer
        self._stream = stream
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        data = self._partial + text
        *complete, self._partial = data.split("\n")
        for line in complete:
            self._buffer.add(self._stream, line)
        return len(text)

    def flush_partial(self) -> None:
        if self._partial:
            self._buffer.add(self._stream, self._partial)
            self._partial = ""


class _ThreadRouter(logging.Handler):
    """One root handler for the process: hands each record to the buffer capturing the thread that emitted it.

    Installed once; ``capture`` only adds and removes a dict entry, so capturing costs little even for
    10,000 inline no-op nodes.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.buffers: dict[int, LineBuffer] = {}
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        buffer = self.buffers.get(record.thread or 0)
        if buffer is None:
            return
        try:
            text = self.format(record)
        except Exception:  # a bad format string in user code must not fail the node
            text = f"{record.levelname} {record.name}: {record.msg!r}"
        for line in text.splitlines() or [""]:
            buffer.add("log", line)


_router: _ThreadRouter | None = None


def _installed_router() -> _ThreadRouter:
    global _router
    if _router is None:
        _router = _ThreadRouter()
        logging.getLogger().addHandler(_router)
    return _router


@contextmanager
def capture(*, streams: bool = False, level: int | None = None) -> Iterator[LineBuffer]:
    """Capture this thread's logging records (and, with ``streams``, the process's stdout/stderr).

    ``streams`` and ``level`` change process-wide state (sys.stdout, the root logger's level): use them only in
    a process that runs one node at a time (worker processes), never in the IDE or a shared Dask worker.
    """
    buffer = LineBuffer()
    router = _installed_router()
    thread = threading.get_ident()
    outer = router.buffers.get(thread)
    router.buffers[thread] = buffer
    root = logging.getLogger()
    old_level = root.level
    if level is not None:
        root.setLevel(level)
    saved: tuple[TextIO, TextIO] | None = None
    tees: list[_StreamTee] = []
    if streams:
        saved = (sys.stdout, sys.stderr)
        out, err = _StreamTee(buffer, "stdout"), _StreamTee(buffer, "stderr")
        tees = [out, err]
        sys.stdout, sys.stderr = out, err
    try:
        yield buffer
    finally:
        for tee in tees:
            tee.flush_partial()
        if saved is not None:
            sys.stdout, sys.stderr = saved
        if outer is None:
            router.buffers.pop(thread, None)
        else:
            router.buffers[thread] = outer
        if level is not None:
            root.setLevel(old_level)


def attach_logs(outputs: dict[str, Any], buffer: LineBuffer) -> dict[str, Any]:
    """``outputs`` with the captured lines under LOGS_KEY (when there are any)."""
    lines = buffer.result()
    if lines:
        outputs = {**outputs, LOGS_KEY: lines}
    return outputs


def split_lines(stream: str, data: bytes) -> list[list[str]]:
    """A finished command's output as captured lines."""
    buffer = LineBuffer()
    for line in data.decode("utf-8", "replace").splitlines():
        buffer.add(stream, line)
    return buffer.result()


__all__ = [
    "LOGS_KEY",
    "LineBuffer",
    "LogLine",
    "LogSink",
    "attach_logs",
    "capture",
    "split_lines",
]
