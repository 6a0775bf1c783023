"""The host's environment carries the token and what Python needs, never the editor's other secrets."""

from __future__ import annotations

import os
from pathlib import Path

import core
from core.extensions import minimal_env
from core.ipc.security import TOKEN_ENV


def test_only_locale_paths_and_symphony_dirs_reach_the_host() -> None:
    parent = {
        "PATH": "/usr/bin",
        "HOME": "/home/ada",
        "LANG": "C.UTF-8",
        "AWS_SECRET_ACCESS_KEY": "hunter2",
        "GITHUB_TOKEN": "ghp_x",
        "SYMPHONY_DATA_DIR": "/data",
        TOKEN_ENV: "f" * 64,  # the editor's own token must not be inherited
    }
    env = minimal_env("a" * 64, parent)
    assert env[TOKEN_ENV] == "a" * 64
    assert {k: env[k] for k in ("PATH", "HOME", "LANG", "SYMPHONY_DATA_DIR")} == {
        "PATH": "/usr/bin",
        "HOME": "/home/ada",
        "LANG": "C.UTF-8",
        "SYMPHONY_DATA_DIR": "/data",
    }
    assert "AWS_SECRET_ACCESS_KEY" not in env and "GITHUB_TOKEN" not in env


def test_the_host_imports_from_the_same_source_tree() -> None:
    env = minimal_env("a" * 64, {"PYTHONPATH": "/extra"})
    root = str(Path(core.__file__).resolve().parent.parent)
    assert env["PYTHONPATH"].split(os.pathsep) == [root, "/extra"]
