"""The outline side view: the active file's symbols from tree-sitter (no language server needed); the symbol
around the cursor is highlighted as the cursor moves, enter jumps to a symbol."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from core.workspace.symbols import Symbol, SymbolKind, symbol_path_at

KIND_ICONS: dict[str, str] = {
    SymbolKind.MODULE: "◫",
    SymbolKind.CLASS: "C",
    SymbolKind.STRUCT: "S",
    SymbolKind.ENUM: "E",
    SymbolKind.INTERFACE: "I",
    SymbolKind.TRAIT: "T",
    SymbolKind.IMPL: "⊢",
    SymbolKind.TYPE: "τ",
    SymbolKind.FUNCTION: "ƒ",
    SymbolKind.METHOD: "m",
    SymbolKind.CONSTANT: "π",
    SymbolKind.VARIABLE: "v",
    SymbolKind.HEADING: "#",
}
"""One-character kind markers, so the outline reads without a Nerd Font."""


class OutlineTree(Tree[Symbol]):
    """The symbol tree; enter (or a click) asks to jump."""

    OWN_KEYS_WIN = True
    """Keys this view binds beat the global keymap while it has focus (see ``panel_owns_key``)."""

    BINDINGS = [Binding("enter", "select_cursor", "Go to symbol", show=False)]

    class Jump(Message):
        """Move the editor's cursor to ``symbol``."""

        def __init__(self, symbol: Symbol) -> None:
            super().__init__()
            self.symbol = symbol

    def _on_tree_node_selected(self, event: Tree.NodeSelected[Symbol]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Jump(event.node.data))


class OutlinePanel(Vertical):
    """Title, then the symbol tree (or why there is none)."""

    DEFAULT_CSS = """
    OutlinePanel {
        width: 30;
        height: 1fr;
        background: $panel;
        border-right: solid $panel-lighten-2;
    }
    OutlinePanel > .side-title {
        height: 1;
        padding: 0 1;
        text-style: bold;
        color: $text-muted;
    }
    OutlinePanel > OutlineTree {
        background: $panel;
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    OutlinePanel > #outline-empty {
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.symbols: tuple[Symbol, ...] = ()
        """The symbols shown."""
        self._symbol_nodes: dict[int, TreeNode[Symbol]] = {}

    def compose(self) -> ComposeResult:
        yield Static("OUTLINE", classes="side-title")
        yield Static("No symbols in this file.", id="outline-empty")
        tree: OutlineTree = OutlineTree("symbols", id="outline-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    def focus_target(self) -> OutlineTree:
        return self.query_one(OutlineTree)

    def show_symbols(self, symbols: Sequence[Symbol], message: str = "No symbols in this file.") -> None:
        """Replace the tree with ``symbols`` (all expanded), or show ``message`` when there are none."""
        self.symbols = tuple(symbols)
        tree = self.query_one(OutlineTree)
        tree.clear()
        self._symbol_nodes = {}

        def add(parent: TreeNode[Symbol], items: Sequence[Symbol]) -> None:
            for symbol in items:
                label = Text.assemble((KIND_ICONS.get(symbol.kind, "·") + " ", "dim"), symbol.name)
                if symbol.children:
                    node = parent.add(label, data=symbol, expand=True)
                    add(node, symbol.children)
                else:
                    node = parent.add_leaf(label, data=symbol)
                self._symbol_nodes[id(symbol)] = node

        add(tree.root, self.symbols)
        empty = self.query_one("#outline-empty", Static)
        empty.update(message)
        empty.display = not self.symbols
        tree.display = bool(self.symbols)

    def follow_cursor(self, line: int, column: int) -> Symbol | None:
        """Put the tree's cursor on the innermost symbol around (line, column); returns it."""
        chain = symbol_path_at(self.symbols, line, column)
        if not chain:
            return None
        node = self._symbol_nodes.get(id(chain[-1]))
        tree = self.query_one(OutlineTree)
        if node is not None and tree.cursor_node is not node:
            tree.move_cursor(node)
        return chain[-1]
