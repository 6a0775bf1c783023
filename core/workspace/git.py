"""Git for the workspace: status, branch and ahead/behind, gutter markers, hunk staging, commit, discard, blame.

Everything runs the ``git`` command line rather than pygit2, decided by ``python -m benchmarks.git_status``
(20,000 files, 500 changes, this machine): status took ~64 ms through git (faster than a plain
``git status --porcelain``, thanks to GIT_OPTIONAL_LOCKS=0) and ~53 ms through pygit2, but pygit2 holds the
GIL for the whole call, so the UI thread stalled ~48 ms per status against ~24 ms with git; reading a staged
file took 4-7 ms either way; pygit2's blame is quicker on that one-commit history, git's 7 ms is fine for a
status bar. Only git runs the user's hooks, signing and credential helpers on commit, and one backend means
one set of behaviours. Nothing spawns git per keystroke: gutter markers diff the buffer in Python against
the staged copy of the file, fetched once per index change.

Every method is a coroutine that can be cancelled: the git process is killed. Paths are POSIX strings relative
to the repository's top folder; lines are 0-based like the editor's.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from core.errors import ConflictError, NotFoundError, SymphonyIOError, UnsupportedError, ValidationError

# Output must not depend on the user's terminal, pager, language or colour settings.
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_PAGER": "cat"}
_GIT_OPTIONS = ("-c", "core.quotepath=off", "-c", "color.ui=false", "-c", "diff.noprefix=false")


def find_git() -> str | None:
    """The git executable on PATH, or None (the Source Control features then stay hidden)."""
    return shutil.which("git")


class GitFailed(SymphonyIOError):
    """A git command exited with an error; the message carries git's own words."""

    default_hint = "Run the same git command in a terminal to see the whole story."


@dataclass(frozen=True, slots=True)
class BranchInfo:
    """What the status bar shows: the branch (None when detached), its upstream and ahead/behind counts."""

    head: str | None
    oid: str | None
    """The commit HEAD points at (None before the first commit)."""
    upstream: str | None
    ahead: int
    behind: int


class ChangeKind(StrEnum):
    """How a path differs, in the order the explorer picks one colour for a path with several."""

    CONFLICTED = "conflicted"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"
    ADDED = "added"
    UNTRACKED = "untracked"
    IGNORED = "ignored"


_KIND_BY_CODE = {
    "M": ChangeKind.MODIFIED,
    "T": ChangeKind.MODIFIED,
    "A": ChangeKind.ADDED,
    "D": ChangeKind.DELETED,
    "R": ChangeKind.RENAMED,
    "C": ChangeKind.ADDED,
}


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """One changed path: git's two status letters (index, work tree) and what they mean for the UI."""

    path: str
    index: str
    """Status letter of the staged change ("." when none, "?" untracked, "!" ignored)."""
    worktree: str
    """Status letter of the unstaged change ("." when none)."""
    orig_path: str | None = None
    """The path before a rename or copy."""
    conflicted: bool = False

    @property
    def staged(self) -> bool:
        return self.index not in ".?!" and not self.conflicted

    @property
    def unstaged(self) -> bool:
        return self.worktree not in ".!" or self.conflicted

    @property
    def kind(self) -> ChangeKind:
        if self.conflicted:
            return ChangeKind.CONFLICTED
        if self.index == "?":
            return ChangeKind.UNTRACKED
        if self.index == "!":
            return ChangeKind.IGNORED
        kinds = [_KIND_BY_CODE[code] for code in (self.index, self.worktree) if code in _KIND_BY_CODE]
        return min(kinds, key=list(ChangeKind).index) if kinds else ChangeKind.MODIFIED


@dataclass(frozen=True, slots=True)
class RepoStatus:
    """A snapshot of ``git status``: the branch line and every changed path."""

    branch: BranchInfo
    entries: tuple[StatusEntry, ...]

    def by_path(self) -> dict[str, StatusEntry]:
        return {entry.path: entry for entry in self.entries}


class MarkKind(StrEnum):
    """Gutter marker kinds against the index."""

    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    """Lines were removed just below this line (above line 0 when ``line`` is 0 and the file starts changed)."""


@dataclass(frozen=True, slots=True)
class GutterMark:
    line: int
    kind: MarkKind


