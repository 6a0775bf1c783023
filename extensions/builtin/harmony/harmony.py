"""Harmony: the workflow board and the artifact browser, as Motifs over ``ctx.runs`` (capability ``workflows``).

The board lists recent runs; picking one draws its DAG as columns of nodes by depth (a node sits one column right
of its deepest dependency), each node a button coloured by its state. Selecting a node shows its state, error and
captured log; a node waiting for a person gets Approve and Skip buttons (Manual mode). While the run is live the
board re-reads it every ``refresh_seconds`` and patches only what changed. The artifact browser searches the
artifact store as you type and lists the hits in a table.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from core.errors import SymphonyError
from core.vdom import Node
from extensions.sdk import Extension, command, motif_factory
from extensions.sdk.motif import Motif, MotifEvent, h

BOARD_ID = "symphony.harmony.board"
ARTIFACTS_ID = "symphony.harmony.artifacts"
LIVE = frozenset({"running"})
"""Run statuses whose state still changes (the board polls those)."""

STATE_COLOURS: Mapping[str, str] = {
    "pending": "$text-muted",
    "queued": "$text-muted",
    "waiting": "$warning",
    "running": "$accent",
    "retrying": "$warning",
    "succeeded": "$success",
    "failed": "$error",
    "skipped": "$text-muted",
    "blocked": "$warning",
    "cancelled": "$text-muted",
}
"""Theme colour of each node state (Motifs may only use theme variables, so boards follow the theme)."""
STATE_MARKS: Mapping[str, str] = {
    "pending": "·",
    "queued": "…",
    "waiting": "?",
    "running": "▶",
    "retrying": "↻",
    "succeeded": "✓",
    "failed": "✗",
    "skipped": "↷",
    "blocked": "⊘",
    "cancelled": "■",
}


def layers(nodes: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Node ids in columns: sources first, each node one column right of its deepest dependency.

    Ids keep the workflow's order within a column. Dependencies on unknown ids are ignored; a cycle (which the
    engine never stores) cannot loop: nodes still unplaced after a full pass go in a last column.
    """
    needs = {str(n["id"]): [str(d) for d in n.get("needs", [])] for n in nodes}
    depth: dict[str, int] = {}
    for _ in range(len(needs) + 1):
        changed = False
        for node_id, deps in needs.items():
            known = [d for d in deps if d in needs]
            if all(d in depth for d in known):
                value = 1 + max((depth[d] for d in known), default=-1)
                if depth.get(node_id) != value:
                    depth[node_id] = value
                    changed = True
        if not changed:
            break
    last = 1 + max(depth.values(), default=-1)
    columns: list[list[str]] = [[] for _ in range(last + (1 if len(depth) < len(needs) else 0))]
    for node_id in needs:
        columns[depth.get(node_id, last)].append(node_id)
    return [column for column in columns if column]


