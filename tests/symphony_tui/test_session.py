"""Session restore as a user meets it: quit, start again in the same folder, find the tabs and layout as left."""

from __future__ import annotations

from pathlib import Path

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.explorer import Explorer
from tests.symphony_tui.pilot_wait import settle

SIZE = (100, 30)


def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "src").mkdir(parents=True)
    for name in ("a.py", "src/b.py", "notes.txt"):
        (root / name).write_text("".join(f"line {i} of {name}\n" for i in range(200)), encoding="utf-8")
    return root


async def test_tabs_cursor_scroll_language_and_layout_come_back_in_the_same_workspace(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    first = SymphonyApp(root, open_paths=[root / "a.py", root / "src/b.py", root / "notes.txt"], watch_config=False)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _, b, notes = first.editors
        b.move_cursor((150, 3))
        b.scroll_cursor_visible(center=True)
        notes.set_language("python")
        first._activate(b)
        first.query_one(Explorer).styles.width = 24
        await first.run_command("view.toggleExplorer")
        await settle(pilot)
        expected_scroll = b.scroll_offset.y
        await first.request_quit()

    second = SymphonyApp(root, watch_config=False)
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause()
        names = [e.state.path.name for e in second.editors if e.state.path]
        assert names == ["a.py", "b.py", "notes.txt"]
        active = second.active_editor
        assert active is not None and active.state.path == root / "src/b.py"
        assert active.cursor_location == (150, 3)
        assert active.scroll_offset.y == expected_scroll
        assert second.editors[2].language_id == "python"
        explorer = second.query_one(Explorer)
        assert not explorer.display and explorer.styles.width is not None and explorer.styles.width.value == 24


async def test_files_named_on_the_command_line_replace_the_session_and_missing_files_are_skipped(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path)
    first = SymphonyApp(root, open_paths=[root / "a.py", root / "src/b.py"], watch_config=False)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await first.request_quit()
    (root / "a.py").unlink()
    named = SymphonyApp(root, open_paths=[root / "notes.txt"], watch_config=False)
    async with named.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [e.state.path.name for e in named.editors if e.state.path] == ["notes.txt"]
        await named.request_quit()
    again = SymphonyApp(root, watch_config=False)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [e.state.path.name for e in again.editors if e.state.path] == ["notes.txt"]


async def test_a_split_tab_comes_back_split_with_both_cursors_and_panes_still_linked(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    first = SymphonyApp(root, open_paths=[root / "a.py", root / "notes.txt"], watch_config=False)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        a, _ = first.editors
        first._activate(a)
        a.focus()
        a.move_cursor((10, 2))
        await first.run_command("editor.split")
        await settle(pilot)
        twin = next(peer for peer in a.split_peers if peer.split_of is a)
        twin.move_cursor((120, 4))
        await first.request_quit()

    second = SymphonyApp(root, watch_config=False)
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        a, notes = second.editors
        assert [peer.split_of for peer in notes.split_peers] == [], "only the split tab is split"
        twins = [peer for peer in a.split_peers if peer.split_of is a]
        assert len(twins) == 1 and twins[0].is_attached
        twin = twins[0]
        assert a.cursor_location == (10, 2) and twin.cursor_location == (120, 4)
        assert twin.parent is a.parent, "side by side in the tab"
        twin.insert("# both panes\n", (0, 0))
        await pilot.pause()
        assert a.document[0] == "# both panes" and a.dirty
