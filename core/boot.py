"""Phased start-up with rollback: each phase starts in order, and a failure stops what already started.

The app and ``symphony doctor`` both start Symphony through :func:`standard_phases`, so a problem the doctor
finds is the problem start-up would hit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from core.errors import ErrorCode, SymphonyError, UnsupportedError, error_for_code

if TYPE_CHECKING:
    from core.config import ConfigService, Settings

_log = logging.getLogger(__name__)

PhaseAction = Callable[["BootContext"], Awaitable[object] | object]
"""A phase's start or stop: a sync or async callable taking the context; its return value is ignored."""


@dataclass
class BootContext:
    """What start-up has produced so far; phases read earlier results from it and add their own."""

    workspace: Path | None = None
    """The folder Symphony was opened on, if any."""
    settings: Settings | None = None
    """The merged settings, once the config phase has run."""
    config: ConfigService | None = None
    """The settings service (reload, problems, sources), once the config phase has run."""
    log_path: Path | None = None
    """The log file actually in use (may be a temp fallback), once the logging phase has run."""
    services: dict[str, object] = field(default_factory=dict)
    """Core services by name, added by the phases that start them."""


@dataclass(frozen=True)
class BootPhase:
    """One named step of start-up, with an optional ``stop`` that undoes it."""

    name: str
    start: PhaseAction
    stop: PhaseAction | None = None


class BootError(SymphonyError):
    """Start-up failed in a named phase; carries the cause's code and hint when the cause is a SymphonyError.

    Build it with :meth:`from_failure`: for a SymphonyError cause that returns an instance of a subclass that
    also derives from the cause's registered class, so ``except ConfigError`` still catches a config failure
    during boot and ``code`` matches the cause.
    """

    def __init__(
        self,
        message: str,
        *,
        phase: str,
        hint: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, hint=hint, data={"phase": phase, **(data or {})})
        self.phase = phase

    @classmethod
    def from_failure(cls, phase: str, cause: BaseException) -> BootError:
        """The error for ``phase`` failing with ``cause``; the message names both."""
        if isinstance(cause, SymphonyError):
            err_cls = _boot_error_for(cause.code)
            return err_cls(
                f"start-up failed in phase '{phase}': {cause.message}", phase=phase, hint=cause.hint, data=cause.data
            )
        reason = str(cause) or "no details"
        return cls(f"start-up failed in phase '{phase}': {type(cause).__name__}: {reason}", phase=phase)


@cache
def _boot_error_for(code: ErrorCode) -> type[BootError]:
    base = error_for_code(code)
    if base.code is BootError.code:
        return BootError
    return cast(type[BootError], type(f"Boot{base.__name__}", (BootError, base), {"__module__": __name__}))


async def _call(action: PhaseAction, ctx: BootContext) -> None:
    result = action(ctx)
    if isinstance(result, Awaitable):
        await result


class Bootstrapper:
    """Runs phases in order; on failure or shutdown, stops the started ones in reverse order."""

    def __init__(self, phases: Iterable[BootPhase]) -> None:
        self.phases: tuple[BootPhase, ...] = tuple(phases)
        """The phases, in start order."""
        names = [phase.name for phase in self.phases]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"boot phase names must be unique; repeated: {', '.join(duplicates)}")
        self._started: list[BootPhase] = []
        self._ctx: BootContext | None = None

    @property
    def started(self) -> tuple[str, ...]:
        """Names of the phases currently started, in start order."""
        return tuple(phase.name for phase in self._started)

    async def run(self, ctx: BootContext) -> BootContext:
        """Start every phase; if one raises, roll back and raise BootError naming it.

        A cancellation or KeyboardInterrupt also rolls back, then propagates unchanged.
        """
        if self._started:
            raise RuntimeError("Bootstrapper.run called while phases are still started; call shutdown() first")
        self._ctx = ctx
        for phase in self.phases:
            _log.debug("boot phase starting", extra={"phase": phase.name})
            try:
                await _call(phase.start, ctx)
            except Exception as exc:
                error = BootError.from_failure(phase.name, exc)
                _log.error("boot phase failed: %s", error.message, exc_info=exc, extra={"phase": phase.name})
                await self.shutdown()
                raise error from exc
            except BaseException:
                await self.shutdown()
                raise
            self._started.append(phase)
        _log.info("boot complete", extra={"phases": list(self.started)})
        return ctx

    async def shutdown(self) -> None:
        """Stop started phases in reverse order; a failing stop is logged and the others still stop."""
        ctx = self._ctx if self._ctx is not None else BootContext()
        while self._started:
            phase = self._started.pop()
            if phase.stop is None:
                continue
            try:
                await _call(phase.stop, ctx)
            except Exception:
                _log.exception("boot phase failed to stop", extra={"phase": phase.name})


def _preflight(ctx: BootContext) -> None:
    from core.doctor import check_python

    result = check_python()
    if result.status == "fail":
        raise UnsupportedError(result.detail, hint=result.hint)


def _config_phase(workspace: Path | None, cli_overrides: Mapping[str, Any] | None) -> PhaseAction:
    def start(ctx: BootContext) -> None:
        from core.config import ConfigService
        from core.paths import config_dir

        service = ConfigService(workspace, cli_overrides=cli_overrides, config_dir=config_dir())
        ctx.settings = service.load()
        ctx.config = service

    return start


def _logging_phase(log_to_stderr: bool) -> PhaseAction:
    def start(ctx: BootContext) -> None:
        from core.doctor import config_results
        from core.log import configure_logging

        level = ctx.settings.log_level if ctx.settings is not None else "info"
        ctx.log_path = configure_logging(level, stderr=log_to_stderr)
        # Settings problems are found before the log exists; record them now that it does.
        if ctx.config is not None:
            for result in config_results(ctx.config):
                if result.status != "ok":
                    _log.warning("%s (%s)", result.detail, result.hint, extra={"check": result.name})

    return start


def _runtime_dir(ctx: BootContext) -> None:
    from core.paths import runtime_dir

    ctx.services["runtime_dir"] = runtime_dir()


def core_service_phases() -> list[BootPhase]:
    """The phases that start core services, in dependency order, after config and logging.

    This is where later issues register their services (IPC bus, document store, extension host, LSP pool):
    add a BootPhase whose start puts the service in ``ctx.services`` and whose stop closes it.
    """
    return [
        # The IPC layer binds its sockets here, so it must exist and be private before anything listens.
        BootPhase("runtime-dir", _runtime_dir),
    ]


def standard_phases(
    workspace: Path | None,
    cli_overrides: Mapping[str, Any] | None = None,
    *,
    log_to_stderr: bool = False,
) -> list[BootPhase]:
    """Symphony's start-up: preflight -> config -> logging -> core services. Used by the app and the doctor.

    ``log_to_stderr`` is for CLI subcommands; the TUI must leave it False so nothing draws over the screen.
    """
    return [
        BootPhase("preflight", _preflight),
        BootPhase("config", _config_phase(workspace, cli_overrides)),
        BootPhase("logging", _logging_phase(log_to_stderr)),
        *core_service_phases(),
    ]


__all__ = [
    "BootContext",
    "BootError",
    "BootPhase",
    "Bootstrapper",
    "PhaseAction",
    "core_service_phases",
    "standard_phases",
]
