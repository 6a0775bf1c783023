"""Waiting for LSP events with a deadline, and writing workspace files: shared by the LSP integration tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from core.lsp.events import LspEvent
from core.lsp.manager import LanguageServerManager

DEADLINE = 30.0
"""Generous bound for a real server to answer on a loaded CI machine; a hang fails instead of stalling."""


async def wait_for_event(manager: LanguageServerManager, predicate: Callable[[LspEvent], bool]) -> LspEvent:
    """The first event from now on that satisfies ``predicate``."""
    future: asyncio.Future[LspEvent] = asyncio.get_running_loop().create_future()

    def check(event: LspEvent) -> None:
        if not future.done() and predicate(event):
            future.set_result(event)

    unsubscribe = manager.subscribe(check)
    try:
        return await asyncio.wait_for(future, DEADLINE)
    finally:
        unsubscribe()


def write(root: Path, name: str, text: str) -> Path:
    """Create a file in the test workspace."""
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path
