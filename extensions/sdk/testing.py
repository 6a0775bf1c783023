"""Run one extension in-process against a real workspace folder, for fast unit tests of extensions.

For integration tests in a real host process see ``real_host`` (re-exported here from
``extensions.sdk.real_host``) and the ``real_host`` pytest fixture (``extensions.sdk.pytest_plugin``).

``ExtensionHarness`` implements the same ``ctx`` protocols the host offers, on real files (through
``core.workspace``), with capability checks taken from the one API table: a call needing a capability that the
test did not grant raises PermissionDeniedError, as it would for a user who said no. Dialogs answer from a
script; notifications, status items and terminal output are recorded for assertions.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Literal

from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.types.base import new_entity_id
from core.types.document import DocumentMeta
from core.types.text import Position, TextEdit
from extensions.sdk.api import METHODS
from extensions.sdk.context import (
    Event,
    NotifyLevel,
    Progress,
    QuickPickItem,
    Selection,
    StatusItem,
)
from extensions.sdk.extension import Extension
from extensions.sdk.motif import LocalView, Motif
from extensions.sdk.real_host import RealHost, real_host


@dataclass(frozen=True, slots=True)
class Notification:
    """A notification the extension showed."""

    level: NotifyLevel
    message: str


@dataclass(slots=True)
class FakeTerminal:
    """A terminal pane the extension opened; ``output`` is everything written to it."""

    id: str
    name: str
    cwd: str | None
    output: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All output joined."""
        return "".join(self.output)


@dataclass(slots=True)
class _OpenDocument:
    meta: DocumentMeta
    text: str
    selections: list[Selection]
    undo: list[str] = field(default_factory=list)


class _Api:
    """Base of the ctx namespaces: knows the harness and checks capabilities from the API table."""

    def __init__(self, harness: ExtensionHarness) -> None:
        self._h = harness

    def _check(self, method: str, detail: str = "") -> None:
        self._h.calls.append(method)
        capability = METHODS[method].capability
        if capability is not None and capability not in self._h.granted:
            self._h.denied.append((method, capability))
            raise PermissionDeniedError(
                f"the user denied capability {capability!r} to extension {self._h.extension_id!r}"
                + (f" ({method} {detail})" if detail else ""),
                hint="Grant it from the Extensions panel, or restart the extension to be asked again.",
                data={"extension": self._h.extension_id, "capability": capability, "reason": "denied"},
            )


class _Workspace(_Api):
    def _path(self, relative: str) -> Path:
        root = self._h.workspace_root
        candidate = PurePosixPath(relative)
        target = (root / candidate).resolve()
        if candidate.is_absolute() or not target.is_relative_to(root.resolve()):
            raise PermissionDeniedError(
                f"{relative!r} is outside the workspace",
                hint="Extensions may only reach files inside the open folder; use a path relative to it.",
                data={"extension": self._h.extension_id, "path": relative, "reason": "outside-workspace"},
            )
        return target

    async def list_files(self, folder: str = "") -> list[str]:
        self._check("workspace.list_files", folder)
        base = self._path(folder or ".")
        if not base.is_dir():
            raise NotFoundError(f"{folder!r} is not a folder in the workspace", data={"path": folder})
        return sorted(e.name + ("/" if e.is_dir() else "") for e in os.scandir(base))

    async def find_files(self, glob: str, *, limit: int = 1000) -> list[str]:
        self._check("workspace.find_files", glob)
        from pathspec import GitIgnoreSpec

        from core.workspace.listing import iter_workspace_relpaths

        spec = GitIgnoreSpec.from_lines([glob])
        found: list[str] = []
        for rel in iter_workspace_relpaths(self._h.workspace_root):
            if spec.match_file(rel):
                found.append(rel)
                if len(found) >= limit:
                    break
        return found

    async def read_text(self, path: str) -> str:
        self._check("workspace.read_text", path)
        from core.workspace.textfile import read_text_file

        return (await asyncio.to_thread(read_text_file, self._path(path))).text

    async def write_text(self, path: str, text: str) -> None:
        self._check("workspace.write_text", path)
        from core.types.document import LineEnding
        from core.workspace.textfile import save_text_file

        target = self._path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(
            save_text_file, target, text, encoding="utf-8", line_ending=LineEnding.LF, has_bom=False
        )


