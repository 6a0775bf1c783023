"""Find in files: ripgrep when its binary is at hand, a pure-Python engine giving the same results otherwise.

The Python engine searches the files ``iter_search_paths`` lists (``iter_workspace_relpaths`` with the
workspace's .gitignore rules and exclude list, then the query's include/exclude globs). ripgrep walks the
folder itself with flags that mirror those rules (its parallel walk is what makes it fast; handing it file
lists measured 1.5-2x slower), and every file it reports is checked against the same ``IgnoreRules`` and
globs, so it can never show a file the Python engine would skip.
Searching is line-oriented like ripgrep's: a match never spans a line break, CRLF counts as one line break,
a UTF-8 BOM is skipped, UTF-16 files with a BOM are decoded, and files containing a NUL byte are skipped as
binary. Regular expressions use Python's ``re`` syntax; a pattern ripgrep's engine refuses (look-around,
back-references) is searched by the Python engine instead.

``search_workspace`` streams one ``FileResult`` per matching file and stops its workers when the consumer
stops iterating or is cancelled. Replacing goes through a ``ReplacePlan`` (every change, previewable) and
refuses files whose content changed since the search.
"""

from __future__ import annotations

import asyncio
import bisect
import codecs
import contextlib
import os
import re
import shutil
import sys
import sysconfig
import threading
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pathspec import GitIgnoreSpec

from core.errors import ConflictError, NotFoundError, SymphonyError, SymphonyIOError, ValidationError
from core.text.search import compile_pattern
from core.workspace.ignore import IgnoreLayer, IgnoreRules
from core.workspace.listing import iter_workspace_relpaths
from core.workspace.textfile import LoadedText, SavedText, read_text_file, save_like, save_text_file

Engine = Literal["auto", "ripgrep", "python"]
"""Which engine searches: ``auto`` takes ripgrep when its binary is found."""

_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What to look for and where: the find-in-files panel's fields."""

    pattern: str
    regex: bool = False
    """Treat ``pattern`` as a Python regular expression rather than literal text."""
    case_sensitive: bool = False
    whole_word: bool = False
    """Only matches not preceded or followed by a word character."""
    include: tuple[str, ...] = ()
    """Gitignore-style globs ("*.py", "src/"); when given, only files matching one are searched."""
    exclude: tuple[str, ...] = ()
    """Gitignore-style globs of files and folders to skip, on top of the workspace's exclude setting."""
    context: int = 0
    """Lines of context shown before and after each matching line."""
    respect_gitignore: bool = True

    def compile(self) -> re.Pattern[str]:
        """The pattern as Python searches each line; raises ValidationError naming a bad pattern."""
        if not self.pattern:
            raise ValidationError("the search pattern is empty", hint="Type something to search for.")
        if "\n" in self.pattern:
            raise ValidationError(
                "the search pattern contains a line break",
                hint="Search is line by line; search for one line at a time.",
                data={"pattern": self.pattern},
            )
        return compile_pattern(
            self.pattern, regex=self.regex, case_sensitive=self.case_sensitive, whole_word=self.whole_word
        )


# Results are NamedTuples: a search builds one FileResult and a ResultLine per shown line for thousands of files,
# and tuples are built in C (a frozen dataclass pays an object.__setattr__ per field).


class ResultLine(NamedTuple):
    """One line shown in the results: a match (with its spans) or a context line (no spans)."""

    number: int
    """1-based line number."""
    text: str
    """The line without its line break."""
    spans: tuple[tuple[int, int], ...] = ()
    """Matched character ranges ``(start, end)`` within ``text``."""

    @property
    def is_match(self) -> bool:
        return bool(self.spans)


