"""What a person sees: every node type drawn from VDOM, and the two built-in Motifs (through snap_motif)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from core.vdom import NODE_TYPES, Node
from extensions.builtin.ipcmon.ipcmon import IpcMonitor
from extensions.builtin.todo.todo import TodoItem, TodoPanel
from extensions.sdk.motif import Motif, MotifEvent, h
from extensions.sdk.testing import snap_motif


class Gallery(Motif):
    """One of each node type, with layout and theme-colour props."""

    id = "test.gallery"

    def initial_state(self) -> dict[str, Any]:
        return {"clicks": 0}

    def render(self) -> Node:
        return h.vertical(
            h.horizontal(
                h.label("Gallery", text_style="bold", color="$accent", width=12),
                h.label(f"{self.state['clicks']} clicks", variant="success", key="clicks", width=12),
                h.static("static text [not markup]", width="1fr"),
                height=1,
            ),
            h.rich_text(spans=[["bold ", "bold"], ["italic ", "italic"], ["plain", None]]),
            h.grid(
                h.button("Press", on_press=self.press, variant="primary", key="press"),
                h.input(value="typed", placeholder="input"),
                h.checkbox("Checkbox", value=True),
                h.switch(value=True),
                columns=4,
                height=3,
            ),
            h.horizontal(
                h.radio_set(options=["red", "green"], selected=1, width=20),
                h.select(options=[["One", "1"], ["Two", "2"]], value="2", width=20),
                h.option_list(options=["first", "second"], highlighted=0, width=20),
                h.text_area(value="def f():\n    return 1\n", language="python", width="1fr"),
                height=6,
            ),
            h.horizontal(
                h.list_view(h.list_item(h.label("item one"), key="a"), h.list_item(h.label("item two"), key="b")),
                h.data_table(columns=["name", "n"], rows=[["alpha", 1], ["beta", None]]),
                h.tree("root", h.tree_node("folder", h.tree_node("leaf", data="x"), expanded=True)),
                height=5,
            ),
            h.horizontal(
                h.progress_bar(total=10, progress=4, width=40),
                h.sparkline(data=[1, 3, 2, 5, 4, 6, 2], summary="max", width="1fr"),
                height=1,
            ),
            h.log(lines=["log line 1", "log line 2"], height=4, border="round", border_title="log"),
            h.tabs(
                h.tab("Markdown", h.markdown("# Title\n\nSome *markdown*."), key="md"),
                h.tab("Loading", h.loading_indicator(), key="loading"),
                active="md",
                height=8,
            ),
            h.scroll(h.label("in a scroll container"), height=2, background="$panel"),
            padding=[0, 1],
        )

    async def press(self, event: MotifEvent) -> None:
        self.set_state(clicks=self.state["clicks"] + 1)


def test_the_gallery_uses_every_node_type() -> None:
    used: set[str] = set()
    stack = [Gallery().render_tree()]
    while stack:
        node = stack.pop()
        used.add(node.type)
        stack.extend(node.children)
    assert used == set(NODE_TYPES)


def test_gallery_of_every_widget(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def press(pilot: Pilot[None]) -> None:
        await pilot.click("#motif-body Button")
        button = pilot.app.query_one("#motif-body Button")
        while button.has_class("-active"):  # the pressed look lasts 0.2 s; a loaded machine snapped it mid-way
            await pilot.pause(0.05)

    assert snap_motif(snap_compare, Gallery(), terminal_size=(110, 46), run_before=press)


def test_todo_panel(snap_compare) -> None:  # type: ignore[no-untyped-def]
    panel = TodoPanel(None)  # type: ignore[arg-type]
    items = [
        TodoItem("src/app.py", 2, "TODO", "implement"),
        TodoItem("src/app.py", 14, "FIXME", "handle errors"),
        TodoItem("README.md", 7, "XXX", "rewrite the intro"),
    ]
    panel.state.update(items=items, scanned=True)
    assert snap_motif(snap_compare, panel, terminal_size=(48, 14))


def test_ipc_monitor(snap_compare) -> None:  # type: ignore[no-untyped-def]
    ticks = iter(range(100))
    monitor = IpcMonitor(clock=lambda: float(next(ticks)))
    for total in (0, 40, 120, 150, 300, 310, 500):
        monitor.sample(
            {
                "exthost (conn-1)": {
                    "messages_in": total,
                    "messages_out": total // 2,
                    "bytes_in": 90 * total,
                    "bytes_out": 40 * total,
                    "errors": 0,
                    "requests": total,
                    "latency_p50_us": 128.0,
                    "latency_p99_us": 1024.0,
                },
                "lsp (conn-2)": {
                    "messages_in": 7,
                    "messages_out": 9,
                    "bytes_in": 4096,
                    "bytes_out": 2048,
                    "errors": 1,
                    "requests": 7,
                    "latency_p50_us": 256.0,
                    "latency_p99_us": 2048.0,
                },
            }
        )
    assert snap_motif(snap_compare, monitor, terminal_size=(110, 10))
