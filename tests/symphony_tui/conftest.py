"""UI tests: language servers stay off unless a test is about them (see tests/symphony_tui/lsp)."""

from __future__ import annotations

import pytest

from symphony_tui.lsp.service import LspService


@pytest.fixture(autouse=True)
def language_servers(monkeypatch: pytest.MonkeyPatch) -> bool:
    """Opening a Python file in a workbench test must not start jedi-language-server (slow, and its diagnostics
    would race snapshots); the LSP tests override this fixture to turn servers on."""
    monkeypatch.setattr(LspService, "autostart", False)
    return False
