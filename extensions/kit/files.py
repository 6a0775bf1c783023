"""Small file helpers the kit shares: atomic JSON writes, so an index or grant file is never half-written."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from core.errors import SymphonyIOError
from core.paths import ensure_dir


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` via a temp file and rename, so readers see the old or the new file."""
    ensure_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SymphonyIOError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint="Check that the directory is writable and the disk is not full.",
            data={"path": str(path)},
        ) from exc


__all__ = ["write_json_atomic"]
