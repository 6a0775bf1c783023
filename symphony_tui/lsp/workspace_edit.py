"""Workspace edits (rename, code actions, server requests): a preview the user confirms, then edits applied to
editors — files not open yet are opened, so every change is visible, undoable and saved by the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.errors import SymphonyError, UnsupportedError
from core.types.text import TextEdit
from symphony_tui.lsp.edits import apply_to_editor

if TYPE_CHECKING:
    from lsprotocol import types as lsp

    from symphony_tui.lsp.service import LspService


@dataclass(frozen=True, slots=True)
class FileChange:
    """The code-point edits (last-first) for one file and the text they apply to."""

    path: Path
    before: str
    edits: tuple[TextEdit, ...]

    def after(self) -> str:
        """The file's text once the edits are applied."""
        lines = self.before.split("\n")
        for edit in self.edits:
            start, end = edit.range.start, edit.range.end
            head = lines[start.line][: start.column]
            tail = lines[end.line][end.column :] if end.line < len(lines) else ""
            lines[start.line : end.line + 1] = (head + edit.new_text + tail).split("\n")
        return "\n".join(lines)


def plan_workspace_edit(service: LspService, edit: lsp.WorkspaceEdit) -> list[FileChange]:
    """Turn a workspace edit into per-file code-point changes against the current texts (editor or disk)."""
    from core.lsp.edits import to_core_edits, workspace_edit_changes
    from core.lsp.uris import uri_to_path

    changes, operations = workspace_edit_changes(edit)
    if operations:
        kinds = ", ".join(sorted({op.kind for op in operations}))
        raise UnsupportedError(
            f"the edit also wants to {kinds} files, which Symphony does not apply from a language server yet",
            hint="Make the file changes by hand; nothing was changed.",
        )
    plan: list[FileChange] = []
    for uri, text_edits in changes.items():
        path = uri_to_path(uri)
        editor = service.app.editor_for(path)
        if editor is not None:
            before = editor.text.replace("\r\n", "\n")
        else:
            try:
                before = path.read_text(encoding="utf-8").replace("\r\n", "\n")
            except OSError as exc:
                raise SymphonyError(
                    f"cannot read {path} to apply the edit: {exc.strerror or exc}",
                    hint="Nothing was changed.",
                ) from exc
        server = service.manager.server_for(uri) if service.manager is not None else None
        if server is None and service.manager is not None and service.manager.servers:
            server = service.manager.servers[0]
        encoding = server.encoding if server is not None else "utf-16"
        plan.append(FileChange(path, before, tuple(to_core_edits(before, text_edits, encoding))))
    return plan


def preview_text(plan: Sequence[FileChange], shown_path: object) -> Text:
    """What the preview lists: per file, each changed line before (-) and after (+)."""
    show = shown_path if callable(shown_path) else str
    text = Text()
    for change in plan:
        before_lines = change.before.split("\n")
        after_lines = change.after().split("\n")
        text.append(f"{show(change.path)}", style="bold")
        text.append(f"  {len(change.edits)} change{'s' if len(change.edits) != 1 else ''}\n", style="dim")
        import difflib

        matcher = difflib.SequenceMatcher(a=before_lines, b=after_lines, autojunk=False)
        for tag, a0, a1, b0, b1 in matcher.get_opcodes():
            if tag == "equal":
                continue
            for number in range(a0, a1):
                text.append(f"  {number + 1:>4} - {before_lines[number]}\n", style="red")
            for number in range(b0, b1):
                text.append(f"  {number + 1:>4} + {after_lines[number]}\n", style="green")
    return text


class EditPreview(ModalScreen[bool]):
    """Shows a workspace edit's changes; Apply (enter, a) or Cancel (escape, c)."""

    DEFAULT_CSS = """
    EditPreview {
        align: center middle;
        background: $background 50%;
    }
    EditPreview > Vertical {
        width: 90%;
        max-width: 120;
        height: auto;
        max-height: 80%;
        background: $surface;
        border: thick $primary;
        padding: 1 2;
    }
    EditPreview #preview-title {
        text-style: bold;
        margin-bottom: 1;
    }
    EditPreview VerticalScroll {
        height: auto;
        max-height: 24;
        margin-bottom: 1;
    }
    EditPreview Horizontal {
        height: auto;
    }
    EditPreview Button {
        margin-right: 1;
    }
    """

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, id="preview-title", markup=False)
            with VerticalScroll():
                yield Static(self._body, id="preview-body")
            with Horizontal():
                yield Button("Apply", id="preview-apply", variant="primary")
                yield Button("Cancel", id="preview-cancel")

    def on_mount(self) -> None:
        self.query_one("#preview-apply", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "preview-apply")

    def on_key(self, event: events.Key) -> None:
        if event.key in ("escape", "c"):
            self.dismiss(False)
        elif event.key == "a":
            self.dismiss(True)
        else:
            return
        event.stop()


async def apply_plan(service: LspService, plan: Sequence[FileChange]) -> int:
    """Apply planned changes to editors (opening files that are not open); returns how many files changed.

    A file whose text changed since the plan was made is skipped with a warning rather than corrupted.
    """
    app = service.app
    origin = app.active_editor
    changed = 0
    for change in plan:
        editor = app.editor_for(change.path) or await app.open_file(change.path)
        if editor is None:
            continue
        if editor.text.replace("\r\n", "\n") != change.before:
            app.notify(
                f"{app.shown_path(change.path)} changed meanwhile; its part of the edit was skipped.",
                title="Edit skipped",
                severity="warning",
            )
            continue
        apply_to_editor(editor, change.edits)
        changed += 1
    if origin is not None and origin.is_attached and app.active_editor is not origin:
        # After the tab switches queued by opening files have been processed.
        app.call_after_refresh(app._activate, origin)
    return changed


async def apply_workspace_edit(service: LspService, edit: lsp.WorkspaceEdit) -> int:
    """Apply a server's workspace edit without a preview (code actions, workspace/applyEdit)."""
    return await apply_plan(service, plan_workspace_edit(service, edit))
