"""The published JSON Schema accepts everything the SDK sends and rejects malformed patches."""

from __future__ import annotations

from typing import Any

import jsonschema
import msgpack
import pytest
from hypothesis import given

from core.vdom import SCHEMA_VERSION, IdAllocator, Node, diff, mount, wire_json_schema
from core.vdom.patch import OP_NAMES
from tests.core.vdom.trees import TREES

VALIDATOR = jsonschema.Draft202012Validator(wire_json_schema())


def envelope(**body: Any) -> dict[str, Any]:
    return {"schema": SCHEMA_VERSION, "motif": "acme.tasks", "revision": 1, **body}


def test_the_schema_is_a_valid_draft_2020_12_schema_covering_every_op() -> None:
    jsonschema.Draft202012Validator.check_schema(wire_json_schema())
    ops = wire_json_schema()["$defs"]["op"]["oneOf"]
    assert [op["properties"]["op"]["const"] for op in ops] == list(OP_NAMES)


@given(TREES, TREES)
def test_renders_and_patches_of_random_trees_match_the_schema(old: Node, new: Node) -> None:
    ids = IdAllocator()
    mounted = mount(old, ids)
    VALIDATOR.validate(envelope(root=mounted.to_wire()))
    _, ops = diff(mounted, new, ids)
    VALIDATOR.validate(msgpack.unpackb(msgpack.packb(envelope(ops=ops))))


@pytest.mark.parametrize(
    "bad",
    [
        envelope(ops=[{"op": "insert", "before": None, "node": {"type": "label", "id": 2}}]),
        envelope(ops=[{"op": "set_text", "id": 0, "text": "x"}]),
        envelope(root={"type": "blink", "id": 1}),
        {**envelope(ops=[]), "schema": SCHEMA_VERSION + 1},
    ],
    ids=["insert-without-parent", "id-zero", "unknown-type", "future-schema"],
)
def test_malformed_messages_are_rejected(bad: dict[str, Any]) -> None:
    assert not VALIDATOR.is_valid(bad)
