"""Fixtures for core tests that start Symphony's services (boot configures global logging)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Per-user dirs in tmp_path, and the root logger put back afterwards (boot and the doctor configure it)."""
    for name in ("CONFIG", "LOG", "RUNTIME", "DATA", "CACHE", "STATE"):
        monkeypatch.setenv(f"SYMPHONY_{name}_DIR", str(tmp_path / "user" / name.lower()))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    last_resort, raise_exceptions = logging.lastResort, logging.raiseExceptions
    capturing = logging._warnings_showwarning is not None  # type: ignore[attr-defined]
    yield tmp_path / "user"
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.lastResort, logging.raiseExceptions = last_resort, raise_exceptions
    logging.captureWarnings(capturing)
