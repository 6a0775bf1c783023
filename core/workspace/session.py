"""Session restore: which tabs were open (in order, which one active, cursor and scroll of each) and how the
workbench was laid out, per workspace, so the next ``symphony`` on the same folder comes back as it was left.

One JSON file per workspace in ``<state dir>/sessions/``, written atomically. Unsaved text is not kept here
(hot exit's backups hold it); a session file that is unreadable, foreign or from another format version is
ignored with a log line, never an error that stops start-up.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core import paths
from core.errors import SymphonyIOError

log = logging.getLogger(__name__)

FORMAT = 1
"""Version of the session file layout."""


@dataclass(frozen=True, slots=True)
class TabState:
    """One editor tab."""

    path: str
    """The file, relative to the workspace when inside it, else absolute."""
    cursor: tuple[int, int] = (0, 0)
    scroll: tuple[int, int] = (0, 0)
    """(x, y) scroll offset."""
    language: str | None = None
    """A language the user chose for this tab ("Change Language Mode"), or None for the detected one."""
    split_cursor: tuple[int, int] | None = None
    """When the tab was split into two panes: the second pane's cursor (None: one pane)."""


@dataclass(frozen=True, slots=True)
class SessionState:
    """The workbench as it was left."""

    tabs: tuple[TabState, ...] = ()
    active: int | None = None
    """Index into ``tabs`` of the active tab."""
    explorer_visible: bool = True
    explorer_width: int | None = None
    terminal_visible: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    """Room for other parts of the workbench to remember things without a format change."""


class SessionStore:
    """The session file of one workspace."""

    def __init__(self, workspace: Path, root: Path | None = None) -> None:
        key = hashlib.sha256(str(workspace.resolve()).encode("utf-8")).hexdigest()[:16]
        self.file = (root or paths.state_dir() / "sessions") / f"{key}.json"
        """Where this workspace's session is kept."""

    def save(self, state: SessionState) -> None:
        """Write the session atomically; raises SymphonyIOError naming the file."""
        paths.ensure_dir(self.file.parent, 0o700)
        payload = json.dumps({"format": FORMAT, **asdict(state)}, ensure_ascii=False, indent=1).encode("utf-8")
        try:
            paths.write_private_file(self.file, payload)
        except OSError as exc:
            raise SymphonyIOError(
                f"cannot save the session to {self.file}: {exc.strerror or exc}",
                hint="Free disk space or fix the permissions of the state directory (SYMPHONY_STATE_DIR).",
                data={"path": str(self.file)},
            ) from exc

    def load(self) -> SessionState | None:
        """The saved session, or None when there is none or it cannot be read (logged)."""
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable session %s: %s", self.file, exc)
            return None
        try:
            return _parse(data)
        except (TypeError, ValueError, KeyError) as exc:
            log.warning("ignoring malformed session %s: %s", self.file, exc)
            return None


def _pair(value: Any) -> tuple[int, int]:
    first, second = value
    if not isinstance(first, int) or not isinstance(second, int) or first < 0 or second < 0:
        raise ValueError(f"not a (row, column) pair of non-negative integers: {value!r}")
    return (first, second)


def _parse(data: Any) -> SessionState | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    tabs = []
    for tab in data.get("tabs", []):
        if not isinstance(tab, dict) or not isinstance(tab.get("path"), str):
            raise ValueError(f"a tab without a path: {tab!r}")
        language = tab.get("language")
        tabs.append(
            TabState(
                path=tab["path"],
                cursor=_pair(tab.get("cursor", (0, 0))),
                scroll=_pair(tab.get("scroll", (0, 0))),
                language=language if isinstance(language, str) else None,
                split_cursor=_pair(tab["split_cursor"]) if tab.get("split_cursor") is not None else None,
            )
        )
    active = data.get("active")
    if not isinstance(active, int) or not 0 <= active < len(tabs):
        active = None
    width = data.get("explorer_width")
    extra = data.get("extra")
    return SessionState(
        tabs=tuple(tabs),
        active=active,
        explorer_visible=bool(data.get("explorer_visible", True)),
        explorer_width=width if isinstance(width, int) and width > 0 else None,
        terminal_visible=bool(data.get("terminal_visible", False)),
        extra=extra if isinstance(extra, dict) else {},
    )


__all__ = ["SessionState", "SessionStore", "TabState"]
