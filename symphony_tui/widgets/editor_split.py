"""Split views: the same document in two panes side by side, an edit in either shown in both.

Each pane is an Editor with its own cursor, scroll, wrapping and highlights; their texts are kept identical by
forwarding every change to a document (typing, paste, undo, redo, replace-all, reload) to the other pane as the
same replacement. The panes share one undo history (undo in either takes back the document's last change, and
the other pane follows), so a forwarded change is applied without being recorded a second time. The first pane
owns the file: it watches the disk, writes hot-exit backups and is the one listed as the tab; saving either pane
marks both saved. The panes share the language server's marks, and the server's document is the first pane's: the
language service serves a split pane through it (popups anchor to the pane the user is in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.document._edit import Edit
from textual.widgets import TextArea

if TYPE_CHECKING:
    from symphony_tui.widgets.editor import Editor

Location = tuple[int, int]


class SplitPeersMixin(TextArea):
    """Keeps a set of Editors showing one text in step."""

    _peers: list[Editor]
    _mirroring: bool
    split_of: Editor | None
    """For the second pane of a split: the editor that owns the file (None for an ordinary editor)."""

    def _init_split(self) -> None:
        self._peers = []
        self._mirroring = False
        self.split_of = None

    @property
    def is_split_pane(self) -> bool:
        """True for the extra pane of a split (it neither watches the file nor backs it up)."""
        return self.split_of is not None

    @property
    def split_peers(self) -> list[Editor]:
        """The other panes showing this document."""
        return list(self._peers)

    def link_split(self, other: Editor) -> None:
        """Show the same text in ``self`` and ``other`` from now on (their texts must already be equal); ``other``
        also shows the language server's marks of ``self`` (diagnostics, highlights, semantic colours)."""
        me: Editor = self  # type: ignore[assignment]
        other.decorations = me.decorations
        if other not in self._peers:
            self._peers.append(other)
        if me not in other._peers:
            other._peers.append(me)

    def unlink_split(self) -> None:
        """Stop following the other panes (before this pane is removed)."""
        me: Editor = self  # type: ignore[assignment]
        for peer in self._peers:
            if me in peer._peers:
                peer._peers.remove(me)
        self._peers = []

    def _forward_to_split_peers(self, start: Location, end: Location, text: str) -> None:
        """Called after each replacement in this pane's document: pass it on unless it came from a peer."""
        if self._mirroring:
            return
        for peer in self._peers:
            peer.apply_peer_edit(start, end, text)

    def apply_peer_edit(self, start: Location, end: Location, text: str) -> None:
        """Apply a change made in another pane: text, wrapping, highlights and dirtiness follow; the cursor keeps
        its place relative to the text; this pane's undo history is left alone."""
        self._mirroring = True
        history = self.history
        history.record = lambda edit: None  # type: ignore[method-assign]
        try:
            TextArea.edit(self, Edit(text, start, end, maintain_selection_offset=True))
        finally:
            del history.record  # the class's method again
            self._mirroring = False
