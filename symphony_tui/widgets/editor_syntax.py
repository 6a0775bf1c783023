"""A tree-sitter tree that follows edits at once and reparses later, off the keystroke path.

Each edit is applied to the tree with ``Tree.edit`` (cheap: it shifts node positions), so the next paint already
shows the previous highlights moved to where the text now is. The reparse that brings in new syntax runs when the
user pauses (tree-sitter holds the GIL while parsing, so a thread would not keep keystrokes flowing either).
"""

from __future__ import annotations

from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

Point = tuple[int, int]
"""(row, byte column): tree-sitter's position."""


class SyntaxTree:
    """One document's parse tree and highlight query."""

    def __init__(self, language: Language, highlight_query: str, source: bytes, *, prefix: int | None = None) -> None:
        """Parse ``source``, or with ``prefix`` only its first ``prefix`` bytes: enough to paint the top of a
        large file at once, leaving the whole parse to a ``reparse`` after the first frame."""
        self._parser = Parser(language)
        self._query = Query(language, highlight_query)
        self.partial = prefix is not None and prefix < len(source)
        """True while the tree covers only a prefix of the text (no tree reuse on the next parse)."""
        self._tree: Tree = self._parser.parse(source[:prefix] if self.partial else source)
        self.stale = self.partial
        """True between an edit (or a partial first parse) and the reparse that accounts for it."""

    def edit(
        self,
        start_byte: int,
        old_end_byte: int,
        start_point: Point,
        old_end_point: Point,
        new_end_byte: int,
        new_end_point: Point,
    ) -> None:
        """Shift the tree for an edit already made to the text; the syntax itself is fixed by ``reparse``."""
        self._tree.edit(
            start_byte=start_byte,
            old_end_byte=old_end_byte,
            new_end_byte=new_end_byte,
            start_point=start_point,
            old_end_point=old_end_point,
            new_end_point=new_end_point,
        )
        self.stale = True

    def reparse(self, source: bytes) -> list[tuple[int, int]] | None:
        """Parse ``source`` incrementally, reusing the unchanged parts of the edited tree. Returns the row spans
        (first, last) whose syntax changed, or None when everything must be considered changed (first full
        parse after a partial one)."""
        if self.partial:
            self._tree = self._parser.parse(source)
            self.partial = False
            self.stale = False
            return None
        old = self._tree
        self._tree = self._parser.parse(source, old)
        self.stale = False
        return [(r.start_point[0], r.end_point[0]) for r in old.changed_ranges(self._tree)]

    def captures(self, first_row: int, end_row: int) -> dict[str, list[Node]]:
        """Highlight captures for rows [first_row, end_row): the cost scales with the rows, not the file."""
        cursor = QueryCursor(self._query)
        cursor.set_point_range((first_row, 0), (end_row, 0))
        return cursor.captures(self._tree.root_node)
