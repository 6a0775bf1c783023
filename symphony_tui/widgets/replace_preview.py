"""The replace-all preview: every line a replace-in-files would change, before and after, and the files it
refuses to touch; the user applies or cancels."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.workspace.search import ReplacePlan


def describe_plan(plan: ReplacePlan, limit: int = 2000) -> Text:
    """The preview's body: per file its changed lines as ``-before`` / ``+after``, then the refused files."""
    text = Text()
    shown = 0
    for item in plan.files:
        if not item.changes:
            continue
        text.append(f"{item.path}\n", style="bold")
        for change in item.changes:
            if shown >= limit:
                text.append(f"… and {plan.change_count - shown} more lines\n", style="dim")
                break
            text.append(f"{change.number:>5} - {change.before}\n", style="red")
            text.append(f"{change.number:>5} + {change.after}\n", style="green")
            shown += 1
    for conflict in plan.conflicts:
        text.append(f"skipped: {conflict.message}\n", style="bold yellow")
    return text


class ReplacePreview(ModalScreen[bool]):
    """Shows a ``ReplacePlan``; dismisses True to apply it, False to cancel (escape)."""

    DEFAULT_CSS = """
    ReplacePreview {
        align: center middle;
        background: $background 50%;
    }
    ReplacePreview > Vertical {
        width: 90%;
        height: 80%;
        background: $surface;
        border: thick $primary;
        padding: 0 1;
    }
    ReplacePreview .dialog-title {
        text-style: bold;
        height: auto;
        margin-bottom: 1;
    }
    ReplacePreview VerticalScroll {
        height: 1fr;
    }
    ReplacePreview Horizontal {
        height: auto;
        margin-top: 1;
    }
    ReplacePreview Button {
        margin-right: 1;
    }
    """

    BINDINGS = [Binding("escape", "cancel", show=False), Binding("a", "apply", show=False)]

    def __init__(self, plan: ReplacePlan, replacement: str) -> None:
        super().__init__()
        self.plan = plan
        self._replacement = replacement

    def compose(self) -> ComposeResult:
        files = sum(1 for item in self.plan.files if item.changes)
        lines = self.plan.change_count
        title = (
            f"Replace {lines} line{'s' * (lines != 1)} in {files} file{'s' * (files != 1)} with {self._replacement!r}?"
        )
        with Vertical():
            yield Static(Text(title), classes="dialog-title")
            with VerticalScroll():
                yield Static(describe_plan(self.plan), id="replace-preview-body")
            with Horizontal():
                yield Button("Replace All", id="replace-apply", variant="warning", disabled=lines == 0)
                yield Button("Cancel", id="replace-cancel")

    def on_mount(self) -> None:
        self.query_one("#replace-cancel", Button).focus()

    @on(Button.Pressed, "#replace-apply")
    def action_apply(self) -> None:
        if self.plan.change_count:
            self.dismiss(True)

    @on(Button.Pressed, "#replace-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
