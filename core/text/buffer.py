"""A text buffer with one mutator, ``apply(change) -> inverse``, and undo/redo as inverted data.

The buffer is UI-free: core, the LSP client and views all edit through ``apply`` and learn about edits from the
listeners it calls. Undo steps group consecutive typing into one step (a typed word is one undo) and break at
whitespace, at cursor jumps and on explicit ``checkpoint``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.text.change import Change, Delete, Insert
from core.text.selection import Selection

Listener = Callable[[Change, "TextBuffer"], None]
"""Called after each applied change with the change and the buffer."""


@dataclass(frozen=True, slots=True)
class UndoStep:
    """One undoable step: the composed change, its inverse, and the selections on either side."""

    change: Change
    inverse: Change
    before: Selection
    after: Selection


def _typed_kind(change: Change) -> str | None:
    """'word' or 'space' for a change that only inserts a little text or deletes a little; None otherwise."""
    inserted = "".join(s.text for s in change.steps if isinstance(s, Insert))
    deleted = sum(s.count for s in change.steps if isinstance(s, Delete))
    if inserted and not deleted and len(inserted) <= 2:
        return "space" if inserted.isspace() else "word"
    if deleted and not inserted and deleted <= 2:
        return "delete"
    return None


class TextBuffer:
    """Text, a selection, a version number and an undo history."""

    def __init__(self, text: str = "", *, selection: Selection | None = None) -> None:
        self._text = text
        self.selection = selection or Selection.caret(0)
        """The cursors and selections."""
        self.version = 0
        """Increases by one with every applied change (LSP's document version)."""
        self._undo: list[UndoStep] = []
        self._redo: list[UndoStep] = []
        self._open_kind: str | None = None  # the kind of the undo step still accepting typing, if any
        self._listeners: list[Listener] = []

    @property
    def text(self) -> str:
        """The whole text."""
        return self._text

    def __len__(self) -> int:
        return len(self._text)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # ----------------------------------------------------------------- the mutator

    def apply(self, change: Change, *, selection: Selection | None = None, record: bool = True) -> Change:
        """Apply ``change`` (the only way the text changes); returns its inverse.

        The selection is mapped through the change unless a new one is given. With ``record`` the change joins
        the undo history, merging into the previous step while the user keeps typing the same kind of text.
        """
        original = self._text
        inverse = change.invert(original)
        self._text = change.apply(original)
        before = self.selection
        self.selection = selection if selection is not None else before.map(change)
        self.version += 1
        if record and not change.is_identity:
            self._record(change, inverse, before)
        for listener in list(self._listeners):
            listener(change, self)
        return inverse

    def _record(self, change: Change, inverse: Change, before: Selection) -> None:
        self._redo.clear()
        kind = _typed_kind(change)
        last = self._undo[-1] if self._undo else None
        joins = (
            kind is not None
            and last is not None
            and self._open_kind is not None
            and (kind == self._open_kind or (self._open_kind == "word" and kind == "space"))
            and last.after.ranges == before.ranges
        )
        if joins and last is not None:
            self._undo[-1] = UndoStep(
                last.change.compose(change), inverse.compose(last.inverse), last.before, self.selection
            )
        else:
            self._undo.append(UndoStep(change, inverse, before, self.selection))
        # Typing a space ends a word: the next word starts a new step.
        self._open_kind = None if kind == "space" else kind

    def checkpoint(self) -> None:
        """End the current undo step: the next change starts a new one."""
        self._open_kind = None

    # ----------------------------------------------------------------- history

    @property
    def can_undo(self) -> bool:
        """Whether there is a step to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is a step to redo."""
        return bool(self._redo)

    def undo(self) -> bool:
        """Revert the last step and restore the selection it started from; False if there was none."""
        if not self._undo:
            return False
        step = self._undo.pop()
        self.apply(step.inverse, selection=step.before, record=False)
        self._redo.append(step)
        self._open_kind = None
        return True

    def redo(self) -> bool:
        """Re-apply the last undone step; False if there was none."""
        if not self._redo:
            return False
        step = self._redo.pop()
        self.apply(step.change, selection=step.after, record=False)
        self._undo.append(step)
        self._open_kind = None
        return True

    # ----------------------------------------------------------------- conveniences

    def type_text(self, text: str) -> Change:
        """Replace every selection with ``text`` (typing or pasting at every cursor); returns the inverse."""
        return self.apply(self.selection.replace_each(len(self._text), text))

    def delete_backward(self) -> Change | None:
        """Backspace at every cursor: delete each selection, or the character before each caret."""
        edits = []
        for r in self.selection.ranges:
            if not r.is_empty:
                edits.append((r.start, r.end, ""))
            elif r.head > 0:
                edits.append((r.head - 1, r.head, ""))
        if not edits:
            return None
        return self.apply(Change.from_edits(len(self._text), edits))
