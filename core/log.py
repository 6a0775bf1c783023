"""Structured logging to a rotating JSON-lines file; nothing is ever printed over the TUI.

This module is imported on the start-up path by nearly everything, so it imports only ``logging`` at
module level; the file handler, JSON and path machinery load when :func:`configure_logging` runs.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

LOG_FILE_NAME = "symphony.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 3
LEVELS: dict[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is written out.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_CORE_KEYS = ("ts", "level", "logger", "msg", "exc", "stack")
_ORIGINAL_LAST_RESORT = logging.lastResort
_SILENT_LAST_RESORT = logging.NullHandler()

_log = logging.getLogger(__name__)


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: ts (ISO-8601 UTC), level, logger, msg, ``extra=`` fields, exc/stack text."""

    def format(self, record: logging.LogRecord) -> str:
        import json
        from datetime import UTC, datetime

        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                # An extra that reuses a core key must not hide the real one; keep both.
                payload[f"extra.{key}" if key in _CORE_KEYS else key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            payload["exc"] = record.exc_text
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, ensure_ascii=False, default=repr)


# Handlers Symphony installs on the root logger carry this attribute ("file" or "stderr"), so a later
# configure_logging call finds and replaces them instead of adding duplicates.
_ROLE = "symphony_role"


def _role(handler: logging.Handler) -> str | None:
    return getattr(handler, _ROLE, None)


def _file_handler(path: Path) -> logging.Handler:
    from logging.handlers import RotatingFileHandler

    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setFormatter(JsonLinesFormatter())
    return handler


def _is_foreign_console_handler(handler: logging.Handler) -> bool:
    return (
        isinstance(handler, logging.StreamHandler)
        and not isinstance(handler, logging.FileHandler)
        and _role(handler) is None
    )


def _fallback_dirs() -> list[Path]:
    import tempfile

    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return [Path(tempfile.gettempdir()) / f"symphony-logs-{user}"]


def _open_log_file(directory: Path) -> tuple[Path, logging.Handler]:
    from core.paths import ensure_dir

    ensure_dir(directory)
    path = directory / LOG_FILE_NAME
    return path, _file_handler(path)


def _open_with_fallback(directory: Path) -> tuple[Path, logging.Handler, str | None]:
    """The log file handler for ``directory``, or for a private temp dir if that fails; never raises."""
    import tempfile

    from core.errors import SymphonyError
    from core.paths import PRIVATE_MODE, ensure_dir

    try:
        path, handler = _open_log_file(directory)
        return path, handler, None
    except (OSError, SymphonyError) as exc:
        problem = f"log dir {directory} is unwritable ({exc})"
    for candidate in _fallback_dirs():
        try:
            ensure_dir(candidate, mode=PRIVATE_MODE)
            if hasattr(os, "getuid") and candidate.stat().st_uid != os.getuid():
                continue  # someone else pre-created it: do not write our logs where they can read them
            path, handler = _open_log_file(candidate)
            return path, handler, problem
        except (OSError, SymphonyError):
            continue
    try:
        path, handler = _open_log_file(Path(tempfile.mkdtemp(prefix="symphony-logs-")))
        return path, handler, problem
    except (OSError, SymphonyError) as exc:
        # Nowhere to write at all: run without a log file rather than refuse to start.
        return Path(os.devnull), logging.NullHandler(), f"{problem}; temp dir unwritable too ({exc})"


def configure_logging(level: str = "info", log_dir: Path | None = None, *, stderr: bool = False) -> Path:
    """Route all logging to ``<log_dir>/symphony.log`` (JSON lines, rotating) and return the file's path.

    Console handlers on the root logger are removed, because anything written to the terminal while the TUI
    runs corrupts the screen; ``stderr=True`` adds a plain stderr handler for CLI subcommands instead.
    Calling again changes the level (and the file, if ``log_dir`` differs) without duplicating handlers.
    An unwritable ``log_dir`` falls back to a private temp dir, whose path is returned: start-up never fails
    because of logging. ``log_dir=None`` means :func:`core.paths.log_dir`.
    """
    numeric_level = LEVELS.get(level.lower()) if isinstance(level, str) else None
    if numeric_level is None:
        from core.errors import ConfigError

        raise ConfigError(
            f"unknown log level {level!r}",
            hint=f"Use one of: {', '.join(LEVELS)}.",
            data={"key": "log_level", "value": str(level)},
        )
    if log_dir is None:
        from core.paths import log_dir as default_log_dir

        log_dir = default_log_dir()

    root = logging.getLogger()
    wanted = (log_dir / LOG_FILE_NAME).absolute()
    current = [h for h in root.handlers if _role(h) == "file"]
    log_path: Path | None = None
    problem: str | None = None
    for handler in current:
        base = getattr(handler, "baseFilename", None)
        if base is not None and Path(base) == wanted and log_path is None:
            log_path = wanted
            continue
        root.removeHandler(handler)
        handler.close()
    if log_path is None:
        log_path, new_handler, problem = _open_with_fallback(log_dir)
        setattr(new_handler, _ROLE, "file")
        root.addHandler(new_handler)

    for handler in list(root.handlers):
        if _is_foreign_console_handler(handler) or (not stderr and _role(handler) == "stderr"):
            root.removeHandler(handler)
    if stderr and not any(_role(h) == "stderr" for h in root.handlers):
        console = logging.StreamHandler(sys.stderr)
        setattr(console, _ROLE, "stderr")
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)

    root.setLevel(numeric_level)
    # A logger with propagate=False and no handlers would reach logging.lastResort (stderr), and a failing
    # handler prints its traceback to stderr: both would draw over the TUI.
    logging.lastResort = _ORIGINAL_LAST_RESORT if stderr else _SILENT_LAST_RESORT
    logging.raiseExceptions = stderr
    logging.captureWarnings(True)
    if problem is not None:
        _log.warning("logging to %s instead: %s", log_path, problem, extra={"requested_log_dir": str(log_dir)})
    return log_path


def get_logger(name: str) -> logging.Logger:
    """The logger for ``name`` (pass ``__name__``); a convenience so modules need only ``core.log``."""
    return logging.getLogger(name)


__all__ = [
    "BACKUP_COUNT",
    "LEVELS",
    "LOG_FILE_NAME",
    "MAX_BYTES",
    "JsonLinesFormatter",
    "configure_logging",
    "get_logger",
]