class FileStamp(NamedTuple):
    """A file's identity on disk when it was searched, to notice later changes."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, info: os.stat_result) -> FileStamp:
        return cls(info.st_size, info.st_mtime_ns, info.st_ino)


class FileResult(NamedTuple):
    """The matches in one file, with context lines, in line order."""

    path: str
    """POSIX path relative to the workspace root."""
    lines: tuple[ResultLine, ...]
    stamp: FileStamp

    @property
    def match_count(self) -> int:
        """Matched spans in all lines (what the panel's totals add up)."""
        return sum([len(line.spans) for line in self.lines])

    @property
    def matches(self) -> tuple[ResultLine, ...]:
        return tuple(line for line in self.lines if line.spans)


@dataclass(slots=True, repr=False)
class SearchResults:
    """The search panel's model: results kept sorted by path as they stream in, plus running totals."""

    files: list[FileResult] = field(default_factory=list)
    match_count: int = 0
    _paths: list[str] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.files.sort(key=lambda item: item.path)
        self._paths = [item.path for item in self.files]
        self.match_count = sum(item.match_count for item in self.files)

    def __repr__(self) -> str:
        # asyncio and debuggers repr task results; tens of thousands of lines must not be spelled out.
        return f"SearchResults({self.file_count} files, {self.match_count} matches)"

    def add(self, result: FileResult) -> int:
        """Insert ``result`` in path order and return its index (where the panel inserts a group)."""
        index = bisect.bisect_left(self._paths, result.path)
        self._paths.insert(index, result.path)
        self.files.insert(index, result)
        self.match_count += result.match_count
        return index

    @property
    def file_count(self) -> int:
        return len(self.files)


def find_ripgrep() -> str | None:
    """The ``rg`` binary: the one the ``ripgrep`` wheel put next to this Python, else one on PATH."""
    name = "rg.exe" if sys.platform == "win32" else "rg"
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("rg")


def iter_search_paths(root: Path, query: SearchQuery, exclude: Sequence[str] = ()) -> Iterator[str]:
    """The files a query searches: workspace files minus ``exclude`` and the query's excludes, filtered by includes."""
    include = GitIgnoreSpec.from_lines(list(query.include)) if query.include else None
    for rel in iter_workspace_relpaths(root, [*exclude, *query.exclude], respect_gitignore=query.respect_gitignore):
        if include is None or include.match_file(rel):
            yield rel


def search_file(root: Path, rel: str, regex: re.Pattern[str], context: int = 0) -> FileResult | None:
    """Search one file with the Python engine; None when it has no match, is binary or cannot be read."""
    try:
        with open(os.path.join(root, rel), "rb") as handle:
            stamp = FileStamp.of(os.fstat(handle.fileno()))
            data = handle.read()
    except OSError:
        return None
    text = _decode_for_search(data)
    if text is None or regex.search(text) is None:
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the break after the last line does not start another line
    hits: dict[int, tuple[tuple[int, int], ...]] = {}
    for index, line in enumerate(lines):
        spans = tuple(found.span() for found in regex.finditer(line))
        if spans:
            hits[index] = spans
    if not hits:
        return None
    shown = sorted(
        {near for index in hits for near in range(max(0, index - context), min(len(lines), index + context + 1))}
    )
    return FileResult(
        path=rel,
        lines=tuple(ResultLine(index + 1, lines[index], hits.get(index, ())) for index in shown),
        stamp=stamp,
    )


def _decode_for_search(data: bytes) -> str | None:
    """Text as the search sees it (None for binary): BOMs honoured, CRLF as one break, bad UTF-8 replaced."""
    for bom, codec in _UTF16_BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            break
    else:
        if b"\x00" in data:
            return None
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n") if "\r" in text else text


def iter_python_search(
    root: Path,
    query: SearchQuery,
    paths: Iterable[str],
    stop: threading.Event | None = None,
) -> Iterator[FileResult]:
    """Blocking search with the Python engine over ``paths``, stopping early when ``stop`` is set."""
    regex = query.compile()
    for rel in paths:
        if stop is not None and stop.is_set():
            return
        result = search_file(root, rel, regex, query.context)
        if result is not None:
            yield result


async def search_workspace(
    root: Path,
    query: SearchQuery,
    *,
    exclude: Sequence[str] = (),
    engine: Engine = "auto",
    ripgrep: str | None = None,
) -> AsyncGenerator[FileResult, None]:
    """Stream the files matching ``query`` under ``root`` (in no particular order; ``SearchResults`` sorts).

    Raises ValidationError for a bad pattern and NotFoundError for a missing root before anything is searched.
    Stopping the iteration (``aclose``, ``break``, task cancellation) ends the ripgrep process or worker thread.
    """
    query.compile()
    if not os.path.isdir(root):
        raise NotFoundError(f"workspace folder {root} does not exist", data={"path": str(root)})
    binary = ripgrep or (find_ripgrep() if engine != "python" else None)
    if engine == "ripgrep" and binary is None:
        raise NotFoundError(
            "ripgrep (rg) is not installed",
            hint="Install the `ripgrep` Python package, or search with the built-in engine.",
        )
    if binary is None or engine == "python":
        stream = _python_stream(root, query, exclude)
    else:
        stream = _ripgrep_stream(root, query, exclude, binary)
    async with contextlib.aclosing(stream):
        async for result in stream:
            yield result


class _ThreadFeed:
    """Items produced by a worker thread, handed to the event loop through an asyncio.Queue."""

    _DONE = object()

    def __init__(self, produce: Callable[[threading.Event], Iterable[Any]]) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._room = threading.Semaphore(64)
        """Back-pressure: the thread waits while 64 items are unread."""
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(produce,), name="symphony-search", daemon=True)
        self._thread.start()

    def _put(self, item: Any) -> None:
        # A plain callback, not a coroutine: a loop that closes early must not leave un-awaited coroutines.
        while not self._room.acquire(timeout=0.1):
            if self.stop.is_set():
                return
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the loop closed without closing the stream: nobody is listening any more
            self.stop.set()

    def _run(self, produce: Callable[[threading.Event], Iterable[Any]]) -> None:
        try:
            for item in produce(self.stop):
                if self.stop.is_set():
                    return
                self._put(item)
        except SymphonyError as exc:
            self._put(exc)
        except Exception as exc:  # a crash in the worker must reach the consumer, not vanish with the thread
            self._put(SymphonyIOError(f"search failed: {exc}", hint="Try again; report it if it keeps failing."))
        finally:
            if not self.stop.is_set():
                self._put(self._DONE)

    async def items(self) -> AsyncGenerator[Any, None]:
        """The produced items; leaving the loop early tells the thread to stop."""
        try:
            while True:
                item = await self._queue.get()
                self._room.release()
                if item is self._DONE:
                    return
                if isinstance(item, SymphonyError):
                    raise item
                yield item
        finally:
            self.stop.set()


