"""The local registry: which extensions are installed, at which version, where, and whether enabled.

One JSON index in ``<data dir>/extensions/index.json`` beside one folder per installed extension; the index is
written atomically, so an interrupted install leaves the previous, consistent state. Every change happens under
an inter-process file lock and starts by re-reading the index, so the IDE and a ``symphony ext`` command (or two
commands) changing extensions at once never lose each other's entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from core.errors import ConfigError, NotFoundError, SymphonyTimeoutError
from core.paths import data_dir, ensure_dir
from core.types.base import Timestamp, utc_now
from core.types.version import Version
from extensions.kit.files import write_json_atomic
from extensions.kit.manifest import Manifest, load_manifest

INDEX_NAME = "index.json"
INDEX_FORMAT = 1
LOCK_NAME = ".lock"
LOCK_TIMEOUT_S = 60.0
"""How long a change waits for another process's install to finish before giving up."""


class InstalledExtension(BaseModel):
    """One installed extension as the index records it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    version: Version
    folder: str
    """Relative to the registry root."""
    enabled: bool = True
    installed_at: Timestamp


class _Index(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int = INDEX_FORMAT
    extensions: dict[str, InstalledExtension] = {}


def default_registry_root() -> Path:
    """``<data dir>/extensions``."""
    return data_dir() / "extensions"


class LocalRegistry:
    """Installed extensions by id (one version of each), backed by the index file."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_registry_root()
        self.index_path = self.root / INDEX_NAME
        self._lock = FileLock(self.root / LOCK_NAME, timeout=LOCK_TIMEOUT_S)
        self._index = self._load()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the registry's inter-process lock (re-entrant) with a fresh view of the index."""
        ensure_dir(self.root)
        try:
            with self._lock:
                self._index = self._load()
                yield
        except Timeout:
            raise SymphonyTimeoutError(
                f"{self.root}: another Symphony process has been changing extensions for {LOCK_TIMEOUT_S:.0f} s",
                hint=f"Wait for it to finish; if none is running, delete {self.root / LOCK_NAME}.",
                data={"path": str(self.root / LOCK_NAME)},
            ) from None

    def _load(self) -> _Index:
        try:
            raw = json.loads(self.index_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return _Index()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(
                f"{self.index_path}: the extension index cannot be read: {exc}",
                hint="Move the file away and reinstall your extensions; their folders are beside it.",
                data={"file": str(self.index_path)},
            ) from None
        try:
            return _Index.model_validate(raw)
        except PydanticValidationError as exc:
            first = exc.errors(include_url=False)[0]
            key = ".".join(str(p) for p in first["loc"])
            raise ConfigError(
                f"{self.index_path}: the extension index is invalid at '{key}': {first['msg']}",
                hint="Move the file away and reinstall your extensions; their folders are beside it.",
                data={"file": str(self.index_path), "key": key},
            ) from None

    def reload(self) -> None:
        """Re-read the index (another process may have installed something)."""
        self._index = self._load()

    def __iter__(self) -> Iterator[InstalledExtension]:
        return iter(sorted(self._index.extensions.values(), key=lambda e: e.id))

    def __contains__(self, extension_id: object) -> bool:
        return extension_id in self._index.extensions

    def __len__(self) -> int:
        return len(self._index.extensions)

    def get(self, extension_id: str) -> InstalledExtension:
        """The installed entry for ``extension_id``; raises NotFoundError naming it."""
        try:
            return self._index.extensions[extension_id]
        except KeyError:
            raise NotFoundError(
                f"extension {extension_id!r} is not installed",
                hint="`symphony ext list` shows the installed extensions.",
                data={"extension": extension_id},
            ) from None

    def folder(self, extension_id: str) -> Path:
        """Where ``extension_id``'s files are."""
        return self.root / self.get(extension_id).folder

    def manifest(self, extension_id: str) -> Manifest:
        """The installed extension's manifest, read from its folder."""
        return load_manifest(self.folder(extension_id))

    def record(self, extension_id: str, version: Version, folder: str, *, enabled: bool = True) -> InstalledExtension:
        """Add or replace the entry for ``extension_id`` and save the index."""
        entry = InstalledExtension(
            id=extension_id, version=version, folder=folder, enabled=enabled, installed_at=utc_now()
        )
        with self.locked():
            self._index.extensions[extension_id] = entry
            self._save()
        return entry

    def remove(self, extension_id: str) -> InstalledExtension:
        """Drop ``extension_id`` from the index (its folder is the installer's to delete) and save."""
        with self.locked():
            entry = self.get(extension_id)
            del self._index.extensions[extension_id]
            self._save()
        return entry

    def set_enabled(self, extension_id: str, enabled: bool) -> InstalledExtension:
        """Enable or disable an installed extension and save."""
        with self.locked():
            entry = self.get(extension_id).model_copy(update={"enabled": enabled})
            self._index.extensions[extension_id] = entry
            self._save()
        return entry

    def _save(self) -> None:
        write_json_atomic(self.index_path, self._index.model_dump(mode="json"))


__all__ = ["INDEX_NAME", "LOCK_NAME", "InstalledExtension", "LocalRegistry", "default_registry_root"]
