"""Explorer file operations: create, rename, move, duplicate and delete to the system trash, with undo of the last one.

Operations never overwrite: a taken destination is a ConflictError. Undo refuses (ConflictError) when the
result of the operation was changed since, so undoing can never destroy work. Deletion goes to the system
trash through send2trash; undoing it needs to find the file there again, which works with the freedesktop.org
trash used on Linux and the BSDs (macOS and Windows keep no record we can read, so undo says so).

Blocking file-system work, like the rest of the workspace package: call it from a worker thread.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote

from core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    SymphonyError,
    SymphonyIOError,
    UnsupportedError,
    ValidationError,
)

Trash = Callable[[str], None]
"""Moves one absolute path to the system trash (send2trash by default)."""


class OperationKind(StrEnum):
    CREATE = "create"
    MOVE = "move"
    DUPLICATE = "duplicate"
    DELETE = "delete"


Snapshot = tuple[tuple[str, int, int], ...]
"""(relative path, size, mtime_ns) of a file or of every file in a folder: "unchanged since" for undo."""


@dataclass(frozen=True, slots=True)
class TrashedItem:
    """Where one deleted path went: its original place and, when known, its file in the trash."""

    original: Path
    trashed: Path | None
    info: Path | None
    """The freedesktop ``.trashinfo`` record, removed on restore."""


@dataclass(frozen=True, slots=True)
class FileOperation:
    """One completed operation, with what undo needs."""

    kind: OperationKind
    sources: tuple[Path, ...]
    """The paths operated on (for CREATE, the new path)."""
    targets: tuple[Path, ...]
    """Where they ended up (empty for DELETE)."""
    snapshots: tuple[Snapshot, ...] = ()
    """The state of each target right after the operation (CREATE and DUPLICATE)."""
    trashed: tuple[TrashedItem, ...] = ()

    @property
    def label(self) -> str:
        """What an "Undo ..." menu item says."""
        names = ", ".join(path.name for path in self.sources)
        return f"{self.kind.value} {names}"


class FileOperations:
    """File operations inside one workspace folder, remembering the last one for undo."""

    def __init__(self, root: Path, *, trash: Trash | None = None) -> None:
        self.root = Path(os.path.abspath(root))
        """The workspace folder; every path must lie inside it."""
        self.last: FileOperation | None = None
        """The operation ``undo`` would revert."""
        self._trash = trash

    def create_file(self, path: Path | str, content: bytes = b"") -> Path:
        """Create a new file (and missing parent folders); ConflictError when the path is taken."""
        target = self._inside(path)
        self._require_free(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as handle:
                handle.write(content)
        except OSError as exc:
            raise _os_error(exc, target, "create") from exc
        return self._done(FileOperation(OperationKind.CREATE, (target,), (target,), (_snapshot(target),)))

    def create_folder(self, path: Path | str) -> Path:
        """Create a new folder (and missing parents); ConflictError when the path is taken."""
        target = self._inside(path)
        self._require_free(target)
        try:
            target.mkdir(parents=True)
        except OSError as exc:
            raise _os_error(exc, target, "create") from exc
        return self._done(FileOperation(OperationKind.CREATE, (target,), (target,), (_snapshot(target),)))

    def rename(self, path: Path | str, new_name: str) -> Path:
        """Give a file or folder a new name in the same folder."""
        if not new_name or new_name in (".", "..") or "/" in new_name or os.sep in new_name:
            raise ValidationError(
                f"{new_name!r} is not a valid file name",
                hint="A name may not be empty or contain a path separator.",
                data={"name": new_name},
            )
        source = self._existing(path)
        return self.move_to(source, source.with_name(new_name))

    def move(self, paths: Iterable[Path | str], folder: Path | str) -> tuple[Path, ...]:
        """Move files and folders into ``folder`` (drag and drop, cut and paste) as one undoable operation."""
        destination = self._inside(folder)
        if not destination.is_dir():
            raise NotFoundError(f"{destination} is not a folder", data={"path": str(destination)})
        sources = tuple(self._existing(path) for path in paths)
        targets = tuple(destination / source.name for source in sources)
        for source, target in zip(sources, targets, strict=True):
            if target == source:
                raise ValidationError(f"{source.name} is already in {destination}", data={"path": str(source)})
            if source.is_dir() and target.is_relative_to(source):
                raise ValidationError(
                    f"cannot move {source} into itself",
                    hint="Choose a folder outside the one being moved.",
                    data={"path": str(source)},
                )
            self._require_free(target)
        moved: list[tuple[Path, Path]] = []
        try:
            for source, target in zip(sources, targets, strict=True):
                _move(source, target)
                moved.append((source, target))
        except SymphonyError:
            for source, target in reversed(moved):  # all or nothing
                _move(target, source)
            raise
        self._done(FileOperation(OperationKind.MOVE, sources, targets))
        return targets

    def move_to(self, path: Path | str, target_path: Path | str) -> Path:
        """Move or rename one path to exactly ``target_path``."""
        source = self._existing(path)
        target = self._inside(target_path)
        if source.is_dir() and target.is_relative_to(source) and target != source:
            raise ValidationError(f"cannot move {source} into itself", data={"path": str(source)})
        if target != source:
            # A case-only rename on a case-insensitive disk finds the "target" existing: it is the source.
            if os.path.lexists(target) and not _same_file(source, target):
                self._require_free(target)
            _move(source, target)
        return self._done(FileOperation(OperationKind.MOVE, (source,), (target,)))

    def duplicate(self, path: Path | str) -> Path:
        """Copy a file or folder next to itself as "name copy.ext", "name copy 2.ext"..."""
        source = self._existing(path)
        target = _copy_name(source)
        try:
            if source.is_dir() and not source.is_symlink():
                shutil.copytree(source, target, symlinks=True)
            else:
                shutil.copy2(source, target, follow_symlinks=False)
        except OSError as exc:
            raise _os_error(exc, target, "copy") from exc
        return self._done(FileOperation(OperationKind.DUPLICATE, (source,), (target,), (_snapshot(target),)))

    def delete(self, *paths: Path | str) -> None:
        """Send files and folders to the system trash (the UI asks for confirmation first)."""
        sources = tuple(self._existing(path) for path in paths)
        items: list[TrashedItem] = []
        for source in sources:
            try:
                items.append(self._send_to_trash(source))
            except OSError as exc:
                self.last = FileOperation(OperationKind.DELETE, sources[: len(items)], (), trashed=tuple(items))
                raise _os_error(exc, source, "move to the trash") from exc
        self._done(FileOperation(OperationKind.DELETE, sources, (), trashed=tuple(items)))

    def undo(self) -> FileOperation | None:
        """Revert the last operation and forget it; None when there is nothing to undo."""
        operation = self.last
        if operation is None:
            return None
        if operation.kind is OperationKind.CREATE or operation.kind is OperationKind.DUPLICATE:
            for target, snapshot in zip(operation.targets, operation.snapshots, strict=True):
                if _snapshot(target) != snapshot:
                    raise ConflictError(
                        f"{target} changed since it was created; undo would lose that work",
                        hint="Delete it yourself if you no longer need it.",
                        data={"path": str(target)},
                    )
            for target in operation.targets:
                _remove(target)
        elif operation.kind is OperationKind.MOVE:
            for source, target in zip(operation.sources, operation.targets, strict=True):
                if not os.path.lexists(target):
                    raise NotFoundError(f"{target} is gone, so it cannot be moved back", data={"path": str(target)})
                if os.path.lexists(source) and not _same_file(source, target):
                    raise ConflictError(
                        f"cannot move {target.name} back: {source} is taken",
                        hint="Rename or move the file now at the original place first.",
                        data={"path": str(source)},
                    )
            for source, target in reversed(tuple(zip(operation.sources, operation.targets, strict=True))):
                _move(target, source)
        else:
            for item in operation.trashed:
                _restore(item)
        self.last = None
        return operation

    def _done(self, operation: FileOperation) -> Path:
        self.last = operation
        return operation.targets[0] if operation.targets else operation.sources[0]

    def _inside(self, path: Path | str) -> Path:
        candidate = Path(os.path.normpath(self.root / path))
        if candidate != self.root and not candidate.is_relative_to(self.root):
            raise ValidationError(
                f"{path} is outside the workspace {self.root}",
                hint="File operations stay inside the workspace folder.",
                data={"path": str(path)},
            )
        return candidate

    def _existing(self, path: Path | str) -> Path:
        source = self._inside(path)
        if source == self.root:
            raise ValidationError("the workspace folder itself cannot be changed here", data={"path": str(source)})
        if not os.path.lexists(source):
            raise NotFoundError(f"{source} does not exist", hint="Refresh the explorer.", data={"path": str(source)})
        return source

    @staticmethod
    def _require_free(target: Path) -> None:
        if os.path.lexists(target):
            raise ConflictError(
                f"{target} already exists",
                hint="Choose another name, or move the existing one away first.",
                data={"path": str(target)},
            )

    def _send_to_trash(self, source: Path) -> TrashedItem:
        if self._trash is not None:
            self._trash(os.fspath(source))
            return TrashedItem(original=source, trashed=None, info=None)
        from send2trash import send2trash  # type: ignore[import-untyped, unused-ignore]  # stubs: types-Send2Trash

        folders = _freedesktop_trash_dirs(source) if sys.platform not in ("win32", "darwin") else []
        before = {folder: _info_names(folder) for folder in folders}
        send2trash(os.fspath(source))
        for folder in folders:
            for name in sorted(_info_names(folder) - before[folder]):
                info = folder / "info" / name
                if _trashinfo_path(info).endswith(source.name):
                    return TrashedItem(
                        original=source, trashed=folder / "files" / name[: -len(".trashinfo")], info=info
                    )
        return TrashedItem(original=source, trashed=None, info=None)


def _freedesktop_trash_dirs(path: Path) -> list[Path]:
    """The trash folders send2trash may use for ``path``: the home trash, then the volume's own trashes."""
    data_home = Path(os.path.expanduser(os.environ.get("XDG_DATA_HOME") or "~/.local/share"))
    # send2trash reads XDG_DATA_HOME once, at import; its value is the one that counts.
    plat_other = sys.modules.get("send2trash.plat_other")
    chosen = getattr(plat_other, "XDG_DATA_HOME", None)
    if isinstance(chosen, bytes | str):
        data_home = Path(os.fsdecode(chosen))
    folders = [data_home / "Trash"]
    mount = Path(os.path.realpath(path))
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    uid = str(os.getuid()) if hasattr(os, "getuid") else ""
    folders += [mount / ".Trash" / uid, mount / f".Trash-{uid}"]
    return folders


