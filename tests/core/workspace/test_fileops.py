"""Explorer file operations on real folders, with the real freedesktop trash redirected into the test folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.errors import ConflictError, NotFoundError, UnsupportedError, ValidationError
from core.workspace.fileops import FileOperations, OperationKind

linux_trash = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash only")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    (workspace / "src" / "pkg").mkdir(parents=True)
    (workspace / "src" / "app.py").write_text("print('app')\n")
    (workspace / "src" / "pkg" / "mod.py").write_text("X = 1\n")
    (workspace / "README.md").write_text("# readme\n")
    return workspace


@pytest.fixture
def trash_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """send2trash's home trash, moved under the test folder (and every path counted as on the home disk)."""
    from send2trash import plat_other

    data_home = tmp_path / "data"
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", bytes(data_home))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", bytes(data_home / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data_home / "Trash"))
    monkeypatch.setattr(plat_other, "get_dev", lambda _path: 1)
    return data_home / "Trash"


def test_create_file_and_folder_then_undo_removes_them(root: Path) -> None:
    ops = FileOperations(root)
    created = ops.create_file("src/new/thing.py", b"x = 1\n")
    assert created.read_bytes() == b"x = 1\n"
    assert ops.undo() is not None
    assert not created.exists()
    folder = ops.create_folder("docs/guide")
    assert folder.is_dir()
    ops.undo()
    assert not folder.exists()
    assert ops.undo() is None


def test_create_refuses_a_taken_name(root: Path) -> None:
    with pytest.raises(ConflictError, match=r"README\.md already exists"):
        FileOperations(root).create_file("README.md")


def test_undo_of_create_refuses_once_the_file_was_edited(root: Path) -> None:
    ops = FileOperations(root)
    created = ops.create_file("notes.txt")
    created.write_text("important work\n")
    with pytest.raises(ConflictError, match="changed since it was created"):
        ops.undo()
    assert created.read_text() == "important work\n"


def test_rename_and_undo(root: Path) -> None:
    ops = FileOperations(root)
    renamed = ops.rename("src/app.py", "main.py")
    assert renamed == root / "src" / "main.py" and renamed.read_text() == "print('app')\n"
    assert not (root / "src" / "app.py").exists()
    ops.undo()
    assert (root / "src" / "app.py").read_text() == "print('app')\n" and not renamed.exists()


@pytest.mark.parametrize("name", ["", "..", "a/b"])
def test_rename_refuses_names_that_are_not_names(root: Path, name: str) -> None:
    with pytest.raises(ValidationError):
        FileOperations(root).rename("README.md", name)


def test_rename_never_overwrites(root: Path) -> None:
    with pytest.raises(ConflictError):
        FileOperations(root).rename("src/app.py", "pkg")
    assert (root / "src" / "app.py").exists()


def test_move_several_into_a_folder_is_one_undoable_operation(root: Path) -> None:
    ops = FileOperations(root)
    targets = ops.move(["README.md", "src/app.py"], "src/pkg")
    assert targets == (root / "src/pkg/README.md", root / "src/pkg/app.py")
    assert all(target.exists() for target in targets)
    assert ops.last is not None and ops.last.kind is OperationKind.MOVE
    ops.undo()
    assert (root / "README.md").exists() and (root / "src" / "app.py").exists()
    assert not (root / "src/pkg/README.md").exists()


def test_move_refuses_a_folder_into_itself_and_paths_outside_the_workspace(root: Path) -> None:
    ops = FileOperations(root)
    with pytest.raises(ValidationError, match="into itself"):
        ops.move(["src"], "src/pkg")
    with pytest.raises(ValidationError, match="outside the workspace"):
        ops.move(["README.md"], "..")


def test_move_with_a_taken_target_moves_nothing(root: Path) -> None:
    (root / "src/pkg/app.py").write_text("other\n")
    ops = FileOperations(root)
    with pytest.raises(ConflictError):
        ops.move(["README.md", "src/app.py"], "src/pkg")
    assert (root / "README.md").exists() and (root / "src/pkg/app.py").read_text() == "other\n"


def test_undo_of_move_refuses_when_the_original_place_is_taken(root: Path) -> None:
    ops = FileOperations(root)
    ops.rename("README.md", "INTRO.md")
    (root / "README.md").write_text("new readme\n")
    with pytest.raises(ConflictError, match="is taken"):
        ops.undo()
    assert (root / "INTRO.md").exists()


def test_duplicate_names_copies_and_undo_removes_the_copy(root: Path) -> None:
    ops = FileOperations(root)
    first = ops.duplicate("src/app.py")
    second = ops.duplicate("src/app.py")
    folder = ops.duplicate("src/pkg")
    assert (first.name, second.name, folder.name) == ("app copy.py", "app copy 2.py", "pkg copy")
    assert (folder / "mod.py").read_text() == "X = 1\n"
    ops.undo()
    assert not folder.exists() and second.exists()


def test_undo_of_duplicate_keeps_a_copy_that_was_edited(root: Path) -> None:
    ops = FileOperations(root)
    copy = ops.duplicate("src/pkg")
    (copy / "extra.py").write_text("new\n")
    with pytest.raises(ConflictError):
        ops.undo()
    assert (copy / "extra.py").exists()


@linux_trash
def test_delete_goes_to_the_trash_and_undo_restores_it(root: Path, trash_home: Path) -> None:
    ops = FileOperations(root)
    ops.delete("src/pkg", "README.md")
    assert not (root / "src/pkg").exists() and not (root / "README.md").exists()
    assert (trash_home / "files" / "README.md").read_text() == "# readme\n"
    assert (trash_home / "info" / "README.md.trashinfo").exists()
    ops.undo()
    assert (root / "src/pkg/mod.py").read_text() == "X = 1\n" and (root / "README.md").read_text() == "# readme\n"
    assert list((trash_home / "info").iterdir()) == []


@linux_trash
def test_undo_of_delete_refuses_when_the_path_was_taken_again(root: Path, trash_home: Path) -> None:
    ops = FileOperations(root)
    ops.delete("README.md")
    (root / "README.md").write_text("replacement\n")
    with pytest.raises(ConflictError, match="taken again"):
        ops.undo()
    assert (trash_home / "files" / "README.md").exists()


def test_delete_with_an_unknown_trash_cannot_be_undone_here(root: Path, tmp_path: Path) -> None:
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    ops = FileOperations(root, trash=lambda path: Path(path).rename(bin_folder / Path(path).name))
    ops.delete("README.md")
    with pytest.raises(UnsupportedError, match="system trash"):
        ops.undo()


def test_operations_on_missing_paths_are_not_found(root: Path) -> None:
    ops = FileOperations(root)
    with pytest.raises(NotFoundError):
        ops.rename("nope.txt", "yes.txt")
    with pytest.raises(NotFoundError):
        ops.delete("nope.txt")
