"""Which workspace paths the user excluded (settings) and which git ignores (.gitignore, info/exclude).

Paths are POSIX strings relative to the workspace root ("" is the root itself). Git's precedence is kept:
a deeper .gitignore overrides a shallower one, every .gitignore overrides ``.git/info/exclude``, the last
matching line of a file wins, and nothing inside an ignored directory can be re-included (callers prune
ignored directories, or ask ``is_inside_ignored``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pathspec import GitIgnoreSpec

from core.errors import SymphonyError, SymphonyIOError

GIT_DIR = ".git"


_DESCENDANT_GROUP = "ps_d"
"""pathspec's regex group for the "/" after a folder a pattern matched, making its contents match too."""


class PatternList:
    """Gitignore lines, parsed and compiled by pathspec's GitIgnoreSpec, matched the way git walks folders.

    pathspec matches a path when a pattern matches any folder above it (so a flat file list can be filtered).
    Git instead never looks inside an ignored folder and otherwise judges each entry by its own path, which
    matters when a ``!`` line re-includes a folder: in ``*.log`` + ``!keep.log``, ``keep.log/b.log`` is
    ignored. So a match that only covers a folder above the path doesn't count here; callers prune ignored
    folders instead.
    """

    __slots__ = ("_any_bare", "_any_dir", "_rules")

    def __init__(self, lines: Sequence[str]) -> None:
        spec = GitIgnoreSpec.from_lines(list(lines))
        # Last matching line wins, so keep them newest first; blank lines and comments have include=None.
        self._rules: list[tuple[re.Pattern[str], bool, bool]] = [
            (_own_path_regex(pattern.regex), pattern.include, _DESCENDANT_GROUP in pattern.regex.groupindex)
            for pattern in reversed(spec.patterns)
            if pattern.include is not None and pattern.regex is not None
        ]
        # Most paths match no line at all: one combined search per subject answers that before the loop.
        self._any_dir = _combined([regex for regex, _, marks_dirs in self._rules if marks_dirs])
        self._any_bare = _combined([regex for regex, _, marks_dirs in self._rules if not marks_dirs])

    def __len__(self) -> int:
        return len(self._rules)

    def verdict(self, path: str, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included by a ``!`` line) or None (no line matches ``path`` itself)."""
        as_dir = path + "/" if is_dir else path
        if (self._any_dir is None or self._any_dir.search(as_dir) is None) and (
            self._any_bare is None or self._any_bare.search(path) is None
        ):
            return None
        for regex, include, marks_dirs in self._rules:
            # Folder patterns ("build/", "*.log") see folders with their trailing slash; "everything inside"
            # patterns ("a/**" -> "^a/") must not match the folder "a" itself, so they see the bare path.
            found = regex.search(as_dir if marks_dirs else path)
            if found is None:
                continue
            if marks_dirs:
                slash = found.start(_DESCENDANT_GROUP)
                if slash not in (-1, len(path)):
                    continue  # matched a folder above ``path``, not ``path`` itself
            return include
        return None


def _combined(regexes: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex matching wherever any of ``regexes`` matches (None if there are none or flags differ)."""
    if not regexes or len({regex.flags for regex in regexes}) != 1:
        return None
    # Group names would clash in one pattern; the prefilter needs no groups.
    parts = [regex.pattern.replace(f"(?P<{_DESCENDANT_GROUP}>", "(?:") for regex in regexes]
    return re.compile("|".join(f"(?:{part})" for part in parts), regexes[0].flags)


def _own_path_regex(regex: re.Pattern[str]) -> re.Pattern[str]:
    """Anchor a folder-matching pattern at the end of the path, so it matches the path and not a parent of it.

    Patterns without the folder group (``a/**`` -> ``^a/``) match everything below and stay as they are.
    """
    if _DESCENDANT_GROUP not in regex.groupindex:
        return regex
    return re.compile(f"(?:{regex.pattern})$", regex.flags)