def _info_names(folder: Path) -> set[str]:
    try:
        return {name for name in os.listdir(folder / "info") if name.endswith(".trashinfo")}
    except OSError:
        return set()


def _trashinfo_path(info: Path) -> str:
    try:
        for line in info.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Path="):
                return unquote(line.removeprefix("Path="))
    except OSError:
        pass
    return ""


def _restore(item: TrashedItem) -> None:
    if item.trashed is None:
        raise UnsupportedError(
            f"{item.original.name} cannot be restored from this system's trash by Symphony",
            hint="Restore it from the system trash (your file manager's Trash/Recycle Bin).",
            data={"path": str(item.original)},
        )
    if os.path.lexists(item.original):
        raise ConflictError(
            f"cannot restore {item.original}: the path is taken again",
            hint="Move the new file away, then restore the old one from the system trash.",
            data={"path": str(item.original)},
        )
    if not os.path.lexists(item.trashed):
        raise NotFoundError(
            f"{item.original.name} is no longer in the trash",
            hint="The trash may have been emptied.",
            data={"path": str(item.original)},
        )
    item.original.parent.mkdir(parents=True, exist_ok=True)
    _move(item.trashed, item.original)
    if item.info is not None:
        item.info.unlink(missing_ok=True)


def _copy_name(source: Path) -> Path:
    """The first free "stem copy[ N]suffix" next to ``source``."""
    stem, suffix = (source.name, "") if source.is_dir() else (source.stem, source.suffix)
    if source.name.startswith(".") and source.suffix == source.name:
        stem, suffix = source.name, ""
    number = 1
    while True:
        label = " copy" if number == 1 else f" copy {number}"
        candidate = source.with_name(f"{stem}{label}{suffix}")
        if not os.path.lexists(candidate):
            return candidate
        number += 1


