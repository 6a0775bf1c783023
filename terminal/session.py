"""TerminalSession: a program on a PTY, emulated off the UI loop, delivered as at most ~60 frames a second.

Usage from a UI (Textual or anything else; this module imports none)::

    session = TerminalSession(["/bin/bash"], cwd=workspace, cols=80, rows=24,
                              on_frame=lambda frame: app.call_from_thread(pane.apply, frame))
    session.start()
    session.send_key("ctrl+c"); session.paste("ls -l\\n"); session.resize(100, 30)
    ...
    session.close()      # hangs up the shell and kills its process group

Or pull instead of push: leave ``on_frame`` unset and call ``session.next_frame(timeout)`` from a worker.

Threads: a *reader* thread blocks on the PTY and feeds every chunk to the emulator (the parse runs in C with the
GIL released), accumulating damaged rows. A *pump* thread wakes when there is damage, waits for the next frame
slot (1 / max_fps after the previous frame), and turns the accumulated damage into one ``Frame`` holding only
the changed lines. However fast the program writes, the UI therefore sees at most ``max_fps`` frames, each
costing work proportional to the rows that changed. Frames not yet taken by ``next_frame`` are merged, never
queued. A slow ``on_frame`` callback simply delays the next frame; output keeps being parsed meanwhile.

The last frame of a session carries ``exit_status``. All public methods are thread-safe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

from core.errors import SymphonyIOError
from terminal.emulator import TerminalEmulator
from terminal.events import TerminalEvent
from terminal.history_shift import UNKNOWN_SHIFT
from terminal.input import MouseEvent
from terminal.modes import TerminalModes
from terminal.pty import ExitStatus, Pty, spawn_pty
from terminal.screen import Cursor, Line
from terminal.selection import ScreenPoint, TextRange
from terminal.shell import shell_argv, terminal_environment

DEFAULT_MAX_FPS = 60.0

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Frame:
    """What changed since the previous frame: repaint ``lines`` (keyed by viewport row), move the cursor."""

    lines: Mapping[int, Line]
    cursor: Cursor
    modes: TerminalModes
    title: str
    cols: int
    rows: int
    events: tuple[TerminalEvent, ...] = ()
    viewport_offset: int = 0
    """Lines scrolled back from the live screen (0 = following output)."""
    viewport_top: int = 0
    """The screen row (0 = oldest scrollback line) at the top of the viewport, for search and selection marks."""
    exit_status: ExitStatus | None = None
    """Set on the final frame, once the program has exited."""
    sequence: int = 0
    """Increases by one per frame; a merged frame keeps the newest."""
    history_shift: int = 0
    """History rows dropped from the top since the previous frame: screen-coordinate marks move up by this."""

    def merged_after(self, older: Frame) -> Frame:
        """This frame combined with an undelivered ``older`` one (older lines lose to newer ones)."""
        lines = dict(older.lines) if (older.cols, older.rows) == (self.cols, self.rows) else {}
        lines.update(self.lines)
        shift = min(older.history_shift + self.history_shift, UNKNOWN_SHIFT)
        return replace(self, lines=lines, events=older.events + self.events, history_shift=shift)


@dataclass
class _Pending:
    damage: set[int] = field(default_factory=set)
    events: list[TerminalEvent] = field(default_factory=list)
    fed: bool = False
    """Output arrived: even without damaged rows it may have moved the cursor or changed modes."""
    history_shift: int = 0


class TerminalSession:
    """One program on one PTY with its emulator, reader and frame pump."""

    def __init__(
        self,
        argv: Sequence[str] | None = None,
        *,
        cwd: Path | str | None = None,
        env: Mapping[str, str] | None = None,
        cols: int = 80,
        rows: int = 24,
        scrollback: int = 10_000,
        max_fps: float = DEFAULT_MAX_FPS,
        on_frame: Callable[[Frame], None] | None = None,
    ) -> None:
        """``argv`` defaults to the user's shell; ``env`` is added to the environment (TERM etc. are set for you)."""
        self.argv = list(argv) if argv else shell_argv()
        self.cwd = cwd
        self._env = terminal_environment(extra=env)
        self.emulator = TerminalEmulator(cols, rows, scrollback=scrollback)
        """The screen model; read it only while holding ``lock`` (or use ``snapshot()``)."""
        self.lock = threading.RLock()
        self._interval = 1.0 / max_fps if max_fps > 0 else 0.0
        self._on_frame = on_frame
        self._pty: Pty | None = None
        self._pending = _Pending()
        self._wake = threading.Event()
        self._reader_done = threading.Event()
        self._finished = threading.Event()
        self._exit_status: ExitStatus | None = None
        self._sequence = 0
        self._undelivered: Frame | None = None
        self._frame_ready = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._closing = False

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Spawn the program and the reader and pump threads."""
        if self._pty is not None:
            return
        with self.lock:
            cols, rows = self.emulator.cols, self.emulator.rows
        self._pty = spawn_pty(self.argv, cwd=self.cwd, env=self._env, cols=cols, rows=rows)
        for target, name in ((self._read_loop, "reader"), (self._pump_loop, "pump")):
            thread = threading.Thread(target=target, name=f"terminal-{name}-{self._pty.pid}", daemon=True)
            thread.start()
            self._threads.append(thread)

    @property
    def pid(self) -> int | None:
        """The program's pid once started."""
        return self._pty.pid if self._pty is not None else None

    @property
    def exit_status(self) -> ExitStatus | None:
        """How the program ended, once it has."""
        return self._exit_status

    def wait(self, timeout: float | None = None) -> ExitStatus | None:
        """Block until the program has exited and its last frame was produced; None on timeout."""
        self._finished.wait(timeout)
        return self._exit_status

    def has_foreground_job(self) -> bool:
        """True when a program other than the shell runs in the foreground (a UI should confirm before killing)."""
        if self._pty is None or self._exit_status is not None:
            return False
        foreground = self._pty.foreground_pid()
        return foreground is not None and foreground != self._pty.pid

    def close(self) -> None:
        """Hang up the program, kill its process group, and stop the threads. Idempotent."""
        self._closing = True
        if self._pty is not None:
            self._pty.close()
        self._wake.set()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=2.0)

    def __enter__(self) -> TerminalSession:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ----------------------------------------------------------------- input
    def write(self, data: bytes) -> None:
        """Send raw bytes to the program."""
        if self._pty is None:
            raise SymphonyIOError("The terminal has not been started", hint="Call start() first.")
        if data:
            self._pty.write(data)

    def send_key(self, key: str, text: str | None = None) -> None:
        """Send a key press encoded for the program's modes (see ``terminal.input``)."""
        with self.lock:
            data = self.emulator.encode_key(key, text)
        self.write(data)

    def send_mouse(self, event: MouseEvent) -> bool:
        """Report a mouse event if the program tracks the mouse; False means the UI may handle it itself."""
        with self.lock:
            data = self.emulator.encode_mouse(event)
        self.write(data)
        return bool(data)

    def paste(self, text: str) -> None:
        """Paste text (bracketed if the program asked for it)."""
        with self.lock:
            data = self.emulator.encode_paste(text)
        self.write(data)

    def focus(self, focused: bool) -> None:
        """Report a focus change if the program asked for focus events."""
        with self.lock:
            data = self.emulator.encode_focus(focused)
        self.write(data)

    # ------------------------------------------------------- view and resize
    def resize(self, cols: int, rows: int) -> None:
        """Resize the emulator and the PTY (the program gets SIGWINCH); the next frame repaints everything."""
        with self.lock:
            if (cols, rows) == (self.emulator.cols, self.emulator.rows):
                return
            self._pending.damage |= self.emulator.resize(cols, rows)
        if self._pty is not None:
            self._pty.resize(cols, rows)
        self._wake.set()

    def scroll(self, delta: int) -> None:
        """Scroll the view into (negative) or out of the scrollback."""
        with self.lock:
            self._pending.damage |= self.emulator.scroll_viewport(delta)
        self._wake.set()

    def scroll_to_bottom(self) -> None:
        """Return the view to the live screen (e.g. when the user types)."""
        with self.lock:
            self._pending.damage |= self.emulator.scroll_to_bottom()
        self._wake.set()

    def reveal_row(self, y: int) -> None:
        """Scroll so screen row ``y`` (e.g. a search match) is visible."""
        with self.lock:
            self._pending.damage |= self.emulator.reveal_row(y)
        self._wake.set()

    def search(self, needle: str) -> list[TextRange]:
        """Occurrences of ``needle`` in scrollback and screen, oldest first, ignoring case."""
        with self.lock:
            return self.emulator.search(needle)

    def word_at(self, point: ScreenPoint) -> TextRange | None:
        """The word under a screen point (for double-click selection)."""
        with self.lock:
            return self.emulator.word_at(point)

    def text_in(self, span: TextRange) -> str:
        """The text under a selection, as copy should put it on the clipboard."""
        with self.lock:
            return self.emulator.text_in(span)

    def snapshot(self) -> Frame:
        """A frame with every row, for a widget that mounts or remounts mid-session."""
        with self.lock:
            return self._frame(set(range(self.emulator.rows)), [])

    def next_frame(self, timeout: float | None = None) -> Frame | None:
        """The next (merged) frame when no ``on_frame`` callback was given; None on timeout."""
        with self._frame_ready:
            if self._undelivered is None:
                self._frame_ready.wait(timeout)
            frame, self._undelivered = self._undelivered, None
            return frame

    # --------------------------------------------------------------- threads
    def _read_loop(self) -> None:
        pty = self._pty
        assert pty is not None
        emulator = self.emulator
        pending = self._pending
        try:
            while True:
                data = pty.read()
                if not data:
                    break
                with self.lock:
                    pending.damage |= emulator.feed(data)
                    pending.fed = True
                    pending.history_shift = min(pending.history_shift + emulator.drain_history_shift(), UNKNOWN_SHIFT)
                    replies = emulator.drain_replies()
                    events = emulator.drain_events()
                    if events:
                        pending.events.extend(events)
                if replies:
                    try:
                        pty.write(replies)
                    except SymphonyIOError:
                        break
                self._wake.set()
        finally:
            self._exit_status = pty.wait()
            self._reader_done.set()
            self._wake.set()

    def _pump_loop(self) -> None:
        last = 0.0
        while True:
            self._wake.wait()
            delay = last + self._interval - time.monotonic()
            if delay > 0 and not self._reader_done.is_set():
                time.sleep(delay)
            self._wake.clear()
            done = self._reader_done.is_set()
            with self.lock:
                damage, self._pending.damage = self._pending.damage, set()
                events, self._pending.events = self._pending.events, []
                fed, self._pending.fed = self._pending.fed, False
                shift, self._pending.history_shift = self._pending.history_shift, 0
                frame = self._frame(damage, events, final=done) if (damage or events or fed or done) else None
                if frame is not None and shift:
                    frame = replace(frame, history_shift=shift)
            if frame is not None:
                last = time.monotonic()
                self._deliver(frame)
            if done:
                self._finished.set()
                return

    def _frame(self, damage: set[int], events: list[TerminalEvent], *, final: bool = False) -> Frame:
        emulator = self.emulator
        rows = emulator.rows
        lines = {y: emulator.line(y) for y in sorted(damage) if 0 <= y < rows}
        self._sequence += 1
        return Frame(
            lines=lines,
            cursor=emulator.cursor,
            modes=emulator.modes,
            title=emulator.title,
            cols=emulator.cols,
            rows=rows,
            events=tuple(events),
            viewport_offset=emulator.viewport_offset,
            viewport_top=emulator.viewport_top,
            exit_status=self._exit_status if final else None,
            sequence=self._sequence,
        )

    def _deliver(self, frame: Frame) -> None:
        if self._on_frame is not None:
            try:
                self._on_frame(frame)
            except Exception:  # a broken view must not stop emulation; the UI sees the next frame
                _log.exception("terminal frame callback failed")
            return
        with self._frame_ready:
            older = self._undelivered
            self._undelivered = frame if older is None else frame.merged_after(older)
            self._frame_ready.notify_all()
