"""The file explorer: a lazily loaded tree of the workspace; hidden and git-ignored entries are dimmed."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from core.workspace.tree import Entry, WorkspaceTree


class Explorer(Tree[Entry]):
    """Workspace tree; directories load their children in a worker thread the first time they expand."""

    DEFAULT_CSS = """
    Explorer {
        width: 30;
        height: 1fr;
        background: $panel;
        border-right: solid $panel-lighten-2;
        padding: 0;
        scrollbar-size-vertical: 1;
    }
    Explorer:focus {
        background-tint: $foreground 3%;
    }
    Explorer > .explorer--dim {
        color: $text-muted;
        text-style: dim;
    }
    """

    COMPONENT_CLASSES = {"explorer--dim"}

    BINDINGS = [Binding("enter", "select_cursor", "Open", show=False)]

    class OpenFile(Message):
        """The user asked to open ``path`` in an editor."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, model: WorkspaceTree, *, id: str | None = None) -> None:
        root = model.root
        super().__init__(root.name or str(root), data=None, id=id)
        self.model = model
        """Where the entries come from (filters, gitignore)."""
        self.show_root = True
        self.guide_depth = 2
        self.root.data = Entry(path=root, name=root.name, is_dir=True, is_symlink=False, hidden=False, ignored=False)

    def on_mount(self) -> None:
        self.root.expand()

    def render_label(self, node: TreeNode[Entry], base_style: Style, style: Style) -> Text:
        entry = node.data
        if entry is None:
            return Text(str(node.label))
        if node is self.root:
            return Text(entry.name.upper() or str(entry.path), style=base_style + Style(bold=True))
        icon = ("▾ " if node.is_expanded else "▸ ") if entry.is_dir else "  "
        label = Text(icon + entry.name, style=base_style + style)
        if entry.hidden or entry.ignored:
            label.stylize(self.get_component_rich_style("explorer--dim", partial=True))
        return label

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[Entry]) -> None:
        event.stop()
        node = event.node
        if node.data is not None and node.data.is_dir and not node.children:
            self._load(node)

    @work(thread=True, exclusive=False, group="explorer")
    def _load(self, node: TreeNode[Entry]) -> None:
        assert node.data is not None
        entries = self.model.children(node.data.path)
        self.app.call_from_thread(self._populate, node, entries)

    def _populate(self, node: TreeNode[Entry], entries: list[Entry]) -> None:
        node.remove_children()
        for entry in entries:
            node.add(entry.name, data=entry, allow_expand=entry.is_dir)
        if not entries:
            node.allow_expand = bool(node is self.root)

    def _on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        event.stop()
        entry = event.node.data
        if entry is not None and not entry.is_dir:
            self.post_message(self.OpenFile(entry.path))

    def reload(self) -> None:
        """Forget loaded directories and reload the root (e.g. after settings change the filters)."""
        self.root.remove_children()
        self._load(self.root)
