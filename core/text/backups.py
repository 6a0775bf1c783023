"""Hot exit: unsaved buffers backed up per workspace, so a killed Symphony loses no typing.

Each buffer is one JSON file in ``<state dir>/backups/<workspace hash>/``, written atomically (temp file, fsync,
rename), so a kill mid-write leaves the previous backup intact. A buffer's backup is removed when it is saved,
closed or discarded; whatever is left at start-up was unsaved when the last run ended.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from core import paths
from core.errors import SymphonyIOError

log = logging.getLogger(__name__)

FORMAT = 1
"""Version of the backup file layout (older or newer files are skipped, not misread)."""


@dataclass(frozen=True, slots=True)
class BufferBackup:
    """One unsaved buffer: where it belongs, its text, and where the cursor was."""

    buffer_id: str
    """Stable id for the buffer's lifetime (file names are not unique for untitled buffers)."""
    path: str | None
    """The file it edits, or None for an untitled buffer."""
    text: str
    cursor: tuple[int, int]
    """(row, column) of the cursor."""
    saved_mtime_ns: int | None = None
    """The file's mtime when the buffer was last in sync with it (to spot outside changes on restore)."""
    order: int = 0
    """Tab position, to restore tabs in order."""


class BackupStore:
    """The backup folder of one workspace."""

    def __init__(self, workspace: Path, root: Path | None = None) -> None:
        key = hashlib.sha256(str(workspace.resolve()).encode("utf-8")).hexdigest()[:16]
        self.directory = (root or paths.state_dir() / "backups") / key
        """Where this workspace's backups live."""

    def _file(self, buffer_id: str) -> Path:
        return self.directory / f"{buffer_id}.json"

    def save(self, backup: BufferBackup) -> None:
        """Write (or replace) a buffer's backup atomically; raises SymphonyIOError naming the file."""
        paths.ensure_dir(self.directory, 0o700)
        target = self._file(backup.buffer_id)
        payload = json.dumps({"format": FORMAT, **asdict(backup)}, ensure_ascii=False).encode("utf-8")
        try:
            paths.write_private_file(target, payload)
        except OSError as exc:
            raise SymphonyIOError(
                f"cannot back up unsaved text to {target}: {exc.strerror or exc}",
                hint="Free disk space or fix the permissions of the state directory (SYMPHONY_STATE_DIR).",
                data={"path": str(target)},
            ) from exc

    def discard(self, buffer_id: str) -> None:
        """Remove a buffer's backup (saved, closed or discarded); a missing one is fine."""
        with contextlib.suppress(FileNotFoundError):
            self._file(buffer_id).unlink()

    def load_all(self) -> list[BufferBackup]:
        """Every readable backup, in tab order; unreadable or foreign files are logged and skipped."""
        if not self.directory.is_dir():
            return []
        found: list[BufferBackup] = []
        for file in sorted(self.directory.glob("*.json")):
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                if data.pop("format", None) != FORMAT:
                    continue
                data["cursor"] = tuple(data["cursor"])
                found.append(BufferBackup(**data))
            except (OSError, ValueError, TypeError, KeyError) as exc:
                log.warning("skipping unreadable backup %s: %s", file, exc)
        return sorted(found, key=lambda b: b.order)
