"""Language-server UI tests run real servers: turn them on (the parent conftest turns them off)."""

from __future__ import annotations

import pytest

from symphony_tui.lsp.service import LspService


@pytest.fixture(autouse=True)
def language_servers(monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(LspService, "autostart", True)
    return True
