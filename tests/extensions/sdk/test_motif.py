"""Motif components: builders make nodes, set_state sends only the patch, events reach handlers by node id."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core.errors import ExtensionError, NotFoundError, ProtocolError, ValidationError
from core.vdom import Node
from extensions.sdk.motif import LocalView, Motif, MotifEvent, h


class Tasks(Motif):
    id = "acme.tasks"

    def initial_state(self) -> dict[str, Any]:
        return {"items": ["a", "b", "c"], "picked": None, "filter": ""}

    def render(self) -> Node:
        shown = [t for t in self.state["items"] if self.state["filter"] in t]
        return h.vertical(
            h.label("Tasks", key="title"),
            h.input(value=self.state["filter"], on_changed=self.refilter, key="filter"),
            h.list_view((h.list_item(h.label(t), key=t) for t in shown), on_selected=self.pick, key="list"),
            self.state["picked"] and h.label(f"picked {self.state['picked']}", key="picked"),
            key="main",
        )

    async def refilter(self, event: MotifEvent) -> None:
        self.set_state(filter=event.value)

    async def pick(self, event: MotifEvent) -> None:
        self.set_state(picked=event.value)
        self.set_state(items=[*self.state["items"], "d"])


def node_by_key(motif: Motif, key: str) -> int:
    assert motif.mounted is not None
    stack = [motif.mounted]
    while stack:
        current = stack.pop()
        if current.node.key == key:
            return current.id
        stack.extend(current.children)
    raise AssertionError(key)


def test_builders_take_text_children_lists_and_skip_none_and_false() -> None:
    node = h.vertical(h.label("Tasks", color="$accent"), [h.static("x"), None], False, key=7, width="1fr")
    assert node == Node(
        "vertical",
        "7",
        {"width": "1fr"},
        children=(Node("label", props={"color": "$accent"}, text="Tasks"), Node("static", text="x")),
    )


def test_builders_reject_stray_strings_unknown_types_and_sync_handlers() -> None:
    with pytest.raises(ValidationError, match="a string can only be the first argument"):
        h.vertical("oops")
    with pytest.raises(AttributeError, match="no node type 'blink'"):
        h.blink()

    def sync_handler(event: MotifEvent) -> None: ...

    with pytest.raises(ValidationError, match="not an async function"):
        h.button("Go", on_press=sync_handler)


def test_handlers_outside_a_render_are_rejected() -> None:
    async def handler(event: MotifEvent) -> None: ...

    with pytest.raises(ValidationError, match="outside a Motif's render"):
        h.button("Go", on_press=handler)


async def test_show_sends_the_whole_tree_with_schema_and_revision() -> None:
    view = LocalView()
    await Tasks(view).show()
    kind, params = view.messages[0]
    assert kind == "render" and params["schema"] == 1 and params["motif"] == "acme.tasks" and params["revision"] == 1
    assert view.tree.children[0] == Node("label", "title", text="Tasks")


async def test_a_handler_with_two_set_state_calls_sends_one_minimal_patch() -> None:
    view = LocalView()
    motif = Tasks(view)
    await motif.show()
    list_id = node_by_key(motif, "list")
    assert await motif.handle_event(list_id, "selected", "b")
    patches = [params for kind, params in view.messages if kind == "patch"]
    assert len(patches) == 1 and patches[0]["revision"] == 2
    assert sorted(op["op"] for op in patches[0]["ops"]) == ["insert", "insert"]  # the "d" item and the label
    assert view.tree == motif.render_tree()


async def test_filtering_removes_items_without_touching_the_others_and_handler_ids_stay() -> None:
    view = LocalView()
    motif = Tasks(view)
    await motif.show()
    kept = node_by_key(motif, "c")
    await motif.handle_event(node_by_key(motif, "filter"), "changed", "c")
    ops = view.messages[-1][1]["ops"]
    assert {op["op"] for op in ops} == {"set_props", "remove"}
    assert [op["set"] for op in ops if op["op"] == "set_props"] == [{"value": "c"}]
    assert node_by_key(motif, "c") == kept


async def test_events_for_nodes_a_patch_removed_are_ignored() -> None:
    motif = Tasks(LocalView())
    await motif.show()
    assert not await motif.handle_event(9999, "selected", "x")
    assert not await motif.handle_event(node_by_key(motif, "title"), "press")


async def test_set_state_outside_a_handler_sends_the_patch_on_the_next_loop_turn() -> None:
    view = LocalView()
    motif = Tasks(view)
    await motif.show()
    motif.set_state(items=["z"])
    motif.set_state(picked="z")
    for _ in range(3):
        await asyncio.sleep(0)
    assert [kind for kind, _ in view.messages] == ["render", "patch"]
    assert view.tree == motif.render_tree()


class Broken(Motif):
    id = "acme.broken"

    def initial_state(self) -> dict[str, Any]:
        return {"fail": False, "bad_prop": False}

    def render(self) -> Node:
        if self.state["fail"]:
            raise RuntimeError("boom")
        return h.vertical(h.progress_bar(progress="half" if self.state["bad_prop"] else 0.5))


def test_a_render_error_names_the_motif_and_keeps_the_last_good_tree() -> None:
    motif = Broken()
    motif.first_render()
    before = motif.mounted
    motif.set_state(fail=True)
    with pytest.raises(ExtensionError, match=r"acme\.broken failed to render: RuntimeError: boom"):
        motif.update()
    assert motif.mounted is before


def test_an_invalid_render_names_the_node_path() -> None:
    motif = Broken()
    motif.first_render()
    motif.set_state(bad_prop=True)
    with pytest.raises(ValidationError) as caught:
        motif.update()
    assert caught.value.data["path"] == "vertical/progress_bar[0]"


class Flaky(Motif):
    id = "acme.flaky"

    def initial_state(self) -> dict[str, Any]:
        return {"fail": False, "presses": 0}

    def render(self) -> Node:
        if self.state["fail"]:
            raise RuntimeError("half-way")
        return h.vertical(h.button("Go", on_press=self.press), h.label(str(self.state["presses"])))

    async def press(self, event: MotifEvent) -> None:
        self.set_state(presses=self.state["presses"] + 1, fail=self.state["presses"] == 0)


async def test_after_a_failed_render_the_shown_tree_still_routes_its_events() -> None:
    motif = Flaky()
    motif.first_render()
    assert motif.mounted is not None
    button = motif.mounted.children[0].id
    with pytest.raises(ExtensionError, match="half-way"):
        await motif.handle_event(button, "press")
    motif.state["fail"] = False
    assert await motif.handle_event(button, "press")
    assert motif.state["presses"] == 2


async def test_the_local_view_refuses_patches_out_of_order_and_finds_nodes_by_key() -> None:
    view = LocalView()
    motif = Tasks(view)
    await motif.show()
    assert view.node_id("list") == node_by_key(motif, "list")
    with pytest.raises(NotFoundError):
        view.node_id("nope")
    with pytest.raises(ProtocolError, match="revision 5 follows 1"):
        await view.patch({"schema": 1, "motif": "acme.tasks", "revision": 5, "ops": []})
