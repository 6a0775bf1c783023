"""HostSupervisor: starts extension hosts, notices when one crashes, hangs or runs out of memory, restarts it.

Everything here is asyncio on the caller's loop and never waits on a host in a way that blocks it: hosts are
child processes started with a one-time token and talked to over the IPC bus. A dead host (exit, lost heartbeat,
memory limit) marks its extensions CRASHED and is restarted after an exponential backoff; after
``RestartPolicy.max_restarts`` restarts in a minute it is left STOPPED until :meth:`HostSupervisor.restart`
(the "Restart extensions" command). Documents live in core, so no crash can touch a buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import core
from core.errors import ExtensionError, NotFoundError, PermissionDeniedError, SymphonyError, TransportError
from core.extensions import host_protocol as hp
from core.extensions.api import ExtensionApi
from core.extensions.restart_policy import RestartPolicy
from core.extensions.spec import ExtensionSpec, ExtensionStatus, Isolation
from core.ipc.bus import Bus, Connection, ConnectionEvent
from core.ipc.methods import RequestContext
from core.ipc.peer import RpcPeer
from core.ipc.security import TOKEN_ENV
from core.types.document import DocumentMeta

log = logging.getLogger("symphony.extensions")

StatusListener = Callable[[str, ExtensionStatus, SymphonyError | None], None]
"""``listener(extension_id, status, error)`` on every change of an extension's status."""

EXIT_GRACE = 0.5
"""Seconds a host whose connection dropped gets to exit by itself before it is killed as hung."""
_ENV_KEEP = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")
_ids = itertools.count(1)


