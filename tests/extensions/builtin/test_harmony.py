"""The Harmony board and artifact browser at the VDOM level, over real runs, logs and an artifact store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from core.aide.artifacts import ArtifactStore
from core.errors import PermissionDeniedError
from core.orchestration import (
    Conductor,
    ConductorMode,
    DecisionQueue,
    LocalExecutor,
    NodeSpec,
    RunStatus,
    RunStore,
    Workflow,
    WorkflowRunner,
)
from core.vdom import Node
from extensions.builtin import BUILTIN_ROOT
from extensions.builtin.harmony.harmony import HarmonyExtension, layers
from extensions.kit.manifest import load_manifest
from extensions.sdk.testing import ExtensionHarness

BOARD = "symphony.harmony.board"
ARTIFACTS = "symphony.harmony.artifacts"
SETTINGS = {"refresh_seconds": 1.0}


def _wf(name: str, *nodes: dict[str, Any]) -> Workflow:
    return Workflow(name=name, nodes=tuple(NodeSpec.model_validate(n) for n in nodes))


DIAMOND = _wf(
    "diamond",
    {"id": "fetch", "kind": "shell", "command": "echo fetched; echo 'slow mirror' >&2"},
    {"id": "left", "kind": "shell", "command": "echo left", "after": ["fetch"]},
    {"id": "right", "kind": "shell", "command": "exit 3", "after": ["fetch"]},
    {"id": "join", "kind": "shell", "command": "echo join", "after": ["left", "right"]},
)


def find(node: Node, key: str) -> Node:
    """The node with ``key`` anywhere under ``node``."""
    if node.key == key:
        return node
    for child in node.children:
        try:
            return find(child, key)
        except KeyError:
            continue
    raise KeyError(key)


def buttons(view_tree: Node) -> dict[str, tuple[str | None, Any]]:
    """Node buttons of the graph: key -> (text, colour)."""
    graph = find(view_tree, "columns")
    return {b.key: (b.text, b.props.get("color")) for column in graph.children for b in column.children if b.key}


def harness(tmp_path: Path, granted: set[str] | None = None) -> ExtensionHarness:
    manifest = load_manifest(BUILTIN_ROOT / "harmony")
    caps = {c.value for c in manifest.capabilities} if granted is None else granted
    return ExtensionHarness(HarmonyExtension, workspace=tmp_path, granted=caps, settings=SETTINGS)


async def run_workflow(db: Path, workflow: Workflow) -> str:
    store = RunStore(db)
    try:
        async with LocalExecutor() as executor:
            return (await WorkflowRunner(workflow, store=store, executor=executor).run()).run_id
    finally:
        store.close()


def test_layers_put_each_node_right_of_its_deepest_dependency() -> None:
    nodes = [
        {"id": "join", "needs": ["left", "right"]},
        {"id": "fetch", "needs": []},
        {"id": "right", "needs": ["fetch"]},
        {"id": "left", "needs": ["fetch", "ghost"]},
        {"id": "late", "needs": ["join", "fetch"]},
    ]
    assert layers(nodes) == [["fetch"], ["right", "left"], ["join"], ["late"]]
    assert layers([{"id": "a", "needs": ["b"]}, {"id": "b", "needs": ["a"]}]) == [["a", "b"]]  # never loops


async def test_board_draws_the_latest_run_with_states_in_colour_and_shows_a_nodes_log(tmp_path: Path) -> None:
    async with harness(tmp_path) as h:
        run_id = await run_workflow(h.runs_api.runs_db, DIAMOND)
        view = await h.open_motif(BOARD)
        assert [kind for kind, _ in view.messages][:1] == ["render"]
        assert find(view.tree, "runs").props["value"] == run_id
        drawn = buttons(view.tree)
        assert drawn == {
            "node:fetch": ("✓ fetch", "$success"),
            "node:left": ("✓ left", "$success"),
            "node:right": ("✗ right", "$error"),
            "node:join": ("⊘ join", "$warning"),  # blocked: a dependency failed
        }
        columns = [[b.key for b in c.children] for c in find(view.tree, "columns").children]
        assert columns == [["node:fetch"], ["node:left", "node:right"], ["node:join"]]
        summary = find(view.tree, "summary").props["spans"]
        assert ["failed", "bold"] in summary

        await h.motif_event(BOARD, "node:fetch", "press")
        assert find(view.tree, "log").props["lines"] == ["fetched", "! slow mirror"]
        assert find(view.tree, "node:fetch").props["text_style"] == "bold reverse"
        await h.motif_event(BOARD, "node:right", "press")
        assert "status 3" in find(view.tree, "node-error").text  # type: ignore[operator]
        assert find(view.tree, "log").props["lines"] == ["(no output captured)"]


async def test_board_switches_runs_and_refresh_picks_up_new_ones(tmp_path: Path) -> None:
    async with harness(tmp_path) as h:
        first = await run_workflow(h.runs_api.runs_db, _wf("one", {"id": "a", "kind": "shell", "command": "true"}))
        view = await h.open_motif(BOARD)
        second = await run_workflow(h.runs_api.runs_db, DIAMOND)
        assert len(find(view.tree, "runs").props["options"]) == 1
        await h.motif_event(BOARD, "refresh", "press")
        options = find(view.tree, "runs").props["options"]
        assert [value for _, value in options] == [second, first]
        await h.motif_event(BOARD, "runs", "changed", second)
        assert set(buttons(view.tree)) == {"node:fetch", "node:left", "node:right", "node:join"}
        await h.motif_event(BOARD, "runs", "changed", first)
        assert set(buttons(view.tree)) == {"node:a"}


async def test_manual_run_is_followed_live_and_approved_from_the_board(tmp_path: Path) -> None:
    workflow = _wf(
        "release",
        {"id": "build", "kind": "shell", "command": "echo built"},
        {"id": "ship", "kind": "shell", "command": "echo shipped", "after": ["build"]},
    )
    async with harness(tmp_path) as h:
        queue = DecisionQueue()
        store = RunStore(h.runs_api.runs_db)
        async with LocalExecutor() as executor:
            runner = WorkflowRunner(
                workflow, store=store, executor=executor, conductor=Conductor(ConductorMode.MANUAL, decide=queue)
            )
            unregister = h.runs_api.decisions.register(runner.run_id, queue)
            running = asyncio.ensure_future(runner.run())
            request = await queue.next_request()  # "build" waits for a person
            assert request.node.id == "build"
            store.flush()
            view = await h.open_motif(BOARD)
            assert buttons(view.tree)["node:build"] == ("? build", "$warning")
            await h.motif_event(BOARD, "node:build", "press")
            assert find(view.tree, "approve").text == "Approve"
            await h.motif_event(BOARD, "approve", "press")  # answered through ctx.runs.decide
            request = await queue.next_request()
            assert request.node.id == "ship"
            store.flush()
            await h.motif_event(BOARD, "refresh", "press")
            assert buttons(view.tree)["node:build"] == ("✓ build", "$success")
            await h.motif_event(BOARD, "node:ship", "press")
            await h.motif_event(BOARD, "skip", "press")
            result = await running
            unregister()
        store.close()
        assert result.status is RunStatus.SUCCEEDED
        await h.motif_event(BOARD, "refresh", "press")
        assert buttons(view.tree)["node:ship"] == ("↷ ship", "$text-muted")


async def test_decisions_for_runs_driven_elsewhere_are_explained_not_crashed(tmp_path: Path) -> None:
    async with harness(tmp_path) as h:
        await run_workflow(h.runs_api.runs_db, _wf("one", {"id": "a", "kind": "shell", "command": "true"}))
        view = await h.open_motif(BOARD)
        await h.motif_event(BOARD, "node:a", "press")
        board = h.ctx.motif.shown(BOARD)
        assert board is not None
        await board._decide("go")  # as if an Approve button were left over from an earlier render
        assert "not driven by this Symphony" in find(view.tree, "error").text  # type: ignore[operator]


async def test_artifact_browser_lists_recent_artifacts_and_searches_as_you_type(tmp_path: Path) -> None:
    async with harness(tmp_path) as h:
        store = ArtifactStore(h.runs_api.artifacts_root)  # type: ignore[arg-type]
        store.put(b"minutes of the orchestra meeting", name="minutes.md", kind="text", tags=["meeting"])
        store.put(b"\x00\x01" * 2000, name="weights.bin", kind="bytes")
        store.close()
        view = await h.open_motif(ARTIFACTS)
        table = find(view.tree, "hits")
        assert sorted(row[0] for row in table.props["rows"]) == ["minutes.md", "weights.bin"]
        assert find(view.tree, "summary").text == "2 artifacts"
        await h.motif_event(ARTIFACTS, "query", "changed", "orchestra")
        rows = find(view.tree, "hits").props["rows"]
        assert [row[:4] for row in rows] == [["minutes.md", "text", "32 B", "meeting"]]
        await h.motif_event(ARTIFACTS, "query", "changed", "violin")
        assert find(view.tree, "summary").text == "No artifacts match."


async def test_without_the_workflows_capability_the_board_says_so(tmp_path: Path) -> None:
    async with harness(tmp_path, granted=set()) as h:
        view = await h.open_motif(BOARD)
        assert "workflows" in find(view.tree, "error").text  # type: ignore[operator]
        assert ("runs.recent", "workflows") in h.denied
        with pytest.raises(PermissionDeniedError):
            await h.ctx.runs.recent()


def test_board_snapshot_with_a_failed_run_and_a_selected_node(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from extensions.builtin.harmony.harmony import HarmonyBoard
    from extensions.sdk.testing import snap_motif

    h = harness(tmp_path)
    store = RunStore(h.runs_api.runs_db)
    store.create_run(DIAMOND, mode="maestro", run_id="run-diamond01")  # a fixed id: the picker shows it

    async def run() -> None:
        async with LocalExecutor() as executor:
            await WorkflowRunner(DIAMOND, store=store, executor=executor, run_id="run-diamond01").run()

    asyncio.run(run())
    store.close()
    h.extension.ctx = h.ctx  # what activation does; the board only needs ctx.runs
    board = HarmonyBoard(h.extension)  # type: ignore[arg-type]
    board.state["selected"] = "fetch"
    assert snap_motif(snap_compare, board, terminal_size=(100, 30))
