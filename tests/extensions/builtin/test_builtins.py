"""The built-in extensions: valid manifests, code and manifest agree, and each does its job."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from core.errors import PermissionDeniedError
from extensions.builtin import BUILTIN_ROOT, builtin_folders
from extensions.builtin.hello.hello import HelloExtension
from extensions.builtin.ipcmon.ipcmon import IpcMonitor, IpcMonitorExtension
from extensions.builtin.todo.todo import TodoExtension, TodoItem, TodoPanel, scan
from extensions.builtin.wordcount.wordcount import WordCountExtension, count
from extensions.kit.manifest import Manifest, load_manifest
from extensions.kit.package import pack, verify
from extensions.sdk.extension import undeclared_commands
from extensions.sdk.loading import load_extension_class, unload
from extensions.sdk.motif import LocalView
from extensions.sdk.testing import ExtensionHarness


def settings_of(manifest: Manifest) -> dict[str, object]:
    return {key: spec.default for key, spec in manifest.contributes.settings.items()}


def test_there_are_the_five_documented_builtins() -> None:
    assert [p.name for p in builtin_folders()] == ["harmony", "hello", "ipcmon", "todo", "wordcount"]


@pytest.mark.parametrize("folder", builtin_folders(), ids=lambda p: p.name)
def test_builtin_manifest_loads_and_matches_its_code(folder: Path, tmp_path: Path) -> None:
    manifest = load_manifest(folder)
    cls = load_extension_class(folder, manifest.entry, manifest.id)
    try:
        assert undeclared_commands(cls, {c.id for c in manifest.contributes.commands}) == []
        assert set(cls.commands) == {c.id for c in manifest.contributes.commands}
    finally:
        unload(manifest.id)
    assert verify(pack(folder, tmp_path)).manifest == manifest


async def test_hello_greets_with_the_configured_greeting(tmp_path: Path) -> None:
    settings = settings_of(load_manifest(BUILTIN_ROOT / "hello"))
    async with ExtensionHarness(HelloExtension, workspace=tmp_path, settings=settings, answers=["Ada", None]) as h:
        assert await h.run_command("symphony.hello.say") == "Hello, Ada!"
        assert await h.run_command("symphony.hello.say") is None
        assert await h.run_command("symphony.hello.say", "Grace") == "Hello, Grace!"
        assert [n.message for n in h.notifications] == ["Hello, Ada!", "Hello, Grace!"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", (0, 0, 0)), ("one\n", (1, 1, 4)), ("don't stop\nwell-known", (3, 2, 21)), ("\n\n", (0, 2, 2))],
)
def test_word_count_counts_words_lines_and_characters(text: str, expected: tuple[int, int, int]) -> None:
    assert count(text) == expected


async def test_word_count_status_item_follows_the_active_document(tmp_path: Path) -> None:
    async with ExtensionHarness(WordCountExtension, workspace=tmp_path) as h:
        assert "wordcount" not in h.status_items
        await h.open_document("a.txt", "one two three\n")
        assert h.status_items["wordcount"].text == "3 words, 1 line"
        await h.type_text("four\n")
        assert h.status_items["wordcount"].text == "4 words, 2 lines"
    assert "wordcount" not in h.status_items


def test_todo_scan_finds_tags_as_whole_words() -> None:
    text = "x = 1  # TODO: fix this\n/* FIXME(ada) later */\nTODOS are not tags\n"
    assert scan("a.py", text, ["TODO", "FIXME"]) == [
        TodoItem("a.py", 1, "TODO", "fix this"),
        TodoItem("a.py", 2, "FIXME", "ada) later"),
    ]


async def test_todo_finder_shows_todos_by_file_filters_them_and_opens_the_clicked_line(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def f():\n    pass  # TODO: implement\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("FIXME: spelling\nTODO: more notes\n", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\0\0\xff")
    opened: list[tuple[str, int]] = []
    manifest = load_manifest(BUILTIN_ROOT / "todo")
    async with ExtensionHarness(
        TodoExtension,
        workspace=tmp_path,
        granted={c.value for c in manifest.capabilities},
        settings=settings_of(manifest),
        commands={"workbench.openFile": lambda path, line: opened.append((path, line))},
    ) as h:
        items = await h.run_command("symphony.todo.find")
        assert [i.label() for i in items] == [
            "notes.md:1  FIXME spelling",
            "notes.md:2  TODO more notes",
            "src/app.py:2  TODO implement",
        ]
        view = h.motif_views["symphony.todo.panel"]
        tree = view.tree.children[2]
        assert [(f.text, [c.text for c in f.children]) for f in tree.children] == [
            ("notes.md (2)", ["1: FIXME spelling", "2: TODO more notes"]),
            ("src/app.py (1)", ["2: TODO implement"]),
        ]
        await h.motif_event("symphony.todo.panel", "filter", "changed", "todo")
        tree = view.tree.children[2]
        assert [(f.text, len(f.children)) for f in tree.children] == [("notes.md (1)", 1), ("src/app.py (1)", 1)]
        assert view.tree.children[1].text == "2 of 3 in 2 files"
        await h.motif_event("symphony.todo.panel", "tree", "selected", "src/app.py:2")
    assert opened == [("src/app.py", 2)]


async def test_opening_the_todo_panel_scans_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("# HACK: later\n", encoding="utf-8")
    manifest = load_manifest(BUILTIN_ROOT / "todo")
    async with ExtensionHarness(
        TodoExtension, workspace=tmp_path, granted={"fs.read"}, settings=settings_of(manifest)
    ) as h:
        view = await h.open_motif("symphony.todo.panel")
        assert [kind for kind, _ in view.messages][:1] == ["render"]
        assert [f.text for f in view.tree.children[2].children] == ["a.py (1)"]


async def test_todo_finder_without_fs_read_is_refused_not_crashed(tmp_path: Path) -> None:
    async with ExtensionHarness(TodoExtension, workspace=tmp_path) as h:
        with pytest.raises(PermissionDeniedError, match=r"fs.read"):
            await h.run_command("symphony.todo.find")


def bus(messages_in: int, messages_out: int) -> dict[str, dict[str, Any]]:
    return {
        "exthost (conn-1)": {
            "messages_in": messages_in,
            "messages_out": messages_out,
            "bytes_in": 10 * messages_in,
            "bytes_out": 10 * messages_out,
            "errors": 0,
            "requests": messages_in,
            "latency_p50_us": 128.0,
            "latency_p99_us": 512.0,
        },
    }


async def test_ipc_monitor_turns_counter_growth_into_messages_per_second_and_a_row_per_connection(
    tmp_path: Path,
) -> None:
    now = [100.0]
    panel = IpcMonitor(clock=lambda: now[0])
    view = LocalView()
    panel.view = view
    await panel.show()
    panel.sample(bus(10, 10))
    now[0] += 2.0
    panel.sample(bus(110, 60))  # 150 more messages in 2 s
    await panel.flush()
    assert panel.state["rates"] == [75.0]
    head, table = view.tree.children[0], view.tree.children[1]
    assert head.children[0].text == "75 msgs/s"
    assert head.children[2].props["data"] == [75.0]
    assert table.props["rows"] == [["exthost (conn-1)", 110, 60, 1100, 600, 0, 110, 128.0, 512.0]]


async def test_ipc_monitor_samples_the_bus_through_ctx_ipc_while_shown(tmp_path: Path) -> None:
    async with ExtensionHarness(IpcMonitorExtension, workspace=tmp_path, settings={"interval": 0.2}) as h:
        h.ipc_metrics = bus(5, 5)
        view = await h.open_motif("symphony.ipcmon.panel")
        for _ in range(200):
            if view.messages[-1][0] == "patch":
                break
            await asyncio.sleep(0.01)
        assert view.tree.children[1].props["rows"][0][:3] == ["exthost (conn-1)", 5, 5]
        assert "ipc.metrics" in h.calls


def test_a_huge_todo_list_is_capped_below_the_motif_node_limit() -> None:
    panel = TodoPanel(None)  # type: ignore[arg-type]
    panel.state.update(items=[TodoItem(f"f{n // 10}.py", n, "TODO", "x") for n in range(30_000)], scanned=True)
    tree = panel.render_tree()  # validates: over 20,000 nodes would raise
    assert tree.children[1].text == "30000 in 3000 files; the first 2000 shown, filter to narrow"
