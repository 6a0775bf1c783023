"""WorkspaceTree: what the file explorer shows, one folder at a time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import NotFoundError, PermissionDeniedError
from core.workspace.tree import Entry, WorkspaceTree, natural_key
from tests.core.workspace.gitrepo import git_ignored, git_init, make_files, needs_git


def names(entries: list[Entry]) -> list[str]:
    return [entry.name for entry in entries]


def test_folders_come_first_then_files_in_natural_case_insensitive_order(tmp_path: Path) -> None:
    make_files(tmp_path, "file10.txt", "File2.txt", "file1.txt", "b.txt", "A.txt", "src10/", "Src2/", "lib/")
    tree = WorkspaceTree(tmp_path)
    expected = ["lib", "Src2", "src10", "A.txt", "b.txt", "file1.txt", "File2.txt", "file10.txt"]
    assert names(tree.children(tmp_path)) == expected


def test_entries_carry_absolute_paths_and_kinds(tmp_path: Path) -> None:
    make_files(tmp_path, "pkg/mod.py", "top.txt")
    tree = WorkspaceTree(tmp_path)
    pkg, top = tree.children(tmp_path)
    assert pkg == Entry(tmp_path / "pkg", "pkg", True, False, False, False)
    assert top == Entry(tmp_path / "top.txt", "top.txt", False, False, False, False)
    assert tree.children(pkg.path) == [Entry(tmp_path / "pkg" / "mod.py", "mod.py", False, False, False, False)]


def test_relative_folders_are_taken_from_the_root(tmp_path: Path) -> None:
    make_files(tmp_path, "pkg/mod.py")
    assert names(WorkspaceTree(tmp_path).children(Path("pkg"))) == ["mod.py"]


def test_hidden_entries_appear_only_with_show_hidden(tmp_path: Path) -> None:
    make_files(tmp_path, ".env", ".config/x", "visible")
    assert names(WorkspaceTree(tmp_path).children(tmp_path)) == ["visible"]
    shown = WorkspaceTree(tmp_path, show_hidden=True).children(tmp_path)
    assert [(entry.name, entry.hidden) for entry in shown] == [(".config", True), (".env", True), ("visible", False)]


def test_excluded_entries_are_omitted_entirely(tmp_path: Path) -> None:
    make_files(tmp_path, "node_modules/x.js", "a.pyc", "src/b.pyc", "src/c.py", "keep.py")
    tree = WorkspaceTree(tmp_path, exclude=["node_modules", "*.pyc"])
    assert names(tree.children(tmp_path)) == ["src", "keep.py"]
    assert names(tree.children(tmp_path / "src")) == ["c.py"]


@needs_git
def test_gitignored_entries_are_listed_but_flagged_exactly_as_git_decides(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_files(tmp_path, "app.py", "debug.log", "keep.log", "build/out.o", "src/gen/a.py", "src/main.py", "local/x")
    (tmp_path / ".gitignore").write_text("*.log\n!keep.log\nbuild/\n")
    (tmp_path / "src" / ".gitignore").write_text("gen/\n")
    (tmp_path / ".git" / "info" / "exclude").write_text("local\n")
    tree = WorkspaceTree(tmp_path, show_hidden=True)
    shown = [entry for folder in (tmp_path, tmp_path / "src") for entry in tree.children(folder)]
    rel = {entry.path.relative_to(tmp_path).as_posix() + ("/" if entry.is_dir else ""): entry for entry in shown}
    flagged = {path for path, entry in rel.items() if entry.ignored}
    assert flagged == git_ignored(tmp_path, *rel) | {".git/"}
    assert flagged == {".git/", "build/", "debug.log", "local/", "src/gen/"}


@needs_git
def test_everything_inside_an_ignored_folder_is_flagged_ignored(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_files(tmp_path, "build/deep/x.o", "build/keep.txt")
    (tmp_path / ".gitignore").write_text("build/\n!build/keep.txt\n")
    tree = WorkspaceTree(tmp_path)
    inside = tree.children(tmp_path / "build")
    assert [(entry.name, entry.ignored) for entry in inside] == [("deep", True), ("keep.txt", True)]
    assert all(entry.ignored for entry in tree.children(tmp_path / "build" / "deep"))
    assert git_ignored(tmp_path, "build/keep.txt", "build/deep/x.o") == {"build/keep.txt", "build/deep/x.o"}


@needs_git
def test_respect_gitignore_false_flags_nothing(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_files(tmp_path, "a.log", "b.txt")
    (tmp_path / ".gitignore").write_text("*.log\n")
    entries = WorkspaceTree(tmp_path, respect_gitignore=False).children(tmp_path)
    assert [(entry.name, entry.ignored) for entry in entries] == [("a.log", False), ("b.txt", False)]


def test_invalidate_picks_up_an_edited_gitignore(tmp_path: Path) -> None:
    make_files(tmp_path, "a.log", "b.txt")
    tree = WorkspaceTree(tmp_path)
    assert not any(entry.ignored for entry in tree.children(tmp_path))
    (tmp_path / ".gitignore").write_text("*.log\n")
    tree.invalidate()
    assert [entry.name for entry in tree.children(tmp_path) if entry.ignored] == ["a.log"]


@pytest.mark.skipif(os.name == "nt", reason="needs POSIX symlinks")
def test_symlinks_are_flagged_and_symlinked_folders_are_folders(tmp_path: Path) -> None:
    make_files(tmp_path, "real/x", "f.txt")
    (tmp_path / "link_dir").symlink_to(tmp_path / "real")
    (tmp_path / "link_file").symlink_to(tmp_path / "f.txt")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    entries = {entry.name: entry for entry in WorkspaceTree(tmp_path).children(tmp_path)}
    assert (entries["link_dir"].is_dir, entries["link_dir"].is_symlink) == (True, True)
    assert (entries["link_file"].is_dir, entries["link_file"].is_symlink) == (False, True)
    assert (entries["dangling"].is_dir, entries["dangling"].is_symlink) == (False, True)
    assert (entries["real"].is_dir, entries["real"].is_symlink) == (True, False)


def test_unreadable_folder_lists_as_empty_and_records_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_files(tmp_path, "locked/secret")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if Path(path) == tmp_path / "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    tree = WorkspaceTree(tmp_path)
    assert tree.children(tmp_path / "locked") == []
    assert len(tree.problems) == 1
    assert isinstance(tree.problems[0], PermissionDeniedError)
    assert "locked" in tree.problems[0].message


def test_vanished_folder_lists_as_empty_and_records_a_problem(tmp_path: Path) -> None:
    tree = WorkspaceTree(tmp_path)
    assert tree.children(tmp_path / "gone") == []
    assert isinstance(tree.problems[0], NotFoundError)


def test_folder_outside_the_workspace_lists_as_empty_and_records_a_problem(tmp_path: Path) -> None:
    make_files(tmp_path, "ws/a", "other/b")
    tree = WorkspaceTree(tmp_path / "ws")
    assert tree.children(tmp_path / "other") == []
    assert "outside the workspace" in tree.problems[0].message


@given(st.lists(st.integers(min_value=0, max_value=10**6), unique=True))
def test_natural_order_sorts_embedded_numbers_by_value(numbers: list[int]) -> None:
    file_names = [f"file{n}.txt" for n in numbers]
    assert sorted(file_names, key=natural_key) == [f"file{n}.txt" for n in sorted(numbers)]


@given(st.lists(st.text(max_size=8)))
def test_natural_key_is_a_total_order_on_any_names(file_names: list[str]) -> None:
    ordered = sorted(file_names, key=natural_key)
    keys = [natural_key(name) for name in ordered]
    assert keys == sorted(keys)
