"""The core side of the extension API: one handler per ``ext/*`` method, each checked before it runs.

Every request from a host names the extension making it; the supervisor vouches that the host runs that
extension, then :meth:`ExtensionApi.call` asks the capability gate for the method's capability (from the SDK's
method table, handed over as data) and only then touches files, documents or the UI. This check is the real
security boundary: Python cannot sandbox the host, but the host can do nothing through core unchecked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from core.errors import (
    InvalidParamsError,
    MethodNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    SymphonyIOError,
    ValidationError,
)
from core.extensions.ports import CapabilityGate, MotifPort, UiPort
from core.extensions.spec import ExtensionSpec
from core.ipc.methods import MethodTable, RequestContext
from core.types.document import LineEnding
from core.types.text import TextEdit
from core.vdom import SCHEMA_VERSION, WireTree

RPC_PREFIX = "ext/"
"""Host-to-core API requests are ``ext/<namespace.method>`` (extensions.sdk.api.ApiMethod.rpc_name)."""

Handler = Callable[[ExtensionSpec, dict[str, Any]], Awaitable[Any]]
Resolver = Callable[[RequestContext, str], ExtensionSpec]
"""Maps (the connection a request came on, the extension id it names) to the spec, or refuses."""


class CommandRouter(Protocol):
    """Runs extension commands (the supervisor); everything else goes to the app's command registry."""

    def owns_command(self, command_id: str) -> bool:
        """Whether an extension contributes ``command_id``."""

    async def execute_command(self, command_id: str, *args: Any) -> Any:
        """Run an extension command in its host."""


def _text(params: dict[str, Any], key: str, default: str | None = None) -> str:
    value = params.get(key, default)
    if not isinstance(value, str):
        raise InvalidParamsError(f"parameter {key!r} must be a string, got {value!r}", data={"param": key})
    return value


def _optional_text(params: dict[str, Any], key: str) -> str | None:
    value = params.get(key)
    return None if value is None else _text(params, key)


