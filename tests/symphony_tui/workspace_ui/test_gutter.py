"""Git gutter markers: added, modified and deleted lines against the index, updated as the user types."""

from __future__ import annotations

from pathlib import Path

from symphony_tui.widgets.editor_decorations import GutterMark, RangeMark
from tests.core.workspace.gitrepo import git, needs_git
from tests.symphony_tui.workspace_fixture import make_demo_workspace
from tests.symphony_tui.workspace_ui.gitfixture import make_app, make_git_workspace, run, settle, wait_until

SIZE = (120, 36)


def git_marks(editor) -> dict[int, str]:  # type: ignore[no-untyped-def]
    gutter, _ranges = editor.decorations_of("git")
    return {mark.line: mark.tooltip.split()[0].lower() for mark in gutter}


@needs_git
async def test_editing_marks_modified_added_and_deleted_lines_then_staging_clears_them(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path, change=False)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: app.workspace_ui.repo is not None)
        editor.replace("Say hi.", (6, 7), (6, 17))  # '    """Say hello."""' -> '    """Say hi."""'
        await wait_until(pilot, lambda: git_marks(editor) == {6: "modified"})
        editor.insert("# one\n# two\n", (0, 0))
        await wait_until(pilot, lambda: git_marks(editor) == {0: "added", 1: "added", 8: "modified"})
        editor.delete((15, 0), (17, 0))  # the blank lines before `class Config`
        await wait_until(pilot, lambda: 14 in git_marks(editor) and git_marks(editor)[14] == "lines")
        row = editor.gutter_width - 1
        strip = editor.render_line(8 - editor.scroll_offset[1])
        assert strip.text[row] == "▎"
        await app.save_editor(editor)
        git(workspace, "add", "src/demo/app.py")
        await run(pilot, "scm.refresh")
        await wait_until(pilot, lambda: git_marks(editor) == {})


async def test_outside_git_there_are_no_markers(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        editor.insert("x = 1\n", (0, 0))
        await pilot.pause(0.4)
        await settle(pilot)
        assert git_marks(editor) == {}


async def test_decoration_sources_are_independent_and_priority_picks_the_shown_mark(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        editor.set_decorations("a", gutter=[GutterMark(0, "A", priority=1)], ranges=[RangeMark((0, 0), (0, 5), "bold")])
        editor.set_decorations("b", gutter=[GutterMark(0, "B", priority=5)])
        assert editor.gutter_mark_at(0).symbol == "B"  # type: ignore[union-attr]
        editor.set_decorations("b")
        assert editor.gutter_mark_at(0).symbol == "A"  # type: ignore[union-attr]
        bold = "".join(seg.text for seg in editor.render_line(0) if seg.style is not None and seg.style.bold)
        assert "lain" in bold  # the range is drawn over the text ("plain"; the cursor cell has its own style)
        editor.set_decorations("a")
        bold = "".join(seg.text for seg in editor.render_line(0) if seg.style is not None and seg.style.bold)
        assert "lain" not in bold
