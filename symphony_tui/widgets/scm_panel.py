"""The Source Control side view: a commit message box (enter commits the staged changes), then the staged and
unstaged files. On a file: s stages, u unstages, d discards (after confirming), enter shows its diff."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, Tree

from core.workspace.git import GitRepository, RepoStatus, StatusEntry
from symphony_tui.widgets.explorer_decor import BADGES, KIND_ORDER

ScmItem = tuple[str, StatusEntry]
"""A file row: its group ("staged" or "changes") and git's entry for it."""

_KIND_CLASSES = {kind: f"scm--{kind}" for kind in KIND_ORDER}


class ScmTree(Tree[ScmItem | None]):
    """The changed files, grouped; keys dispatch the scm commands on the row under the cursor."""

    DEFAULT_CSS = """
    ScmTree > .scm--modified {
        color: $warning;
    }
    ScmTree > .scm--added, ScmTree > .scm--untracked {
        color: $success;
    }
    ScmTree > .scm--deleted, ScmTree > .scm--conflicted {
        color: $error;
    }
    ScmTree > .scm--renamed {
        color: $accent;
    }
    """

    COMPONENT_CLASSES = set(_KIND_CLASSES.values())

    OWN_KEYS_WIN = True
    """Keys this view binds beat the global keymap while it has focus (see ``panel_owns_key``)."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open diff", show=False),
        Binding("s", "command('scm.stage')", "Stage", show=False),
        Binding("u", "command('scm.unstage')", "Unstage", show=False),
        Binding("d", "command('scm.discard')", "Discard", show=False),
        Binding("o", "command('scm.openFile')", "Open file", show=False),
    ]

    def action_command(self, command_id: str) -> None:
        self.app.dispatch(command_id)  # type: ignore[attr-defined]


class ScmPanel(Vertical):
    """Commit box, summary and the grouped file tree."""

    DEFAULT_CSS = """
    ScmPanel {
        width: 30;
        height: 1fr;
        background: $panel;
        border-right: solid $panel-lighten-2;
    }
    ScmPanel > .side-title {
        height: 1;
        padding: 0 1;
        text-style: bold;
        color: $text-muted;
    }
    ScmPanel > Input, ScmPanel > Input:focus {
        border: none;
        height: 1;
        padding: 0 1;
        margin: 0 0 1 0;
        background: $surface;
    }
    ScmPanel > #scm-summary {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    ScmPanel > ScmTree {
        height: 1fr;
        background: $panel;
        scrollbar-size-vertical: 1;
    }
    """

    class OpenDiff(Message):
        """Show ``entry``'s diff: its staged changes for the staged group, else its unstaged ones."""

        def __init__(self, entry: StatusEntry, staged: bool) -> None:
            super().__init__()
            self.entry = entry
            self.staged = staged

    class Commit(Message):
        """Commit the index with ``message``."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status: RepoStatus | None = None
        """What is shown."""

    def compose(self) -> ComposeResult:
        yield Static("SOURCE CONTROL", classes="side-title")
        yield Input(placeholder="Message (enter to commit)", id="scm-message")
        yield Static("", id="scm-summary")
        tree: ScmTree = ScmTree("changes", id="scm-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    def focus_target(self) -> ScmTree:
        return self.query_one(ScmTree)

    def show_status(self, repo: GitRepository | None, status: RepoStatus | None) -> None:
        """Show ``status`` (or that the folder is not in a git repository), keeping the cursor's file."""
        self.status = status
        tree = self.query_one(ScmTree)
        summary = self.query_one("#scm-summary", Static)
        if repo is None or status is None:
            summary.update("This folder is not in a git repository.")
            tree.clear()
            return
        kept = tree.cursor_node.data if tree.cursor_node is not None else None
        tree.clear()
        entries = sorted(status.entries, key=lambda entry: entry.path)
        staged = [entry for entry in entries if entry.staged]
        changes = [entry for entry in entries if entry.unstaged and entry.kind.value != "ignored"]
        branch = status.branch.head or "(detached)"
        summary.update(Text(f"On {branch}: {len(staged)} staged, {len(changes)} changed"))
        cursor_line = None
        for group, title, entries in (("staged", "Staged Changes", staged), ("changes", "Changes", changes)):
            if not entries:
                continue
            parent = tree.root.add(Text(f"{title}  {len(entries)}", style="bold"), data=None, expand=True)
            for entry in entries:
                kind = entry.kind.value
                colour = (
                    tree.get_component_rich_style(_KIND_CLASSES[kind], partial=True) if kind in _KIND_CLASSES else ""
                )
                code = entry.index if group == "staged" else entry.worktree
                badge = BADGES.get(kind, "?") if kind in ("untracked", "conflicted") else (code if code != "." else "")
                label = Text.assemble((entry.path, colour), (f"  {badge}", colour))
                node = parent.add_leaf(label, data=(group, entry))
                if kept is not None and kept == (group, entry):
                    cursor_line = node.line
        if cursor_line is not None:
            tree.call_after_refresh(tree.move_cursor_to_line, cursor_line)
        elif not status.entries:
            summary.update(Text(f"On {branch}: no changes"))

    def current(self) -> ScmItem | None:
        """The file row under the cursor."""
        node = self.query_one(ScmTree).cursor_node
        return node.data if node is not None else None

    @on(Tree.NodeSelected, "#scm-tree")
    def _selected(self, event: Tree.NodeSelected[ScmItem | None]) -> None:
        event.stop()
        if event.node.data is not None:
            group, entry = event.node.data
            self.post_message(self.OpenDiff(entry, staged=group == "staged"))

    @on(Input.Submitted, "#scm-message")
    def _commit(self, event: Input.Submitted) -> None:
        self.post_message(self.Commit(event.value))

    def clear_message(self) -> None:
        self.query_one("#scm-message", Input).value = ""