@dataclass(frozen=True, slots=True)
class Hunk:
    """One zero-context hunk of a file's diff, as git printed it, ready to be applied on its own."""

    path: str
    header: str
    """The file header lines (``diff --git``, ``index``, ``---``, ``+++``...), each ending in a newline."""
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    body: str
    """The ``@@`` line and the ``-``/``+`` lines (and ``\\ No newline`` notes), each ending in a newline."""

    @property
    def patch(self) -> str:
        return self.header + self.body

    @property
    def removed(self) -> list[str]:
        return [line[1:] for line in self.body.splitlines()[1:] if line.startswith("-")]

    @property
    def added(self) -> list[str]:
        return [line[1:] for line in self.body.splitlines()[1:] if line.startswith("+")]


@dataclass(frozen=True, slots=True)
class BlameLine:
    """Who last changed a line, for the status bar."""

    oid: str
    author: str
    author_time: int
    """Seconds since the epoch."""
    summary: str
    committed: bool
    """False for lines not committed yet (git's all-zero commit)."""


_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ZERO_OID = "0" * 40


class GitRepository:
    """One git work tree, driven through the git command line."""

    def __init__(self, top: Path, git: str, index_file: Path | None = None) -> None:
        self.top = top
        """The work tree's top folder; every path is relative to it."""
        self._git = git
        self._index_file = index_file or top / ".git" / "index"
        self._index_cache: dict[str, tuple[tuple[int, int], str | None]] = {}

    @classmethod
    async def open(cls, folder: Path, *, git: str | None = None) -> GitRepository | None:
        """The repository containing ``folder``, or None for a folder outside git (or no git installed)."""
        binary = git or find_git()
        if binary is None or not os.path.isdir(folder):
            return None
        code, out, _err = await _run(binary, folder, ("rev-parse", "--show-toplevel", "--git-path", "index"))
        lines = out.decode("utf-8", errors="surrogateescape").splitlines()
        if code != 0 or len(lines) != 2:
            return None
        return cls(Path(lines[0]), binary, Path(folder, lines[1]))  # --git-path answers relative to ``folder``

    async def git(self, *args: str, stdin: bytes | None = None, ok: Sequence[int] = (0,)) -> bytes:
        """Run git in the work tree and return its output; GitFailed (naming the command) on other exit codes."""
        code, out, err = await _run(self._git, self.top, args, stdin)
        if code not in ok:
            words = err.decode("utf-8", errors="replace").strip() or f"exit code {code}"
            raise GitFailed(f"git {' '.join(args[:3])} failed: {words}", data={"args": list(args), "exit_code": code})
        return out

    async def status(self, *, ignored: bool = False) -> RepoStatus:
        """Branch, ahead/behind and every changed or untracked path (ignored ones too when asked)."""
        args = ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"]
        if ignored:
            args.append("--ignored=matching")
        return parse_status(await self.git(*args))

    async def index_text(self, path: str) -> str | None:
        """The file as staged (None when it is not in the index), cached until the index changes."""
        stamp = self._index_stamp()
        cached = self._index_cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        text = await self._blob_text(f":{path}")
        self._index_cache[path] = (stamp, text)
        return text

    async def head_bytes(self, path: str) -> bytes | None:
        """The file as committed at HEAD (None when HEAD lacks it or there is no commit yet)."""
        code, out, _err = await _run(self._git, self.top, ("cat-file", "blob", f"HEAD:{path}"))
        return out if code == 0 else None

    async def gutter(self, path: str, text: str) -> tuple[GutterMark, ...]:
        """Markers for buffer ``text`` (saved or not) against the index; none for files git does not track."""
        base = await self.index_text(path)
        if base is None:
            return ()
        return gutter_marks(base, text)

    async def hunks(self, path: str, *, staged: bool = False) -> tuple[Hunk, ...]:
        """The file's unstaged hunks (index to work tree), or its staged ones (HEAD to index)."""
        args = ["diff", "--no-color", "--no-ext-diff", "-U0", "--no-renames"]
        if staged:
            args.append("--cached")
        return parse_hunks(path, (await self.git(*args, "--", path)).decode("utf-8", errors="surrogateescape"))

    async def stage(self, *paths: str) -> None:
        """Stage whole files, deletions included."""
        await self.git("add", "--all", "--", *paths)

    async def unstage(self, *paths: str) -> None:
        """Take whole files out of the index back to HEAD (or out of it entirely before the first commit)."""
        if await self._has_head():
            await self.git("reset", "-q", "HEAD", "--", *paths)
        else:
            await self.git("rm", "-q", "--cached", "-r", "--", *paths)

    async def stage_hunk(self, hunk: Hunk) -> None:
        """Stage one hunk from ``hunks(path)``; ConflictError when the file changed since it was read."""
        await self._apply(hunk, "--cached")

    async def unstage_hunk(self, hunk: Hunk) -> None:
        """Unstage one hunk from ``hunks(path, staged=True)``."""
        await self._apply(hunk, "--cached", "--reverse")

    async def discard_hunk(self, hunk: Hunk) -> None:
        """Undo one unstaged hunk in the work tree file."""
        await self._apply(hunk, "--reverse")

    async def discard(self, *paths: str) -> None:
        """Throw away unstaged changes: tracked files go back to their staged content, untracked ones to the trash."""
        state = (await self.status()).by_path()
        untracked = [path for path in paths if path in state and state[path].kind is ChangeKind.UNTRACKED]
        tracked = [path for path in paths if path not in untracked]
        if tracked:
            await self.git("checkout", "-q", "--", *tracked)
        if untracked:
            from send2trash import send2trash  # type: ignore[import-untyped, unused-ignore]

            for path in untracked:
                await asyncio.to_thread(send2trash, os.fspath(self.top / path))

    async def commit(self, message: str, *, amend: bool = False, allow_empty: bool = False) -> str:
        """Commit the index with ``message`` (the user's hooks run) and return the new commit id."""
        if not message.strip() and not amend:
            raise ValidationError("the commit message is empty", hint="Write a message describing the change.")
        args = ["commit", "-q", "--file=-"]
        if amend:
            args.append("--amend")
        if allow_empty:
            args.append("--allow-empty")
        await self.git(*args, stdin=message.encode("utf-8"))
        return (await self.git("rev-parse", "HEAD")).decode().strip()

    async def blame_line(self, path: str, line: int, text: str | None = None) -> BlameLine:
        """Blame one 0-based line; pass the unsaved buffer ``text`` to blame what the user sees."""
        args = ["blame", "--porcelain", "-L", f"{line + 1},{line + 1}"]
        if text is not None:
            args += ["--contents", "-"]
        out = await self.git(*args, "--", path, stdin=None if text is None else text.encode("utf-8"))
        return parse_blame(out.decode("utf-8", errors="replace"))

    async def _apply(self, hunk: Hunk, *flags: str) -> None:
        try:
            await self.git("apply", "--unidiff-zero", "--whitespace=nowarn", *flags, "-", stdin=hunk.patch.encode())
        except GitFailed as exc:
            raise ConflictError(
                f"the change at {hunk.path}:{hunk.new_start} no longer applies: {exc.message}",
                hint="The file changed since the diff was shown; refresh the Source Control view and retry.",
                data={"path": hunk.path, "line": hunk.new_start},
            ) from exc

    async def _has_head(self) -> bool:
        code, _out, _err = await _run(self._git, self.top, ("rev-parse", "-q", "--verify", "HEAD"))
        return code == 0

    async def _blob_text(self, spec: str) -> str | None:
        code, out, _err = await _run(self._git, self.top, ("cat-file", "blob", spec))
        if code != 0:
            return None
        return out.decode("utf-8", errors="replace").replace("\r\n", "\n")

    def _index_stamp(self) -> tuple[int, int]:
        try:
            info = os.stat(self._index_file)
        except OSError:
            return (0, 0)
        return (info.st_mtime_ns, info.st_size)


