"""Background work (watcher batches, git refreshes, cursor-following timers) can outlive the widgets it updates:
at quit, the workbench's widgets go while a git call is still answering. Such late updates are dropped."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from textual.css.query import NoMatches

F = TypeVar("F", bound=Callable[..., Any])


def drop_when_unmounted(function: F) -> F:
    """Run ``function``; if the widgets it looks up are gone (the app is closing), do nothing instead of failing."""
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await function(*args, **kwargs)
            except NoMatches:
                return None

        return run_async  # type: ignore[return-value]

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except NoMatches:
            return None

    return run  # type: ignore[return-value]
