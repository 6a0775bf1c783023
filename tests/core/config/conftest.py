"""Fixtures: every test gets its own user config dir (never the real one) and an empty workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import CONFIG_DIR_ENV


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user settings directory, created empty, and pointed to by $SYMPHONY_CONFIG_DIR."""
    directory = tmp_path / "config"
    directory.mkdir()
    monkeypatch.setenv(CONFIG_DIR_ENV, str(directory))
    return directory


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace folder without a .symphony directory."""
    directory = tmp_path / "workspace"
    directory.mkdir()
    return directory


@pytest.fixture
def workspace_dir(workspace: Path) -> Path:
    """The workspace's .symphony directory, created empty."""
    directory = workspace / ".symphony"
    directory.mkdir()
    return directory
