"""Open and save text files without ever mangling them.

Reading records everything needed to write the same bytes back (encoding, BOM, line ending, final newline);
saving is atomic (temp file in the same directory, fsync, rename), follows symlinks, keeps the file mode and
refuses to overwrite a file that changed on disk since it was read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    SymphonyError,
    SymphonyIOError,
)
from core.types import LineEnding
from core.workspace.decoding import decode_bytes, encode_text

_DISK_FULL = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code is not None)


@dataclass(frozen=True, slots=True)
class LoadedText:
    """A text file as read from disk: the text plus what it takes to save it back byte for byte."""

    path: Path
    """The path as given (not resolved), so the UI keeps showing the symlink the user opened."""
    text: str
    """The content with ``"\\n"`` line breaks; a final newline, if any, is kept at the end."""
    encoding: str
    """Python codec name used to decode (explicit endianness for UTF-16/32)."""
    line_ending: LineEnding
    """The dominant line ending on disk."""
    mixed_line_endings: bool
    """The file mixed line endings; ``line_endings`` records each so a save can keep them."""
    line_endings: tuple[LineEnding, ...] | None
    """For mixed files: the ending of each line break in order (None when all are ``line_ending``)."""
    has_bom: bool
    """The file started with a byte order mark."""
    final_newline: bool
    """The file ended with a line break."""
    encoding_guessed: bool
    """No BOM, UTF-8 or configured encoding fitted: cp1252/latin-1 was assumed and may be wrong."""
    mtime_ns: int
    """Modification time when read; pass it to ``save_text_file`` to detect outside changes."""
    size: int
    """Size in bytes when read."""


@dataclass(frozen=True, slots=True)
class SavedText:
    """What a save left on disk, to be remembered for the next conflict check."""

    path: Path
    """The file actually written (the symlink's target when saving through a symlink)."""
    mtime_ns: int
    size: int


def read_text_file(path: Path, default_encoding: str = "utf-8", *, max_size: int | None = None) -> LoadedText:
    """Read and decode a text file, detecting BOM, encoding and line endings.

    Raises NotFoundError, PermissionDeniedError, SymphonyIOError (folders, devices and pipes, files over
    ``max_size`` bytes, other OS failures) and EncodingError (binary files) naming the path, and ConfigError
    for an unknown ``default_encoding``.
    """
    try:
        # Checked before opening: opening a FIFO would block, and /dev/zero would never end.
        _require_regular_file(path, os.stat(path))
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            _require_regular_file(path, info)
            if max_size is not None and info.st_size > max_size:
                raise SymphonyIOError(
                    f"{path} is too large to open ({info.st_size:,} bytes; the limit is {max_size:,})",
                    hint="Open it with a pager or raise the size limit in settings.",
                    data={"path": str(path), "size": info.st_size, "max_size": max_size},
                )
            data = handle.read()
    except OSError as exc:
        raise _io_error(exc, path, "read") from exc
    decoded = decode_bytes(data, default_encoding=default_encoding, label=str(path))
    return LoadedText(
        path=path,
        text=decoded.text,
        encoding=decoded.encoding,
        line_ending=decoded.line_ending,
        mixed_line_endings=decoded.mixed_line_endings,
        line_endings=decoded.line_endings,
        has_bom=decoded.has_bom,
        final_newline=decoded.text.endswith("\n"),
        encoding_guessed=decoded.encoding_guessed,
        mtime_ns=info.st_mtime_ns,
        size=info.st_size,
    )


def save_text_file(
    path: Path,
    text: str,
    *,
    encoding: str,
    line_ending: LineEnding,
    has_bom: bool,
    expected_mtime_ns: int | None = None,
    expected_size: int | None = None,
    line_endings: Sequence[LineEnding] | None = None,
) -> SavedText:
    """Encode ``text`` exactly as asked and replace the file atomically; create it if it doesn't exist.

    ``expected_mtime_ns``/``expected_size`` (from LoadedText or the last SavedText) make the save refuse with
    ConflictError when the file changed or vanished since; ``None`` skips the check. On any failure the
    original file is untouched. Like most editors' atomic save, this gives the path a new inode: other hard
    links to the old file keep the old content. ``line_endings`` (one per line break, from a file that mixed
    them) writes each break as it was; breaks beyond the list get ``line_ending``.
    """
    payload = encode_text(
        text, encoding=encoding, line_ending=line_ending, has_bom=has_bom, label=str(path), line_endings=line_endings
    )
    target = Path(os.path.realpath(path))
    current = _stat_or_none(target, path)
    if current is not None:
        _require_regular_file(path, current)
    _check_unchanged(path, current, expected_mtime_ns, expected_size)
    # Mode bits count too: root may write anything, but a 0o444 file says "don't" to everyone.
    if current is not None and (not os.access(target, os.W_OK) or not current.st_mode & 0o222):
        raise PermissionDeniedError(
            f"{path} is read-only",
            hint="Make the file writable (chmod u+w) or save it under another name.",
            data={"path": str(path)},
        )
    _write_atomically(target, payload, current, shown=path)
    try:
        written = os.stat(target)
    except OSError as exc:
        raise _io_error(exc, path, "check") from exc
    return SavedText(path=target, mtime_ns=written.st_mtime_ns, size=written.st_size)


def save_like(loaded: LoadedText, text: str, *, check_conflict: bool = True) -> SavedText:
    """Save ``text`` back to ``loaded.path`` with the encoding, BOM and line endings it was read with."""
    return save_text_file(
        loaded.path,
        text,
        encoding=loaded.encoding,
        line_ending=loaded.line_ending,
        has_bom=loaded.has_bom,
        line_endings=loaded.line_endings,
        expected_mtime_ns=loaded.mtime_ns if check_conflict else None,
        expected_size=loaded.size if check_conflict else None,
    )


def _stat_or_none(target: Path, shown: Path) -> os.stat_result | None:
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _io_error(exc, shown, "check") from exc


def _check_unchanged(
    path: Path, current: os.stat_result | None, expected_mtime_ns: int | None, expected_size: int | None
) -> None:
    """Refuse to overwrite changes made outside Symphony since the file was read."""
    if expected_mtime_ns is None and expected_size is None:
        return
    if current is None:
        raise ConflictError(
            f"{path} was deleted or moved since it was opened",
            hint="Choose to overwrite (save without the check) to recreate it, or close the editor.",
            data={"path": str(path), "reason": "deleted"},
        )
    changed_time = expected_mtime_ns is not None and current.st_mtime_ns != expected_mtime_ns
    changed_size = expected_size is not None and current.st_size != expected_size
    if changed_time or changed_size:
        raise ConflictError(
            f"{path} changed on disk since it was opened",
            hint="Reload the file, or compare it with your version and choose to overwrite it.",
            data={
                "path": str(path),
                "reason": "modified",
                "expected_mtime_ns": expected_mtime_ns,
                "actual_mtime_ns": current.st_mtime_ns,
                "expected_size": expected_size,
                "actual_size": current.st_size,
            },
        )


def _write_atomically(target: Path, payload: bytes, current: os.stat_result | None, *, shown: Path) -> None:
    """Write a sibling temp file, fsync it, give it the old file's mode and owner, then rename it over."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.symphony-save")
    try:
        # 0o666 lets the umask decide a new file's mode, exactly as for any other program creating it.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise _io_error(exc, shown, "save", directory=target.parent) from exc
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                if current is not None:
                    _copy_ownership(handle.fileno(), current)
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            _remove_quietly(temp)
            raise
    except OSError as exc:
        raise _io_error(exc, shown, "save", directory=target.parent) from exc
    _fsync_directory(target.parent)


def _copy_ownership(fd: int, current: os.stat_result) -> None:
    """Keep owner and group where the OS allows (as root, or our own group), then the mode bits."""
    if hasattr(os, "fchown"):
        # Not permitted for other users' files: the new file then keeps our ownership, as in every editor.
        with contextlib.suppress(OSError):
            os.fchown(fd, current.st_uid, current.st_gid)
    if os.chmod in os.supports_fd:  # chown may clear setuid bits, so the mode goes last
        os.chmod(fd, stat.S_IMODE(current.st_mode))


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not possible (nor needed) on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on directories; the rename has still happened
    finally:
        os.close(fd)


def _remove_quietly(temp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _require_regular_file(path: Path, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise _is_a_directory(path)
    if not stat.S_ISREG(info.st_mode):
        raise SymphonyIOError(
            f"{path} is not a regular file (it is a device, pipe or socket)",
            hint="Only regular files can be edited.",
            data={"path": str(path)},
        )


def _is_a_directory(path: Path) -> SymphonyIOError:
    return SymphonyIOError(
        f"{path} is a directory, not a file",
        hint="Pick a file inside it, or give another file name.",
        data={"path": str(path)},
    )


def _io_error(exc: OSError, path: Path, action: str, *, directory: Path | None = None) -> SymphonyError:
    """Map an OSError to the SymphonyError a user understands, naming the path."""
    data = {"path": str(path), "errno": exc.errno, "action": action}
    if isinstance(exc, FileNotFoundError):
        where = f"the folder {directory}" if directory is not None else str(path)
        return NotFoundError(
            f"cannot {action} {path}: {where} does not exist",
            hint="Check the path, or create the folder first.",
            data=data,
        )
    if isinstance(exc, PermissionError):
        where = f"the folder {directory} is not writable" if directory is not None else "permission denied"
        return PermissionDeniedError(
            f"cannot {action} {path}: {where}",
            hint="Check the permissions of the file and its folder.",
            data=data,
        )
    if isinstance(exc, IsADirectoryError):
        return _is_a_directory(path)
    if exc.errno in _DISK_FULL:
        return SymphonyIOError(
            f"cannot {action} {path}: the disk is full",
            hint="Free some space; the file on disk was left as it was.",
            data=data,
        )
    return SymphonyIOError(f"cannot {action} {path}: {exc.strerror or exc}", data=data)


__all__ = ["LoadedText", "SavedText", "read_text_file", "save_like", "save_text_file"]
