"""Line commands for the editor: toggle comment, move, duplicate, indent and outdent the selected lines.

Each command replaces the touched rows in one edit inside an undo group, then restores a matching selection.
"""

from __future__ import annotations

from textual.document._edit import Edit
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from symphony_tui.widgets.editor_cursors import GroupingHistory, Location

LINE_COMMENTS = {
    "python": "#",
    "bash": "#",
    "toml": "#",
    "yaml": "#",
    "ruby": "#",
    "perl": "#",
    "r": "#",
    "dockerfile": "#",
    "make": "#",
    "javascript": "//",
    "typescript": "//",
    "tsx": "//",
    "go": "//",
    "rust": "//",
    "java": "//",
    "c": "//",
    "cpp": "//",
    "csharp": "//",
    "kotlin": "//",
    "swift": "//",
    "scala": "//",
    "php": "//",
    "sql": "--",
    "lua": "--",
    "haskell": "--",
    "elixir": "#",
    "ini": ";",
}
"""Line-comment token per language id (languages without one, like JSON, cannot toggle)."""


class LineCommandsMixin(TextArea):
    """Commands over whole lines of the selection."""

    history: GroupingHistory

    @property
    def language_id(self) -> str:
        """The document's language id (decides the comment token)."""
        return self.language or "text"

    def _selected_rows(self) -> tuple[int, int]:
        """First and last rows touched by the primary selection (a selection ending at column 0 stops above)."""
        start, end = sorted(self.selection)
        last = end[0] - 1 if end[0] > start[0] and end[1] == 0 else end[0]
        return start[0], last

    def _replace_rows(self, first: int, last: int, lines: list[str], selection: Selection) -> None:
        """Replace rows first..last with ``lines`` as one undo step, then select ``selection``."""
        end = (last, len(self.document[last]))
        with self.history.group():
            self.edit(Edit("\n".join(lines), (first, 0), end, False))
        self.selection = selection
        self.scroll_cursor_visible()

    def toggle_line_comment(self) -> None:
        """Comment the selected lines with the language's line comment, or uncomment them if all are."""
        token = LINE_COMMENTS.get(self.language_id)
        if token is None or self.read_only:
            return
        first, last = self._selected_rows()
        lines = [self.document[row] for row in range(first, last + 1)]
        code = [line for line in lines if line.strip()]
        indent = min((len(line) - len(line.lstrip()) for line in code), default=0)
        commented = bool(code) and all(line.lstrip().startswith(token) for line in code)
        new_lines = []
        for line in lines:
            if not line.strip():
                new_lines.append(line)
            elif commented:
                at = line.index(token)
                rest = line[at + len(token) :]
                new_lines.append(line[:at] + (rest[1:] if rest.startswith(" ") else rest))
            else:
                new_lines.append(line[:indent] + token + " " + line[indent:])
        shift = len(new_lines[0]) - len(lines[0])
        start, end = self.selection
        self._replace_rows(
            first,
            last,
            new_lines,
            Selection(
                (start[0], max(0, start[1] + (shift if start[0] == first else 0))),
                (
                    end[0],
                    max(
                        0,
                        end[1]
                        + (
                            len(new_lines[end[0] - first]) - len(lines[end[0] - first])
                            if first <= end[0] <= last
                            else 0
                        ),
                    ),
                ),
            ),
        )

    def move_lines(self, direction: int) -> None:
        """Move the selected lines up (-1) or down (+1) past their neighbour."""
        first, last = self._selected_rows()
        if self.read_only or first + direction < 0 or last + direction >= self.document.line_count:
            return
        lines = [self.document[row] for row in range(first, last + 1)]
        if direction < 0:
            neighbour = self.document[first - 1]
            top, bottom, new = first - 1, last, [*lines, neighbour]
        else:
            neighbour = self.document[last + 1]
            top, bottom, new = first, last + 1, [neighbour, *lines]
        start, end = self.selection
        self._replace_rows(top, bottom, new, Selection((start[0] + direction, start[1]), (end[0] + direction, end[1])))

    def duplicate_lines(self, direction: int = 1) -> None:
        """Copy the selected lines below (+1) or above (-1); the cursor goes with the copy below."""
        first, last = self._selected_rows()
        if self.read_only:
            return
        lines = [self.document[row] for row in range(first, last + 1)]
        start, end = self.selection
        offset = len(lines) if direction > 0 else 0
        self._replace_rows(
            first, last, [*lines, *lines], Selection((start[0] + offset, start[1]), (end[0] + offset, end[1]))
        )

    def indent_lines(self, direction: int) -> None:
        """Indent (+1) or outdent (-1) the selected lines by one indent unit."""
        first, last = self._selected_rows()
        if self.read_only:
            return
        unit = "\t" if self.indent_type == "tabs" else " " * self.indent_width
        lines = [self.document[row] for row in range(first, last + 1)]
        if direction > 0:
            new = [unit + line if line.strip() else line for line in lines]
        else:
            new = []
            for line in lines:
                if line.startswith(unit):
                    new.append(line[len(unit) :])
                else:
                    new.append(line[len(line) - len(line.lstrip(" \t")) :] if not line[: len(unit)].strip() else line)
        start, end = self.selection

        def moved(location: Location) -> Location:
            row, column = location
            if not first <= row <= last:
                return location
            return (row, max(0, column + len(new[row - first]) - len(lines[row - first])))

        self._replace_rows(first, last, new, Selection(moved(start), moved(end)))
