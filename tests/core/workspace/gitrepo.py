"""Helpers for tests that need a real git repository to compare against."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

# No user or system configuration (global excludes file, templates...) may leak into the comparison.
_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": "/nonexistent"}


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a clean, predictable configuration."""
    result = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=_ENV,
    )
    if result.returncode not in (0, 1):
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def git_init(root: Path) -> Path:
    git(root, "init", "-q")
    return root


def make_files(root: Path, *paths: str, content: str = "x\n") -> None:
    """Create files (and their folders); paths ending in "/" create empty folders."""
    for rel in paths:
        target = root / rel
        if rel.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)


def git_listed_files(root: Path) -> set[str]:
    """What git considers workspace files: tracked plus untracked-but-not-ignored."""
    out = git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    return {path for path in out.split("\0") if path}


def git_ignored(root: Path, *paths: str) -> set[str]:
    """Which of ``paths`` git ignores (directories given with a trailing slash)."""
    if not paths:
        return set()
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "-z", "--stdin"],
        cwd=root,
        input="\0".join(paths) + "\0",
        capture_output=True,
        text=True,
        check=False,
        env=_ENV,
    )
    if result.returncode not in (0, 1):
        raise AssertionError(f"git check-ignore failed: {result.stderr}")
    return {path for path in result.stdout.split("\0") if path}
