"""Formatting and quick fixes against a real server that offers them: `ruff server` (ruff is in the dev extra)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from core.lsp.edits import apply_text_edits
from core.lsp.events import DiagnosticsChanged
from core.lsp.manager import LanguageServerManager
from core.lsp.registry import resolve_argv
from core.lsp.settings import LspSettings, ServerSpec
from core.types.text import Range
from tests.core.lsp.waiting import DEADLINE, wait_for_event, write

RUFF = ServerSpec(command=["ruff", "server"], languages=["python"])

pytestmark = pytest.mark.skipif(resolve_argv(RUFF) is None, reason="ruff is not installed")


async def test_format_document_and_apply_an_unused_import_quick_fix(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    settings = LspSettings(servers={"ruff": RUFF}, request_timeout=DEADLINE, format_on_save=True)
    manager = LanguageServerManager(settings, root, log_dir=tmp_path / "logs")
    try:
        path = write(root, "messy.py", "import os\nx = [1,2,\n  3]\n")
        published = asyncio.ensure_future(
            wait_for_event(manager, lambda e: isinstance(e, DiagnosticsChanged) and bool(e.diagnostics))
        )
        uri = await manager.open(path, "python", 1, path.read_text(encoding="utf-8"))
        server = await manager.ready(uri, DEADLINE)
        assert server is not None and server.name == "ruff"

        edits = await server.formatting(uri)
        formatted = apply_text_edits(path.read_text(encoding="utf-8"), edits, server.encoding)
        assert formatted == "import os\n\nx = [1, 2, 3]\n"
        # Format-on-save hands the editor code-point edits it can apply one by one, then it saves.
        on_save = await manager.format_on_save(uri, timeout=DEADLINE)
        await manager.change(uri, 2, on_save)
        assert server.documents[uri].text == formatted

        event = await published
        assert isinstance(event, DiagnosticsChanged)
        assert "F401" in [d.code for d in event.diagnostics]
        actions = await server.code_actions(uri, Range.of(0, 0, 0, 9), only=[lsp.CodeActionKind.QuickFix])
        titles = [action.title for action in actions]
        assert any("Remove unused import" in title for title in titles)
    finally:
        await manager.shutdown()
