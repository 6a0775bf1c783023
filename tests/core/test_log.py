"""Specification of core.log: JSON-lines file logging that never writes to the terminal."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import log
from core.errors import ConfigError


@pytest.fixture(autouse=True)
def restore_root_logger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """configure_logging mutates process-wide state; put it back so other tests see pytest's logging."""
    monkeypatch.setenv("SYMPHONY_LOG_DIR", str(tmp_path / "default-logs"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    last_resort, raise_exceptions = logging.lastResort, logging.raiseExceptions
    capturing = logging._warnings_showwarning is not None  # type: ignore[attr-defined]
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.lastResort, logging.raiseExceptions = last_resort, raise_exceptions
    logging.captureWarnings(capturing)


def read_records(path: Path) -> list[dict[str, Any]]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_records_are_json_lines_with_core_fields_and_extras(tmp_path: Path) -> None:
    path = log.configure_logging("info", tmp_path)
    log.get_logger("core.test").info("opened %s", "a.py", extra={"document": "a.py", "version": 3})

    assert path == tmp_path / "symphony.log"
    (record,) = read_records(path)
    assert record["level"] == "info"
    assert record["logger"] == "core.test"
    assert record["msg"] == "opened a.py"
    assert record["document"] == "a.py"
    assert record["version"] == 3
    assert record["ts"].endswith("+00:00")


def test_exception_info_is_written_as_a_string(tmp_path: Path) -> None:
    path = log.configure_logging("info", tmp_path)
    try:
        raise RuntimeError("disk on fire")
    except RuntimeError:
        log.get_logger("core.test").exception("save failed")

    (record,) = read_records(path)
    assert isinstance(record["exc"], str)
    assert "RuntimeError: disk on fire" in record["exc"]


def test_extra_named_like_a_core_field_does_not_replace_it(tmp_path: Path) -> None:
    path = log.configure_logging("info", tmp_path)
    log.get_logger("core.test").info("hello", extra={"level": "fake", "ts": "fake"})

    (record,) = read_records(path)
    assert record["level"] == "info"
    assert record["extra.level"] == "fake"
    assert record["ts"] != "fake"


def test_unserialisable_extras_are_written_as_their_repr(tmp_path: Path) -> None:
    path = log.configure_logging("info", tmp_path)
    log.get_logger("core.test").info("hello", extra={"path": Path("/x"), "items": {1, 2}})

    (record,) = read_records(path)
    assert record["path"] == repr(Path("/x"))
    assert record["items"] == repr({1, 2})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=st.text(), extras=st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True), json_values))
def test_any_message_and_json_extras_round_trip_through_the_formatter(
    message: str, extras: dict[str, Any], tmp_path: Path
) -> None:
    reserved = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName", "ts", "level", "logger"}
    extras = {k: v for k, v in extras.items() if k not in reserved}
    record = logging.makeLogRecord({"name": "x", "levelno": logging.INFO, "levelname": "INFO", "msg": message})
    record.__dict__.update(extras)

    line = log.JsonLinesFormatter().format(record)

    assert "\n" not in line
    decoded = json.loads(line)
    assert decoded["msg"] == message
    assert {k: decoded[k] for k in extras} == extras


def test_level_filters_records_below_it(tmp_path: Path) -> None:
    path = log.configure_logging("warning", tmp_path)
    logger = log.get_logger("core.test")
    logger.info("hidden")
    logger.warning("shown")

    assert [r["msg"] for r in read_records(path)] == ["shown"]


def test_reconfiguring_changes_level_without_duplicating_handlers(tmp_path: Path) -> None:
    log.configure_logging("warning", tmp_path)
    handlers_before = list(logging.getLogger().handlers)
    path = log.configure_logging("debug", tmp_path)
    log.get_logger("core.test").debug("once")

    assert logging.getLogger().handlers == handlers_before
    assert [r["msg"] for r in read_records(path)] == ["once"]


def test_reconfiguring_with_another_dir_moves_the_file(tmp_path: Path) -> None:
    first = log.configure_logging("info", tmp_path / "one")
    second = log.configure_logging("info", tmp_path / "two")
    log.get_logger("core.test").info("after move")

    assert second == tmp_path / "two" / "symphony.log"
    assert read_records(first) == []
    assert [r["msg"] for r in read_records(second)] == ["after move"]
    log_files = [h.baseFilename for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler)]
    assert [f for f in log_files if f.endswith("symphony.log")] == [str(second)]


def test_default_dir_comes_from_symphony_log_dir(tmp_path: Path) -> None:
    assert log.configure_logging("info") == tmp_path / "default-logs" / "symphony.log"


def test_unknown_level_is_a_config_error_listing_valid_levels(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        log.configure_logging("verbose", tmp_path)
    assert "'verbose'" in info.value.message
    assert "debug, info, warning, error" in info.value.hint


def test_unwritable_log_dir_falls_back_to_a_temp_dir_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    path = log.configure_logging("info", blocker / "logs")

    assert path.name == "symphony.log"
    assert temp_root in path.parents
    (record,) = read_records(path)
    assert record["level"] == "warning"
    assert str(blocker / "logs") in record["msg"]
    assert record["requested_log_dir"] == str(blocker / "logs")


def test_with_no_writable_dir_anywhere_logging_is_dropped_instead_of_failing_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))

    path = log.configure_logging("info", blocker / "logs")
    log.get_logger("core.test").error("goes nowhere")

    assert path == Path(os.devnull)
    assert log.configure_logging("info", tmp_path / "ok") == tmp_path / "ok" / "symphony.log"
    assert [r["msg"] for r in read_records(tmp_path / "ok" / "symphony.log")] == []
    ours = [h for h in logging.getLogger().handlers if getattr(h, "symphony_role", None) == "file"]
    assert [type(h).__name__ for h in ours] == ["RotatingFileHandler"]


def test_nothing_reaches_stdout_or_stderr_without_stderr_flag(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    logging.getLogger().addHandler(logging.StreamHandler(sys.stderr))
    log.configure_logging("debug", tmp_path)
    isolated = logging.getLogger("core.isolated")
    isolated.propagate = False
    try:
        log.get_logger("core.test").error("loud")
        isolated.error("no handlers and no propagation")
        warnings.warn("deprecated thing", DeprecationWarning, stacklevel=1)
    finally:
        isolated.propagate = True

    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_warnings_are_captured_into_the_log(tmp_path: Path) -> None:
    path = log.configure_logging("info", tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("old api", UserWarning, stacklevel=1)

    (record,) = read_records(path)
    assert record["logger"] == "py.warnings"
    assert "old api" in record["msg"]


def test_stderr_flag_adds_exactly_one_plain_stderr_handler(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    log.configure_logging("info", tmp_path, stderr=True)
    log.configure_logging("info", tmp_path, stderr=True)
    log.get_logger("core.cli").warning("heads up")

    err = capfd.readouterr().err
    assert err.count("heads up") == 1
    assert "WARNING core.cli: heads up" in err


def test_switching_stderr_off_removes_the_stderr_handler(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    log.configure_logging("info", tmp_path, stderr=True)
    log.configure_logging("info", tmp_path, stderr=False)
    log.get_logger("core.cli").warning("quiet now")

    assert capfd.readouterr().err == ""


def test_importing_core_log_pulls_in_no_heavy_modules() -> None:
    code = "import sys, core.log; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ}
        ).stdout.split()
    )
    assert "core.log" in loaded
    assert loaded.isdisjoint({"json", "logging.handlers", "platformdirs", "pydantic", "core.paths", "asyncio"})