async def _python_stream(root: Path, query: SearchQuery, exclude: Sequence[str]) -> AsyncGenerator[FileResult, None]:
    feed = _ThreadFeed(lambda stop: iter_python_search(root, query, iter_search_paths(root, query, exclude), stop))
    async with contextlib.aclosing(feed.items()) as items:
        async for result in items:
            yield result


def ripgrep_args(query: SearchQuery, exclude: Sequence[str] = ()) -> list[str]:
    """ripgrep flags that walk and match the way the Python engine does (the folder to search comes last).

    Walking: hidden files count, symlinked folders are followed, ``.git`` is skipped, .gitignore files apply
    inside and outside a git repository while ripgrep's own .ignore/.rgignore files and the global git
    excludes file don't (``IgnoreRules`` reads neither). Exclude globs go to ripgrep to save it the work;
    include globs don't (ripgrep's whitelist globs treat folders differently from gitignore): the results
    are filtered instead.
    """
    args = ["--no-config", "--no-mmap", "--crlf", "--no-messages", "--color=never"]
    args += ["--no-heading", "--with-filename", "--line-number", "--null"]
    args += ["--hidden", "--follow", "--glob=!.git", "--no-ignore-dot", "--no-ignore-global", "--no-ignore-parent"]
    args.append("--no-require-git" if query.respect_gitignore else "--no-ignore")
    args += [f"--glob=!{pattern}" for pattern in (*exclude, *query.exclude) if pattern and pattern[0] not in "!#"]
    args.append("--case-sensitive" if query.case_sensitive else "--ignore-case")
    if not query.regex:
        args.append("--fixed-strings")
    if query.whole_word:
        args.append("--word-regexp")
    if query.context:
        args += ["--context", str(query.context)]
    return [*args, "--regexp", query.pattern]