@dataclass(frozen=True, slots=True)
class IgnoreLayer:
    """One ignore file's patterns and how to turn a workspace path into a path relative to that file."""

    patterns: PatternList
    strip: str
    """Workspace-relative folder of the ignore file, with trailing slash ("" at or above the root)."""
    prepend: str
    """For ignore files above the workspace root: the root's path relative to them, with trailing slash."""
    source: Path

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included by a ``!`` line) or None (no line matches)."""
        local = self.prepend + rel[len(self.strip) :]
        return self.patterns.verdict(local, is_dir)


class IgnoreRules:
    """Answers "excluded?" and "git-ignored?" for workspace paths, loading .gitignore files lazily and caching them.

    Problems reading ignore files are collected in ``problems`` rather than raised: a bad .gitignore must not
    stop the explorer from listing files.
    """

    def __init__(self, root: Path, exclude: Sequence[str] = (), *, respect_gitignore: bool = True) -> None:
        self.root = Path(os.path.abspath(root))
        """The workspace root (absolute, symlinks kept) every relative path refers to."""
        self.respect_gitignore = respect_gitignore
        """Whether .gitignore files and .git/info/exclude are consulted at all."""
        self.problems: list[SymphonyError] = []
        """Ignore files that could not be read, newest last."""
        self._exclude = PatternList(exclude)
        self._layers: dict[str, tuple[IgnoreLayer, ...]] = {}
        self._inside_ignored: dict[str, bool] = {}

    @property
    def has_exclusions(self) -> bool:
        """False when the exclude list is empty, so walkers can skip the check."""
        return len(self._exclude) > 0

    def is_excluded(self, rel: str, is_dir: bool) -> bool:
        """Matched by the user's exclude list (gitignore syntax, relative to the root)."""
        return bool(self._exclude.verdict(rel, is_dir))

    def layers_for(self, rel_dir: str) -> tuple[IgnoreLayer, ...]:
        """The ignore files that apply to entries of ``rel_dir``, shallowest first."""
        cached = self._layers.get(rel_dir)
        if cached is not None:
            return cached
        if not self.respect_gitignore:
            layers: tuple[IgnoreLayer, ...] = ()
        elif rel_dir == "":
            layers = self._root_layers()
        else:
            parent = rel_dir.rpartition("/")[0]
            own = self._load(self.root / rel_dir / ".gitignore", strip=rel_dir + "/", prepend="")
            layers = self.layers_for(parent) + ((own,) if own is not None else ())
        self._layers[rel_dir] = layers
        return layers

    def is_gitignored(self, rel: str, is_dir: bool, layers: tuple[IgnoreLayer, ...] | None = None) -> bool:
        """Whether git ignores ``rel`` by its own name (ignored parent folders are the caller's business)."""
        if not self.respect_gitignore:
            return False
        if rel == GIT_DIR or rel.endswith("/" + GIT_DIR):
            return True
        if layers is None:
            layers = self.layers_for(rel.rpartition("/")[0])
        for layer in reversed(layers):
            verdict = layer.verdict(rel, is_dir)
            if verdict is not None:
                return verdict
        return False

    def is_inside_ignored(self, rel_dir: str) -> bool:
        """Whether the folder ``rel_dir`` or any folder above it (up to the root) is git-ignored."""
        if rel_dir == "" or not self.respect_gitignore:
            return False
        cached = self._inside_ignored.get(rel_dir)
        if cached is None:
            parent = rel_dir.rpartition("/")[0]
            cached = self.is_inside_ignored(parent) or self.is_gitignored(rel_dir, is_dir=True)
            self._inside_ignored[rel_dir] = cached
        return cached

    def invalidate(self) -> None:
        """Forget loaded ignore files (call when a .gitignore or info/exclude changes on disk)."""
        self._layers.clear()
        self._inside_ignored.clear()

    def _root_layers(self) -> tuple[IgnoreLayer, ...]:
        """info/exclude, then .gitignore files from the repository top down to (and including) the root."""
        layers: list[IgnoreLayer] = []
        top = _repository_top(self.root)
        folders = [self.root]
        if top is not None:
            git_dir = _git_dir(top)
            if git_dir is not None:
                prefix = _relative_prefix(top, self.root)
                exclude = self._load(git_dir / "info" / "exclude", strip="", prepend=prefix)
                layers.extend([exclude] if exclude is not None else [])
            folders = _folders_between(top, self.root)
        for folder in folders:
            layer = self._load(folder / ".gitignore", strip="", prepend=_relative_prefix(folder, self.root))
            layers.extend([layer] if layer is not None else [])
        return tuple(layers)

    def _load(self, source: Path, *, strip: str, prepend: str) -> IgnoreLayer | None:
        try:
            text = source.read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            self.problems.append(
                SymphonyIOError(
                    f"cannot read {source}: {exc.strerror or exc}",
                    hint="Its ignore rules are skipped; fix the file's permissions to apply them.",
                    data={"path": str(source)},
                )
            )
            return None
        patterns = PatternList(text.splitlines())
        return IgnoreLayer(patterns=patterns, strip=strip, prepend=prepend, source=source) if len(patterns) else None


def _repository_top(root: Path) -> Path | None:
    """The nearest folder at or above ``root`` holding a .git directory or file."""
    for folder in (root, *root.parents):
        if (folder / GIT_DIR).exists():
            return folder
    return None


def _git_dir(top: Path) -> Path | None:
    """The git directory of a work tree; follows the ``gitdir:`` file of worktrees and submodules."""
    dot_git = top / GIT_DIR
    if dot_git.is_dir():
        return dot_git
    try:
        first = dot_git.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    if not first.startswith("gitdir:"):
        return None
    git_dir = (top / first.removeprefix("gitdir:").strip()).resolve()
    common = git_dir / "commondir"  # linked worktrees keep info/exclude in the main repository
    try:
        return (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
    except OSError:
        return git_dir


def _folders_between(top: Path, root: Path) -> list[Path]:
    """``top``, its descendants leading to ``root``, and ``root`` itself, outermost first."""
    parts = root.relative_to(top).parts
    return [top.joinpath(*parts[:depth]) for depth in range(len(parts) + 1)]


def _relative_prefix(folder: Path, root: Path) -> str:
    """The root's path relative to an ancestor ``folder``, as a prefix ("" when they are the same)."""
    relative = root.relative_to(folder).as_posix()
    return "" if relative == "." else relative + "/"


__all__ = ["GIT_DIR", "IgnoreLayer", "IgnoreRules", "PatternList"]