class ExtensionApi:
    """Implements the ``ext/*`` methods against a UiPort, the workspace folder and per-extension storage."""

    def __init__(
        self,
        *,
        ui: UiPort,
        gate: CapabilityGate,
        capabilities: Mapping[str, str | None],
        workspace_root: Path | None = None,
        storage_dir: Path | None = None,
        user_settings: Callable[[str], Mapping[str, Any]] | None = None,
    ) -> None:
        self.ui = ui
        self.gate = gate
        self.capabilities = dict(capabilities)
        """API method name (``workspace.read_text``) -> capability it needs; the SDK's table, as data."""
        self.workspace_root = workspace_root
        self.storage_dir = storage_dir
        self._user_settings = user_settings
        self.commands: CommandRouter | None = None
        """Set by the supervisor so ``commands.execute`` reaches other extensions' commands."""
        self._terminals: dict[str, set[str]] = {}
        self._installed: list[tuple[MethodTable, Resolver]] = []
        self._storage_locks: dict[str, asyncio.Lock] = {}
        self._handlers: dict[str, Handler] = {
            "workspace.list_files": self._list_files,
            "workspace.find_files": self._find_files,
            "workspace.read_text": self._read_text,
            "workspace.write_text": self._write_text,
            "editor.active_document": self._active_document,
            "editor.get_text": self._get_text,
            "editor.get_selections": self._get_selections,
            "editor.apply_edits": self._apply_edits,
            "window.notify": self._notify,
            "window.quick_pick": self._quick_pick,
            "window.input_box": self._input_box,
            "window.progress": self._progress,
            "status_bar.set_item": self._set_status_item,
            "status_bar.remove_item": self._remove_status_item,
            "settings.get": self._settings_get,
            "storage.get": self._storage_get,
            "storage.set": self._storage_set,
            "storage.delete": self._storage_delete,
            "storage.keys": self._storage_keys,
            "log.write": self._log_write,
            "terminal.create": self._terminal_create,
            "terminal.write": self._terminal_write,
            "commands.execute": self._commands_execute,
            "motif.render": self._motif_render,
            "motif.patch": self._motif_patch,
            "ipc.metrics": self._ipc_metrics,
        }
        self.motifs: MotifPort | None = None
        """Where shown Motifs go (the app's placements); None in a UI-less core, which refuses them."""
        self.bus_stats: Callable[[], dict[str, dict[str, Any]]] | None = None
        """Set by the supervisor: the IPC bus's per-connection metrics (``ipc.metrics``)."""
        self._motif_trees: dict[str, tuple[str, WireTree, int]] = {}

    @property
    def methods(self) -> list[str]:
        """API methods both the SDK's table and this core implement; only these are served."""
        return sorted(set(self._handlers) & set(self.capabilities))

    def install(self, table: MethodTable, resolve: Resolver) -> None:
        """Register ``ext/<method>`` handlers on ``table`` (the bus's), each resolving the calling extension."""
        self._installed.append((table, resolve))
        for name in self.methods:
            table.add(RPC_PREFIX + name, self._rpc_handler(name, resolve))

    def add_method(self, name: str, handler: Handler) -> None:
        """Serve one more API method (one the SDK's table names, e.g. ``motif.render`` from the UI), checked like
        the rest; tables already installed get it too. Raises MethodNotFoundError for a name not in the table."""
        if name not in self.capabilities:
            raise MethodNotFoundError(
                f"the extension API table has no method {name!r}",
                hint="Add it to extensions.sdk.api first: the table decides what extensions may call.",
                data={"method": name},
            )
        fresh = name not in self._handlers
        self._handlers[name] = handler
        if fresh:
            for table, resolve in self._installed:
                table.add(RPC_PREFIX + name, self._rpc_handler(name, resolve))

    def _rpc_handler(self, name: str, resolve: Resolver) -> Callable[[Any, RequestContext], Awaitable[Any]]:
        async def handle(params: Any, ctx: RequestContext) -> Any:
            if not isinstance(params, dict) or not isinstance(params.get("extension"), str):
                raise InvalidParamsError(
                    f"{ctx.method}: params must be an object naming the calling 'extension'",
                    data={"method": ctx.method},
                )
            return await self.call(resolve(ctx, params["extension"]), name, params)

        return handle

    async def call(self, spec: ExtensionSpec, method: str, params: dict[str, Any]) -> Any:
        """Check ``method``'s capability for ``spec``'s extension, then run it."""
        handler = self._handlers.get(method)
        if handler is None or method not in self.capabilities:
            raise MethodNotFoundError(f"the extension API has no method {method!r}", data={"method": method})
        capability = self.capabilities[method]
        if capability is not None:
            detail = next((params[k] for k in ("path", "glob", "folder", "name") if isinstance(params.get(k), str)), "")
            await self.gate.check(
                spec.id,
                capability,
                declared=spec.capabilities,
                extension_name=spec.name,
                reason=f"{method}({detail})" if detail else method,
            )
        return await handler(spec, params)

    # -- workspace --------------------------------------------------------------------------------------------

    def _root(self) -> Path:
        if self.workspace_root is None:
            raise NotFoundError("no folder is open", hint="Open a folder before running this extension command.")
        return self.workspace_root

    def _path(self, spec: ExtensionSpec, relative: str) -> Path:
        root = self._root().resolve()
        candidate = PurePosixPath(relative)
        target = (root / candidate).resolve()
        if candidate.is_absolute() or not target.is_relative_to(root):
            raise PermissionDeniedError(
                f"{relative!r} is outside the workspace",
                hint="Extensions may only reach files inside the open folder; use a path relative to it.",
                data={"extension": spec.id, "path": relative, "reason": "outside-workspace"},
            )
        return target

    async def _list_files(self, spec: ExtensionSpec, params: dict[str, Any]) -> list[str]:
        folder = _text(params, "folder", "")
        base = self._path(spec, folder or ".")
        if not base.is_dir():
            raise NotFoundError(f"{folder!r} is not a folder in the workspace", data={"path": folder})
        return sorted(e.name + ("/" if e.is_dir() else "") for e in os.scandir(base))

    async def _find_files(self, spec: ExtensionSpec, params: dict[str, Any]) -> list[str]:
        from pathspec import GitIgnoreSpec

        from core.workspace.listing import iter_workspace_relpaths

        glob = _text(params, "glob")
        limit = params.get("limit", 1000)
        if not isinstance(limit, int) or limit < 1:
            raise InvalidParamsError(f"parameter 'limit' must be a positive integer, got {limit!r}")
        root = self._root()
        pattern = GitIgnoreSpec.from_lines([glob])

        def scan() -> list[str]:
            found: list[str] = []
            for rel in iter_workspace_relpaths(root):
                if pattern.match_file(rel):
                    found.append(rel)
                    if len(found) >= limit:
                        break
            return found

        return await asyncio.to_thread(scan)

    async def _read_text(self, spec: ExtensionSpec, params: dict[str, Any]) -> str:
        from core.workspace.textfile import read_text_file

        target = self._path(spec, _text(params, "path"))
        return (await asyncio.to_thread(read_text_file, target)).text

    async def _write_text(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        from core.workspace.textfile import save_text_file

        target = self._path(spec, _text(params, "path"))
        text = _text(params, "text")

        def write() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            save_text_file(target, text, encoding="utf-8", line_ending=LineEnding.LF, has_bom=False)

        await asyncio.to_thread(write)

    # -- editor -----------------------------------------------------------------------------------------------

    async def _active_document(self, spec: ExtensionSpec, params: dict[str, Any]) -> dict[str, Any] | None:
        meta = await self.ui.active_document()
        return None if meta is None else meta.model_dump(mode="json")

    async def _get_text(self, spec: ExtensionSpec, params: dict[str, Any]) -> str:
        return await self.ui.get_text(_optional_text(params, "document_id"))

    async def _get_selections(self, spec: ExtensionSpec, params: dict[str, Any]) -> list[dict[str, Any]]:
        selections = await self.ui.get_selections(_optional_text(params, "document_id"))
        return [{"anchor": a.model_dump(), "head": h.model_dump()} for a, h in selections]

    async def _apply_edits(self, spec: ExtensionSpec, params: dict[str, Any]) -> int:
        raw = params.get("edits")
        if not isinstance(raw, list):
            raise InvalidParamsError("parameter 'edits' must be a list of {range, new_text}")
        try:
            edits = [TextEdit.model_validate(e) for e in raw]
        except ValueError as exc:
            raise InvalidParamsError(f"editor.apply_edits: invalid edit: {exc}") from None
        return await self.ui.apply_edits(edits, _optional_text(params, "document_id"))

    # -- window and status bar --------------------------------------------------------------------------------

    async def _notify(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        level = _text(params, "level", "info")
        if level not in ("info", "warning", "error"):
            raise InvalidParamsError(f"level must be info, warning or error, got {level!r}")
        await self.ui.notify(spec.id, _text(params, "message"), level)  # type: ignore[arg-type]

    async def _quick_pick(self, spec: ExtensionSpec, params: dict[str, Any]) -> int | None:
        raw = params.get("items")
        if not isinstance(raw, list) or not all(isinstance(i, dict) and isinstance(i.get("label"), str) for i in raw):
            raise InvalidParamsError("parameter 'items' must be a list of {label, description}")
        items = [(str(i["label"]), str(i.get("description", ""))) for i in raw]
        chosen = await self.ui.quick_pick(spec.id, items, _text(params, "title", ""), _text(params, "placeholder", ""))
        if chosen is not None and not 0 <= chosen < len(items):
            raise ValidationError(f"the quick pick returned index {chosen} for {len(items)} items")
        return chosen

    async def _input_box(self, spec: ExtensionSpec, params: dict[str, Any]) -> str | None:
        return await self.ui.input_box(
            spec.id, _text(params, "prompt", ""), _text(params, "value", ""), _text(params, "placeholder", "")
        )

    async def _progress(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        fraction = params.get("fraction")
        if fraction is not None and not isinstance(fraction, int | float):
            raise InvalidParamsError(f"parameter 'fraction' must be a number, got {fraction!r}")
        await self.ui.progress(
            spec.id,
            _text(params, "progress_id"),
            _text(params, "title", ""),
            _text(params, "message", ""),
            None if fraction is None else float(fraction),
            bool(params.get("done", False)),
        )

    async def _set_status_item(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        item = {
            "id": _text(params, "item_id"),
            "text": _text(params, "text"),
            "tooltip": _text(params, "tooltip", ""),
            "command": _optional_text(params, "command"),
            "alignment": _text(params, "alignment", "right"),
            "priority": int(params.get("priority", 0)),
        }
        await self.ui.set_status_item(spec.id, item)

    async def _remove_status_item(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        await self.ui.remove_status_item(spec.id, _text(params, "item_id"))

    # -- settings, storage, log -------------------------------------------------------------------------------

    async def _settings_get(self, spec: ExtensionSpec, params: dict[str, Any]) -> Any:
        key = _text(params, "key")
        user = self._user_settings(spec.id) if self._user_settings is not None else {}
        if key in user:
            return user[key]
        if key in spec.settings and spec.settings[key] is not None:
            return spec.settings[key]
        return params.get("default")

    def _storage_file(self, spec: ExtensionSpec) -> Path:
        if self.storage_dir is None:
            from core.paths import data_dir

            self.storage_dir = data_dir() / "extensions" / "storage"
        return self.storage_dir / f"{spec.id}.json"

    def _load_storage(self, spec: ExtensionSpec) -> dict[str, Any]:
        path = self._storage_file(spec)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise SymphonyIOError(
                f"{path}: cannot read the storage of extension {spec.id}: {exc}",
                hint="Delete the file to reset the extension's storage.",
                data={"file": str(path), "extension": spec.id},
            ) from None
        return data if isinstance(data, dict) else {}

    def _save_storage(self, spec: ExtensionSpec, data: dict[str, Any]) -> None:
        path = self._storage_file(spec)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, sort_keys=True)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def _lock(self, spec: ExtensionSpec) -> asyncio.Lock:
        return self._storage_locks.setdefault(spec.id, asyncio.Lock())

    async def _storage_get(self, spec: ExtensionSpec, params: dict[str, Any]) -> Any:
        return self._load_storage(spec).get(_text(params, "key"), params.get("default"))

    async def _storage_set(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        key = _text(params, "key")
        try:
            value = json.loads(json.dumps(params.get("value")))
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"storage.set({key!r}): the value is not JSON-serialisable: {exc}") from None
        async with self._lock(spec):
            data = self._load_storage(spec)
            data[key] = value
            await asyncio.to_thread(self._save_storage, spec, data)

    async def _storage_delete(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        key = _text(params, "key")
        async with self._lock(spec):
            data = self._load_storage(spec)
            if key in data:
                del data[key]
                await asyncio.to_thread(self._save_storage, spec, data)

    async def _storage_keys(self, spec: ExtensionSpec, params: dict[str, Any]) -> list[str]:
        return sorted(self._load_storage(spec))

    async def _log_write(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        level = params.get("level", logging.INFO)
        logging.getLogger(f"symphony.ext.{spec.id}").log(
            level if isinstance(level, int) else logging.INFO, "%s", _text(params, "message")
        )

    # -- motifs and ipc ---------------------------------------------------------------------------------------

    def _motif_id(self, spec: ExtensionSpec, params: dict[str, Any]) -> str:
        if params.get("schema") != SCHEMA_VERSION:
            raise ProtocolError(
                f"Motif message of {spec.id} has schema {params.get('schema')!r}, not {SCHEMA_VERSION}",
                hint="Update the extension or Symphony so both speak the same Motif schema.",
                data={"extension": spec.id},
            )
        motif_id = _text(params, "motif")
        if motif_id not in spec.motifs:
            raise PermissionDeniedError(
                f"extension {spec.id} does not contribute Motif {motif_id!r}",
                hint="Declare it under [[contributes.motifs]] in Symphony.toml.",
                data={"extension": spec.id, "motif": motif_id},
            )
        if not isinstance(params.get("revision"), int):
            raise InvalidParamsError(f"Motif {motif_id}: 'revision' must be an integer", data={"motif": motif_id})
        if self.motifs is None:
            raise NotFoundError(f"Motif {motif_id}: there is no UI to show it in", hint="Run Symphony's UI.")
        return motif_id

    @staticmethod
    def _motif_params(params: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in params.items() if k != "extension"}

    async def _motif_render(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        motif_id = self._motif_id(spec, params)
        # Core's own copy validates the tree (the security boundary) and lets a reattached view get it whole.
        tree = WireTree(params.get("root"))  # type: ignore[arg-type]
        self._motif_trees[motif_id] = (spec.id, tree, params["revision"])
        assert self.motifs is not None
        await self.motifs.motif_render(spec.id, self._motif_params(params))

    async def _motif_patch(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        motif_id = self._motif_id(spec, params)
        shown = self._motif_trees.get(motif_id)
        if shown is None or shown[0] != spec.id:
            raise ProtocolError(f"Motif {motif_id}: patch before render", hint="Show the Motif first.")
        if params["revision"] != shown[2] + 1:
            raise ProtocolError(
                f"Motif {motif_id}: patch revision {params['revision']} does not follow {shown[2]}",
                hint="Send patches in order, each once.",
                data={"motif": motif_id},
            )
        ops = params.get("ops")
        if not isinstance(ops, list):
            raise InvalidParamsError(f"Motif {motif_id}: 'ops' must be a list", data={"motif": motif_id})
        shown[1].apply(ops)
        self._motif_trees[motif_id] = (spec.id, shown[1], params["revision"])
        assert self.motifs is not None
        await self.motifs.motif_patch(spec.id, self._motif_params(params))

    def motif_tree(self, motif_id: str) -> dict[str, Any] | None:
        """The ``motif.render`` params of Motif ``motif_id`` as core last knew it (to show it again), or None."""
        shown = self._motif_trees.get(motif_id)
        if shown is None:
            return None
        return {"schema": SCHEMA_VERSION, "motif": motif_id, "revision": shown[2], "root": shown[1].root}

    def forget_motif(self, motif_id: str) -> None:
        """Drop a closed Motif's tree: a later patch for it is refused until it renders again."""
        self._motif_trees.pop(motif_id, None)

    def forget_motifs(self, extension_ids: Iterable[str]) -> None:
        """Drop the trees of these extensions' Motifs (their host went down: the next show is a fresh render)."""
        gone = set(extension_ids)
        for motif_id in [m for m, (ext, _, _) in self._motif_trees.items() if ext in gone]:
            del self._motif_trees[motif_id]

    async def _ipc_metrics(self, spec: ExtensionSpec, params: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return self.bus_stats() if self.bus_stats is not None else {}

    # -- terminal and commands --------------------------------------------------------------------------------

    async def _terminal_create(self, spec: ExtensionSpec, params: dict[str, Any]) -> str:
        terminal_id = await self.ui.create_terminal(spec.id, _text(params, "name"), _optional_text(params, "cwd"))
        self._terminals.setdefault(spec.id, set()).add(terminal_id)
        return terminal_id

    async def _terminal_write(self, spec: ExtensionSpec, params: dict[str, Any]) -> None:
        terminal_id = _text(params, "terminal_id")
        if terminal_id not in self._terminals.get(spec.id, ()):
            raise NotFoundError(
                f"no terminal {terminal_id!r} opened by extension {spec.id}",
                hint="Write only to terminals this extension created with ctx.terminal.create.",
                data={"extension": spec.id, "terminal": terminal_id},
            )
        await self.ui.write_terminal(spec.id, terminal_id, _text(params, "text"))

    async def _commands_execute(self, spec: ExtensionSpec, params: dict[str, Any]) -> Any:
        command_id = _text(params, "command_id")
        args = params.get("args") or []
        if not isinstance(args, list):
            raise InvalidParamsError("parameter 'args' must be a list")
        if self.commands is not None and self.commands.owns_command(command_id):
            return await self.commands.execute_command(command_id, *args)
        return await self.ui.execute_command(command_id, args)


__all__ = ["RPC_PREFIX", "CommandRouter", "ExtensionApi", "Resolver"]