class _PathFilter:
    """The Python engine's choice of files, asked one path at a time: ripgrep's results must pass it too.

    This is what makes the engines agree on which files count: whatever ripgrep's walk lets through that
    ``iter_search_paths`` would not (a pattern the two read differently), is dropped here.
    """

    def __init__(self, root: Path, query: SearchQuery, exclude: Sequence[str]) -> None:
        self._rules = IgnoreRules(root, [*exclude, *query.exclude], respect_gitignore=query.respect_gitignore)
        self._include = GitIgnoreSpec.from_lines(list(query.include)) if query.include else None
        self._folders: dict[str, tuple[IgnoreLayer, ...] | None] = {}

    def accepts(self, rel: str) -> bool:
        folder = rel.rpartition("/")[0]
        layers = self._folders[folder] if folder in self._folders else self._folder_layers(folder)
        if layers is None:
            return False
        rules = self._rules
        if rules.has_exclusions and rules.is_excluded(rel, False):
            return False
        # Most folders have no .gitignore above them but the root's: skip the per-file walk when none applies.
        if (layers or rel.endswith(".git")) and rules.is_gitignored(rel, False, layers):
            return False
        return self._include is None or self._include.match_file(rel)

    def _folder_layers(self, folder: str) -> tuple[IgnoreLayer, ...] | None:
        """The ignore layers for files in ``folder``, or None when the folder itself is skipped (cached)."""
        if folder in self._folders:
            return self._folders[folder]
        rules = self._rules
        layers: tuple[IgnoreLayer, ...] | None = rules.layers_for(folder)
        if folder != "" and (
            self._folder_layers(folder.rpartition("/")[0]) is None
            or (rules.has_exclusions and rules.is_excluded(folder, True))
            or rules.is_gitignored(folder, True)
            or folder.startswith(".git/")
        ):
            layers = None
        self._folders[folder] = layers
        return layers


class _RipgrepRefused(Exception):
    """ripgrep's regex engine rejected a pattern Python accepts; the Python engine takes over."""


async def _ripgrep_stream(
    root: Path, query: SearchQuery, exclude: Sequence[str], binary: str
) -> AsyncGenerator[FileResult, None]:
    """One ripgrep process walks and searches the folder with all cores; its results are checked and parsed."""
    output = _run_ripgrep(
        root, binary, ripgrep_args(query, exclude), query.compile(), _PathFilter(root, query, exclude)
    )
    try:
        async with contextlib.aclosing(output) as results:
            async for result in results:
                yield result
        return
    except _RipgrepRefused:
        pass
    # ripgrep refuses a pattern before searching anything, so nothing was yielded yet.
    async with contextlib.aclosing(_python_stream(root, query, exclude)) as fallback:
        async for result in fallback:
            yield result


