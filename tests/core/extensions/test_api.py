"""ExtensionApi: every capability-bearing call is checked in core before anything is touched."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InvalidParamsError, MethodNotFoundError, NotFoundError, PermissionDeniedError
from core.extensions import ExtensionApi, ExtensionSpec, HeadlessUi

CAPABILITIES: dict[str, str | None] = {
    "workspace.read_text": "fs.read",
    "workspace.write_text": "fs.write",
    "workspace.list_files": "fs.read",
    "editor.apply_edits": None,
    "editor.get_text": None,
    "storage.get": None,
    "storage.set": None,
    "storage.keys": None,
    "storage.delete": None,
    "settings.get": None,
    "terminal.create": "terminal",
    "terminal.write": "terminal",
    "commands.execute": None,
}


class RecordingGate:
    """Allows what is in ``allowed``; records every check."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self.allowed = set(allowed)
        self.checks: list[tuple[str, str, str]] = []

    async def check(
        self, extension_id: str, capability: Any, *, declared: Iterable[Any], extension_name: str = "", reason: str = ""
    ) -> None:
        self.checks.append((extension_id, str(capability), reason))
        if capability not in self.allowed:
            raise PermissionDeniedError(f"denied {capability}", data={"capability": capability, "reason": "denied"})


def spec(**kwargs: Any) -> ExtensionSpec:
    base: dict[str, Any] = {"id": "t.ext", "name": "T", "folder": "/nowhere", "entry": "m:C"}
    return ExtensionSpec(**(base | kwargs))


def make_api(tmp_path: Path, allowed: Iterable[str] = ()) -> tuple[ExtensionApi, HeadlessUi, RecordingGate]:
    ui = HeadlessUi()
    gate = RecordingGate(allowed)
    workspace = tmp_path / "ws"
    workspace.mkdir(exist_ok=True)
    api = ExtensionApi(
        ui=ui, gate=gate, capabilities=CAPABILITIES, workspace_root=workspace, storage_dir=tmp_path / "storage"
    )
    return api, ui, gate


async def test_a_denied_capability_touches_nothing(tmp_path: Path) -> None:
    api, _, gate = make_api(tmp_path, allowed={"fs.read"})
    with pytest.raises(PermissionDeniedError):
        await api.call(spec(), "workspace.write_text", {"path": "a.txt", "text": "x"})
    assert not (tmp_path / "ws" / "a.txt").exists()
    assert gate.checks == [("t.ext", "fs.write", "workspace.write_text(a.txt)")]


async def test_a_granted_capability_reads_the_workspace_file(tmp_path: Path) -> None:
    api, _, _ = make_api(tmp_path, allowed={"fs.read"})
    (tmp_path / "ws" / "notes.md").write_text("# hi\n", encoding="utf-8")
    assert await api.call(spec(), "workspace.read_text", {"path": "notes.md"}) == "# hi\n"


@pytest.mark.parametrize("path", ["../secret.txt", "/etc/passwd", "sub/../../x"])
async def test_paths_leading_outside_the_workspace_are_refused(tmp_path: Path, path: str) -> None:
    api, _, _ = make_api(tmp_path, allowed={"fs.read"})
    with pytest.raises(PermissionDeniedError) as caught:
        await api.call(spec(), "workspace.read_text", {"path": path})
    assert caught.value.data["reason"] == "outside-workspace"


async def test_calls_without_a_capability_skip_the_gate(tmp_path: Path) -> None:
    api, ui, gate = make_api(tmp_path)
    document = ui.open_document("abc")
    edit = {"range": {"start": {"line": 0, "column": 1}, "end": {"line": 0, "column": 2}}, "new_text": "X"}
    version = await api.call(spec(), "editor.apply_edits", {"edits": [edit]})
    assert document.buffer.text == "aXc"
    assert version == document.buffer.version
    assert gate.checks == []


async def test_methods_missing_from_the_sdk_table_are_not_served(tmp_path: Path) -> None:
    api, _, _ = make_api(tmp_path)
    assert "window.notify" not in api.methods
    with pytest.raises(MethodNotFoundError):
        await api.call(spec(), "window.notify", {"message": "hi"})


async def test_an_extension_writes_only_to_terminals_it_created(tmp_path: Path) -> None:
    api, ui, _ = make_api(tmp_path, allowed={"terminal"})
    own = await api.call(spec(), "terminal.create", {"name": "build"})
    await api.call(spec(), "terminal.write", {"terminal_id": own, "text": "make\n"})
    assert ui.terminals[own] == ["make\n"]
    with pytest.raises(NotFoundError):
        await api.call(spec(id="t.other"), "terminal.write", {"terminal_id": own, "text": "rm -rf /\n"})


async def test_settings_prefer_the_users_value_then_the_manifest_default(tmp_path: Path) -> None:
    ui = HeadlessUi()
    api = ExtensionApi(
        ui=ui,
        gate=RecordingGate(),
        capabilities=CAPABILITIES,
        user_settings=lambda ext: {"tags": ["NOTE"]} if ext == "t.ext" else {},
    )
    configured = spec(settings={"tags": ["TODO"], "depth": 3})
    assert await api.call(configured, "settings.get", {"key": "tags"}) == ["NOTE"]
    assert await api.call(configured, "settings.get", {"key": "depth"}) == 3
    assert await api.call(configured, "settings.get", {"key": "other", "default": 1}) == 1


async def test_bad_params_name_the_parameter(tmp_path: Path) -> None:
    api, _, _ = make_api(tmp_path, allowed={"fs.read"})
    with pytest.raises(InvalidParamsError, match="'path'"):
        await api.call(spec(), "workspace.read_text", {"path": 3})


async def test_commands_reach_the_app_when_no_extension_owns_them(tmp_path: Path) -> None:
    api, ui, _ = make_api(tmp_path)

    async def open_file(path: str) -> str:
        return f"opened {path}"

    ui.commands["workbench.openFile"] = open_file
    assert await api.call(spec(), "commands.execute", {"command_id": "workbench.openFile", "args": ["a.py"]}) == (
        "opened a.py"
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.text(min_size=1, max_size=20), value=json_values)
async def test_storage_round_trips_json_values_through_the_file(tmp_path: Path, key: str, value: Any) -> None:
    api, _, _ = make_api(tmp_path)
    await api.call(spec(), "storage.set", {"key": key, "value": value})
    fresh, _, _ = make_api(tmp_path)  # a new core reads what the last one wrote
    assert await fresh.call(spec(), "storage.get", {"key": key}) == value
    assert key in await fresh.call(spec(), "storage.keys", {})
    await fresh.call(spec(), "storage.delete", {"key": key})
    assert await fresh.call(spec(), "storage.get", {"key": key, "default": "gone"}) == "gone"
