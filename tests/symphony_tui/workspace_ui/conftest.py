"""Fixtures for the workspace UI tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def trash_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """send2trash's home trash, moved under the test folder (and every path counted as on the home disk)."""
    from send2trash import plat_other

    data_home = tmp_path / "data"
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", bytes(data_home))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", bytes(data_home / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data_home / "Trash"))
    monkeypatch.setattr(plat_other, "get_dev", lambda _path: 1)
    return data_home / "Trash"