def _snapshot(path: Path) -> Snapshot:
    """Size and mtime of ``path`` or of everything below it, to tell whether it changed."""
    try:
        info = os.lstat(path)
    except OSError:
        return ()
    entries = [("", info.st_size if not os.path.isdir(path) else 0, info.st_mtime_ns if path.is_file() else 0)]
    if path.is_dir() and not path.is_symlink():
        for folder, dirs, files in os.walk(path):
            for name in [*dirs, *files]:
                full = os.path.join(folder, name)
                stat = os.lstat(full)
                is_dir = os.path.isdir(full) and not os.path.islink(full)
                entries.append(
                    (os.path.relpath(full, path), 0 if is_dir else stat.st_size, 0 if is_dir else stat.st_mtime_ns)
                )
    return tuple(sorted(entries))


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _move(source: Path, target: Path) -> None:
    try:
        try:
            os.rename(source, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            shutil.move(os.fspath(source), os.fspath(target))  # another disk: copy, then delete
    except OSError as exc:
        raise _os_error(exc, source, f"move to {target}") from exc


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise _os_error(exc, path, "remove") from exc


def _os_error(exc: OSError, path: Path, action: str) -> SymphonyError:
    data = {"path": str(path), "errno": exc.errno}
    if isinstance(exc, PermissionError):
        return PermissionDeniedError(f"permission denied: cannot {action} {path}", data=data)
    if isinstance(exc, FileNotFoundError):
        return NotFoundError(f"cannot {action} {path}: it does not exist", hint="Refresh the explorer.", data=data)
    if isinstance(exc, FileExistsError):
        return ConflictError(f"cannot {action} {path}: the name is taken", hint="Choose another name.", data=data)
    return SymphonyIOError(f"cannot {action} {path}: {exc.strerror or exc}", data=data)


__all__ = ["FileOperation", "FileOperations", "OperationKind", "Snapshot", "Trash", "TrashedItem"]