class HarmonyBoard(Motif):
    """The board: runs picker, the selected run's DAG, and the selected node's details and log."""

    id = BOARD_ID

    def __init__(self, extension: HarmonyExtension) -> None:
        self.extension = extension
        super().__init__()
        self._poller: asyncio.Task[None] | None = None

    def initial_state(self) -> dict[str, Any]:
        return {"runs": [], "run": None, "selected": None, "logs": [], "error": ""}

    # -- drawing ---------------------------------------------------------------------------------------------

    def render(self) -> Node:
        runs: list[dict[str, Any]] = self.state["runs"]
        run: dict[str, Any] | None = self.state["run"]
        return h.vertical(
            h.horizontal(
                h.select(
                    options=[[f"{r['name']}  {r['run_id']}  ({r['status']})", r["run_id"]] for r in runs],
                    value=run["run_id"] if run else None,
                    prompt="Pick a run" if runs else "No runs yet: start one with `symphony run WORKFLOW`",
                    on_changed=self.pick_run,
                    key="runs",
                    width="1fr",
                ),
                h.button("Refresh", on_press=self.refresh, key="refresh"),
                height="auto",
                key="bar",
            ),
            h.label(self.state["error"], color="$error", key="error") if self.state["error"] else None,
            run is not None and self._run_header(run),
            run is not None and self._graph(run),
            run is not None and self._details(run),
            key="board",
        )

    def _run_header(self, run: Mapping[str, Any]) -> Node:
        counts: dict[str, int] = {}
        for node in run["nodes"]:
            counts[node["state"]] = counts.get(node["state"], 0) + 1
        spans: list[list[Any]] = [[f"{run['name']} ", "bold"], [f"[{run['mode']}] ", None]]
        spans.append([run["status"], "bold"])
        for state, count in sorted(counts.items()):
            spans.append([f"  {STATE_MARKS.get(state, '')} {count} {state}", None])
        return h.rich_text(spans=spans, key="summary")

    def _graph(self, run: Mapping[str, Any]) -> Node:
        by_id = {node["id"]: node for node in run["nodes"]}
        selected = self.state["selected"]
        return h.scroll(
            h.horizontal(
                (
                    h.vertical(
                        (self._node_button(by_id[node_id], node_id == selected) for node_id in column),
                        key=f"col{index}",
                        width="auto",
                        height="auto",
                        margin=[0, 2, 0, 0],
                    )
                    for index, column in enumerate(layers(run["nodes"]))
                ),
                key="columns",
                height="auto",
            ),
            horizontal=True,
            key="graph",
            height="auto",
            max_height=20,
        )

    def _node_button(self, node: Mapping[str, Any], selected: bool) -> Node:
        state = node["state"]
        retry = f" #{node['attempts']}" if node["attempts"] > 1 else ""
        return h.button(
            f"{STATE_MARKS.get(state, '')} {node['id']}{retry}",
            key=f"node:{node['id']}",
            color=STATE_COLOURS.get(state, "$text"),
            text_style="bold reverse" if selected else "bold",
            tooltip=f"{node['kind']} · {state}" + (f" · {node['error']}" if node["error"] else ""),
            on_press=self.select_node,
        )

    def _details(self, run: Mapping[str, Any]) -> Node | None:
        node = next((n for n in run["nodes"] if n["id"] == self.state["selected"]), None)
        if node is None:
            return h.label("Select a node to see its log.", color="$text-muted", key="hint")
        waiting = node["state"] == "waiting"
        lines = [
            ("" if entry["stream"] == "stdout" else "! " if entry["stream"] == "stderr" else "~ ") + entry["text"]
            for entry in self.state["logs"]
        ]
        return h.vertical(
            h.label(
                f"{node['id']}: {node['kind']}, {node['state']}, attempt {node['attempts']}",
                text_style="bold",
                key="title",
            ),
            h.label(node["error"], color="$error", key="node-error") if node["error"] else None,
            h.label(node["prompt"], key="prompt") if waiting and node["prompt"] else None,
            waiting
            and h.horizontal(
                h.button("Approve", variant="success", on_press=self.approve, key="approve"),
                h.button("Skip", variant="warning", on_press=self.skip, key="skip"),
                height="auto",
                key="decide",
            ),
            h.log(lines=lines or ["(no output captured)"], max_lines=2000, key="log", height=12),
            key=f"details:{node['id']}",
            height="auto",
        )

    # -- data ------------------------------------------------------------------------------------------------

    async def show(self) -> None:
        """Draw, then load the runs (and keep a live run fresh while the board is open)."""
        await super().show()
        await self.refresh(None)
        await self.flush()

    async def refresh(self, event: MotifEvent | None) -> None:
        """Re-read the run list, the shown run and the selected node's log."""
        runs = self.extension.ctx.runs
        try:
            listed = await runs.recent(limit=30)
            run = self.state["run"]
            if run is None and listed:
                run = await runs.get(listed[0]["run_id"])
            elif run is not None:
                run = await runs.get(run["run_id"])
            logs = await self._logs_for(run, self.state["selected"])
        except SymphonyError as exc:
            self.set_state(error=f"{exc.message} ({exc.hint})")
            return
        self.set_state(runs=listed, run=run, logs=logs, error="")
        self._follow(run)

    async def _logs_for(self, run: Mapping[str, Any] | None, node_id: str | None) -> list[dict[str, Any]]:
        if run is None or node_id is None:
            return []
        return await self.extension.ctx.runs.logs(run["run_id"], node_id, limit=500)

    async def pick_run(self, event: MotifEvent) -> None:
        if not event.value:
            return
        try:
            run = await self.extension.ctx.runs.get(str(event.value))
        except SymphonyError as exc:
            self.set_state(error=exc.message)
            return
        self.set_state(run=run, selected=None, logs=[], error="")
        self._follow(run)

    async def select_node(self, event: MotifEvent) -> None:
        node_id = (event.key or "").removeprefix("node:")
        run = self.state["run"]
        logs = await self._logs_for(run, node_id)
        self.set_state(selected=node_id, logs=logs)

    async def approve(self, event: MotifEvent) -> None:
        await self._decide("go")

    async def skip(self, event: MotifEvent) -> None:
        await self._decide("skip")

    async def _decide(self, action: str) -> None:
        run, node_id = self.state["run"], self.state["selected"]
        if run is None or node_id is None:
            return
        try:
            await self.extension.ctx.runs.decide(run["run_id"], node_id, action)  # type: ignore[arg-type]
        except SymphonyError as exc:
            self.set_state(error=f"{exc.message} ({exc.hint})")
            await self.flush()
            return
        await self.refresh(None)

    # -- live updates ----------------------------------------------------------------------------------------

    def _follow(self, run: Mapping[str, Any] | None) -> None:
        """Poll while the shown run is live; stop when it ends or another run is picked."""
        if run is not None and run["status"] in LIVE and self.view is not None:
            if self._poller is None or self._poller.done():
                self._poller = asyncio.ensure_future(self._poll())
        elif self._poller is not None:
            self._poller.cancel()
            self._poller = None

    async def _poll(self) -> None:
        interval = float(await self.extension.ctx.settings.get("refresh_seconds", 1.0))
        while True:
            await asyncio.sleep(max(0.2, interval))
            run = self.state["run"]
            if run is None or run["status"] not in LIVE:
                return
            with contextlib.suppress(SymphonyError):
                fresh = await self.extension.ctx.runs.get(run["run_id"])
                logs = await self._logs_for(fresh, self.state["selected"])
                if fresh != run or logs != self.state["logs"]:
                    self.set_state(run=fresh, logs=logs)
                    await self.flush()


