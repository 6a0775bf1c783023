"""HostRuntime: the extensions one host process runs, and the ``host/*`` methods core calls on it.

Extensions are imported only when core asks to activate them (lazily, by activation event), each under its own
package name. A failing ``activate``, command or event handler becomes an ExtensionError for that extension
alone; only running out of memory ends the process (with EXIT_MEMORY, so core can say why).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from core.errors import ExtensionError, InvalidParamsError, NotFoundError, SymphonyError
from core.extensions import host_protocol as hp
from core.extensions.spec import ExtensionSpec
from core.ipc.methods import MethodTable, RequestContext
from core.types.document import DocumentMeta
from extensions.host.remote_context import RemoteContext
from extensions.sdk.context import Event
from extensions.sdk.extension import Extension
from extensions.sdk.loading import load_extension_class, unload

log = logging.getLogger("symphony.exthost")

DEACTIVATE_TIMEOUT = 2.0
"""Seconds each extension gets to deactivate before the host moves on."""


def _out_of_memory() -> None:
    # The interpreter may be unable to do anything useful now; leave at once with the agreed status.
    os._exit(hp.EXIT_MEMORY)


def _plain(value: Any) -> Any:
    """A command result as IPC can carry it (pydantic models and dataclasses become their JSON form)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@dataclass(slots=True)
class ActiveExtension:
    """An extension whose ``activate`` succeeded."""

    spec: ExtensionSpec
    instance: Extension


