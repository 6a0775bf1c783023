"""Git gutter markers as editor decorations (source "git"): a bar for added and modified lines, a low mark
under the line where lines were deleted, coloured like VS Code's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.workspace.git import GutterMark as GitMark
from core.workspace.git import MarkKind

GIT_MARKS: dict[str, tuple[str, str, str]] = {
    MarkKind.ADDED: ("▎", "green", "Added since the last stage"),
    MarkKind.MODIFIED: ("▎", "blue", "Modified since the last stage"),
    MarkKind.DELETED: ("▁", "red", "Lines deleted below"),
}
"""Symbol, Rich style and tooltip per marker kind."""

GIT_PRIORITY = 10
"""Below diagnostics: an error marker wins the gutter cell over a git bar."""


def decorations_for(marks: Sequence[GitMark]) -> list[Any]:
    """The editor decorations API's ``GutterMark``s for git's markers."""
    from symphony_tui.widgets.editor_decorations import GutterMark

    result = []
    for mark in marks:
        symbol, style, tooltip = GIT_MARKS[mark.kind]
        result.append(GutterMark(line=mark.line, symbol=symbol, style=style, priority=GIT_PRIORITY, tooltip=tooltip))
    return result
