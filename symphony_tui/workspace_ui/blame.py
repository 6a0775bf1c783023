"""How the status bar words a blame: who, how long ago, and the commit's summary."""

from __future__ import annotations

import time

from core.workspace.git import BlameLine


def ago(seconds: float) -> str:
    """A coarse, human "3 days ago"."""
    seconds = max(0, int(seconds))
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' * (count != 1)} ago"
    return "just now"


def describe_blame(line: BlameLine, now: float | None = None) -> str:
    """``author, 2 days ago · summary``; lines not committed yet read "Not committed yet"."""
    if not line.committed:
        return "Not committed yet"
    when = ago((time.time() if now is None else now) - line.author_time)
    author = line.author if len(line.author) <= 20 else line.author[:19] + "…"
    return f"{author}, {when} · {line.summary}"  # the status bar cuts the summary to what fits
