"""Capability grants: stored per extension, asked for on first use, checked on every capability-bearing call.

The gate lives in core's process (the host only forwards calls), so a compromised host cannot grant itself
anything. An extension may only ever be asked about capabilities its manifest declares; a denial is a
PermissionDeniedError returned to the extension, never a crash.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from filelock import FileLock

from core.errors import ConfigError, PermissionDeniedError
from core.paths import data_dir, ensure_dir
from extensions.kit.files import write_json_atomic
from extensions.kit.manifest import Capability

log = logging.getLogger(__name__)

GRANTS_FORMAT = 1


class Decision(StrEnum):
    """The user's answer to a permission prompt."""

    ALLOW_ONCE = "allow-once"
    """This use only: the call that asked, or, inside a :meth:`PermissionGate.command_scope`, the rest of that
    command (a TODO search reading 300 files asks once); the next use asks again."""
    ALLOW_ALWAYS = "allow-always"
    """Stored: never asked again for this extension and capability."""
    DENY = "deny"
    """Refused, and not asked again until the extension restarts (no prompt storms)."""


@dataclass(frozen=True, slots=True)
class PermissionRequest:
    """What the prompt shows: who wants what, and for which call."""

    extension_id: str
    extension_name: str
    capability: Capability
    reason: str = ""
    """The API call that needs it, e.g. ``workspace.write_file(notes.md)``."""


Prompter = Callable[[PermissionRequest], Awaitable[Decision]]
"""Asks the user; the UI supplies one, tests supply a scripted one."""


def default_grants_path() -> Path:
    """``<data dir>/extensions/permissions.json``."""
    return data_dir() / "extensions" / "permissions.json"


