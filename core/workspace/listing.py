"""Every file of a workspace, fast: what the ctrl+p picker and workspace search iterate over.

One ``os.scandir`` per folder; excluded and git-ignored folders are pruned before they are entered, ``.git``
is never entered, and symlinked folders are followed only when they don't lead back to a folder being walked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from core.errors import NotFoundError, PermissionDeniedError, SymphonyError, SymphonyIOError
from core.workspace.ignore import GIT_DIR, IgnoreLayer, IgnoreRules

ErrorHandler = Callable[[SymphonyError], None]
"""Receives folders that could not be listed; the walk goes on without them."""


def iter_workspace_files(
    root: Path,
    exclude: Sequence[str] = (),
    respect_gitignore: bool = True,
    limit: int | None = None,
    *,
    include_hidden: bool = True,
    follow_symlinks: bool = True,
    on_error: ErrorHandler | None = None,
) -> Iterator[Path]:
    """Workspace files as paths relative to ``root``, each folder's files sorted by name.

    ``exclude`` holds gitignore-style patterns (``node_modules``, ``*.pyc``, ``/build``). Raises NotFoundError
    if ``root`` is not a folder; unreadable subfolders go to ``on_error`` and are skipped.
    """
    for rel in iter_workspace_relpaths(
        root,
        exclude,
        respect_gitignore,
        limit,
        include_hidden=include_hidden,
        follow_symlinks=follow_symlinks,
        on_error=on_error,
    ):
        yield Path(rel)


def iter_workspace_relpaths(
    root: Path,
    exclude: Sequence[str] = (),
    respect_gitignore: bool = True,
    limit: int | None = None,
    *,
    include_hidden: bool = True,
    follow_symlinks: bool = True,
    on_error: ErrorHandler | None = None,
) -> Iterator[str]:
    """Like ``iter_workspace_files`` but yields POSIX strings ("src/app.py"), the form ``rank_paths`` takes."""
    if limit is not None and limit <= 0:
        return
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        raise NotFoundError(f"workspace folder {root} does not exist", data={"path": str(root)}) from exc
    if not os.path.isdir(root):
        raise NotFoundError(f"workspace folder {root} is not a folder", data={"path": str(root)})
    rules = IgnoreRules(root, exclude, respect_gitignore=respect_gitignore)
    check_exclude = rules.has_exclusions
    count = 0
    # Each pending folder: (absolute path, relative prefix, identities of the folders above it and itself).
    root_id = (root_stat.st_dev, root_stat.st_ino)
    pending: list[tuple[str, str, frozenset[tuple[int, int]]]] = [(os.fspath(root), "", frozenset({root_id}))]
    while pending:
        folder, prefix, ancestors = pending.pop()
        entries = _scan(folder, on_error)
        layers: tuple[IgnoreLayer, ...] = rules.layers_for(prefix[:-1]) if respect_gitignore else ()
        subfolders: list[tuple[str, str, frozenset[tuple[int, int]]]] = []
        for entry in entries:
            name = entry.name
            if not include_hidden and name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
                is_symlink = is_dir and entry.is_symlink()
            except OSError:
                continue
            if is_dir and name == GIT_DIR:
                continue
            rel = prefix + name
            if check_exclude and rules.is_excluded(rel, is_dir):
                continue
            if layers and rules.is_gitignored(rel, is_dir, layers):
                continue
            if is_dir:
                if is_symlink and not follow_symlinks:
                    continue
                identity = _identity(entry.path)
                if identity is None or identity in ancestors:
                    continue  # a symlink back to a folder being walked: following it would never end
                subfolders.append((entry.path, rel + "/", ancestors | {identity}))
            elif entry.is_file():  # skips sockets, fifos and dangling symlinks
                yield rel
                count += 1
                if limit is not None and count >= limit:
                    return
        pending.extend(reversed(subfolders))


def _scan(folder: str, on_error: ErrorHandler | None) -> list[os.DirEntry[str]]:
    """One folder's entries sorted by name; an unreadable folder counts as empty and is reported."""
    try:
        with os.scandir(folder) as iterator:
            entries = list(iterator)
    except OSError as exc:
        if on_error is not None:
            on_error(folder_listing_error(folder, exc))
        return []
    entries.sort(key=lambda entry: entry.name)
    return entries


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def folder_listing_error(folder: str, exc: OSError) -> SymphonyError:
    """The SymphonyError for a folder that could not be listed, naming it."""
    data = {"path": folder, "errno": exc.errno}
    if isinstance(exc, PermissionError):
        return PermissionDeniedError(f"cannot list {folder}: permission denied", data=data)
    if isinstance(exc, FileNotFoundError):
        return NotFoundError(f"cannot list {folder}: it no longer exists", data=data)
    return SymphonyIOError(f"cannot list {folder}: {exc.strerror or exc}", data=data)


__all__ = ["ErrorHandler", "folder_listing_error", "iter_workspace_files", "iter_workspace_relpaths"]
