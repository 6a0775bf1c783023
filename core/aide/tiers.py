"""Storage tiers beyond the local hot directory: any fsspec URL (a dir, ``memory://``, ``s3://``...)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from core.errors import ConfigError, SymphonyIOError

HOT = "hot"
"""Name of the local tier that reads are served from."""


class Tier:
    """A named place packs can be moved to; files are keyed by pack name under the URL's root."""

    def __init__(self, name: str, url: str) -> None:
        if name == HOT:
            raise ConfigError(f"tier name {HOT!r} is reserved for the local hot tier", hint="Call it warm or cold.")
        import fsspec  # type: ignore[import-untyped]  # deferred: only stores with tiers need it

        try:
            fs, root = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as exc:
            raise ConfigError(
                f"tier {name!r}: cannot use URL {url!r}: {exc}",
                hint="Use a local directory or an fsspec URL whose backend is installed (e.g. s3fs for s3://).",
                data={"tier": name, "url": url},
            ) from exc
        self.name = name
        self.url = url
        self.fs: Any = fs
        self.root: str = root.rstrip("/")
        with contextlib.suppress(FileExistsError):
            self.fs.makedirs(self.root, exist_ok=True)

    def _key(self, pack: str) -> str:
        return f"{self.root}/{pack}.pack"

    def upload(self, local: Path, pack: str) -> None:
        """Copy a pack from the hot tier here."""
        try:
            self.fs.put_file(str(local), self._key(pack))
        except OSError as exc:
            raise SymphonyIOError(f"cannot copy pack {pack} to tier {self.name} ({self.url}): {exc}") from exc

    def download(self, pack: str, local: Path) -> None:
        """Copy a pack from here to the hot tier."""
        try:
            self.fs.get_file(self._key(pack), str(local))
        except (OSError, KeyError) as exc:
            raise SymphonyIOError(
                f"cannot fetch pack {pack} back from tier {self.name} ({self.url}): {exc}",
                hint="Check that the tier's storage is reachable; the artifact cannot be read until it is.",
            ) from exc

    def remove(self, pack: str) -> None:
        """Delete a pack here (missing is fine)."""
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self._key(pack))


__all__ = ["HOT", "Tier"]
