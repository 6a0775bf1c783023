"""MotifView: the widget that shows one Motif, wherever it is placed (side bar, panel, editor tab, modal).

It takes ``motif.render`` / ``motif.patch`` params (checking schema and revision order), hands them to its
MotifReconciler, and sends widget events to the extension through an async callback, one at a time and in
order, a run of ``changed`` events of one widget coalesced to the latest. When a render or patch is refused, or
the extension's host is down, it shows an error box with the message and a "Restart" button instead of the
Motif; nothing outside the view is affected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static, TextArea

from core.errors import ExtensionError, ProtocolError, SymphonyError
from core.vdom import DEFAULT_MAX_NODES, SCHEMA_VERSION
from symphony_tui.vdom.events import FORWARDED, MotifEventData, translate
from symphony_tui.vdom.reconciler import MotifReconciler

log = logging.getLogger("symphony.motif")

EventSink = Callable[[int, str, Any], Awaitable[Any]]
"""``await send(node_id, event, value)``: delivers one event to the extension and returns once it was handled."""


class MotifView(Widget):
    """One Motif's live UI, or its error box."""

    DEFAULT_CSS = """
    MotifView {
        height: 1fr;
        width: 1fr;
    }
    MotifView > #motif-body {
        height: 1fr;
    }
    MotifView > #motif-error {
        display: none;
        height: auto;
        border: round $error;
        padding: 0 1;
    }
    MotifView.-failed > #motif-body {
        display: none;
    }
    MotifView.-failed > #motif-error {
        display: block;
    }
    MotifView #motif-error-message {
        color: $error;
        margin-bottom: 1;
    }
    MotifView #motif-error-hint {
        color: $text-muted;
        margin-bottom: 1;
    }
    MotifView .motif-vertical, MotifView .motif-horizontal, MotifView .motif-grid, MotifView .motif-list-item {
        height: auto;
    }
    MotifView #motif-body > .motif-node {
        height: 1fr;
    }
    MotifView .motif-list-view, MotifView .motif-data-table, MotifView .motif-tree, MotifView .motif-log {
        height: auto;
        max-height: 100%;
    }
    MotifView.-sidebar {
        border: round $primary-muted;
        border-title-color: $text-muted;
    }
    MotifView.-sidebar:focus-within {
        border: round $primary;
        border-title-color: $text;
    }
    MotifView.-statusbar {
        width: auto;
        max-width: 50;
        height: 1;
    }
    MotifView.-statusbar > #motif-body, MotifView.-statusbar #motif-body > .motif-node {
        width: auto;
        height: 1;
    }
    MotifView.-statusbar > #motif-error {
        layout: horizontal;
        height: 1;
        border: none;
        padding: 0;
    }
    MotifView.-statusbar #motif-error-message {
        width: auto;
        max-width: 30;
        margin: 0 1 0 0;
    }
    MotifView.-statusbar #motif-error-hint {
        display: none;
    }
    MotifView.-statusbar #motif-restart {
        height: 1;
        min-width: 9;
        border: none;
    }
    MotifView .motif-label.primary { color: $primary; }
    MotifView .motif-label.success { color: $success; }
    MotifView .motif-label.warning { color: $warning; }
    MotifView .motif-label.error { color: $error; }
    """

    class RestartRequested(Message):
        """The user pressed "Restart" in the error box."""

        def __init__(self, view: MotifView) -> None:
            super().__init__()
            self.view = view

        @property
        def control(self) -> MotifView:
            """The view whose Motif should start again."""
            return self.view

    COALESCED: ClassVar[frozenset[str]] = frozenset({"changed", "highlighted"})
    """Events of which only the latest per widget matters when several are waiting to be sent."""

    def __init__(
        self,
        motif_id: str,
        *,
        send_event: EventSink | None = None,
        on_restart: Callable[[], Awaitable[Any]] | None = None,
        max_nodes: int = DEFAULT_MAX_NODES,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.motif_id = motif_id
        """The contributed Motif's id (``acme.tasks``)."""
        self.send_event = send_event
        """Where widget events go; None drops them (a read-only preview)."""
        self.on_restart = on_restart
        """Run by the "Restart" button (also posted as RestartRequested)."""
        self.revision = 0
        """The revision shown; a patch must carry the next one."""
        self.error: SymphonyError | None = None
        """Why the error box is showing, or None."""
        self._body = Vertical(id="motif-body")
        self.reconciler = MotifReconciler(self._body, max_nodes=max_nodes)
        """Maps the Motif's nodes to the widgets in this view."""
        self._queue: deque[MotifEventData] = deque()
        self._wakeup = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield self._body
        with Vertical(id="motif-error"):
            yield Static("", id="motif-error-message", markup=False)
            yield Static("", id="motif-error-hint", markup=False)
            yield Button("Restart", id="motif-restart", variant="primary")

    def on_mount(self) -> None:
        self._sender = asyncio.create_task(self._send_events(), name=f"motif-events-{self.motif_id}")
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.reconciler.refresh_theme())

    def on_unmount(self) -> None:
        if self._sender is not None:
            self._sender.cancel()

    # -- what the extension sends ---------------------------------------------------------------------------------

    async def show_render(self, params: dict[str, Any]) -> None:
        """``motif.render``: show a whole tree (a bad one shows the error box; nothing is raised)."""
        async with self._lock, self._in_app():
            try:
                self._check_schema(params)
                await self.reconciler.mount_root(params["root"])
            except SymphonyError as exc:
                await self._fail(exc)
                return
            except (KeyError, TypeError) as exc:
                await self._fail(ProtocolError(f"motif.render params are malformed: {exc!r}"))
                return
            except Exception as exc:  # a widget refused what validation let through: contained, never a crash
                log.exception("Motif %s: mounting the tree failed", self.motif_id)
                await self._fail(ExtensionError(f"the UI could not show this Motif: {type(exc).__name__}: {exc}"))
                return
            self.revision = int(params["revision"])
            self._recover()

    async def apply_patch(self, params: dict[str, Any]) -> None:
        """``motif.patch``: apply ops in order, if the patch follows the shown revision."""
        async with self._lock, self._in_app():
            if self.error is not None:
                return  # the error box stays until a fresh render
            try:
                self._check_schema(params)
                if params["revision"] != self.revision + 1:
                    raise ProtocolError(
                        f"Motif {self.motif_id}: patch revision {params['revision']} does not follow "
                        f"revision {self.revision}",
                        hint="Restart the Motif to get its whole tree again.",
                        data={"motif": self.motif_id, "revision": params["revision"]},
                    )
                await self.reconciler.apply(params["ops"])
                self.revision = params["revision"]
            except SymphonyError as exc:
                await self._fail(exc)
            except (KeyError, TypeError) as exc:
                await self._fail(ProtocolError(f"motif.patch params are malformed: {exc!r}"))
            except Exception as exc:  # a widget refused what validation let through: contained, never a crash
                log.exception("Motif %s: applying a patch failed", self.motif_id)
                await self._fail(ExtensionError(f"the UI could not apply a patch: {type(exc).__name__}: {exc}"))

    @contextlib.asynccontextmanager
    async def _in_app(self) -> AsyncIterator[None]:
        # Renders may arrive on a task outside the app's context (an IPC reader, a test): widgets built
        # there need the active app, as they would have inside a message handler.
        with self.app._context():
            yield

    def _check_schema(self, params: dict[str, Any]) -> None:
        if params.get("schema") != SCHEMA_VERSION:
            raise ProtocolError(
                f"Motif {self.motif_id}: schema version {params.get('schema')!r} is not {SCHEMA_VERSION}",
                hint="The extension was built for another Symphony version; update it.",
                data={"motif": self.motif_id},
            )

    # -- the error box ----------------------------------------------------------------------------------------------

    def show_error(self, error: SymphonyError) -> None:
        """Show ``error`` with a Restart button in place of the Motif (render failure, crashed host ...)."""
        self.error = error
        self.query_one("#motif-error-message", Static).update(f"{self.motif_id}: {error.message}")
        self.query_one("#motif-error-hint", Static).update(error.hint or "")
        self.add_class("-failed")

    async def _fail(self, error: SymphonyError) -> None:
        log.warning("Motif %s: %s", self.motif_id, error)
        self.show_error(error)
        await self.reconciler.clear()
        self.revision = 0

    def _recover(self) -> None:
        self.error = None
        self.remove_class("-failed")

    @on(Button.Pressed, "#motif-restart")
    async def _restart(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RestartRequested(self))
        if self.on_restart is not None:
            try:
                await self.on_restart()
            except SymphonyError as exc:
                self.show_error(exc)

    # -- what the user does -----------------------------------------------------------------------------------------

    def _forward(self, message: Message) -> None:
        if getattr(message, "control", None) is self.query_one("#motif-restart"):
            return
        message.stop()  # the app must not mistake a Motif's tabs or text areas for its own
        found = translate(message, self.reconciler)
        if found is None:
            return
        node_id, event, value = found
        node = self.reconciler.wire(node_id)
        if node is None or event not in node.get("on", {}) or self.send_event is None:
            return
        self.reconciler.event_started(node_id)
        self._queue.append((node_id, event, value))
        self._wakeup.set()

    for _message_type in FORWARDED:
        _forward = on(_message_type)(_forward)
    del _message_type

    @on(TextArea.SelectionChanged)
    def _keep_selection_inside(self, message: TextArea.SelectionChanged) -> None:
        message.stop()

    async def _send_events(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._queue:
                node_id, event, value = self._queue.popleft()
                try:
                    if event in self.COALESCED and any(n == node_id and e == event for n, e, _ in self._queue):
                        continue  # a newer value of the same widget is waiting: send only that
                    assert self.send_event is not None
                    await self.send_event(node_id, event, value)
                except asyncio.CancelledError:
                    raise
                except SymphonyError as exc:
                    self.app.notify(exc.message, title=f"Motif {self.motif_id}", severity="error")
                except Exception as exc:
                    log.exception("Motif %s: sending %s of node %s failed", self.motif_id, event, node_id)
                    self.app.notify(str(exc), title=f"Motif {self.motif_id}", severity="error")
                finally:
                    self.reconciler.event_finished(node_id)

    async def wait_idle(self) -> None:
        """Wait until every queued event was sent and answered (for tests and benchmarks)."""
        while self._queue or self.reconciler.events_in_flight():
            await asyncio.sleep(0.005)


__all__ = ["EventSink", "MotifView"]