async def _run_ripgrep(
    root: Path, binary: str, args: list[str], regex: re.Pattern[str], paths: _PathFilter
) -> AsyncGenerator[FileResult, None]:
    """Run ripgrep over ``root`` and yield a result per matching file.

    ripgrep's plain ``path NUL line:text`` output is parsed (ten times cheaper than its JSON); ripgrep picks
    the lines and Python's ``re`` places the highlights on them, so both engines highlight alike.
    """
    process = await asyncio.create_subprocess_exec(
        binary,
        *args,
        "--",
        ".",
        cwd=root,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    stderr_task = asyncio.ensure_future(process.stderr.read())
    parser = _PlainOutput(root, regex)
    try:
        pending = b""
        while chunk := await process.stdout.read(1 << 18):
            data = pending + chunk
            cut = data.rfind(b"\n") + 1
            pending = data[cut:]
            for result in parser.feed(data[:cut]):
                if paths.accepts(result.path):
                    yield result
        for result in parser.feed(pending + b"\n" if pending else b"", final=True):
            if paths.accepts(result.path):
                yield result
        code = await process.wait()
        error = (await stderr_task).decode("utf-8", errors="replace")
        if code == 2 and "regex" in error and not parser.seen_output:
            raise _RipgrepRefused(error)
        if code not in (0, 1, 2):
            raise SymphonyIOError(
                f"ripgrep failed with exit code {code}: {error.strip()}",
                hint="Search with the built-in engine (search.engine = 'python' in settings).",
            )
    finally:
        parser.close()
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        stderr_task.cancel()


_RECORD = re.compile(r"([^\0\n]*)\0(\d+)([:-])([^\n]*)\n|([^\n]*)\n")
"""One line of ripgrep's ``--null --line-number`` output: ``path NUL NUMBER : text`` for a match (``-`` for
context), or any other line (``--`` between context groups, a binary-file notice)."""


class _PlainOutput:
    """Turns ripgrep's ``--null --line-number`` output into FileResults, one file at a time.

    Each chunk is decoded once and split into records by one regular expression in C; what is left per line
    in Python is placing the highlights (Python's ``re``, so both engines highlight alike).
    """

    _BINARY_NOTICE = "binary file"

    def __init__(self, root: Path, regex: re.Pattern[str]) -> None:
        self._root = os.fspath(root)
        self._regex = regex
        self._path: str | None = None
        self._lines: list[ResultLine] = []
        self._matched = False
        """Whether a line of the current file has a highlight (ripgrep's and Python's regexes can disagree)."""
        self.seen_output = False
        # Stamps are taken relative to the root's descriptor: one stat per matching file, no path joins.
        self._root_fd: int | None = None
        if os.stat in os.supports_dir_fd:
            with contextlib.suppress(OSError):
                self._root_fd = os.open(self._root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))

    def feed(self, data: bytes, *, final: bool = False) -> Iterator[FileResult]:
        """Parse ``data``, whole lines each ending in a line break; yields the files completed so far."""
        if data:
            self.seen_output = True
        finditer = self._regex.finditer
        lines = self._lines
        # surrogateescape keeps undecodable path bytes for os.stat; line text is cleaned below when not ASCII.
        for path, number, separator, body, other in _RECORD.findall(data.decode("utf-8", "surrogateescape")):
            if not number:
                if other != "--" and self._BINARY_NOTICE in other and self._path and other.startswith(self._path):
                    # the file turned out binary: drop what it printed before the NUL byte
                    lines.clear()
                    self._matched = False
                continue
            if path != self._path:
                done = self._finish()
                if done is not None:
                    yield done
                lines = self._lines
                self._path = path
            if body.endswith("\r"):
                body = body[:-1]
            if not body.isascii():
                body = body.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            if separator == ":":
                spans = tuple([hit.span() for hit in finditer(body)])
                if spans:
                    self._matched = True
            else:
                spans = ()
            lines.append(ResultLine(int(number), body, spans))
        if final:
            done = self._finish()
            if done is not None:
                yield done

    def _finish(self) -> FileResult | None:
        lines, self._lines = self._lines, []
        matched, self._matched = self._matched, False
        path = self._path
        if path is None or not matched:
            return None
        rel = path[2:] if path.startswith("./") else path
        try:
            info = (
                os.stat(rel, dir_fd=self._root_fd)
                if self._root_fd is not None
                else os.stat(os.path.join(self._root, rel))
            )
        except OSError:
            return None
        return FileResult(path=rel, lines=tuple(lines), stamp=FileStamp(info.st_size, info.st_mtime_ns, info.st_ino))

    def close(self) -> None:
        """Release the root folder's descriptor."""
        if self._root_fd is not None:
            os.close(self._root_fd)
            self._root_fd = None


@dataclass(frozen=True, slots=True)
class LineChange:
    """One line a replacement changes, for the preview."""

    number: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class FileReplacement:
    """The new content of one file and the line-by-line changes that lead there."""

    path: str
    loaded: LoadedText
    new_text: str
    changes: tuple[LineChange, ...]


@dataclass(frozen=True, slots=True)
class ReplacePlan:
    """Every change a replace-all would make, plus the files it refuses to touch and why."""

    root: Path
    files: tuple[FileReplacement, ...]
    conflicts: tuple[SymphonyError, ...]

    @property
    def change_count(self) -> int:
        return sum(len(item.changes) for item in self.files)


@dataclass(frozen=True, slots=True)
class AppliedReplacement:
    """A file a replace-all rewrote: enough to put it back."""

    path: Path
    before: LoadedText
    saved: SavedText


@dataclass(frozen=True, slots=True)
class ReplaceOutcome:
    """What a replace-all did: the files written (one undoable operation) and the files it refused."""

    applied: tuple[AppliedReplacement, ...]
    conflicts: tuple[SymphonyError, ...]