class ArtifactBrowser(Motif):
    """Search the artifact store as you type; hits in a table (name, kind, size, tags, digest)."""

    id = ARTIFACTS_ID

    def __init__(self, extension: HarmonyExtension) -> None:
        self.extension = extension
        super().__init__()

    def initial_state(self) -> dict[str, Any]:
        return {"query": "", "hits": [], "searched": False, "error": ""}

    def render(self) -> Node:
        hits: list[dict[str, Any]] = self.state["hits"]
        if self.state["error"]:
            summary = self.state["error"]
        elif not self.state["searched"]:
            summary = "Searching..."
        elif not hits:
            summary = "No artifacts match." if self.state["query"] else "The artifact store is empty."
        else:
            summary = f"{len(hits)} artifact{'s' if len(hits) != 1 else ''}"
        return h.vertical(
            h.input(
                value=self.state["query"],
                placeholder="Search artifacts (text, kind:text, tag:...)",
                on_changed=self.search,
                key="query",
            ),
            h.label(summary, color="$error" if self.state["error"] else "$text-muted", key="summary"),
            h.data_table(
                columns=["Name", "Kind", "Size", "Tags", "Digest"],
                rows=[
                    [
                        hit["name"] or "(unnamed)",
                        hit["kind"],
                        _size(hit["size"]),
                        ", ".join(hit["tags"]),
                        hit["digest"][:12],
                    ]
                    for hit in hits
                ],
                cursor_type="row",
                zebra_stripes=True,
                key="hits",
            ),
            key="artifacts",
        )

    async def show(self) -> None:
        """Draw, then list the most recent artifacts."""
        await super().show()
        await self.run_search("")
        await self.flush()

    async def search(self, event: MotifEvent) -> None:
        await self.run_search(str(event.value or ""))

    async def run_search(self, query: str) -> None:
        """Search and show the hits (recent artifacts for an empty query)."""
        self.set_state(query=query)
        try:
            hits = await self.extension.ctx.runs.search_artifacts(query, limit=100)
        except SymphonyError as exc:
            self.set_state(error=exc.message, hits=[], searched=True)
            return
        if self.state["query"] == query:  # a newer keystroke's search wins
            self.set_state(hits=hits, searched=True, error="")


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


class HarmonyExtension(Extension):
    """Contributes the board and the artifact browser, and a command to open each."""

    @motif_factory(BOARD_ID)
    def make_board(self) -> HarmonyBoard:
        """A new board; it loads the runs when shown."""
        return HarmonyBoard(self)

    @motif_factory(ARTIFACTS_ID)
    def make_browser(self) -> ArtifactBrowser:
        """A new artifact browser; it lists recent artifacts when shown."""
        return ArtifactBrowser(self)

    @command("symphony.harmony.board", title="Show Harmony Board")
    async def show_board(self) -> None:
        """Open (or refresh) the board."""
        shown = self.ctx.motif.shown(BOARD_ID)
        if isinstance(shown, HarmonyBoard):
            await shown.refresh(None)
            return
        await self.ctx.motif.show(self.make_board())

    @command("symphony.harmony.artifacts", title="Browse Artifacts")
    async def show_artifacts(self) -> None:
        """Open the artifact browser."""
        if self.ctx.motif.shown(ARTIFACTS_ID) is None:
            await self.ctx.motif.show(self.make_browser())


def node_states(run: Mapping[str, Any]) -> dict[str, str]:
    """``{node id: state}`` of a run view (handy in tests and scripts)."""
    return {node["id"]: node["state"] for node in run["nodes"]}


def flatten(columns: Iterable[Iterable[str]]) -> list[str]:
    """Column-major node order, as the board lays nodes out."""
    return [node_id for column in columns for node_id in column]
