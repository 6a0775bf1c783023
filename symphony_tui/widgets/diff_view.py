"""A file's diff in an editor-area tab: against HEAD (inline, with context), or its unstaged / staged hunks,
which can be staged (s), unstaged (u) or discarded (d) one at a time from here."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from core.workspace.git import Hunk

DiffMode = Literal["head", "unstaged", "staged"]
"""What is compared: HEAD with the file on disk, the index with the file (unstaged), HEAD with the index (staged)."""


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One shown row: its kind (``+``, ``-``, `` ``, ``@``), old/new line numbers and text, and its hunk."""

    kind: str
    text: str
    old: int | None = None
    new: int | None = None
    hunk: int | None = None


def head_diff_lines(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """Inline rows for ``new`` against ``old`` with ``context`` lines around each change."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        first, last = group[0], group[-1]
        header = f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@"
        rows.append(DiffLine("@", header, hunk=number))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                rows.extend(DiffLine(" ", a[i], i + 1, j1 + i - i1 + 1, number) for i in range(i1, i2))
                continue
            rows.extend(DiffLine("-", a[i], old=i + 1, hunk=number) for i in range(i1, i2))
            rows.extend(DiffLine("+", b[j], new=j + 1, hunk=number) for j in range(j1, j2))
    return rows


def hunk_lines(hunks: tuple[Hunk, ...]) -> list[DiffLine]:
    """Rows for git's zero-context hunks, each tagged with its hunk's index."""
    rows: list[DiffLine] = []
    for number, hunk in enumerate(hunks):
        body = hunk.body.splitlines()
        rows.append(DiffLine("@", body[0], hunk=number))
        old, new = hunk.old_start, hunk.new_start
        for line in body[1:]:
            if line.startswith("-"):
                rows.append(DiffLine("-", line[1:], old=old, hunk=number))
                old += 1
            elif line.startswith("+"):
                rows.append(DiffLine("+", line[1:], new=new, hunk=number))
                new += 1
    return rows


_STYLES = {"+": "green", "-": "red", "@": "bold cyan", " ": ""}


@dataclass(frozen=True, slots=True)
class SideRow:
    """One side-by-side row: the old line (left) and the new line (right), either may be missing."""

    left: DiffLine | None
    right: DiffLine | None
    hunk: int | None = None
    header: str = ""
    """For a hunk's ``@@`` row: its text (spanning both sides)."""


def side_by_side(rows: list[DiffLine]) -> list[SideRow]:
    """Pair inline rows: context on both sides, each run of removed lines beside the added lines after it."""
    paired: list[SideRow] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        if row.kind == "@":
            paired.append(SideRow(None, None, row.hunk, row.text))
            index += 1
        elif row.kind == " ":
            paired.append(SideRow(row, row, row.hunk))
            index += 1
        else:
            removed: list[DiffLine] = []
            added: list[DiffLine] = []
            while index < len(rows) and rows[index].kind == "-":
                removed.append(rows[index])
                index += 1
            while index < len(rows) and rows[index].kind == "+":
                added.append(rows[index])
                index += 1
            for number in range(max(len(removed), len(added))):
                left = removed[number] if number < len(removed) else None
                right = added[number] if number < len(added) else None
                paired.append(SideRow(left, right, (left or right).hunk if (left or right) else None))
    return paired


def render_side(row: SideRow, half: int, width: int = 4) -> Text:
    """``old-number old-text │ new-number new-text``, each side cut or padded to ``half`` cells."""
    if row.header:
        return Text(row.header, style=_STYLES["@"])

    def side(line: DiffLine | None, number: int | None, kind: str) -> Text:
        if line is None:
            return Text(" " * half, style="dim")
        cell = Text(f"{'' if number is None else number:>{width}} ", style="dim")
        style = _STYLES[kind] if line.kind != " " else ""
        cell.append(line.text.replace(chr(9), "    "), style=style)
        cell.truncate(half, pad=True)
        return cell

    text = side(row.left, row.left.old if row.left else None, "-")
    text.append("│", style="dim")
    text.append_text(side(row.right, row.right.new if row.right else None, "+"))
    return text


def render_row(row: DiffLine, width: int = 4) -> Text:
    old = "" if row.old is None else str(row.old)
    new = "" if row.new is None else str(row.new)
    if row.kind == "@":
        return Text(row.text, style=_STYLES["@"])
    text = Text(f"{old:>{width}} {new:>{width}} ", style="dim")
    text.append(f"{row.kind} {row.text.replace(chr(9), '    ')}", style=_STYLES[row.kind])
    return text


class DiffView(Vertical):
    """Title line, then the diff rows; keys act on the hunk under the cursor."""

    OWN_KEYS_WIN = True
    """Keys this view binds beat the global keymap while it has focus (see ``panel_owns_key``)."""

    DEFAULT_CSS = """
    DiffView {
        height: 1fr;
    }
    DiffView > #diff-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    DiffView > OptionList, DiffView > OptionList:focus {
        height: 1fr;
        border: none;
        padding: 0;
        background: $background;
    }
    """

    BINDINGS = [
        Binding("s", "hunk('stage')", "Stage hunk", show=False),
        Binding("u", "hunk('unstage')", "Unstage hunk", show=False),
        Binding("d", "hunk('discard')", "Discard hunk", show=False),
        Binding("r", "reload", "Refresh", show=False),
        Binding("v", "toggle_layout", "Side by side / inline", show=False),
    ]

    class HunkAction(Message):
        """Stage, unstage or discard ``hunk`` of the shown file."""

        def __init__(self, view: DiffView, action: str, hunk: Hunk) -> None:
            super().__init__()
            self.view = view
            self.action = action
            self.hunk = hunk

    class ReloadRequested(Message):
        def __init__(self, view: DiffView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, path: str, mode: DiffMode, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.path = path
        """The repository-relative path shown."""
        self.mode: DiffMode = mode
        self.rows: list[DiffLine] = []
        """The rows shown."""
        self.hunks: tuple[Hunk, ...] = ()
        """The git hunks (unstaged and staged modes) the rows' ``hunk`` indices refer to."""
        self.side_by_side = False
        """Old and new beside each other instead of one above the other (v toggles)."""
        self._shown_hunks: list[int | None] = []
        """The hunk of each shown option row."""

    def compose(self) -> ComposeResult:
        yield Static("", id="diff-title")
        yield OptionList(id="diff-rows")

    @property
    def title(self) -> str:
        what = {"head": "HEAD ↔ working tree", "unstaged": "index ↔ working tree", "staged": "HEAD ↔ index"}
        keys = {"head": "", "unstaged": "s stage, d discard, ", "staged": "u unstage, "}
        layout = "inline" if self.side_by_side else "side by side"
        return f"{self.path} — {what[self.mode]}  ({keys[self.mode]}v {layout})"

    def show(self, rows: list[DiffLine], hunks: tuple[Hunk, ...] = ()) -> None:
        """Replace the rows (keeping the cursor row where possible)."""
        self.rows, self.hunks = rows, hunks
        self.query_one("#diff-title", Static).update(Text(self.title))
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        width = max((len(str(row.old or row.new or "")) for row in rows), default=1)
        if not rows:
            self._shown_hunks = []
            options.add_option(Option(Text("No changes.", style="dim")))
            return
        if self.side_by_side:
            half = max(10, (self.size.width or 120) // 2 - 1)
            paired = side_by_side(rows)
            self._shown_hunks = [row.hunk for row in paired]
            options.add_options([Option(render_side(row, half, width)) for row in paired])
        else:
            self._shown_hunks = [row.hunk for row in rows]
            options.add_options([Option(render_row(row, width)) for row in rows])
        options.highlighted = min(keep or 0, len(self._shown_hunks) - 1)

    def current_hunk(self) -> Hunk | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not (0 <= index < len(self._shown_hunks)):
            return None
        number = self._shown_hunks[index]
        return self.hunks[number] if number is not None and number < len(self.hunks) else None

    def action_hunk(self, action: str) -> None:
        allowed = {"unstaged": ("stage", "discard"), "staged": ("unstage",)}.get(self.mode, ())
        hunk = self.current_hunk()
        if action in allowed and hunk is not None:
            self.post_message(self.HunkAction(self, action, hunk))

    def action_toggle_layout(self) -> None:
        self.side_by_side = not self.side_by_side
        self.show(self.rows, self.hunks)

    def on_resize(self) -> None:
        if self.side_by_side and self.rows:
            self.show(self.rows, self.hunks)

    def action_reload(self) -> None:
        self.post_message(self.ReloadRequested(self))
