"""A change to a text as data: retain / delete / insert steps over the whole document (Helix's model).

A ``Change`` knows the length of the text it applies to and refuses any other, produces its own inverse, composes
with the change that follows it, and maps positions (cursors, marks, diagnostics) from before it to after it.
Offsets are in code points of the Python string.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from core.errors import ValidationError

Assoc = Literal["before", "after"]
"""Where a position at an insertion point goes: stays before the inserted text, or moves after it."""


@dataclass(frozen=True, slots=True)
class Retain:
    """Keep ``count`` characters."""

    count: int


@dataclass(frozen=True, slots=True)
class Delete:
    """Remove ``count`` characters."""

    count: int


@dataclass(frozen=True, slots=True)
class Insert:
    """Insert ``text``."""

    text: str


Step = Retain | Delete | Insert


def _push(steps: list[Step], step: Step) -> None:
    """Append ``step`` keeping the canonical form: no empty steps, adjacent equal kinds merged, insert before
    delete at the same place."""
    if isinstance(step, Insert):
        if not step.text:
            return
        if steps and isinstance(steps[-1], Insert):
            steps[-1] = Insert(steps[-1].text + step.text)
            return
        if steps and isinstance(steps[-1], Delete):
            deleted = steps.pop()
            _push(steps, step)
            steps.append(deleted)
            return
        steps.append(step)
        return
    if step.count <= 0:
        return
    if steps and type(steps[-1]) is type(step):
        steps[-1] = type(step)(steps[-1].count + step.count)
        return
    steps.append(step)


class Change:
    """An edit of a whole document of known length, as canonical retain/delete/insert steps."""

    __slots__ = ("_len_after", "_len_before", "steps")

    def __init__(self, steps: Iterable[Step]) -> None:
        canonical: list[Step] = []
        for step in steps:
            if isinstance(step, Retain | Delete) and step.count < 0:
                raise ValidationError(f"a change step cannot have a negative count: {step!r}")
            _push(canonical, step)
        self.steps: tuple[Step, ...] = tuple(canonical)
        """The canonical steps."""
        self._len_before = sum(s.count for s in self.steps if isinstance(s, Retain | Delete))
        self._len_after = sum(
            s.count if isinstance(s, Retain) else len(s.text) for s in self.steps if not isinstance(s, Delete)
        )

    # ----------------------------------------------------------------- construction

    @classmethod
    def identity(cls, length: int) -> Change:
        """The change that keeps a text of ``length`` as it is."""
        return cls([Retain(length)])

    @classmethod
    def replace(cls, length: int, start: int, end: int, text: str) -> Change:
        """Replace [start, end) of a text of ``length`` with ``text``."""
        if not 0 <= start <= end <= length:
            raise ValidationError(
                f"range {start}..{end} is outside a text of length {length}",
                hint="Positions must satisfy 0 <= start <= end <= length.",
            )
        return cls([Retain(start), Delete(end - start), Insert(text), Retain(length - end)])

    @classmethod
    def from_edits(cls, length: int, edits: Sequence[tuple[int, int, str]]) -> Change:
        """One change from several (start, end, text) replacements given in original offsets, e.g. one per
        cursor. Ranges must not overlap."""
        steps: list[Step] = []
        position = 0
        for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
            if start < position or end < start or end > length:
                raise ValidationError(
                    f"edit {start}..{end} overlaps another edit or leaves a text of length {length}",
                    hint="Merge overlapping selections before editing.",
                )
            steps += [Retain(start - position), Delete(end - start), Insert(text)]
            position = end
        steps.append(Retain(length - position))
        return cls(steps)

    # ----------------------------------------------------------------- facts

    @property
    def len_before(self) -> int:
        """Length of the text this change applies to."""
        return self._len_before

    @property
    def len_after(self) -> int:
        """Length of the text it produces."""
        return self._len_after

    @property
    def is_identity(self) -> bool:
        """True when applying it changes nothing."""
        return all(isinstance(s, Retain) for s in self.steps)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Change) and self.steps == other.steps and self._len_before == other._len_before

    def __hash__(self) -> int:
        return hash(self.steps)

    def __repr__(self) -> str:
        return f"Change({list(self.steps)!r})"

    # ----------------------------------------------------------------- use

    def apply(self, text: str) -> str:
        """The text after this change; refuses a text of the wrong length."""
        if len(text) != self._len_before:
            raise ValidationError(
                f"change expects a text of length {self._len_before}, got {len(text)}",
                hint="The document changed since this change was made; rebase or recompute it.",
            )
        out: list[str] = []
        position = 0
        for step in self.steps:
            if isinstance(step, Retain):
                out.append(text[position : position + step.count])
                position += step.count
            elif isinstance(step, Delete):
                position += step.count
            else:
                out.append(step.text)
        return "".join(out)

    def invert(self, original: str) -> Change:
        """The change that undoes this one, given the text it was applied to."""
        if len(original) != self._len_before:
            raise ValidationError(
                f"cannot invert against a text of length {len(original)}; the change expects {self._len_before}"
            )
        steps: list[Step] = []
        position = 0
        for step in self.steps:
            if isinstance(step, Retain):
                steps.append(Retain(step.count))
                position += step.count
            elif isinstance(step, Delete):
                steps.append(Insert(original[position : position + step.count]))
                position += step.count
            else:
                steps.append(Delete(len(step.text)))
        return Change(steps)

    def compose(self, then: Change) -> Change:
        """One change equivalent to applying ``self`` and then ``then``."""
        if then.len_before != self._len_after:
            raise ValidationError(
                f"cannot compose: the first change produces length {self._len_after}, "
                f"the second expects {then.len_before}"
            )
        a = list(self.steps)
        b = list(then.steps)
        out: list[Step] = []
        i = j = 0
        head_a: Step | None = a[0] if a else None
        head_b: Step | None = b[0] if b else None
        while head_a is not None or head_b is not None:
            if isinstance(head_a, Delete):
                _push(out, head_a)
                i += 1
                head_a = a[i] if i < len(a) else None
                continue
            if isinstance(head_b, Insert):
                _push(out, head_b)
                j += 1
                head_b = b[j] if j < len(b) else None
                continue
            if head_a is None or head_b is None:
                raise ValidationError("cannot compose changes of mismatched lengths")
            # head_a is Retain or Insert (output of the first); head_b is Retain or Delete (input of the second).
            size_a = head_a.count if isinstance(head_a, Retain) else len(head_a.text)
            size_b = head_b.count
            n = min(size_a, size_b)
            if isinstance(head_a, Retain):
                _push(out, Retain(n) if isinstance(head_b, Retain) else Delete(n))
            elif isinstance(head_b, Retain):
                _push(out, Insert(head_a.text[:n]))
            # Insert then Delete cancels out.
            if size_a > n:
                head_a = Retain(size_a - n) if isinstance(head_a, Retain) else Insert(head_a.text[n:])
            else:
                i += 1
                head_a = a[i] if i < len(a) else None
            if size_b > n:
                head_b = type(head_b)(size_b - n)
            else:
                j += 1
                head_b = b[j] if j < len(b) else None
        return Change(out)

    def map_position(self, position: int, assoc: Assoc = "after") -> int:
        """Where ``position`` (in the text before) ends up in the text after."""
        old = new = 0
        for step in self.steps:
            if isinstance(step, Retain):
                if position < old + step.count:
                    return new + (position - old)
                old += step.count
                new += step.count
            elif isinstance(step, Delete):
                if position < old + step.count:
                    return new
                old += step.count
            else:
                if position == old and assoc == "before":
                    return new
                new += len(step.text)
        return new + (position - old)

    def touched(self) -> list[tuple[int, int, str]]:
        """The (start, end, text) replacements in original offsets: what an LSP didChange or a view needs."""
        edits: list[tuple[int, int, str]] = []
        position = 0
        for step in self.steps:
            if isinstance(step, Retain):
                position += step.count
            elif isinstance(step, Delete):
                if edits and edits[-1][1] == position:
                    start, _, text = edits[-1]
                    edits[-1] = (start, position + step.count, text)
                else:
                    edits.append((position, position + step.count, ""))
                position += step.count
            else:
                if edits and edits[-1][1] == position:
                    start, end, text = edits[-1]
                    edits[-1] = (start, end, text + step.text)
                else:
                    edits.append((position, position, step.text))
        return edits
