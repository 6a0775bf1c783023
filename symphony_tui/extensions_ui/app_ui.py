"""AppUi: core's UiPort over the live workbench, so extension calls reach the real editor, dialogs and panels.

Every method runs on the app's event loop (the extension bus lives there). Dialogs and commands that wait for
the user run in a Textual worker of the "commands" group, as the palette's do; their failures come back to the
extension as errors, never as a crash of the editor.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.document._edit import Edit
from textual.widgets import TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from core.errors import InternalError, NotFoundError, SymphonyError, ValidationError
from core.extensions.ports import NotifyLevel
from core.types.document import DocumentMeta
from core.types.text import Position, TextEdit
from symphony_tui.widgets.dialogs import InputDialog
from symphony_tui.widgets.quick_pick import PickItem, QuickPick
from symphony_tui.widgets.status_bar import StatusBar, StatusItemSpec

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor
    from symphony_tui.widgets.terminal_view import TerminalView

T = TypeVar("T")

_SEVERITY = {"info": "information", "warning": "warning", "error": "error"}


class _KeepCursorEdit(Edit):
    """An edit made for an extension: the user's cursor is mapped through it and, when the edit happened
    elsewhere (it usually does), left alone: re-setting an unchanged selection would run every cursor watcher
    (status bar, brackets, language server) for nothing."""

    def after(self, text_area: TextArea) -> None:
        if self._updated_selection is not None and self._updated_selection == text_area.selection:
            self._updated_selection = None
        super().after(text_area)


def _closing() -> NotFoundError:
    return NotFoundError("the workbench is closing", hint="Nothing to do: Symphony is quitting.")


def document_id(editor: Editor) -> str:
    """The id extensions know an editor's document by (stable for the editor's life)."""
    return f"doc-{editor.buffer_id}"


def document_meta(editor: Editor) -> DocumentMeta:
    """What extensions are told about an open editor."""
    state = editor.state
    return DocumentMeta(
        id=document_id(editor),
        path=state.path,
        language=state.language,
        encoding=state.encoding,
        line_ending=state.line_ending,
        has_bom=state.has_bom,
        version=editor.version,
        dirty=editor.dirty,
        read_only=editor.read_only,
    )


def status_key(extension_id: str, item_id: str) -> str:
    """The status bar key of an extension's item (``<extension id>/<item id>``)."""
    return f"{extension_id}/{item_id}"


