"""iter_workspace_files: the file list behind ctrl+p, checked against git itself where .gitignore matters."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import NotFoundError, PermissionDeniedError, SymphonyError
from core.workspace.listing import iter_workspace_files, iter_workspace_relpaths
from tests.core.workspace.gitrepo import git_init, git_listed_files, make_files, needs_git

needs_symlinks = pytest.mark.skipif(os.name == "nt", reason="needs POSIX symlinks")


def listed(root: Path, *args: object, **kwargs: object) -> list[str]:
    return list(iter_workspace_relpaths(root, *args, **kwargs))  # type: ignore[arg-type]


def test_lists_every_file_as_a_relative_path_with_each_folder_sorted(tmp_path: Path) -> None:
    make_files(tmp_path, "b.txt", "a.txt", "src/z.py", "src/pkg/m.py", "docs/index.md", "empty/")
    assert listed(tmp_path) == ["a.txt", "b.txt", "docs/index.md", "src/z.py", "src/pkg/m.py"]
    assert list(iter_workspace_files(tmp_path)) == [Path(p) for p in listed(tmp_path)]


def test_exclude_patterns_use_gitignore_syntax_and_prune_folders(tmp_path: Path) -> None:
    make_files(tmp_path, "node_modules/x/y.js", "src/node_modules/z.js", "a.pyc", "src/b.pyc", "build/o", "src/build/o")
    make_files(tmp_path, "src/keep.py")
    assert listed(tmp_path, ["node_modules", "*.pyc", "/build"]) == ["src/keep.py", "src/build/o"]


def test_git_folder_is_never_listed_even_without_gitignore_support(tmp_path: Path) -> None:
    make_files(tmp_path, ".git/config", ".git/objects/ab/cd", "sub/.git/HEAD", "a.txt", ".gitignore")
    assert listed(tmp_path, respect_gitignore=False) == [".gitignore", "a.txt"]


def test_hidden_files_are_listed_unless_asked_not_to(tmp_path: Path) -> None:
    make_files(tmp_path, ".env", ".config/x", "a")
    assert listed(tmp_path) == [".env", "a", ".config/x"]
    assert listed(tmp_path, include_hidden=False) == ["a"]


def test_limit_stops_the_walk_early(tmp_path: Path) -> None:
    make_files(tmp_path, *(f"d{i}/f{j}" for i in range(5) for j in range(5)))
    assert len(listed(tmp_path, limit=7)) == 7
    assert listed(tmp_path, limit=0) == []


def test_missing_workspace_root_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        listed(tmp_path / "gone")
    make_files(tmp_path, "file")
    with pytest.raises(NotFoundError, match="not a folder"):
        listed(tmp_path / "file")


def test_unreadable_folder_is_reported_and_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_files(tmp_path, "ok/a", "locked/b", "z")
    real_scandir = os.scandir
    locked = str(tmp_path / "locked")

    def scandir(path: str) -> object:
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems: list[SymphonyError] = []
    assert listed(tmp_path, on_error=problems.append) == ["z", "ok/a"]
    assert len(problems) == 1
    assert isinstance(problems[0], PermissionDeniedError)
    assert locked in problems[0].message


@needs_symlinks
def test_symlink_loops_are_not_followed_but_other_symlinks_are(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "ws"
    make_files(outside, "shared.txt")
    make_files(root, "a/file.txt", "b/other.txt")
    (root / "a" / "loop").symlink_to(root)  # back to the root
    (root / "a" / "self").symlink_to(root / "a")  # back to its own folder
    (root / "b" / "to_a").symlink_to(root / "a")  # a sibling: fine, it is not an ancestor
    (root / "lib").symlink_to(outside)
    (root / "file_link.txt").symlink_to(root / "a" / "file.txt")
    (root / "dangling").symlink_to(root / "nothing-here")
    files = listed(root)
    assert files == ["file_link.txt", "a/file.txt", "b/other.txt", "b/to_a/file.txt", "lib/shared.txt"]
    assert listed(root, follow_symlinks=False) == ["file_link.txt", "a/file.txt", "b/other.txt"]


@needs_symlinks
def test_mutually_linked_folders_terminate(tmp_path: Path) -> None:
    make_files(tmp_path, "x/1", "y/2")
    (tmp_path / "x" / "to_y").symlink_to(tmp_path / "y")
    (tmp_path / "y" / "to_x").symlink_to(tmp_path / "x")
    # x/to_y/to_x would be x again, inside x: the walk stops there.
    assert listed(tmp_path) == ["x/1", "x/to_y/2", "y/2", "y/to_x/1"]


# --- .gitignore, compared with git ---------------------------------------------------------------------------


@needs_git
def test_gitignored_files_and_folders_are_left_out_like_git_does(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_files(
        tmp_path,
        "app.py",
        "debug.log",
        "keep.log",
        "build/out.o",
        "src/build/out.o",
        "src/main.py",
        "src/gen/auto.py",
        "src/gen/manual.py",
        "docs/a.tmp",
        "docs/deep/b.tmp",
        "local/secret",
        "/anchored/x",
        "sub/anchored/x",
    )
    (tmp_path / ".gitignore").write_text("*.log\n!keep.log\nbuild/\n/anchored\n# comment\n\ndocs/**/*.tmp\n")
    (tmp_path / "src" / ".gitignore").write_text("gen/*\n!gen/manual.py\n")
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local/\n")
    assert set(listed(tmp_path)) == git_listed_files(tmp_path)
    assert "keep.log" in listed(tmp_path)
    assert "src/gen/manual.py" in listed(tmp_path)


@needs_git
def test_nested_gitignore_can_reinclude_what_a_parent_ignores(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_files(tmp_path, "a.txt", "pkg/a.txt", "pkg/b.txt")
    (tmp_path / ".gitignore").write_text("*.txt\n")
    (tmp_path / "pkg" / ".gitignore").write_text("!a.txt\n")
    assert listed(tmp_path) == [".gitignore", "pkg/.gitignore", "pkg/a.txt"]
    assert set(listed(tmp_path)) == git_listed_files(tmp_path)


@needs_git
def test_files_inside_an_ignored_folder_cannot_be_reincluded(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_files(tmp_path, "out/keep.txt", "out/drop.txt")
    (tmp_path / ".gitignore").write_text("out/\n!out/keep.txt\n")
    assert listed(tmp_path) == [".gitignore"]
    assert set(listed(tmp_path)) == git_listed_files(tmp_path)


@needs_git
def test_workspace_below_the_repository_top_obeys_the_ignore_files_above_it(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_files(tmp_path, "proj/app.py", "proj/cache.bin", "proj/tmp/x", "proj/local.cfg")
    (tmp_path / ".gitignore").write_text("*.bin\nproj/tmp/\n")
    (tmp_path / ".git" / "info" / "exclude").write_text("proj/local.cfg\n")
    assert listed(tmp_path / "proj") == ["app.py"]


@needs_git
def test_respect_gitignore_false_lists_ignored_files(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_files(tmp_path, "a.log", "b.txt")
    (tmp_path / ".gitignore").write_text("*.log\n")
    assert listed(tmp_path, respect_gitignore=False) == [".gitignore", "a.log", "b.txt"]


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="symphony-listing-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


_NAMES = st.sampled_from(["a", "b.log", "c.py", "build", "Gen", "x.tmp", "keep.log", "d e"])
_PATTERNS = st.sampled_from(
    [
        *("*.log", "!keep.log", "build/", "/build", "build", "Gen/", "*.tmp", "!*.py", "a", "**/Gen/**", "/*/c.py"),
        *("d e", "b.*", "!b.log", "*/", "!Gen/", "?.py", "[ab]", "Gen/*", "!Gen/c.py", "Gen/**", "**/b.log"),
        *("!**/c.py", "c.py/", "a/**/c.py", "/a/*", "a ", "!a", "#a", "*.log/", "!*/"),
    ]
)


@needs_git
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(st.lists(_NAMES, min_size=1, max_size=3).map("/".join), min_size=1, max_size=12),
    root_rules=st.lists(_PATTERNS, max_size=5),
    nested_rules=st.lists(_PATTERNS, max_size=3),
)
def test_listing_agrees_with_git_for_any_tree_and_ignore_rules(
    scratch: Path, files: list[str], root_rules: list[str], nested_rules: list[str]
) -> None:
    root = scratch / "repo"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    git_init(root)
    for rel in files:
        target = root / rel
        if any(parent.is_file() for parent in target.parents) or target.is_dir():
            continue  # a name already used as a file can't also be a folder
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x")
    (root / ".gitignore").write_text("\n".join(root_rules) + "\n")
    nested = next((p for p in root.iterdir() if p.is_dir() and p.name != ".git"), None)
    if nested is not None:
        (nested / ".gitignore").write_text("\n".join(nested_rules) + "\n")
    assert set(listed(root)) == git_listed_files(root)
