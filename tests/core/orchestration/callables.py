"""Callables that test workflows call by ``module:function``; importable by worker processes and Dask workers."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def add(a: float, b: float) -> float:
    """Sum of two inputs."""
    return a + b


def shout(text: str) -> str:
    """Upper-cased text."""
    return text.strip().upper()


def split_words(text: str) -> dict[str, Any]:
    """Two outputs at once: the words and how many."""
    words = text.split()
    return {"words": words, "count": len(words)}


def noop() -> None:
    """Does nothing (engine overhead measurements)."""


def fail_until(marker: str, succeed_on: int) -> str:
    """Fail until called ``succeed_on`` times; attempts are counted in the file ``marker``."""
    path = Path(marker)
    count = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(count))
    if count < succeed_on:
        raise RuntimeError(f"attempt {count} fails on purpose")
    return f"ok after {count}"


def append_line(log: str, line: str, delay: float = 0.0) -> str:
    """Append ``line`` to the file ``log`` (to count how often a node really ran), after ``delay`` seconds."""
    if delay:
        time.sleep(delay)
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return line


def sleep_then_write_pid(seconds: float, pid_file: str) -> int:
    """Write this process's pid, then sleep (to check that timeouts kill the worker)."""
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(seconds)
    return os.getpid()


def worker_pid() -> int:
    """The pid of the process running the call."""
    return os.getpid()


def chatty(name: str) -> str:
    """Prints and logs, as real node code does."""
    import logging
    import sys

    print(f"hello {name}")
    print("a warning on stderr", file=sys.stderr)
    logging.getLogger("chatty").info("processed %s", name)
    return name.upper()


def chatty_then_fail() -> None:
    """Logs, then raises: the log and the traceback must both reach the run."""
    import logging

    logging.getLogger("chatty").warning("about to fail")
    raise RuntimeError("disk full")