class AppUi:
    """Implements ``core.extensions.ports.UiPort`` over a running SymphonyApp."""

    def __init__(self, app: SymphonyApp, *, names: Callable[[str], str] = str) -> None:
        self.app = app
        self.names = names
        """Extension id -> display name, for notification titles."""
        self._terminals: weakref.WeakValueDictionary[str, TerminalView] = weakref.WeakValueDictionary()
        self._progress_ids = itertools.count(1)

    # -- editor ------------------------------------------------------------------------------------------

    def editor(self, document: str | None) -> Editor:
        """The editor showing ``document`` (None: the active one); NotFoundError if it is not open."""
        if document is None:
            editor = self.app.active_editor
            if editor is None:
                raise NotFoundError("no document is open", hint="Open a file first, then run the command again.")
            return editor
        for editor in self.app.editors:
            if document_id(editor) == document:
                return editor
        raise NotFoundError(
            f"no open document {document!r}",
            hint="The document was closed; ask for the active document again.",
            data={"document": document},
        )

    async def active_document(self) -> DocumentMeta | None:
        editor = self.app.active_editor
        return None if editor is None else document_meta(editor)

    async def get_text(self, document_id: str | None) -> str:
        return self.editor(document_id).text

    async def get_selections(self, document_id: str | None) -> list[tuple[Position, Position]]:
        editor = self.editor(document_id)
        return [
            (Position(line=s.start[0], column=s.start[1]), Position(line=s.end[0], column=s.end[1]))
            for s in editor.all_selections
        ]

    async def apply_edits(self, edits: Sequence[TextEdit], document_id: str | None) -> int:
        editor = self.editor(document_id)
        if editor.read_only:
            raise ValidationError(f"{editor.display_name} is read-only", data={"document": document_meta(editor).id})
        spans = sorted(
            ((self._location(editor, e.range.start), self._location(editor, e.range.end), e) for e in edits),
            key=lambda span: (span[0], span[1]),
        )
        for (_, end, _), (start, _, _) in itertools.pairwise(spans):
            if start < end:
                raise ValidationError(
                    "edits overlap", hint="Send non-overlapping edits, all relative to the same text."
                )
        # Bottom-up, so each edit leaves the positions of the ones above it valid; one history group, so a
        # single undo takes the whole command's change back.
        with editor.history.group():
            for start, end, edit in reversed(spans):
                editor.edit(_KeepCursorEdit(edit.new_text, start, end, True))
        return editor.version

    @staticmethod
    def _location(editor: Editor, position: Position) -> tuple[int, int]:
        document = editor.document
        if position.line >= document.line_count:
            raise ValidationError(
                f"line {position.line} is past the end of {editor.display_name} ({document.line_count} lines)",
                hint="Ask for the text again: the document changed since the edit was computed.",
                data={"line": position.line},
            )
        return (position.line, min(position.column, len(document[position.line])))

    # -- window ------------------------------------------------------------------------------------------

    async def notify(self, extension_id: str, message: str, level: NotifyLevel) -> None:
        self.app.notify(message, title=self.names(extension_id), severity=_SEVERITY[level])  # type: ignore[arg-type]

    async def quick_pick(
        self, extension_id: str, items: Sequence[tuple[str, str]], title: str, placeholder: str
    ) -> int | None:
        from core.workspace.fuzzy import rank_paths

        labels = [label for label, _ in items]
        first_index: dict[str, list[int]] = {}
        for index, label in enumerate(labels):
            first_index.setdefault(label, []).append(index)
        unique = list(first_index)

        def source(query: str) -> list[PickItem]:
            rows: list[PickItem] = []
            for match in rank_paths(query.strip(), unique, limit=500):
                for index in first_index[match.path]:
                    rows.append(PickItem(match.path, index, detail=items[index][1], positions=match.positions))
            return rows

        picker = QuickPick(source, title=title or self.names(extension_id), placeholder=placeholder)
        result = await self._wait_for_user(lambda: self.app.push_screen_wait(picker), "quick pick")
        return None if result is None else int(result.item.value)

    async def input_box(self, extension_id: str, prompt: str, value: str, placeholder: str) -> str | None:
        dialog = InputDialog(prompt or self.names(extension_id), value=value, placeholder=placeholder)
        return await self._wait_for_user(lambda: self.app.push_screen_wait(dialog), "input box")

    async def progress(
        self, extension_id: str, progress_id: str, title: str, message: str, fraction: float | None, done: bool
    ) -> None:
        key = status_key(extension_id, f"$progress/{progress_id}")
        bar = self._status_bar()
        if done:
            if bar is not None:
                bar.remove_item(key)
            return
        if bar is None:
            raise _closing()
        parts = [title or self.names(extension_id)]
        if message:
            parts.append(message)
        text = "⟳ " + ": ".join(parts) + (f" {round(fraction * 100)}%" if fraction is not None else "")
        bar.set_item(StatusItemSpec(key, text, tooltip=f"{self.names(extension_id)}: {title}", alignment="left"))

    # -- status bar --------------------------------------------------------------------------------------

    async def set_status_item(self, extension_id: str, item: dict[str, Any]) -> None:
        alignment = item.get("alignment", "right")
        if alignment not in ("left", "right"):
            raise ValidationError(f"status item alignment must be 'left' or 'right', got {alignment!r}")
        command = item.get("command")
        bar = self._status_bar()
        if bar is None:
            raise _closing()
        bar.set_item(
            StatusItemSpec(
                status_key(extension_id, str(item["id"])),
                str(item.get("text", "")),
                tooltip=str(item.get("tooltip") or ""),
                command=str(command) if command else None,
                alignment=alignment,
                priority=int(item.get("priority", 0)),
            )
        )

    async def remove_status_item(self, extension_id: str, item_id: str) -> None:
        bar = self._status_bar()
        if bar is not None:  # the workbench closing takes every item away anyway
            bar.remove_item(status_key(extension_id, item_id))

    def forget_extension(self, extension_id: str) -> None:
        """Take every status item and progress of an extension off the bar (it stopped or was disabled)."""
        bar = self._status_bar()
        if bar is not None:
            bar.remove_items(status_key(extension_id, ""))

    def _status_bar(self) -> StatusBar | None:
        """The status bar, or None while the workbench is closing (extensions deactivate after its widgets go)."""
        found = self.app.query(StatusBar)
        return found.first() if found else None

    # -- terminals ---------------------------------------------------------------------------------------

    async def create_terminal(self, extension_id: str, name: str, cwd: str | None) -> str:
        from symphony_tui.widgets.terminal_panel import TerminalPanel

        folder = self.app.workspace if not cwd else (self.app.workspace / Path(cwd)).resolve()
        if not folder.is_dir():
            raise NotFoundError(f"terminal folder {cwd!r} does not exist", data={"cwd": cwd})
        t = self.app.settings.terminal
        panel = self.app.query_one(TerminalPanel)
        view = await panel.new_terminal([t.shell, *t.shell_args] if t.shell else None, cwd=folder)
        if name:
            view.title = name
            pane = view.parent
            if pane is not None and pane.id:
                panel.tabs.get_tab(pane.id).label = name
        terminal_id = view.id or f"terminal-{next(self._progress_ids)}"
        self._terminals[terminal_id] = view
        return terminal_id

    async def write_terminal(self, extension_id: str, terminal_id: str, text: str) -> None:
        view = self._terminals.get(terminal_id)
        if view is None or view.exited:
            raise NotFoundError(f"terminal {terminal_id!r} is closed", data={"terminal": terminal_id})
        if not await view.wait_started():
            raise NotFoundError(f"terminal {terminal_id!r} did not start", data={"terminal": terminal_id})
        view.session.write(text.encode("utf-8"))

    # -- commands ----------------------------------------------------------------------------------------

    async def execute_command(self, command_id: str, args: Sequence[Any]) -> Any:
        command = self.app.commands.get(command_id)
        names = list(command.args)
        if len(args) > len(names):
            raise ValidationError(
                f"command {command_id!r} takes at most {len(names)} argument(s), got {len(args)}",
                data={"command": command_id},
            )
        kwargs = dict(zip(names, args, strict=False))
        return await self._wait_for_user(lambda: self.app.commands.execute(command_id, **kwargs), command_id)

    async def _wait_for_user(self, work: Callable[[], Awaitable[T]], what: str) -> T | None:
        """Run ``work`` in a command worker (dialogs need one) and return its result; a cancelled worker is a
        dismissal, a failed one raises its error for the extension."""

        async def run() -> T:
            return await work()

        worker = self.app.run_worker(run(), name=f"extension {what}", group="commands", exit_on_error=False)
        try:
            return await worker.wait()
        except WorkerCancelled:
            return None
        except WorkerFailed as failed:
            error = failed.error
            if isinstance(error, SymphonyError):
                raise error from None
            raise InternalError(f"{what} failed: {error}") from error


__all__ = ["AppUi", "document_id", "document_meta", "status_key"]