class _Editor(_Api):
    async def active_document(self) -> DocumentMeta | None:
        self._check("editor.active_document")
        doc = self._h.active
        return doc.meta if doc is not None else None

    async def get_text(self, document_id: str | None = None) -> str:
        self._check("editor.get_text")
        return self._h.document(document_id).text

    async def get_selections(self, document_id: str | None = None) -> list[Selection]:
        self._check("editor.get_selections")
        return list(self._h.document(document_id).selections)

    async def apply_edits(self, edits: Sequence[TextEdit], *, document_id: str | None = None) -> int:
        self._check("editor.apply_edits")
        doc = self._h.document(document_id)
        doc.undo.append(doc.text)
        doc.text = apply_text_edits(doc.text, edits)
        doc.meta = doc.meta.model_copy(update={"version": doc.meta.version + 1})
        await self._h.fire("document.changed", document=doc.meta)
        return doc.meta.version


class _ProgressRecorder:
    def __init__(self, harness: ExtensionHarness, title: str) -> None:
        self._h = harness
        self._title = title

    async def report(self, message: str = "", fraction: float | None = None) -> None:
        self._h.progress.append((self._title, message, fraction))


class _Window(_Api):
    async def notify(self, message: str, *, level: NotifyLevel = "info") -> None:
        self._check("window.notify")
        self._h.notifications.append(Notification(level, message))

    async def quick_pick(
        self, items: Sequence[str | QuickPickItem], *, title: str = "", placeholder: str = ""
    ) -> Any | None:
        self._check("window.quick_pick")
        shown = [QuickPickItem(label=i) if isinstance(i, str) else i for i in items]
        self._h.picks_shown.append(shown)
        answer = self._h.next_answer(f"quick_pick({title or placeholder!r})")
        if answer is None:
            return None
        for item in shown:
            if answer == item.label:
                return item.value if item.value is not None else item.label
        raise ValidationError(f"the scripted answer {answer!r} is not among the items {[i.label for i in shown]}")

    async def input_box(self, *, prompt: str = "", value: str = "", placeholder: str = "") -> str | None:
        self._check("window.input_box")
        answer = self._h.next_answer(f"input_box({prompt!r})")
        return None if answer is None else str(answer)

    @asynccontextmanager
    async def progress(self, title: str) -> AsyncIterator[Progress]:
        self._check("window.progress")
        recorder = _ProgressRecorder(self._h, title)
        await recorder.report("started")
        try:
            yield recorder
        finally:
            await recorder.report("done", 1.0)


class _StatusBar(_Api):
    async def set_item(
        self,
        item_id: str,
        text: str,
        *,
        tooltip: str = "",
        command: str | None = None,
        alignment: Literal["left", "right"] = "right",
        priority: int = 0,
    ) -> None:
        self._check("status_bar.set_item")
        self._h.status_items[item_id] = StatusItem(
            id=item_id, text=text, tooltip=tooltip, command=command, alignment=alignment, priority=priority
        )

    async def remove_item(self, item_id: str) -> None:
        self._check("status_bar.remove_item")
        self._h.status_items.pop(item_id, None)


class _Settings(_Api):
    async def get(self, key: str, default: Any = None) -> Any:
        self._check("settings.get")
        return copy.deepcopy(self._h.settings.get(key, default))


class _Storage(_Api):
    async def get(self, key: str, default: Any = None) -> Any:
        self._check("storage.get")
        return copy.deepcopy(self._h.storage.get(key, default))

    async def set(self, key: str, value: Any) -> None:
        self._check("storage.set")
        try:
            # Storage crosses IPC and lands on disk as JSON; refuse what could not, as the host would.
            self._h.storage[key] = json.loads(json.dumps(value))
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"storage.set({key!r}): the value is not JSON-serialisable: {exc}") from None

    async def delete(self, key: str) -> None:
        self._check("storage.delete")
        self._h.storage.pop(key, None)

    async def keys(self) -> list[str]:
        self._check("storage.keys")
        return sorted(self._h.storage)


