"""The file explorer's model: one folder's children at a time, sorted the way people expect.

Entries hidden by the user's exclude list are left out; git-ignored ones are kept but flagged so the
explorer can dim them. Nothing here raises into the UI: unreadable folders list as empty and are
recorded in ``problems``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import NotFoundError, SymphonyError
from core.workspace.ignore import IgnoreRules
from core.workspace.listing import folder_listing_error

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[str, int], ...]:
    """Sort key that orders "file2" before "file10" and ignores case ("B" after "a")."""
    parts = _DIGITS.split(name.casefold())
    # split() alternates text and digit runs, so positions always compare like with like.
    return tuple((part, 0) if index % 2 == 0 else ("", int(part)) for index, part in enumerate(parts))


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the explorer."""

    path: Path
    """``folder / name``: absolute when the folder passed to ``children`` was."""
    name: str
    is_dir: bool
    """A folder, or a symlink to one."""
    is_symlink: bool
    hidden: bool
    """The name starts with a dot."""
    ignored: bool
    """Git ignores it (or a folder above it); the explorer dims it."""


class WorkspaceTree:
    """Lists a workspace folder by folder, applying the exclude list, hidden-file setting and .gitignore."""

    def __init__(
        self, root: Path, exclude: Sequence[str] = (), show_hidden: bool = False, respect_gitignore: bool = True
    ) -> None:
        self.root = Path(os.path.abspath(root))
        """The workspace folder; every listed folder must be inside it."""
        self.show_hidden = show_hidden
        """Whether dot-files and dot-folders are listed."""
        self.problems: list[SymphonyError] = []
        """Folders and ignore files that could not be read, oldest first; the UI may show and clear them."""
        self._rules = IgnoreRules(self.root, exclude, respect_gitignore=respect_gitignore)

    def children(self, folder: Path) -> list[Entry]:
        """The entries of ``folder`` (absolute, or relative to the root): folders first, natural order."""
        absolute = Path(os.path.abspath(self.root / folder))
        rel_dir = self._relative(absolute)
        if rel_dir is None:
            return []
        try:
            with os.scandir(absolute) as iterator:
                scanned = list(iterator)
        except OSError as exc:
            self.problems.append(folder_listing_error(str(absolute), exc))
            return []
        inherited = self._rules.is_inside_ignored(rel_dir)
        layers = self._rules.layers_for(rel_dir)
        prefix = rel_dir + "/" if rel_dir else ""
        entries: list[Entry] = []
        for item in scanned:
            hidden = item.name.startswith(".")
            if hidden and not self.show_hidden:
                continue
            try:
                is_dir = item.is_dir()
                is_symlink = item.is_symlink()
            except OSError:
                continue
            rel = prefix + item.name
            if self._rules.is_excluded(rel, is_dir):
                continue
            ignored = inherited or self._rules.is_gitignored(rel, is_dir, layers)
            entries.append(Entry(absolute / item.name, item.name, is_dir, is_symlink, hidden, ignored))
        self._collect_rule_problems()
        entries.sort(key=lambda entry: (not entry.is_dir, natural_key(entry.name), entry.name))
        return entries

    def invalidate(self) -> None:
        """Re-read ignore files on the next listing (after a .gitignore changed on disk)."""
        self._rules.invalidate()

    def _relative(self, absolute: Path) -> str | None:
        try:
            relative = absolute.relative_to(self.root).as_posix()
        except ValueError:
            self.problems.append(
                NotFoundError(
                    f"{absolute} is outside the workspace {self.root}",
                    hint="Open that folder as its own workspace to browse it.",
                    data={"path": str(absolute), "root": str(self.root)},
                )
            )
            return None
        return "" if relative == "." else relative

    def _collect_rule_problems(self) -> None:
        if self._rules.problems:
            self.problems.extend(self._rules.problems)
            self._rules.problems.clear()


__all__ = ["Entry", "WorkspaceTree", "natural_key"]