def _changed_since_search(rel: str, path: Path) -> ConflictError:
    return ConflictError(
        f"{rel} changed on disk since the search",
        hint="Search again to see its current matches; it was left untouched.",
        data={"path": str(path)},
    )


def plan_replace(root: Path, query: SearchQuery, replacement: str, results: Iterable[FileResult]) -> ReplacePlan:
    """Work out a replace-all over search ``results``; files changed since the search become conflicts.

    With ``query.regex`` the replacement may use ``\\1`` and ``\\g<name>``; otherwise it is literal text.
    """
    regex = query.compile()
    if query.regex:
        try:
            regex.sub(replacement, "")
        except (re.error, IndexError) as exc:
            raise ValidationError(
                f"invalid replacement {replacement!r}: {exc}",
                hint=r"Refer to groups as \1 or \g<name>; write \\ for a backslash.",
                data={"replacement": replacement},
            ) from exc
    files: list[FileReplacement] = []
    conflicts: list[SymphonyError] = []
    for result in results:
        path = root / result.path
        try:
            if FileStamp.of(os.stat(path)) != result.stamp:
                raise _changed_since_search(result.path, path)
            loaded = read_text_file(path)
            if FileStamp(loaded.size, loaded.mtime_ns, result.stamp.inode) != result.stamp:
                raise _changed_since_search(result.path, path)
            files.append(_replace_in(result, loaded, regex, replacement if query.regex else _literal(replacement)))
        except SymphonyError as exc:
            conflicts.append(exc)
    return ReplacePlan(root=root, files=tuple(files), conflicts=tuple(conflicts))


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def _replace_in(
    result: FileResult, loaded: LoadedText, regex: re.Pattern[str], template: str | Callable[[re.Match[str]], str]
) -> FileReplacement:
    lines = loaded.text.split("\n")
    changes: list[LineChange] = []
    for hit in result.matches:
        index = hit.number - 1
        if index >= len(lines) or lines[index] != hit.text:
            # The decoded text disagrees with what was searched (another encoding, lone CR breaks): refuse.
            raise ConflictError(
                f"{result.path}:{hit.number} no longer reads as it did in the search",
                hint="Search again, or edit this file by hand.",
                data={"path": str(loaded.path), "line": hit.number},
            )
        after = regex.sub(template, lines[index])
        if after != lines[index]:
            changes.append(LineChange(hit.number, lines[index], after))
            lines[index] = after
    return FileReplacement(path=result.path, loaded=loaded, new_text="\n".join(lines), changes=tuple(changes))


def apply_replace(plan: ReplacePlan) -> ReplaceOutcome:
    """Write every planned file atomically, skipping (as conflicts) files changed since they were planned."""
    applied: list[AppliedReplacement] = []
    conflicts: list[SymphonyError] = list(plan.conflicts)
    for item in plan.files:
        if not item.changes:
            continue
        try:
            saved = save_like(item.loaded, item.new_text)
        except SymphonyError as exc:
            conflicts.append(exc)
            continue
        applied.append(AppliedReplacement(path=item.loaded.path, before=item.loaded, saved=saved))
    return ReplaceOutcome(applied=tuple(applied), conflicts=tuple(conflicts))


def undo_replace(outcome: ReplaceOutcome) -> tuple[SymphonyError, ...]:
    """Put back every file of a replace-all, except files edited since; returns those refusals."""
    refused: list[SymphonyError] = []
    for item in outcome.applied:
        try:
            save_text_file(
                item.path,
                item.before.text,
                encoding=item.before.encoding,
                line_ending=item.before.line_ending,
                has_bom=item.before.has_bom,
                expected_mtime_ns=item.saved.mtime_ns,
                expected_size=item.saved.size,
            )
        except SymphonyError as exc:
            refused.append(exc)
    return tuple(refused)


__all__ = [
    "AppliedReplacement",
    "Engine",
    "FileReplacement",
    "FileResult",
    "FileStamp",
    "LineChange",
    "ReplaceOutcome",
    "ReplacePlan",
    "ResultLine",
    "SearchQuery",
    "SearchResults",
    "apply_replace",
    "find_ripgrep",
    "iter_python_search",
    "iter_search_paths",
    "plan_replace",
    "ripgrep_args",
    "search_file",
    "search_workspace",
    "undo_replace",
]