class _Terminal(_Api):
    async def create(self, *, name: str, cwd: str | None = None) -> str:
        self._check("terminal.create", name)
        terminal = FakeTerminal(new_entity_id("term-"), name, cwd)
        self._h.terminals[terminal.id] = terminal
        return terminal.id

    async def write(self, terminal_id: str, text: str) -> None:
        self._check("terminal.write", terminal_id)
        try:
            self._h.terminals[terminal_id].output.append(text)
        except KeyError:
            raise NotFoundError(f"no terminal {terminal_id!r} opened by this extension") from None


class _Commands(_Api):
    async def execute(self, command_id: str, *args: Any) -> Any:
        self._check("commands.execute", command_id)
        self._h.executed.append((command_id, args))
        if command_id in type(self._h.extension).commands:
            return await self._h.extension.run_command(command_id, *args)
        handler = self._h.external_commands.get(command_id)
        if handler is None:
            raise NotFoundError(f"unknown command {command_id!r}", data={"command": command_id})
        return handler(*args)


class _Motifs(_Api):
    """Motifs shown into LocalViews (``harness.motif_views``): validated as the UI would, no widgets."""

    async def show(self, motif: Motif) -> None:
        self._h.calls.append("motif.show")
        view = LocalView()
        motif.view = view
        self._h.motifs[motif.id] = motif
        self._h.motif_views[motif.id] = view
        await motif.show()

    def shown(self, motif_id: str) -> Motif | None:
        return self._h.motifs.get(motif_id)

    def closed(self, motif_id: str) -> None:
        motif = self._h.motifs.pop(motif_id, None)
        if motif is not None:
            motif.view = None


class _Ipc(_Api):
    async def metrics(self) -> dict[str, dict[str, Any]]:
        self._check("ipc.metrics")
        return copy.deepcopy(self._h.ipc_metrics)


