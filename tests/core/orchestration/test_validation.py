"""Validation reports every problem with the node's id and a fix, before anything runs."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import ErrorCode
from core.orchestration import NodeSpec, Workflow, WorkflowValidationError, find_problems, validate_workflow


def _wf(*nodes: dict[str, Any]) -> Workflow:
    return Workflow(name="w", nodes=tuple(NodeSpec.model_validate(n) for n in nodes))


def test_valid_workflow_is_returned_unchanged() -> None:
    workflow = _wf(
        {"id": "a", "kind": "shell", "command": "echo hi"},
        {"id": "b", "kind": "python", "call": "m:f", "inputs": {"t": "a.stdout"}, "outputs": {"o": "text"}},
    )
    assert validate_workflow(workflow) is workflow


def test_cycle_is_reported_with_the_path_and_a_fix() -> None:
    workflow = _wf(
        {"id": "a", "kind": "shell", "command": "x", "after": ["c"]},
        {"id": "b", "kind": "shell", "command": "x", "after": ["a"]},
        {"id": "c", "kind": "shell", "command": "x", "after": ["b"]},
    )
    with pytest.raises(WorkflowValidationError) as caught:
        validate_workflow(workflow)
    (problem,) = caught.value.problems
    assert "cycle" in problem.message and "->" in problem.message
    assert problem.node in {"a", "b", "c"}
    assert "DAG" in problem.fix
    assert caught.value.code is ErrorCode.VALIDATION


def test_missing_input_node_names_consumer_and_source() -> None:
    problems = find_problems(_wf({"id": "b", "kind": "python", "call": "m:f", "inputs": {"t": "ghost.out"}}))
    assert [(p.node, "ghost" in p.message) for p in problems] == [("b", True)]


def test_missing_output_lists_what_the_producer_has() -> None:
    problems = find_problems(
        _wf(
            {"id": "a", "kind": "shell", "command": "x"},
            {"id": "b", "kind": "python", "call": "m:f", "inputs": {"t": "a.result"}},
        )
    )
    assert len(problems) == 1
    assert problems[0].node == "b"
    assert "returncode, stdout" in problems[0].message


def test_unknown_kind_lists_the_known_ones() -> None:
    (problem,) = find_problems(_wf({"id": "x", "kind": "teleport"}))
    assert problem.node == "x"
    assert "teleport" in problem.message
    assert "shell" in problem.fix and "approval" in problem.fix


def test_type_mismatch_names_both_types() -> None:
    (problem,) = find_problems(
        _wf(
            {"id": "a", "kind": "shell", "command": "x"},
            {"id": "b", "kind": "python", "call": "m:f", "inputs": {"n": {"source": "a.stdout", "type": "int"}}},
        )
    )
    assert problem.node == "b"
    assert "expects int" in problem.message and "text" in problem.message


def test_int_output_may_feed_a_float_input() -> None:
    workflow = _wf(
        {"id": "a", "kind": "shell", "command": "x"},
        {"id": "b", "kind": "python", "call": "m:f", "inputs": {"n": {"source": "a.returncode", "type": "float"}}},
    )
    assert find_problems(workflow) == []


def test_kind_specific_fields_are_required_and_foreign_ones_refused() -> None:
    problems = find_problems(
        _wf({"id": "s", "kind": "shell"}, {"id": "p", "kind": "python", "call": "nocolon", "command": "ls"})
    )
    messages = {(p.node, p.message) for p in problems}
    assert ("s", "a shell node needs 'command'") in messages
    assert any(node == "p" and "'command' has no meaning" in msg for node, msg in messages)
    assert any(node == "p" and "not 'module:function'" in msg for node, msg in messages)


def test_unregistered_instrument_is_reported_when_targets_are_known() -> None:
    workflow = _wf({"id": "m", "kind": "instrument", "target": "whisper"})
    assert find_problems(workflow) == []
    (problem,) = find_problems(workflow, targets={"llama"})
    assert problem.node == "m" and "whisper" in problem.message


def test_all_problems_are_reported_at_once_and_duplicate_ids_too() -> None:
    workflow = _wf(
        {"id": "a", "kind": "shell", "command": "x"},
        {"id": "a", "kind": "shell", "command": "y"},
        {"id": "b", "kind": "nope"},
        {"id": "c", "kind": "shell", "command": "x", "after": ["zzz"]},
    )
    with pytest.raises(WorkflowValidationError) as caught:
        validate_workflow(workflow, source="flow.toml")
    assert {p.node for p in caught.value.problems} == {"a", "b", "c"}
    assert "flow.toml" in caught.value.message
    assert len(caught.value.to_dict()["data"]["problems"]) == 3