async def _run(git: str, cwd: Path, args: Sequence[str], stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
    try:
        process = await asyncio.create_subprocess_exec(
            git,
            *_GIT_OPTIONS,
            *args,
            cwd=cwd,
            env={**os.environ, **_GIT_ENV},
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise NotFoundError(f"git is not installed at {git}", hint="Install git to use Source Control.") from exc
    except OSError as exc:
        raise UnsupportedError(f"cannot run {git}: {exc}", data={"path": str(cwd)}) from exc
    try:
        out, err = await process.communicate(stdin)
    finally:
        if process.returncode is None:  # cancelled: git must not linger holding the index lock
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, out, err


def parse_status(raw: bytes) -> RepoStatus:
    """Parse ``git status --porcelain=v2 --branch -z`` output."""
    head: str | None = None
    oid: str | None = None
    upstream: str | None = None
    ahead = behind = 0
    entries: list[StatusEntry] = []
    fields = raw.decode("utf-8", errors="surrogateescape").split("\0")
    index = 0
    while index < len(fields):
        record = fields[index]
        index += 1
        if not record:
            continue
        tag = record[0]
        if tag == "#":
            key, _, value = record[2:].partition(" ")
            if key == "branch.oid":
                oid = None if value == "(initial)" else value
            elif key == "branch.head":
                head = None if value == "(detached)" else value
            elif key == "branch.upstream":
                upstream = value
            elif key == "branch.ab":
                plus, minus = value.split()
                ahead, behind = int(plus), -int(minus)
        elif tag == "1":
            parts = record.split(" ", 8)
            entries.append(StatusEntry(path=parts[8], index=parts[1][0], worktree=parts[1][1]))
        elif tag == "2":
            parts = record.split(" ", 9)
            orig = fields[index]
            index += 1
            entries.append(StatusEntry(path=parts[9], index=parts[1][0], worktree=parts[1][1], orig_path=orig))
        elif tag == "u":
            parts = record.split(" ", 10)
            entries.append(StatusEntry(path=parts[10], index=parts[1][0], worktree=parts[1][1], conflicted=True))
        elif tag in "?!":
            entries.append(StatusEntry(path=record[2:], index=tag, worktree=tag))
    branch = BranchInfo(head=head, oid=oid, upstream=upstream, ahead=ahead, behind=behind)
    return RepoStatus(branch=branch, entries=tuple(entries))


def parse_hunks(path: str, diff: str) -> tuple[Hunk, ...]:
    """Split one file's ``git diff -U0`` output into hunks that each carry the file header."""
    lines = diff.splitlines(keepends=True)
    first = next((number for number, line in enumerate(lines) if line.startswith("@@")), len(lines))
    header = "".join(lines[:first])
    hunks: list[Hunk] = []
    start = first
    for number in range(first + 1, len(lines) + 1):
        if number == len(lines) or lines[number].startswith("@@"):
            body = "".join(lines[start:number])
            found = _HUNK_HEADER.match(body)
            if found is not None:
                old_start, old_count, new_start, new_count = found.groups()
                hunks.append(
                    Hunk(
                        path=path,
                        header=header,
                        old_start=int(old_start),
                        old_count=1 if old_count is None else int(old_count),
                        new_start=int(new_start),
                        new_count=1 if new_count is None else int(new_count),
                        body=body,
                    )
                )
            start = number
    return tuple(hunks)


def gutter_marks(base: str, text: str) -> tuple[GutterMark, ...]:
    """Added/modified/deleted markers for ``text`` against ``base`` (both with ``\\n`` breaks), 0-based lines."""
    old = base.split("\n")
    new = text.split("\n")
    # Typing changes a few lines in the middle: trim the common ends so difflib only sees the edited region.
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    matcher = difflib.SequenceMatcher(None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False)
    marks: list[GutterMark] = []
    last_line = max(len(new) - 1, 0)
    for op, _i1, _i2, j1, j2 in matcher.get_opcodes():
        j1 += head
        j2 += head
        if op == "insert":
            marks.extend(GutterMark(line, MarkKind.ADDED) for line in range(j1, j2))
        elif op == "replace":
            marks.extend(GutterMark(line, MarkKind.MODIFIED) for line in range(j1, j2))
        elif op == "delete":
            marks.append(GutterMark(min(max(j1 - 1, 0), last_line), MarkKind.DELETED))
    return tuple(marks)


def parse_blame(porcelain: str) -> BlameLine:
    """The first entry of ``git blame --porcelain`` output."""
    lines = porcelain.splitlines()
    if not lines:
        raise GitFailed("git blame printed nothing", hint="The line may be past the end of the file.")
    oid = lines[0].split(" ", 1)[0]
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if line.startswith("\t"):
            break
        key, _, value = line.partition(" ")
        fields[key] = value
    return BlameLine(
        oid=oid,
        author=fields.get("author", ""),
        author_time=int(fields.get("author-time", "0")),
        summary=fields.get("summary", ""),
        committed=oid != _ZERO_OID,
    )


__all__ = [
    "BlameLine",
    "BranchInfo",
    "ChangeKind",
    "GitFailed",
    "GitRepository",
    "GutterMark",
    "Hunk",
    "MarkKind",
    "RepoStatus",
    "StatusEntry",
    "find_git",
    "gutter_marks",
    "parse_blame",
    "parse_hunks",
    "parse_status",
]
