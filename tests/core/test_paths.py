"""Specification of core.paths: env overrides, private runtime dir, ensure_dir errors."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from core import paths
from core.errors import PermissionDeniedError, SymphonyIOError

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes and owners")

DIR_FUNCTIONS: list[tuple[str, Callable[[], Path]]] = [
    (paths.ENV_CONFIG_DIR, paths.config_dir),
    (paths.ENV_LOG_DIR, paths.log_dir),
    (paths.ENV_DATA_DIR, paths.data_dir),
    (paths.ENV_CACHE_DIR, paths.cache_dir),
    (paths.ENV_STATE_DIR, paths.state_dir),
    (paths.ENV_RUNTIME_DIR, paths.runtime_dir_path),
]


@pytest.mark.parametrize(("variable", "function"), DIR_FUNCTIONS)
def test_each_dir_honours_its_environment_override(
    variable: str, function: Callable[[], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, str(tmp_path / "override"))
    assert function() == tmp_path / "override"


@pytest.mark.parametrize(("variable", "function"), DIR_FUNCTIONS)
def test_empty_override_falls_back_to_a_platform_dir_named_for_symphony(
    variable: str, function: Callable[[], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, "")
    result = function()
    assert result.is_absolute()
    assert "symphony" in result.parts


def test_relative_override_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(paths.ENV_LOG_DIR, "logs")
    assert paths.log_dir() == tmp_path / "logs"


def test_dir_functions_other_than_runtime_do_not_create_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, function in DIR_FUNCTIONS:
        monkeypatch.setenv(variable, str(tmp_path / variable))
        function()
    assert list(tmp_path.iterdir()) == []


@posix_only
def test_runtime_dir_is_created_private_despite_a_permissive_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "run" / "symphony"
    monkeypatch.setenv(paths.ENV_RUNTIME_DIR, str(target))
    old_umask = os.umask(0)
    try:
        assert paths.runtime_dir() == target
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700


@posix_only
def test_runtime_dir_parents_it_creates_are_private_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    existing = tmp_path / "tmp"
    existing.mkdir()
    existing.chmod(0o755)
    monkeypatch.setenv(paths.ENV_RUNTIME_DIR, str(existing / "runtime-1000" / "symphony"))
    paths.runtime_dir()
    assert stat.S_IMODE((existing / "runtime-1000").stat().st_mode) == 0o700
    assert stat.S_IMODE(existing.stat().st_mode) == 0o755  # ancestors that existed are left alone


@posix_only
def test_runtime_dir_with_a_loose_mode_is_tightened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "run"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    monkeypatch.setenv(paths.ENV_RUNTIME_DIR, str(target))
    paths.runtime_dir()
    assert stat.S_IMODE(target.stat().st_mode) == 0o700


def test_runtime_dir_that_is_a_file_raises_io_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "not-a-dir"
    target.write_text("x")
    monkeypatch.setenv(paths.ENV_RUNTIME_DIR, str(target))
    with pytest.raises(SymphonyIOError) as info:
        paths.runtime_dir()
    assert str(target) in info.value.message
    assert info.value.hint


@posix_only
def test_runtime_dir_owned_by_another_user_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "run"
    target.mkdir(mode=0o700)
    real_stat = Path.stat
    foreign_uid = os.getuid() + 1

    def stat_as_foreign(self: Path, *, follow_symlinks: bool = True) -> os.stat_result:
        result = real_stat(self, follow_symlinks=follow_symlinks)
        if self == target:
            fields = list(result)
            fields[stat.ST_UID] = foreign_uid
            return os.stat_result(fields)
        return result

    # Chowning needs root and a second account; faking the owner is the only portable way to reach this branch.
    monkeypatch.setattr(Path, "stat", stat_as_foreign)
    monkeypatch.setenv(paths.ENV_RUNTIME_DIR, str(target))
    with pytest.raises(PermissionDeniedError) as info:
        paths.runtime_dir()
    assert str(target) in info.value.message
    assert paths.ENV_RUNTIME_DIR in info.value.hint


def test_ensure_dir_creates_missing_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c"
    assert paths.ensure_dir(target) == target
    assert target.is_dir()


def test_ensure_dir_is_idempotent(tmp_path: Path) -> None:
    paths.ensure_dir(tmp_path / "x")
    paths.ensure_dir(tmp_path / "x")
    assert (tmp_path / "x").is_dir()


def test_ensure_dir_on_an_existing_file_says_it_is_not_a_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SymphonyIOError) as info:
        paths.ensure_dir(blocker)
    assert info.value.message == f"{blocker} exists but is not a directory"


def test_ensure_dir_below_a_file_raises_io_error_with_hint(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SymphonyIOError) as info:
        paths.ensure_dir(blocker / "child")
    assert str(blocker / "child") in info.value.message
    assert "SYMPHONY_" in info.value.hint


def test_write_private_file_replaces_atomically_readable_by_the_user_only(tmp_path: Path) -> None:
    from core.paths import write_private_file

    target = tmp_path / "state.json"
    target.write_text("old", encoding="utf-8")
    write_private_file(target, b"new" * 100_000)
    assert target.read_bytes() == b"new" * 100_000
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp file left


def test_write_private_file_failing_leaves_nothing_behind(tmp_path: Path) -> None:
    from core.paths import write_private_file

    with pytest.raises(OSError):
        write_private_file(tmp_path / "missing" / "state.json", b"x")
    assert list(tmp_path.iterdir()) == []
