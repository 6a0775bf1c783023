"""Small pure pieces of the workspace UI: folder colours, blame wording, diff rows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.workspace.git import BlameLine
from symphony_tui.widgets.diff_view import head_diff_lines, side_by_side
from symphony_tui.widgets.explorer_decor import folder_kinds, icon_for
from symphony_tui.workspace_ui.blame import ago, describe_blame


def test_a_folder_takes_the_most_important_kind_below_it() -> None:
    kinds = folder_kinds({"a/b/new.txt": "untracked", "a/old.txt": "deleted", "c/x.py": "modified"})
    assert kinds["a/b"] == "untracked"
    assert kinds["a"] == "deleted"
    assert kinds["c"] == "modified"
    assert "ignored" not in folder_kinds({"x": "ignored"}).values()


def test_blame_reads_who_when_and_what() -> None:
    line = BlameLine(oid="1" * 40, author="Ada Lovelace", author_time=1_000_000, summary="Add engine", committed=True)
    assert describe_blame(line, now=1_000_000 + 3 * 86_400) == "Ada Lovelace, 3 days ago · Add engine"
    uncommitted = BlameLine(oid="0" * 40, author="x", author_time=0, summary="", committed=False)
    assert describe_blame(uncommitted) == "Not committed yet"
    assert ago(59) == "just now" and ago(60) == "1 minute ago" and ago(2 * 31_536_000) == "2 years ago"


def test_icons_by_kind_of_entry() -> None:
    assert icon_for("src", True) != icon_for("src", True, expanded=True)
    assert icon_for("main.py", False) == "\ue73c"
    assert icon_for("Makefile", False) == "\ue779"
    assert icon_for("unknown.zzz", False) == "\uf15b"


lines = st.lists(st.sampled_from(["a", "b", "c", "", "d e"]), max_size=12)


@given(old=lines, new=lines)
def test_side_by_side_shows_every_inline_row_once_on_its_side(old: list[str], new: list[str]) -> None:
    rows = head_diff_lines("\n".join(old), "\n".join(new))
    paired = side_by_side(rows)
    left = [row.left for row in paired if row.left is not None]
    right = [row.right for row in paired if row.right is not None]
    assert left == [row for row in rows if row.kind in " -"]
    assert right == [row for row in rows if row.kind in " +"]
    assert [row.header for row in paired if row.header] == [row.text for row in rows if row.kind == "@"]
