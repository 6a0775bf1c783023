"""The file explorer: a lazily loaded tree of the workspace; hidden and git-ignored entries are dimmed, changed
files carry their git colour and status letter, and folders refresh in place (expansion kept) after file
operations and watcher events."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from core.workspace.tree import Entry, WorkspaceTree
from symphony_tui.widgets.explorer_decor import BADGES, KIND_CLASSES, folder_kinds, icon_for


class Explorer(Tree[Entry]):
    """Workspace tree; directories load their children in a worker thread the first time they expand."""

    OWN_KEYS_WIN = True
    """Keys this view binds beat the global keymap while it has focus (see ``panel_owns_key``)."""

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
    Explorer > .explorer--cut {
        text-style: italic dim;
    }
    Explorer > .explorer--git-modified {
        color: $warning;
    }
    Explorer > .explorer--git-added, Explorer > .explorer--git-untracked {
        color: $success;
    }
    Explorer > .explorer--git-deleted, Explorer > .explorer--git-conflicted {
        color: $error;
    }
    Explorer > .explorer--git-renamed {
        color: $accent;
    }
    """

    COMPONENT_CLASSES = {"explorer--dim", "explorer--cut", *KIND_CLASSES.values()}

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", show=False),
        Binding("a", "command('explorer.newFile')", "New file", show=False),
        Binding("A", "command('explorer.newFolder')", "New folder", show=False),
        Binding("f2,r", "command('explorer.rename')", "Rename", show=False),
        Binding("delete,d", "command('explorer.delete')", "Delete", show=False),
        Binding("ctrl+x,x", "command('explorer.cut')", "Cut", show=False),
        Binding("ctrl+v,p", "command('explorer.paste')", "Paste", show=False),
        Binding("D", "command('explorer.duplicate')", "Duplicate", show=False),
        Binding("ctrl+z,u", "command('explorer.undo')", "Undo file operation", show=False),
    ]

    class MoveRequested(Message):
        """The user dragged ``source`` onto ``folder`` (or onto a file in it)."""

        def __init__(self, source: Path, folder: Path) -> None:
            super().__init__()
            self.source = source
            self.folder = folder

    class OpenFile(Message):
        """The user asked to open ``path`` in an editor."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, model: WorkspaceTree, *, icons: bool = False, id: str | None = None) -> None:
        root = model.root
        super().__init__(root.name or str(root), data=None, id=id)
        self.model = model
        """Where the entries come from (filters, gitignore)."""
        self.icons = icons
        """Show Nerd Font icons before names (setting ``explorer.icons``)."""
        self.cut_paths: frozenset[Path] = frozenset()
        """Entries cut for a later paste, shown in italics."""
        self._drag_from: TreeNode[Entry] | None = None
        self._dragged = False
        self._git: dict[str, str] = {}
        """Workspace-relative path -> git change kind, files and (aggregated) their folders."""
        self.show_root = True
        self.guide_depth = 2
        self.root.data = Entry(path=root, name=root.name, is_dir=True, is_symlink=False, hidden=False, ignored=False)

    def on_mount(self) -> None:
        self.root.expand()

    def action_command(self, command_id: str) -> None:
        self.app.dispatch(command_id)  # type: ignore[attr-defined]

    # ----------------------------------------------------------------- drawing

    def render_label(self, node: TreeNode[Entry], base_style: Style, style: Style) -> Text:
        entry = node.data
        if entry is None:
            return Text(str(node.label))
        if node is self.root:
            return Text(entry.name.upper() or str(entry.path), style=base_style + Style(bold=True))
        icon = ("▾ " if node.is_expanded else "▸ ") if entry.is_dir else "  "
        if self.icons:
            icon += icon_for(entry.name, entry.is_dir, node.is_expanded) + " "
        label = Text(icon + entry.name, style=base_style + style)
        kind = self._git.get(self._relative(entry.path))
        if kind is not None and kind in KIND_CLASSES:
            label.stylize(self.get_component_rich_style(KIND_CLASSES[kind], partial=True), len(icon))
            label.append(
                "  " + ("•" if entry.is_dir else BADGES[kind]),
                style=self.get_component_rich_style(KIND_CLASSES[kind], partial=True),
            )
        if entry.hidden or entry.ignored:
            label.stylize(self.get_component_rich_style("explorer--dim", partial=True))
        if entry.path in self.cut_paths:
            label.stylize(self.get_component_rich_style("explorer--cut", partial=True))
        return label

    def set_git_status(self, kinds: Mapping[str, str]) -> None:
        """Show git change kinds (workspace-relative path -> ``ChangeKind`` value); folders take their worst."""
        self._git = folder_kinds(kinds)
        self._invalidate()

    def set_cut(self, paths: frozenset[Path]) -> None:
        """Mark entries as cut (or clear the marks with an empty set)."""
        self.cut_paths = paths
        self._invalidate()

    def refresh_labels(self) -> None:
        """Redraw every row (after the icon setting changes)."""
        self._invalidate()

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.model.root).as_posix()
        except ValueError:
            return ""

    # ----------------------------------------------------------------- loading

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
        """Make ``node``'s children match ``entries``, keeping nodes (and their expansion) that are still there."""
        wanted = {entry.name for entry in entries}
        for child in list(node.children):
            if child.data is None or child.data.name not in wanted:
                child.remove()
        existing = {child.data.name: child for child in node.children if child.data is not None}
        for position, entry in enumerate(entries):
            child = existing.get(entry.name)
            if child is None:
                node.add(entry.name, data=entry, allow_expand=entry.is_dir, before=position)
            elif child.data != entry:
                child.data = entry
                child.allow_expand = entry.is_dir
                if not entry.is_dir:
                    child.remove_children()
        if not entries:
            node.allow_expand = bool(node is self.root)
        self._invalidate()

    def refresh_folder(self, folder: Path) -> None:
        """Re-list ``folder`` now if the tree has loaded it (after a file operation or a watcher event)."""
        node = self.node_for(folder)
        if node is not None and node.data is not None and node.data.is_dir and (node.children or node.is_expanded):
            self._populate(node, self.model.children(node.data.path))

    def node_for(self, path: Path) -> TreeNode[Entry] | None:
        """The loaded node showing ``path``, or None when it (or a folder above it) is not loaded."""
        try:
            parts = path.relative_to(self.model.root).parts
        except ValueError:
            return None
        node: TreeNode[Entry] = self.root
        for part in parts:
            found = next((child for child in node.children if child.data is not None and child.data.name == part), None)
            if found is None:
                return None
            node = found
        return node

    def reveal(self, path: Path) -> bool:
        """Expand the folders above ``path``, loading them as needed, and put the cursor on it."""
        try:
            parts = path.relative_to(self.model.root).parts
        except ValueError:
            return False
        node: TreeNode[Entry] = self.root
        for part in parts:
            if node.data is not None and node.data.is_dir and not node.children:
                self._populate(node, self.model.children(node.data.path))
            node.expand()
            found = next((child for child in node.children if child.data is not None and child.data.name == part), None)
            if found is None:
                return False
            node = found
        _ = self._tree_lines  # expanding invalidated the line numbers move_cursor reads: rebuild them now
        self.move_cursor(node)
        self.call_after_refresh(self.scroll_to_node, node, animate=False)
        return True

    @property
    def cursor_entry(self) -> Entry | None:
        """The entry under the cursor."""
        node = self.cursor_node
        return node.data if node is not None else None

    def target_folder(self) -> Path:
        """Where new files and pasted entries go: the folder under the cursor, or the folder holding its file."""
        entry = self.cursor_entry
        if entry is None:
            return self.model.root
        return entry.path if entry.is_dir else entry.path.parent

    # ----------------------------------------------------------------- drag and drop

    def _node_under(self, event: events.MouseEvent) -> TreeNode[Entry] | None:
        line = event.style.meta.get("line")
        return self.get_node_at_line(line) if isinstance(line, int) else None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        node = self._node_under(event)
        self._drag_from = node if node is not None and node is not self.root else None
        self._dragged = False

    def on_mouse_up(self, event: events.MouseUp) -> None:
        source, self._drag_from = self._drag_from, None
        target = self._node_under(event)
        if source is None or target is None or target is source or source.data is None or target.data is None:
            return
        folder = target.data.path if target.data.is_dir else target.data.path.parent
        if folder == source.data.path.parent:
            return
        self._dragged = True  # the click that ends a drag must not open the file it was dropped on
        self.post_message(self.MoveRequested(source.data.path, folder))

    async def _on_click(self, event: events.Click) -> None:
        if self._dragged:
            self._dragged = False
            event.prevent_default()

    def _on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        event.stop()
        entry = event.node.data
        if entry is not None and not entry.is_dir:
            self.post_message(self.OpenFile(entry.path))

    def reload(self) -> None:
        """Forget loaded directories and reload the root (e.g. after settings change the filters)."""
        self.root.remove_children()
        self._load(self.root)
