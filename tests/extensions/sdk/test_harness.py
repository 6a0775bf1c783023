"""The in-process harness: real workspace files, capability checks from the API table, recorded UI."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.types.text import Range, TextEdit
from extensions.sdk import Context, Extension, QuickPickItem, command
from extensions.sdk.testing import ExtensionHarness, apply_text_edits


class Notes(Extension):
    """Uses a bit of every namespace."""

    async def activate(self, ctx: Context) -> None:
        await ctx.status_bar.set_item("notes", "notes ready")

    @command("notes.copy")
    async def copy(self, source: str, target: str) -> str:
        text = await self.ctx.workspace.read_text(source)
        await self.ctx.workspace.write_text(target, text.upper())
        return text

    @command("notes.safe_copy")
    async def safe_copy(self, source: str, target: str) -> str:
        try:
            await self.copy(source, target)
        except PermissionDeniedError as exc:
            await self.ctx.window.notify(f"cannot copy: {exc.data['capability']} denied", level="warning")
            return "denied"
        return "copied"

    @command("notes.pick")
    async def pick(self) -> object:
        return await self.ctx.window.quick_pick(["a", QuickPickItem(label="b", value=2)], title="Pick")

    @command("notes.count")
    async def count(self) -> int:
        total = int(await self.ctx.storage.get("count", 0)) + 1
        await self.ctx.storage.set("count", total)
        return total

    @command("notes.shell")
    async def shell(self) -> str:
        term = await self.ctx.terminal.create(name="notes")
        await self.ctx.terminal.write(term, "ls\n")
        return term


def workspace(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "a.md").write_text("hello\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("b\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored.md\n", encoding="utf-8")
    (tmp_path / "ignored.md").write_text("x\n", encoding="utf-8")
    return tmp_path


async def test_activate_runs_and_records_status_items(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=tmp_path) as h:
        assert h.status_items["notes"].text == "notes ready"
        ctx: Context = h.ctx  # the harness context satisfies the protocol authors code against
        assert ctx.extension_id == "test.extension"


async def test_granted_capabilities_reach_real_files(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=workspace(tmp_path), granted={"fs.read", "fs.write"}) as h:
        assert await h.run_command("notes.copy", "a.md", "out/A.md") == "hello\n"
    assert (tmp_path / "out" / "A.md").read_text() == "HELLO\n"


async def test_ungranted_capability_raises_and_the_extension_can_handle_it(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=workspace(tmp_path), granted={"fs.read"}) as h:
        with pytest.raises(PermissionDeniedError, match=r"'fs.write'"):
            await h.run_command("notes.copy", "a.md", "b.md")
        assert await h.run_command("notes.safe_copy", "a.md", "b.md") == "denied"
        assert h.notifications[-1].message == "cannot copy: fs.write denied"
        assert h.denied == [("workspace.write_text", "fs.write"), ("workspace.write_text", "fs.write")]
    assert not (tmp_path / "b.md").exists()


async def test_paths_outside_the_workspace_are_refused(tmp_path: Path) -> None:
    inside = workspace(tmp_path / "ws")
    (tmp_path / "secret").write_text("s", encoding="utf-8")
    async with ExtensionHarness(Notes, workspace=inside, granted={"fs.read", "fs.write"}) as h:
        for path in ("../secret", "/etc/passwd"):
            with pytest.raises(PermissionDeniedError, match=r"outside the workspace"):
                await h.ctx.workspace.read_text(path)


async def test_find_files_honours_gitignore_and_glob(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=workspace(tmp_path), granted={"fs.read"}) as h:
        assert await h.ctx.workspace.find_files("*.md") == ["a.md", "sub/b.md"]
        assert await h.ctx.workspace.find_files("sub/**") == ["sub/b.md"]
        assert await h.ctx.workspace.list_files() == [".gitignore", "a.md", "ignored.md", "sub/"]


async def test_quick_pick_returns_the_value_of_the_scripted_choice(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=tmp_path, answers=["b", "a", None]) as h:
        assert await h.run_command("notes.pick") == 2
        assert await h.run_command("notes.pick") == "a"
        assert await h.run_command("notes.pick") is None
        with pytest.raises(ValidationError, match=r"scripted no more answers"):
            await h.run_command("notes.pick")


async def test_storage_keeps_json_values(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=tmp_path) as h:
        assert [await h.run_command("notes.count") for _ in range(3)] == [1, 2, 3]
        with pytest.raises(ValidationError, match=r"not JSON-serialisable"):
            await h.ctx.storage.set("bad", object())
        assert await h.ctx.storage.keys() == ["count"]


async def test_terminal_needs_its_capability(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=tmp_path) as h:
        with pytest.raises(PermissionDeniedError):
            await h.run_command("notes.shell")
    async with ExtensionHarness(Notes, workspace=tmp_path, granted={"terminal"}) as h:
        term = await h.run_command("notes.shell")
        assert h.terminals[term].text == "ls\n"


async def test_apply_edits_is_one_step_with_a_new_version(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=tmp_path) as h:
        doc = await h.open_document("x.py", "one two\nthree\n")
        version = await h.ctx.editor.apply_edits(
            [TextEdit(range=Range.of(0, 0, 0, 3), new_text="1"), TextEdit(range=Range.of(1, 0, 1, 5), new_text="3")]
        )
        assert version == doc.version + 1
        assert h.text_of() == "1 two\n3\n"
        assert len(h.document().undo) == 1
        with pytest.raises(ValidationError, match=r"overlap"):
            await h.ctx.editor.apply_edits(
                [TextEdit(range=Range.of(0, 0, 0, 3), new_text=""), TextEdit(range=Range.of(0, 2, 0, 4), new_text="")]
            )


async def test_editor_without_documents_says_so(tmp_path: Path) -> None:
    async with ExtensionHarness(Notes, workspace=tmp_path) as h:
        assert await h.ctx.editor.active_document() is None
        with pytest.raises(NotFoundError, match=r"no document is open"):
            await h.ctx.editor.get_text()


@given(st.text(alphabet="ab\n", max_size=30), st.data())
def test_edits_apply_as_if_made_from_the_end_backwards(text: str, data: st.DataObject) -> None:
    lines = text.split("\n")
    position = st.integers(0, len(lines) - 1).flatmap(lambda ln: st.tuples(st.just(ln), st.integers(0, len(lines[ln]))))
    points = sorted(data.draw(st.lists(position, max_size=6)))
    pairs = list(zip(points[::2], points[1::2], strict=False))  # sorted points: spans never overlap
    replacement = data.draw(st.text(alphabet="XY\n", max_size=3))
    edits = [TextEdit(range=Range.of(*a, *b), new_text=replacement) for a, b in pairs]
    expected = text
    for (a_line, a_col), (b_line, b_col) in reversed(pairs):
        start = sum(len(line) + 1 for line in lines[:a_line]) + a_col
        end = sum(len(line) + 1 for line in lines[:b_line]) + b_col
        expected = expected[:start] + replacement + expected[end:]
    assert apply_text_edits(text, data.draw(st.permutations(edits))) == expected
