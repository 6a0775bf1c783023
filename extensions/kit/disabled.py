"""Extensions the user switched off that the registry does not manage (built-ins and ``ext dev`` folders).

Installed extensions keep their enabled flag in the registry index (``symphony ext disable`` changes it); the
ones shipped with Symphony have no index entry, so their switch lives in one small JSON list beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.paths import data_dir
from extensions.kit.files import write_json_atomic


def default_disabled_path() -> Path:
    """``<data dir>/extensions/disabled.json``."""
    return data_dir() / "extensions" / "disabled.json"


class DisabledList:
    """Ids of switched-off extensions, in a JSON list; an unreadable file means none (everything runs)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_disabled_path()

    def ids(self) -> frozenset[str]:
        """The switched-off ids."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return frozenset()
        return frozenset(str(i) for i in raw) if isinstance(raw, list) else frozenset()

    def set(self, extension_id: str, disabled: bool) -> None:
        """Switch ``extension_id`` off (``disabled``) or back on, and save."""
        ids = set(self.ids())
        if disabled:
            ids.add(extension_id)
        else:
            ids.discard(extension_id)
        write_json_atomic(self.path, sorted(ids))


__all__ = ["DisabledList", "default_disabled_path"]
