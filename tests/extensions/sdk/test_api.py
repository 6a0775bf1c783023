"""The API table: the one source of capabilities for ctx calls, kept in step with the kit and the protocols."""

from __future__ import annotations

import inspect

from extensions.kit.manifest import Capability
from extensions.sdk import api, context, motif


def test_every_capability_in_the_table_is_a_manifest_capability() -> None:
    known = {c.value for c in Capability}
    assert {m.capability for m in api.METHODS.values() if m.capability} <= known


def test_every_protocol_method_has_a_table_entry_and_back() -> None:
    namespaces = {
        "workspace": context.Workspace,
        "editor": context.Editor,
        "window": context.Window,
        "status_bar": context.StatusBar,
        "settings": context.Settings,
        "storage": context.Storage,
        "terminal": context.Terminal,
        "commands": context.Commands,
        "motif": motif.MotifView,
        "ipc": context.Ipc,
        "runs": context.Runs,
    }
    in_protocols = {
        f"{ns}.{name}"
        for ns, proto in namespaces.items()
        for name, member in vars(proto).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }
    in_table = {name for name in api.METHODS if not name.startswith("log.")}
    assert in_protocols == in_table


def test_file_access_needs_fs_capabilities_and_editing_open_buffers_does_not() -> None:
    assert api.capability_for("workspace.read_text") == "fs.read"
    assert api.capability_for("workspace.write_text") == "fs.write"
    assert api.capability_for("terminal.write") == "terminal"
    assert api.capability_for("editor.apply_edits") is None
    assert api.METHODS["workspace.read_text"].rpc_name == "ext/workspace.read_text"


def test_released_methods_are_not_newer_than_the_api_level() -> None:
    assert all(1 <= m.since <= api.API_LEVEL for m in api.METHODS.values())
    assert all(1 <= since <= api.API_LEVEL for since in api.EVENTS.values())