def minimal_env(token: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The host's environment: locale, paths and Symphony's directories only, plus the token; no secrets."""
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if k in _ENV_KEEP or (k.startswith("SYMPHONY_") and k != TOKEN_ENV)}
    # The host must import `core` and `extensions` from the same tree as we do, installed or not.
    root = str(Path(core.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, source.get("PYTHONPATH", "")) if p)
    env[TOKEN_ENV] = token
    return env


@dataclass(eq=False)
class _Host:
    """One host process and the extensions it runs."""

    identity: str
    specs: dict[str, ExtensionSpec]
    policy: RestartPolicy
    process: asyncio.subprocess.Process | None = None
    peer: RpcPeer | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    active: list[str] = field(default_factory=list)
    """Activated extension ids in activation order; replayed after a restart."""
    stopped: bool = False
    down_reason: str = ""
    """Why we ended the process ourselves (heartbeat lost), so the exit is reported accurately."""
    started_at: float = 0.0
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    events: frozenset[str] | None = None
    """Events its active extensions handle, as the host last reported (None: unknown, send everything)."""


class HostSupervisor:
    """Runs extensions in host processes: spawn, activate, route commands and events, survive crashes."""

    def __init__(
        self,
        specs: Iterable[ExtensionSpec],
        api: ExtensionApi,
        *,
        isolation: Isolation = Isolation.SHARED,
        bus: Bus | None = None,
        socket_path: Path | None = None,
        memory_limit_mb: int | None = 2048,
        policy: Callable[[], RestartPolicy] = RestartPolicy,
        python: str = sys.executable,
        ready_timeout: float = 20.0,
        cpu_budget_ms: float = 1000.0,
        log_file: Path | None = None,
    ) -> None:
        self.specs = {spec.id: spec for spec in specs}
        self.api = api
        self.isolation = Isolation(isolation)
        self.bus = bus if bus is not None else Bus()
        self._socket_path = socket_path
        self.memory_limit_mb = memory_limit_mb
        self.python = python
        self.ready_timeout = ready_timeout
        self.cpu_budget_ms = cpu_budget_ms
        """A command using more CPU than this is logged as over budget."""
        self.log_file = log_file
        self.status: dict[str, ExtensionStatus] = dict.fromkeys(self.specs, ExtensionStatus.INACTIVE)
        self.errors: dict[str, SymphonyError] = {}
        """The last failure of each extension that has one."""
        self.cpu_ms: dict[str, float] = {}
        """CPU time of each extension's last command, as the host measured it."""
        self._listeners: list[StatusListener] = []
        self._commands = {command: spec.id for spec in self.specs.values() for command in spec.commands}
        self._hosts: dict[str, _Host] = {}
        self._host_of: dict[str, _Host] = {}
        groups = (
            [list(self.specs.values())]
            if self.isolation is Isolation.SHARED
            else [[spec] for spec in self.specs.values()]
        )
        for number, group in enumerate(g for g in groups if g):
            identity = "exthost" if self.isolation is Isolation.SHARED else f"exthost-{number + 1}"
            host = _Host(identity, {s.id: s for s in group}, policy())
            self._hosts[identity] = host
            for spec in group:
                self._host_of[spec.id] = host
        self._serving = False
        self._closing = False
        self._tasks: set[asyncio.Task[Any]] = set()
        """Supervisor-level background work (event-driven activations)."""
        self._stderr: IO[bytes] | None = None
        api.commands = self
        api.bus_stats = self.bus.stats
        self._motifs = {motif: spec.id for spec in self.specs.values() for motif in spec.motifs}
        api.install(self.bus.methods, self._resolve)
        self.bus.on_event(self._on_connection)

    # -- lifecycle ----------------------------------------------------------------------------------------

    @property
    def socket_path(self) -> Path:
        """Where the hosts connect."""
        if self._socket_path is None:
            from core.paths import runtime_dir

            self._socket_path = runtime_dir() / f"exthost-{os.getpid()}-{next(_ids)}.sock"
        return self._socket_path

    async def start(self) -> None:
        """Listen for hosts and spawn them; returns at once (hosts connect in the background)."""
        self._closing = False
        if not self._serving:
            await self.bus.serve(self.socket_path)
            self._serving = True
        if self.log_file is not None and self._stderr is None:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._stderr = self.log_file.open("ab")
        for host in self._hosts.values():
            if host.process is None and not host.stopped:
                await self._spawn(host)

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until every host that is not stopped has connected and been configured."""
        waits = [h.ready.wait() for h in self._hosts.values() if not h.stopped]
        await asyncio.wait_for(asyncio.gather(*waits), timeout or self.ready_timeout)

    async def stop(self) -> None:
        """Deactivate extensions politely, then end every host and stop listening."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for host in self._hosts.values():
            await self._end_host(host)
        await self.bus.close()
        self._serving = False
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    async def restart(self) -> None:
        """The "Restart extensions" command: forget crash history and failures, bring every host back up."""
        for host in self._hosts.values():
            host.policy.reset()
            host.stopped = False
            for ext_id in host.specs:
                if self.status[ext_id] in (ExtensionStatus.STOPPED, ExtensionStatus.CRASHED, ExtensionStatus.FAILED):
                    self._set(ext_id, ExtensionStatus.INACTIVE, None)
            if host.process is None:
                await self._spawn(host)

    async def restart_host(self, extension_id: str) -> None:
        """End the host running ``extension_id`` and start it again (its extensions reload their code and the
        ones that were active are activated again); a stopped host comes back with a fresh restart budget."""
        host = self._host_of.get(extension_id)
        if host is None:
            raise NotFoundError(f"no extension {extension_id!r} runs here", data={"extension": extension_id})
        await self._end_host(host)
        host.policy.reset()
        host.stopped = False
        for ext_id in host.specs:
            if self.status[ext_id] in (ExtensionStatus.STOPPED, ExtensionStatus.CRASHED, ExtensionStatus.FAILED):
                self._set(ext_id, ExtensionStatus.INACTIVE, None)
        if not self._closing:
            await self._spawn(host)

    # -- status -------------------------------------------------------------------------------------------

    def on_status(self, listener: StatusListener) -> None:
        """Call ``listener(extension_id, status, error)`` on every status change."""
        self._listeners.append(listener)

    def host_pids(self) -> dict[str, int]:
        """Process id of each running host, by host identity (for `symphony doctor` and tests)."""
        return {i: h.process.pid for i, h in self._hosts.items() if h.process is not None}

    def host_events(self, extension_id: str) -> frozenset[str] | None:
        """The events the host of ``extension_id`` is sent (None until its first activation: all of them)."""
        return self._host_of[extension_id].events

    def host_identity(self, extension_id: str) -> str:
        """Which host runs ``extension_id``."""
        return self._host_of[extension_id].identity

    def _set(self, ext_id: str, status: ExtensionStatus, error: SymphonyError | None) -> None:
        if error is not None:
            self.errors[ext_id] = error
        if self.status.get(ext_id) is status:
            return
        self.status[ext_id] = status
        for listener in list(self._listeners):
            try:
                listener(ext_id, status, error)
            except Exception:
                log.exception("extension status listener failed for %s", ext_id)

    # -- activation, commands, events ---------------------------------------------------------------------

    async def activate(self, event: str) -> list[str]:
        """Fire activation ``event`` (``onStartup``, ``onCommand:ID``, ``onLanguage:ID`` ...); the ids it activated."""
        return await self.activate_ids([s.id for s in self.specs.values() if s.wakes_on(event)])

    async def activate_ids(self, ids: Iterable[str]) -> list[str]:
        """Activate these extensions (and their dependencies first); the ids that became active."""
        order = self._with_dependencies(ids)
        activated: list[str] = []
        for host, group in self._by_host(order):
            if host.stopped:
                continue
            peer = await self._ready_peer(host)
            reply = await peer.request(hp.ACTIVATE, {"ids": group})
            activated += self._record_activation(host, reply)
        return activated

    def _record_activation(self, host: _Host, reply: dict[str, Any]) -> list[str]:
        events = reply.get("events")
        if isinstance(events, list):
            host.events = frozenset(str(e) for e in events)
        for ext_id, error in (reply.get("failed") or {}).items():
            self._set(ext_id, ExtensionStatus.FAILED, SymphonyError.from_dict(error))
        done = [i for i in reply.get("activated") or [] if i in host.specs]
        for ext_id in done:
            if ext_id not in host.active:
                host.active.append(ext_id)
            self._set(ext_id, ExtensionStatus.ACTIVE, None)
        return done

    def _with_dependencies(self, ids: Iterable[str]) -> list[str]:
        order: list[str] = []
        seen: set[str] = set()

        def fail_dependents(chain: tuple[str, ...], dependency: str, problem: str) -> None:
            for dependent in chain:
                self._set(
                    dependent,
                    ExtensionStatus.FAILED,
                    ExtensionError(
                        f"extension {dependent!r} cannot activate: its dependency {dependency!r} {problem}",
                        hint=f"Fix or enable {dependency}, or disable {dependent}.",
                        data={"extension": dependent, "dependency": dependency},
                    ),
                )

        def visit(ext_id: str, chain: tuple[str, ...]) -> bool:
            if ext_id in order:
                return True
            spec = self.specs.get(ext_id)
            if spec is None:
                fail_dependents(chain, ext_id, "is not available")
                return False
            if ext_id in seen:
                fail_dependents(chain, ext_id, "is part of a dependency cycle")
                return False
            if self.status[ext_id] in (ExtensionStatus.FAILED, ExtensionStatus.STOPPED):
                fail_dependents(chain, ext_id, f"is {self.status[ext_id].value}")
                return False
            seen.add(ext_id)
            if all(visit(dep, (*chain, ext_id)) for dep in spec.dependencies):
                order.append(ext_id)
                return True
            return False

        for ext_id in ids:
            visit(ext_id, ())
        return order

    def _by_host(self, order: list[str]) -> list[tuple[_Host, list[str]]]:
        groups: list[tuple[_Host, list[str]]] = []
        for ext_id in order:
            host = self._host_of[ext_id]
            if groups and groups[-1][0] is host:
                groups[-1][1].append(ext_id)
            else:
                groups.append((host, [ext_id]))
        return groups

    def command_owner(self, command_id: str) -> str | None:
        """The id of the extension contributing ``command_id``, if any."""
        return self._commands.get(command_id)

    def owns_command(self, command_id: str) -> bool:
        """Whether an extension contributes ``command_id``."""
        return command_id in self._commands

    async def execute_command(self, command_id: str, *args: Any) -> Any:
        """Run an extension command, activating its extension first if needed; its result."""
        ext_id = self._commands.get(command_id)
        if ext_id is None:
            raise NotFoundError(f"no extension contributes command {command_id!r}", data={"command": command_id})
        host = self._host_of[ext_id]
        if host.stopped:
            raise ExtensionError(
                f"command {command_id!r} is unavailable: the extension host crashed repeatedly and was stopped",
                hint='Run "Restart extensions" to start it again.',
                data={"extension": ext_id, "command": command_id},
            )
        if ext_id not in host.active:
            await self.activate_ids([ext_id])
            if ext_id not in host.active:
                raise self.errors.get(ext_id) or ExtensionError(f"extension {ext_id!r} did not activate")
        peer = await self._ready_peer(host)
        # No deadline: a command may wait on the user (a quick pick); a hung host is caught by its heartbeat.
        params = {"extension": ext_id, "command": command_id, "args": list(args)}
        reply = await peer.request(hp.COMMAND, params, timeout=math.inf)
        cpu_ms = float(reply.get("cpu_ms", 0.0))
        self.cpu_ms[ext_id] = cpu_ms
        if cpu_ms > self.cpu_budget_ms:
            log.warning(
                "extension %s: command %s used %.0f ms of CPU (budget %.0f ms)",
                ext_id,
                command_id,
                cpu_ms,
                self.cpu_budget_ms,
            )
        return reply.get("result")

    def motif_owner(self, motif_id: str) -> str:
        """The id of the extension contributing Motif ``motif_id``; NotFoundError if none does."""
        ext_id = self._motifs.get(motif_id)
        if ext_id is None:
            raise NotFoundError(
                f"no extension contributes Motif {motif_id!r}",
                hint="Check the id against the extensions' contributes.motifs.",
                data={"motif": motif_id},
            )
        return ext_id

    async def open_motif(self, motif_id: str) -> None:
        """Fire ``onMotif:ID``, then have the extension create and show the Motif (its render arrives as
        ``ext/motif.render`` before this returns)."""
        ext_id = self.motif_owner(motif_id)
        host = self._host_of[ext_id]
        if host.stopped:
            raise ExtensionError(
                f"Motif {motif_id} is unavailable: the extension host crashed repeatedly and was stopped",
                hint='Press "Restart" or run "Restart extensions".',
                data={"extension": ext_id, "motif": motif_id},
            )
        if ext_id not in host.active:
            await self.activate(f"onMotif:{motif_id}")
            if ext_id not in host.active:
                await self.activate_ids([ext_id])
            if ext_id not in host.active:
                raise self.errors.get(ext_id) or ExtensionError(f"extension {ext_id!r} did not activate")
        peer = await self._ready_peer(host)
        await peer.request(hp.MOTIF_OPEN, {"extension": ext_id, "motif": motif_id})

    async def close_motif(self, motif_id: str) -> None:
        """The user closed the Motif: core forgets its tree and the extension its instance (if its host runs)."""
        ext_id = self.motif_owner(motif_id)
        self.api.forget_motif(motif_id)
        host = self._host_of[ext_id]
        if host.peer is not None and host.peer.is_open and ext_id in host.active:
            with contextlib.suppress(SymphonyError):
                await host.peer.request(hp.MOTIF_CLOSE, {"extension": ext_id, "motif": motif_id})

    async def motif_event(self, motif_id: str, node_id: int, event: str, value: Any = None) -> bool:
        """Deliver a widget event to the Motif's handler in its host; False when the node was gone."""
        ext_id = self.motif_owner(motif_id)
        peer = await self._ready_peer(self._host_of[ext_id])
        params = {"extension": ext_id, "motif": motif_id, "node": node_id, "event": event, "value": value}
        return bool(await peer.request(hp.MOTIF_EVENT, params))

    def fire_event(
        self, name: str, *, document: DocumentMeta | None = None, data: dict[str, Any] | None = None
    ) -> None:
        """Deliver an editor event without waiting to every running host with an extension that handles it;
        ``document.opened`` also fires ``onLanguage:<language>`` activation."""
        params = {
            "name": name,
            "document": None if document is None else document.model_dump(mode="json"),
            "data": data or {},
        }
        for host in self._hosts.values():
            if host.events is not None and name not in host.events:
                continue
            if host.peer is not None and host.peer.is_open and host.active:
                with contextlib.suppress(SymphonyError):
                    host.peer.notify_nowait(hp.EVENT, params)
        if name == "document.opened" and document is not None:
            event = f"onLanguage:{document.language}"
            if any(s.wakes_on(event) and self.status[s.id] is ExtensionStatus.INACTIVE for s in self.specs.values()):
                task = asyncio.ensure_future(self._activate_quietly(event))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _activate_quietly(self, event: str) -> None:
        try:
            await self.activate(event)
        except SymphonyError as exc:
            log.warning("activation %s failed: %s", event, exc)

    async def ping(self, payload: Any = None, *, extension_id: str | None = None) -> Any:
        """Echo ``payload`` through a host (raw IPC round trip, the benchmark's baseline)."""
        host = self._host_of[extension_id] if extension_id else next(iter(self._hosts.values()))
        peer = await self._ready_peer(host)
        return await peer.request(hp.PING, payload)

    # -- host processes -----------------------------------------------------------------------------------

    def _resolve(self, ctx: RequestContext, extension_id: str) -> ExtensionSpec:
        host = self._hosts.get(ctx.peer.identity or "")
        if host is None or host.peer is not ctx.peer or extension_id not in host.specs:
            raise PermissionDeniedError(
                f"this connection does not host extension {extension_id!r}",
                hint="A host may only call the API for the extensions core assigned to it.",
                data={"extension": extension_id},
            )
        return host.specs[extension_id]

    async def _ready_peer(self, host: _Host) -> RpcPeer:
        if not host.ready.is_set():
            if host.stopped:
                raise ExtensionError(f"extension host {host.identity} is stopped", hint='Run "Restart extensions".')
            try:
                await asyncio.wait_for(host.ready.wait(), self.ready_timeout)
            except TimeoutError:
                raise ExtensionError(
                    f"extension host {host.identity} did not start within {self.ready_timeout:.0f} s",
                    hint="See the extension host log; `symphony doctor` checks the Python environment.",
                ) from None
        if host.peer is None:
            raise TransportError(f"extension host {host.identity} is not connected")
        return host.peer

    async def _spawn(self, host: _Host) -> None:
        token = self.bus.issue_token(host.identity)
        args = [self.python, "-m", hp.HOST_MODULE, "--socket", str(self.socket_path), "--name", host.identity]
        if self.memory_limit_mb is not None:
            args += ["--memory-limit-mb", str(self.memory_limit_mb)]
        host.ready.clear()
        host.down_reason = ""
        host.started_at = time.monotonic()
        try:
            process = await asyncio.create_subprocess_exec(
                *args,
                env=minimal_env(token.hex),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=self._stderr if self._stderr is not None else None,
                start_new_session=sys.platform != "win32",
            )
        except OSError as exc:
            self.bus.tokens.revoke(host.identity)
            raise ExtensionError(
                f"cannot start the extension host ({self.python}): {exc.strerror or exc}",
                hint="Check that Symphony's Python interpreter still exists.",
            ) from exc
        host.process = process
        self._background(host, self._watch(host, process))

    def _background(self, host: _Host, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        host.tasks.add(task)
        task.add_done_callback(host.tasks.discard)

    def _on_connection(self, event: ConnectionEvent, conn: Connection) -> None:
        host = self._hosts.get(conn.identity or "")
        if host is None or event is not ConnectionEvent.AUTHENTICATED:
            return
        host.peer = conn.peer
        conn.peer.add_close_callback(lambda reason: self._connection_lost(host, conn.peer, reason))
        self._background(host, self._configure(host, conn.peer))

    async def _configure(self, host: _Host, peer: RpcPeer) -> None:
        try:
            await peer.request(hp.CONFIGURE, {"extensions": [s.model_dump(mode="json") for s in host.specs.values()]})
            replay = list(host.active)
            if replay:
                self._record_activation(host, await peer.request(hp.ACTIVATE, {"ids": replay}))
        except SymphonyError as exc:
            log.warning("extension host %s: configuring failed: %s", host.identity, exc)
            return
        if host.peer is peer:
            host.ready.set()

    def _connection_lost(self, host: _Host, peer: RpcPeer, reason: SymphonyError | None) -> None:
        if host.peer is peer:
            host.peer = None
            host.ready.clear()
        process = host.process
        if process is not None and process.returncode is None and not self._closing:
            self._background(host, self._end_if_hung(host, process, reason))

    async def _end_if_hung(
        self, host: _Host, process: asyncio.subprocess.Process, reason: SymphonyError | None
    ) -> None:
        # A dying process closes its socket just before it can be reaped: give it a moment to exit by itself,
        # so the exit status (memory limit, signal) is what gets reported.
        try:
            await asyncio.wait_for(asyncio.shield(process.wait()), EXIT_GRACE)
        except TimeoutError:
            # Silent for too long (heartbeat) or a protocol fault: the process cannot be trusted to recover.
            host.down_reason = f"stopped answering ({reason.message if reason else 'connection closed'})"
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    async def _watch(self, host: _Host, process: asyncio.subprocess.Process) -> None:
        code = await process.wait()
        if host.process is not process:
            return
        host.process = None
        host.ready.clear()
        if self._closing or host.down_reason == "stopping":
            return
        if host.down_reason:
            why = host.down_reason
        elif code == hp.EXIT_MEMORY:
            why = f"exceeded its memory limit of {self.memory_limit_mb} MiB"
        elif code < 0:
            why = f"was killed by signal {_signal_name(-code)}"
        else:
            why = f"exited with status {code}"
        uptime = time.monotonic() - host.started_at
        self.api.forget_motifs(host.specs)
        log.warning("extension host %s %s after %.1f s", host.identity, why, uptime)
        crashed = ExtensionError(
            f"the extension host {why}",
            hint="Symphony restarts it; if it keeps crashing, disable the extension that causes it.",
            data={"host": host.identity, "exit_status": code},
        )
        delay = host.policy.next_delay()
        if delay is None:
            host.stopped = True
            stopped = ExtensionError(
                f"the extension host {why}, and crashed too often: it stays stopped",
                hint='Run "Restart extensions" to start it again, or disable the failing extension.',
                data={"host": host.identity, "exit_status": code},
            )
            for ext_id in host.specs:
                if self.status[ext_id] is not ExtensionStatus.FAILED:
                    self._set(ext_id, ExtensionStatus.STOPPED, stopped)
            return
        for ext_id in host.active:
            self._set(ext_id, ExtensionStatus.CRASHED, crashed)
        await asyncio.sleep(delay)
        if not self._closing and not host.stopped and host.process is None:
            try:
                await self._spawn(host)
            except ExtensionError as exc:
                log.error("%s", exc)

    async def _end_host(self, host: _Host) -> None:
        process = host.process
        host.down_reason = "stopping"
        peer = host.peer
        if peer is not None and peer.is_open:
            with contextlib.suppress(SymphonyError):
                await peer.request(hp.DEACTIVATE, None, timeout=2.0)
            with contextlib.suppress(SymphonyError):
                await peer.close()
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), 2.0)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        for task in list(host.tasks):
            task.cancel()
        await asyncio.gather(*host.tasks, return_exceptions=True)
        host.process = None
        host.peer = None
        host.ready.clear()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


__all__ = ["HostSupervisor", "StatusListener", "minimal_env"]