class HostRuntime:
    """Loads, activates and runs extensions on behalf of core."""

    def __init__(self) -> None:
        self.specs: dict[str, ExtensionSpec] = {}
        self.active: dict[str, ActiveExtension] = {}
        """Activated extensions in activation order."""
        self.methods = MethodTable()
        self._activating: dict[str, asyncio.Future[None]] = {}
        self._event_tasks: set[asyncio.Task[None]] = set()
        self.methods.add(hp.CONFIGURE, self.configure)
        self.methods.add(hp.ACTIVATE, self.activate)
        self.methods.add(hp.COMMAND, self.command)
        self.methods.add(hp.PING, self.ping)
        self.methods.add(hp.DEACTIVATE, self.deactivate_all)
        self.methods.add(hp.MOTIF_OPEN, self.motif_open)
        self.methods.add(hp.MOTIF_EVENT, self.motif_event)
        self.methods.add(hp.MOTIF_CLOSE, self.motif_close)
        self.methods.add_notification(hp.EVENT, self.event)

    def configure(self, params: Any) -> int:
        """Learn the extensions this host may run (nothing is imported yet)."""
        raw = params.get("extensions") if isinstance(params, dict) else None
        if not isinstance(raw, list):
            raise InvalidParamsError(f"{hp.CONFIGURE} needs {{'extensions': [spec, ...]}}")
        self.specs = {spec.id: spec for spec in (ExtensionSpec.model_validate(s) for s in raw)}
        return len(self.specs)

    async def activate(self, params: Any, ctx: RequestContext) -> dict[str, Any]:
        """Activate extensions by id, dependencies hosted here first: ``{activated, failed: {id: error}, events}``."""
        ids = params.get("ids") if isinstance(params, dict) else None
        if not isinstance(ids, list):
            raise InvalidParamsError(f"{hp.ACTIVATE} needs {{'ids': [extension id, ...]}}")
        activated: list[str] = []
        failed: dict[str, Any] = {}
        for ext_id in ids:
            try:
                await self._activate_one(str(ext_id), ctx, ())
            except SymphonyError as exc:
                failed[str(ext_id)] = exc.to_dict()
            else:
                activated.append(str(ext_id))
        # The events the active extensions handle, so core sends this host only those (a keystroke need not
        # cross the process boundary for extensions that never look at document.changed).
        events = sorted({name for active in self.active.values() for name in type(active.instance).events})
        return {"activated": activated, "failed": failed, "events": events}

    async def _activate_one(self, ext_id: str, ctx: RequestContext, chain: tuple[str, ...]) -> None:
        if ext_id in self.active:
            return
        pending = self._activating.get(ext_id)
        if pending is not None:  # a concurrent activation of the same extension: share it
            await asyncio.shield(pending)
            return
        spec = self.specs.get(ext_id)
        if spec is None or ext_id in chain:
            raise NotFoundError(f"this host does not run extension {ext_id!r}", data={"extension": ext_id})
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._activating[ext_id] = future
        try:
            for dependency in spec.dependencies:
                if dependency in self.specs:
                    await self._activate_one(dependency, ctx, (*chain, ext_id))
            instance = self._load(spec)
            instance.ctx = RemoteContext(ctx.peer, ext_id)
            try:
                await instance.activate(instance.ctx)
            except MemoryError:
                _out_of_memory()
            except Exception as exc:
                unload(ext_id)
                raise ExtensionError(
                    f"extension {ext_id} failed to activate: {type(exc).__name__}: {exc}",
                    hint=f"Fix {spec.folder}/{spec.entry.partition(':')[0]}.py; other extensions keep running.",
                    data={"extension": ext_id},
                ) from exc
            self.active[ext_id] = ActiveExtension(spec, instance)
            future.set_result(None)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters get it through shield
            raise
        finally:
            self._activating.pop(ext_id, None)

    def _load(self, spec: ExtensionSpec) -> Extension:
        try:
            cls = load_extension_class(Path(spec.folder), spec.entry, spec.id)
            return cls()
        except MemoryError:
            _out_of_memory()
            raise
        except SymphonyError:
            raise
        except Exception as exc:
            unload(spec.id)
            raise ExtensionError(
                f"extension {spec.id}: creating {spec.entry} failed: {type(exc).__name__}: {exc}",
                data={"extension": spec.id},
            ) from exc

    async def command(self, params: Any, ctx: RequestContext) -> dict[str, Any]:
        """Run one command of an extension (activating it if needed); ``{result, cpu_ms}``."""
        if not isinstance(params, dict) or not isinstance(params.get("command"), str):
            raise InvalidParamsError(f"{hp.COMMAND} needs {{'extension', 'command', 'args'}}")
        ext_id = str(params.get("extension"))
        command_id = params["command"]
        args = params.get("args") or []
        await self._activate_one(ext_id, ctx, ())
        instance = self.active[ext_id].instance
        started = time.thread_time()
        try:
            result = await instance.run_command(command_id, *args)
        except MemoryError:
            _out_of_memory()
            raise
        except SymphonyError:
            raise
        except Exception as exc:
            log.exception("extension %s: command %s failed", ext_id, command_id)
            raise ExtensionError(
                f"command {command_id!r} of extension {ext_id} failed: {type(exc).__name__}: {exc}",
                data={"extension": ext_id, "command": command_id},
            ) from exc
        return {"result": _plain(result), "cpu_ms": (time.thread_time() - started) * 1000.0}

    async def motif_open(self, params: Any, ctx: RequestContext) -> None:
        """Create a contributed Motif with its extension's factory and show it (activating the extension)."""
        ext_id, motif_id = self._motif_params(params)
        await self._activate_one(ext_id, ctx, ())
        instance = self.active[ext_id].instance
        try:
            motif = instance.create_motif(motif_id)
            await instance.ctx.motif.show(motif)
        except MemoryError:
            _out_of_memory()
        except SymphonyError:
            raise
        except Exception as exc:
            raise ExtensionError(
                f"Motif {motif_id} of extension {ext_id} failed to open: {type(exc).__name__}: {exc}",
                data={"extension": ext_id, "motif": motif_id},
            ) from exc

    def motif_close(self, params: Any) -> None:
        """The user closed a Motif: its extension forgets the instance."""
        ext_id, motif_id = self._motif_params(params)
        active = self.active.get(ext_id)
        if active is not None:
            active.instance.ctx.motif.closed(motif_id)

    async def motif_event(self, params: Any, ctx: RequestContext) -> bool:
        """Run the handler of a widget event; False when the Motif or node is gone (the event raced a patch)."""
        ext_id, motif_id = self._motif_params(params)
        active = self.active.get(ext_id)
        motif = active.instance.ctx.motif.shown(motif_id) if active is not None else None
        if motif is None:
            raise NotFoundError(
                f"Motif {motif_id} is not shown by extension {ext_id}",
                hint="Open the Motif again.",
                data={"extension": ext_id, "motif": motif_id},
            )
        node, event = params.get("node"), params.get("event")
        if not isinstance(node, int) or not isinstance(event, str):
            raise InvalidParamsError(f"{hp.MOTIF_EVENT} needs an integer 'node' and a string 'event'")
        try:
            return await motif.handle_event(node, event, params.get("value"))
        except MemoryError:
            _out_of_memory()
            raise

    @staticmethod
    def _motif_params(params: Any) -> tuple[str, str]:
        if (
            not isinstance(params, dict)
            or not isinstance(params.get("extension"), str)
            or not isinstance(params.get("motif"), str)
        ):
            raise InvalidParamsError("Motif requests need {'extension', 'motif'}")
        return params["extension"], params["motif"]

    def event(self, params: Any) -> None:
        """Deliver an editor event to the active extensions that handle it, each in its own task."""
        if not isinstance(params, dict) or not isinstance(params.get("name"), str):
            return
        document = params.get("document")
        event = Event(
            name=params["name"],
            document=None if document is None else DocumentMeta.model_validate(document),
            data=params.get("data") or {},
        )
        for ext_id, active in self.active.items():
            if event.name in type(active.instance).events:
                task = asyncio.ensure_future(self._dispatch(ext_id, active.instance, event))
                self._event_tasks.add(task)
                task.add_done_callback(self._event_tasks.discard)

    async def _dispatch(self, ext_id: str, instance: Extension, event: Event) -> None:
        try:
            await instance.dispatch_event(event)
        except MemoryError:
            _out_of_memory()
        except Exception as exc:
            log.warning("extension %s: %s", ext_id, exc)

    def ping(self, params: Any) -> Any:
        """Echo: the raw round trip the benchmark compares commands with."""
        return params

    async def deactivate_all(self, params: Any) -> list[str]:
        """Deactivate and unload every extension, last activated first, before an orderly stop."""
        done: list[str] = []
        for ext_id in reversed(list(self.active)):
            active = self.active.pop(ext_id)
            try:
                await asyncio.wait_for(active.instance.deactivate(), DEACTIVATE_TIMEOUT)
            except Exception as exc:
                log.warning("extension %s: deactivate failed: %s", ext_id, exc)
            unload(ext_id)
            done.append(ext_id)
        return done


__all__ = ["ActiveExtension", "HostRuntime"]