class PermissionStore:
    """The capabilities a user granted for always, per extension, in one JSON file.

    A missing file means nothing is granted. A corrupt one also means nothing is granted (the safe reading) and
    is reported through :attr:`problem`; the next save rewrites it.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_grants_path()
        self.problem: ConfigError | None = None
        """Why the file could not be read, if it could not."""
        self._grants: dict[str, set[Capability]] = self._load()

    def _load(self) -> dict[str, set[Capability]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.problem = ConfigError(
                f"{self.path}: cannot read extension permissions: {exc}",
                hint="Symphony asks again for every capability; granting one rewrites this file.",
                data={"file": str(self.path)},
            )
            return {}
        grants: dict[str, set[Capability]] = {}
        table = raw.get("grants") if isinstance(raw, dict) else None
        if not isinstance(table, dict):
            self.problem = ConfigError(
                f"{self.path}: expected {{'grants': {{extension id: [capabilities]}}}}",
                hint="Symphony asks again for every capability; granting one rewrites this file.",
                data={"file": str(self.path), "key": "grants"},
            )
            return {}
        known = {c.value for c in Capability}
        for ext_id, caps in table.items():
            if isinstance(caps, list):
                grants[str(ext_id)] = {Capability(c) for c in caps if c in known}
        return grants

    def granted(self, extension_id: str) -> frozenset[Capability]:
        """The capabilities granted for always to ``extension_id``."""
        return frozenset(self._grants.get(extension_id, ()))

    def grant(self, extension_id: str, capability: Capability) -> None:
        """Grant ``capability`` to ``extension_id`` for always, and save."""
        with self._locked():
            self._grants.setdefault(extension_id, set()).add(Capability(capability))
            self._write()

    def revoke(self, extension_id: str, capability: Capability | None = None) -> None:
        """Take back one capability, or all of them (on uninstall), and save."""
        with self._locked():
            if capability is None:
                self._grants.pop(extension_id, None)
            else:
                self._grants.get(extension_id, set()).discard(Capability(capability))
            self._write()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # The IDE grants while `symphony ext uninstall` revokes: re-read under a lock so neither loses the other's.
        ensure_dir(self.path.parent)
        with FileLock(self.path.with_name(self.path.name + ".lock"), timeout=30):
            self._grants = self._load()
            yield

    def _write(self) -> None:
        table = {ext: sorted(c.value for c in caps) for ext, caps in sorted(self._grants.items()) if caps}
        write_json_atomic(self.path, {"format": GRANTS_FORMAT, "grants": table})
        self.problem = None


class PermissionGate:
    """Decides each capability-bearing call: stored grant, session denial, or ask the user once."""

    def __init__(self, store: PermissionStore, prompter: Prompter) -> None:
        self.store = store
        self._prompter = prompter
        self._denied: dict[str, set[Capability]] = {}
        self._pending: dict[tuple[str, Capability], asyncio.Future[Decision]] = {}
        self._scopes: dict[str, int] = {}
        self._once: dict[str, set[Capability]] = {}

    @contextmanager
    def command_scope(self, extension_id: str) -> Iterator[None]:
        """While a user-run command of ``extension_id`` runs, "Allow once" covers the rest of it; the answers are
        forgotten when the last such command of the extension ends."""
        self._scopes[extension_id] = self._scopes.get(extension_id, 0) + 1
        try:
            yield
        finally:
            self._scopes[extension_id] -= 1
            if not self._scopes[extension_id]:
                del self._scopes[extension_id]
                self._once.pop(extension_id, None)

    async def check(
        self,
        extension_id: str,
        capability: Capability | str,
        *,
        declared: Iterable[Capability | str],
        extension_name: str = "",
        reason: str = "",
    ) -> None:
        """Return if the call may go ahead; raise PermissionDeniedError (sent back to the extension) if not.

        ``declared`` is the manifest's ``capabilities``: anything else is refused without asking, so an
        extension cannot make the user approve something it never said it would need.
        """
        cap = _capability(capability, extension_id)
        if cap not in {Capability(c) for c in declared}:
            raise PermissionDeniedError(
                f"extension {extension_id!r} used capability {cap.value!r}, which its Symphony.toml does not declare",
                hint=f"Add {cap.value!r} to `capabilities` in the extension's Symphony.toml.",
                data={"extension": extension_id, "capability": cap.value, "reason": "undeclared"},
            )
        if cap in self.store.granted(extension_id) or cap in self._once.get(extension_id, ()):
            return
        if cap in self._denied.get(extension_id, ()):
            raise _denied(extension_id, cap)
        decision = await self._ask(PermissionRequest(extension_id, extension_name or extension_id, cap, reason))
        if decision is Decision.ALLOW_ONCE and extension_id in self._scopes:
            self._once.setdefault(extension_id, set()).add(cap)
        elif decision is Decision.ALLOW_ALWAYS:
            self.store.grant(extension_id, cap)
        elif decision is Decision.DENY:
            self._denied.setdefault(extension_id, set()).add(cap)
            raise _denied(extension_id, cap)

    def reset_session(self, extension_id: str) -> None:
        """Forget this session's denials for an extension (on restart), so it may ask again."""
        self._denied.pop(extension_id, None)
        self._once.pop(extension_id, None)

    async def _ask(self, request: PermissionRequest) -> Decision:
        # Concurrent calls needing the same grant share one prompt: the user answers once.
        key = (request.extension_id, request.capability)
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            try:
                decision = Decision(await self._prompter(request))
            except asyncio.CancelledError:
                raise
            except Exception:
                # A prompt that cannot be shown is a "no": failing closed is the only safe answer.
                log.exception("permission prompt for %s/%s failed; denying", request.extension_id, request.capability)
                decision = Decision.DENY
            # "Allow once" is for the call that asked; callers that piggy-backed on it are allowed too, since
            # the user approved this use right now.
            future.set_result(decision)
            return decision
        finally:
            if not future.done():
                future.cancel()
            self._pending.pop(key, None)


def _capability(value: Capability | str, extension_id: str) -> Capability:
    try:
        return Capability(value)
    except ValueError:
        raise PermissionDeniedError(
            f"extension {extension_id!r} asked for unknown capability {value!r}",
            hint="Known capabilities: " + ", ".join(c.value for c in Capability) + ".",
            data={"extension": extension_id, "capability": str(value), "reason": "unknown"},
        ) from None


def _denied(extension_id: str, capability: Capability) -> PermissionDeniedError:
    return PermissionDeniedError(
        f"the user denied capability {capability.value!r} to extension {extension_id!r}",
        hint="Grant it from the Extensions panel, or restart the extension to be asked again.",
        data={"extension": extension_id, "capability": capability.value, "reason": "denied"},
    )


__all__ = [
    "Decision",
    "PermissionGate",
    "PermissionRequest",
    "PermissionStore",
    "Prompter",
    "default_grants_path",
]
