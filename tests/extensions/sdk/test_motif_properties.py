"""Motif updates, property-checked: whatever the state change, the UI tree after the patch equals a fresh render."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from core.vdom import Node, WireTree
from extensions.sdk.motif import Motif, MotifEvent, h

ITEMS = st.lists(st.sampled_from("abcdefghij"), unique=True, max_size=10)


class Board(Motif):
    id = "acme.board"

    def initial_state(self) -> dict[str, Any]:
        return {"items": [], "done": set(), "log": []}

    def render(self) -> Node:
        return h.vertical(
            h.list_view(
                (
                    h.list_item(
                        h.horizontal(
                            h.checkbox(item, key=item, value=item in self.state["done"], on_changed=self.toggle)
                        ),
                        key=item,
                    )
                    for item in self.state["items"]
                ),
                key="items",
            ),
            h.log(lines=self.state["log"]),
            self.state["items"] and h.label(f"{len(self.state['items'])} items", key="count"),
        )

    async def toggle(self, event: MotifEvent) -> None:
        self.set_state(done={*self.state["done"], event.key})


@given(st.lists(st.tuples(ITEMS, ITEMS), min_size=1, max_size=5))
def test_after_every_update_the_patched_tree_equals_a_fresh_render(steps: list[tuple[list[str], list[str]]]) -> None:
    motif = Board()
    tree = WireTree(motif.first_render()["root"])
    for items, done in steps:
        motif.set_state(items=items, done=set(done))
        tree.apply(motif.update())
        assert tree.to_node() == motif.render_tree()


def test_state_mutated_in_place_still_reaches_the_ui() -> None:
    motif = Board()
    tree = WireTree(motif.first_render()["root"])
    motif.state["log"].append("started")
    motif.set_state()
    tree.apply(motif.update())
    assert tree.to_node().children[1] == Node("log", props={"lines": ["started"]})