class _Runs(_Api):
    """Served by a real core.aide.runs_api.RunsApi over the harness's run database and artifact store."""

    async def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        self._check("runs.recent")
        return await self._h.runs_api.handlers()["runs.recent"](None, {"limit": limit})  # type: ignore[no-any-return]

    async def get(self, run_id: str) -> dict[str, Any]:
        self._check("runs.get", run_id)
        return await self._h.runs_api.handlers()["runs.get"](None, {"run_id": run_id})  # type: ignore[no-any-return]

    async def logs(self, run_id: str, node: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        self._check("runs.logs", run_id)
        params = {"run_id": run_id, "node": node, "limit": limit}
        return await self._h.runs_api.handlers()["runs.logs"](None, params)  # type: ignore[no-any-return]

    async def decide(self, run_id: str, node: str, action: str, comment: str = "") -> None:
        self._check("runs.decide", f"{run_id} {node}")
        params = {"run_id": run_id, "node": node, "action": action, "comment": comment}
        await self._h.runs_api.handlers()["runs.decide"](None, params)

    async def search_artifacts(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        self._check("runs.search_artifacts", query)
        params = {"query": query, "limit": limit}
        return await self._h.runs_api.handlers()["runs.search_artifacts"](None, params)  # type: ignore[no-any-return]


class HarnessContext:
    """The ``ctx`` the harness hands to the extension (implements ``extensions.sdk.context.Context``)."""

    def __init__(self, harness: ExtensionHarness) -> None:
        self._extension_id = harness.extension_id
        self.workspace = _Workspace(harness)
        self.editor = _Editor(harness)
        self.window = _Window(harness)
        self.status_bar = _StatusBar(harness)
        self.settings = _Settings(harness)
        self.storage = _Storage(harness)
        self.terminal = _Terminal(harness)
        self.commands = _Commands(harness)
        self.motif = _Motifs(harness)
        self.ipc = _Ipc(harness)
        self.runs = _Runs(harness)
        self.log = logging.getLogger(f"symphony.ext.{harness.extension_id}")

    @property
    def extension_id(self) -> str:
        """The extension's id."""
        return self._extension_id


class ExtensionHarness:
    """``async with ExtensionHarness(MyExtension, workspace=tmp_path) as h: await h.run_command("x")``."""

    def __init__(
        self,
        extension: type[Extension] | Extension,
        *,
        workspace: Path,
        extension_id: str = "test.extension",
        granted: Iterable[str] = (),
        settings: Mapping[str, Any] | None = None,
        answers: Iterable[Any] = (),
        commands: Mapping[str, Any] | None = None,
    ) -> None:
        self.extension = extension() if isinstance(extension, type) else extension
        """The extension instance under test."""
        self.extension_id = extension_id
        self.workspace_root = Path(workspace)
        self.granted = frozenset(granted)
        """Capabilities the simulated user allowed (others raise PermissionDeniedError)."""
        self.settings: dict[str, Any] = dict(settings or {})
        self.answers: list[Any] = list(answers)
        """Scripted replies to quick_pick / input_box, in order; None means the user dismissed it."""
        self.external_commands: dict[str, Any] = dict(commands or {})
        """Stand-ins for other extensions' or Symphony's commands reached via ctx.commands.execute."""
        self.notifications: list[Notification] = []
        self.status_items: dict[str, StatusItem] = {}
        self.terminals: dict[str, FakeTerminal] = {}
        self.storage: dict[str, Any] = {}
        self.progress: list[tuple[str, str, float | None]] = []
        self.picks_shown: list[list[QuickPickItem]] = []
        self.executed: list[tuple[str, tuple[Any, ...]]] = []
        self.calls: list[str] = []
        """Every ctx method called, in order."""
        self.denied: list[tuple[str, str]] = []
        """(method, capability) of every refused call."""
        self.documents: dict[str, _OpenDocument] = {}
        self.active: _OpenDocument | None = None
        self.motifs: dict[str, Motif] = {}
        """Motifs the extension showed, by id."""
        self.motif_views: dict[str, LocalView] = {}
        """What each shown Motif's UI holds (``view.tree``, ``view.node_id(key)``)."""
        self.ipc_metrics: dict[str, dict[str, Any]] = {}
        """What ``ctx.ipc.metrics()`` answers."""
        from core.aide.runs_api import RunsApi

        self.runs_api = RunsApi(self.workspace_root / ".symphony-runs.db", self.workspace_root / ".symphony-artifacts")
        """Serves ``ctx.runs``: point it at a real run database and artifact store (tests build them)."""
        self.ctx = HarnessContext(self)
        self.activated = False

    async def __aenter__(self) -> ExtensionHarness:
        await self.activate()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.activated:
            await self.deactivate()

    async def activate(self) -> None:
        """Set ``ctx`` and await the extension's ``activate``."""
        self.extension.ctx = self.ctx
        await self.extension.activate(self.ctx)
        self.activated = True

    async def open_motif(self, motif_id: str) -> LocalView:
        """What opening contributed Motif ``motif_id`` does: its factory's Motif, shown; its LocalView."""
        await self.ctx.motif.show(self.extension.create_motif(motif_id))
        return self.motif_views[motif_id]

    async def motif_event(self, motif_id: str, key: str, event: str, value: Any = None) -> bool:
        """Send ``event`` to the node with ``key`` of a shown Motif, as if the user acted on its widget."""
        return await self.motifs[motif_id].handle_event(self.motif_views[motif_id].node_id(key), event, value)

    async def deactivate(self) -> None:
        """Await the extension's ``deactivate``."""
        self.activated = False
        await self.extension.deactivate()

    async def run_command(self, command_id: str, *args: Any) -> Any:
        """Run one of the extension's commands, as the palette would."""
        return await self.extension.run_command(command_id, *args)

    async def fire(self, event: str, *, document: DocumentMeta | None = None, **data: Any) -> None:
        """Deliver an event to the extension's ``@on`` handlers."""
        await self.extension.dispatch_event(Event(name=event, document=document, data=data))

    async def open_document(self, path: str, text: str | None = None, *, language: str = "text") -> DocumentMeta:
        """Open a workspace file (or unsaved ``text``) in the fake editor, focus it and fire the events."""
        if text is None:
            from core.workspace.textfile import read_text_file

            text = read_text_file(self.workspace_root / path).text
        meta = DocumentMeta(id=new_entity_id("doc-"), path=self.workspace_root / path, language=language, version=1)
        doc = _OpenDocument(meta, text, [Selection(anchor=Position(line=0, column=0), head=Position(line=0, column=0))])
        self.documents[meta.id] = doc
        self.active = doc
        await self.fire("document.opened", document=meta)
        await self.fire("editor.active_changed", document=meta)
        return meta

    async def type_text(self, text: str, document_id: str | None = None) -> None:
        """Append ``text`` to a document as the user typing, firing document.changed."""
        doc = self.document(document_id)
        doc.text += text
        doc.meta = doc.meta.model_copy(update={"version": doc.meta.version + 1})
        await self.fire("document.changed", document=doc.meta)

    def document(self, document_id: str | None = None) -> _OpenDocument:
        """An open document by id, or the active one."""
        if document_id is None:
            if self.active is None:
                raise NotFoundError("no document is open", hint="Open one with harness.open_document(...).")
            return self.active
        try:
            return self.documents[document_id]
        except KeyError:
            raise NotFoundError(f"no open document {document_id!r}", data={"document": document_id}) from None

    def text_of(self, document_id: str | None = None) -> str:
        """A document's current text."""
        return self.document(document_id).text

    def next_answer(self, what: str) -> Any:
        """The next scripted dialog answer; a test that forgot one fails with a clear message."""
        if not self.answers:
            raise ValidationError(f"the extension asked {what} but the test scripted no more answers")
        return self.answers.pop(0)


def apply_text_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """Apply edits whose ranges all refer to ``text`` (not to each other's results); overlaps are refused."""
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)

    def offset(position: Position) -> int:
        if position.line >= len(starts):
            raise ValidationError(f"line {position.line} is past the end of the document ({len(starts)} lines)")
        line_end = starts[position.line + 1] - 1 if position.line + 1 < len(starts) else len(text)
        return min(starts[position.line] + position.column, line_end)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), key=lambda s: s[:2])
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        if start < end:
            raise ValidationError("edits overlap", hint="Send non-overlapping edits, all relative to the same text.")
    for start, end, new_text in reversed(spans):
        text = text[:start] + new_text + text[end:]
    return text


def snap_motif(
    snap_compare: Callable[..., bool],
    motif: Motif,
    *,
    terminal_size: tuple[int, int] = (80, 24),
    run_before: Callable[[Any], Awaitable[None]] | None = None,
) -> bool:
    """Snapshot ``motif`` drawn by Symphony's own widgets, with pytest-textual-snapshot's ``snap_compare`` fixture.

    ``assert snap_motif(snap_compare, Tasks())``; ``run_before(pilot)`` may act on the widgets first (events reach
    the Motif's handlers in-process). Symphony's UI is loaded only here: the host never imports it.
    """
    from symphony_tui.vdom.local import MotifApp

    app = MotifApp(motif)

    async def settle_then_act(pilot: Any) -> None:
        await pilot.pause()
        if run_before is not None:
            await run_before(pilot)
        await app.binding.view.wait_idle()
        await pilot.pause()

    return snap_compare(app, terminal_size=terminal_size, run_before=settle_then_act)


__all__ = [
    "ExtensionHarness",
    "FakeTerminal",
    "HarnessContext",
    "Notification",
    "RealHost",
    "apply_text_edits",
    "real_host",
    "snap_motif",
]
