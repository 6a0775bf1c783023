"""Git services on real, generated repositories: status, gutter, hunks, commit, discard, blame."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ConflictError, ValidationError
from core.workspace.git import (
    ChangeKind,
    GitRepository,
    GutterMark,
    MarkKind,
    gutter_marks,
    parse_status,
)
from tests.core.workspace.gitrepo import git, git_init, needs_git

pytestmark = needs_git


def new_repo(folder: Path) -> Path:
    folder.mkdir()
    return git_init(folder)


def commit_all(root: Path, message: str = "snapshot") -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "-m", message)


@pytest.fixture
def repo_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ada")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Ada")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ada@example.com")
    root = new_repo(tmp_path / "repo")
    (root / "a.txt").write_text("one\ntwo\nthree\nfour\nfive\n")
    (root / "b.txt").write_text("bee\n")
    (root / "gone.txt").write_text("bye\n")
    commit_all(root, "first")
    return root


def open_repo(root: Path) -> GitRepository:
    repo = asyncio.run(GitRepository.open(root))
    assert repo is not None
    return repo


def test_folder_outside_git_has_no_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert asyncio.run(GitRepository.open(plain)) is None


def test_status_reports_each_kind_of_change_and_the_branch(repo_root: Path) -> None:
    (repo_root / "a.txt").write_text("one\nTWO\nthree\nfour\nfive\n")
    (repo_root / "new.txt").write_text("fresh\n")
    (repo_root / "gone.txt").unlink()
    (repo_root / "staged.txt").write_text("s\n")
    git(repo_root, "add", "staged.txt")
    git(repo_root, "mv", "b.txt", "c.txt")
    repo = open_repo(repo_root / ".")
    status = asyncio.run(repo.status())
    assert status.branch.head == "main" and status.branch.oid is not None
    kinds = {entry.path: (entry.kind, entry.staged, entry.unstaged) for entry in status.entries}
    assert kinds == {
        "a.txt": (ChangeKind.MODIFIED, False, True),
        "new.txt": (ChangeKind.UNTRACKED, False, True),
        "gone.txt": (ChangeKind.DELETED, False, True),
        "staged.txt": (ChangeKind.ADDED, True, False),
        "c.txt": (ChangeKind.RENAMED, True, False),
    }
    assert status.by_path()["c.txt"].orig_path == "b.txt"


def test_ahead_and_behind_count_commits_against_the_upstream(repo_root: Path, tmp_path: Path) -> None:
    git(tmp_path, "clone", "-q", str(repo_root), "clone")
    clone = tmp_path / "clone"
    (clone / "b.txt").write_text("mine\n")
    commit_all(clone, "local")
    (repo_root / "b.txt").write_text("theirs\n")
    commit_all(repo_root, "remote 1")
    (repo_root / "a.txt").write_text("theirs\n")
    commit_all(repo_root, "remote 2")
    git(clone, "fetch", "-q")
    branch = asyncio.run(open_repo(clone).status()).branch
    assert (branch.head, branch.upstream, branch.ahead, branch.behind) == ("main", "origin/main", 1, 2)


def test_status_before_the_first_commit_and_when_detached(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "empty")
    (root / "x").write_text("x\n")
    branch = asyncio.run(open_repo(root).status()).branch
    assert branch.oid is None and branch.head == "main"
    raw = b"# branch.oid 1234\x00# branch.head (detached)\x00"
    assert parse_status(raw).branch.head is None


def test_gutter_marks_unsaved_edits_against_the_index(repo_root: Path) -> None:
    repo = open_repo(repo_root)
    buffer = "one\nTWO\nthree\nfive\nsix\n"
    marks = asyncio.run(repo.gutter("a.txt", buffer))
    assert marks == (
        GutterMark(1, MarkKind.MODIFIED),
        GutterMark(2, MarkKind.DELETED),
        GutterMark(4, MarkKind.ADDED),
    )
    assert asyncio.run(repo.gutter("untracked.txt", "x\n")) == ()


def test_gutter_follows_the_index_after_staging(repo_root: Path) -> None:
    repo = open_repo(repo_root)
    edited = "one\ntwo\nthree\nfour\nfive\nsix\n"
    assert asyncio.run(repo.gutter("a.txt", edited)) == (GutterMark(5, MarkKind.ADDED),)
    (repo_root / "a.txt").write_text(edited)
    asyncio.run(repo.stage("a.txt"))
    assert asyncio.run(repo.gutter("a.txt", edited)) == ()


@given(
    base=st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=12),
    edited=st.lists(st.sampled_from(["a", "b", "c", "d", ""]), max_size=12),
)
def test_gutter_marks_cover_exactly_the_lines_not_kept_from_the_base(base: list[str], edited: list[str]) -> None:
    base_text, edited_text = "\n".join(base), "\n".join(edited)
    marks = gutter_marks(base_text, edited_text)
    base, edited = base_text.split("\n"), edited_text.split("\n")
    changed = {mark.line for mark in marks if mark.kind is not MarkKind.DELETED}
    kept = [line for number, line in enumerate(edited) if number not in changed]
    # The unmarked lines are a subsequence of the base: nothing changed went unmarked.
    remaining = iter(base)
    assert all(any(line == other for other in remaining) for line in kept)
    assert all(0 <= mark.line < max(len(edited), 1) for mark in marks)
    if base == edited:
        assert marks == ()


def test_staging_one_hunk_leaves_the_other_unstaged(repo_root: Path) -> None:
    (repo_root / "a.txt").write_text("ONE\ntwo\nthree\nfour\nFIVE\n")
    repo = open_repo(repo_root)
    hunks = asyncio.run(repo.hunks("a.txt"))
    assert [(hunk.new_start, hunk.removed, hunk.added) for hunk in hunks] == [
        (1, ["one"], ["ONE"]),
        (5, ["five"], ["FIVE"]),
    ]
    asyncio.run(repo.stage_hunk(hunks[1]))
    staged = asyncio.run(repo.hunks("a.txt", staged=True))
    assert [(hunk.removed, hunk.added) for hunk in staged] == [(["five"], ["FIVE"])]
    assert [(hunk.removed, hunk.added) for hunk in asyncio.run(repo.hunks("a.txt"))] == [(["one"], ["ONE"])]
    asyncio.run(repo.unstage_hunk(staged[0]))
    assert asyncio.run(repo.hunks("a.txt", staged=True)) == ()
    assert len(asyncio.run(repo.hunks("a.txt"))) == 2


def test_a_stale_hunk_is_refused_as_a_conflict(repo_root: Path) -> None:
    (repo_root / "a.txt").write_text("ONE\ntwo\nthree\nfour\nfive\n")
    repo = open_repo(repo_root)
    hunk = asyncio.run(repo.hunks("a.txt"))[0]
    asyncio.run(repo.stage_hunk(hunk))
    with pytest.raises(ConflictError, match=r"a\.txt:1 no longer applies"):
        asyncio.run(repo.stage_hunk(hunk))


def test_discard_hunk_restores_only_that_part_of_the_file(repo_root: Path) -> None:
    (repo_root / "a.txt").write_text("ONE\ntwo\nthree\nfour\nFIVE\n")
    repo = open_repo(repo_root)
    asyncio.run(repo.discard_hunk(asyncio.run(repo.hunks("a.txt"))[0]))
    assert (repo_root / "a.txt").read_text() == "one\ntwo\nthree\nfour\nFIVE\n"


def test_commit_records_the_index_and_cleans_the_status(repo_root: Path) -> None:
    (repo_root / "a.txt").write_text("changed\n")
    (repo_root / "loose.txt").write_text("not staged\n")
    repo = open_repo(repo_root)
    asyncio.run(repo.stage("a.txt"))
    oid = asyncio.run(repo.commit("Change a\n\nBody."))
    assert git(repo_root, "log", "-1", "--format=%H %s").strip() == f"{oid} Change a"
    assert [entry.path for entry in asyncio.run(repo.status()).entries] == ["loose.txt"]
    with pytest.raises(ValidationError, match="empty"):
        asyncio.run(repo.commit("  \n"))


def test_unstage_whole_file_keeps_the_work_tree_change(repo_root: Path) -> None:
    (repo_root / "b.txt").write_text("changed\n")
    repo = open_repo(repo_root)
    asyncio.run(repo.stage("b.txt"))
    asyncio.run(repo.unstage("b.txt"))
    entry = asyncio.run(repo.status()).by_path()["b.txt"]
    assert (entry.staged, entry.unstaged) == (False, True)
    assert (repo_root / "b.txt").read_text() == "changed\n"


def test_discard_restores_tracked_files_and_trashes_untracked_ones(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trashed: list[str] = []
    monkeypatch.setattr("send2trash.send2trash", lambda path: trashed.append(path) or Path(path).unlink())
    (repo_root / "a.txt").write_text("scribble\n")
    (repo_root / "junk.txt").write_text("junk\n")
    repo = open_repo(repo_root)
    asyncio.run(repo.discard("a.txt", "junk.txt"))
    assert (repo_root / "a.txt").read_text() == "one\ntwo\nthree\nfour\nfive\n"
    assert trashed == [str(repo_root / "junk.txt")]
    assert asyncio.run(repo.status()).entries == ()


def test_blame_names_the_commit_or_marks_unsaved_lines(repo_root: Path) -> None:
    repo = open_repo(repo_root)
    blame = asyncio.run(repo.blame_line("a.txt", 1))
    assert (blame.author, blame.summary, blame.committed) == ("Ada", "first", True)
    assert blame.oid == git(repo_root, "rev-parse", "HEAD").strip()
    unsaved = asyncio.run(repo.blame_line("a.txt", 1, text="one\nnew two\nthree\nfour\nfive\n"))
    assert unsaved.committed is False


def test_file_at_head_is_the_committed_bytes(repo_root: Path) -> None:
    (repo_root / "b.txt").write_text("changed\n")
    repo = open_repo(repo_root)
    assert asyncio.run(repo.head_bytes("b.txt")) == b"bee\n"
    assert asyncio.run(repo.head_bytes("missing.txt")) is None
