"""Test-wide isolation: no test reads or writes the real user's config, logs or runtime dirs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from pytest_textual_snapshot import SVGImageExtension

ROOT = Path(__file__).resolve().parent.parent


def _snapshot_dirname(cls: type, *, test_location: object) -> str:
    # Keep every SVG under <repo>/snapshots/<test path>/<test module>/, not in scattered __snapshots__ folders.
    test_file = Path(test_location.filepath)  # type: ignore[attr-defined]
    relative = test_file.parent.relative_to(ROOT / "tests")
    return str(ROOT / "snapshots" / relative / test_location.basename)  # type: ignore[attr-defined]


SVGImageExtension.dirname = classmethod(_snapshot_dirname)  # type: ignore[method-assign, assignment]

# Property tests assert behaviour, not speed: hypothesis's per-example deadline failed them on a loaded machine.
settings.register_profile("symphony", deadline=None)
settings.load_profile("symphony")

# Every partial layout (symphony_tui.partial_layout) is compared with a full one: a difference fails the test.
os.environ.setdefault("SYMPHONY_CHECK_LAYOUT", "1")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every per-user directory at a fresh temp dir."""
    base = tmp_path_factory.mktemp("user")
    for name in ("CONFIG", "LOG", "DATA", "CACHE", "STATE", "RUNTIME"):
        monkeypatch.setenv(f"SYMPHONY_{name}_DIR", str(base / name.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return base
