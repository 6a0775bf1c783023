"""Workflow files in TOML and YAML load into the same Workflow; errors point at file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config.formats import ConfigFormat
from core.errors import ConfigError, NotFoundError
from core.orchestration import (
    NodeKind,
    NodeSpec,
    PortType,
    Workflow,
    WorkflowValidationError,
    load_workflow,
    parse_workflow_text,
)

TOML = """\
[workflow]
name = "greet"
max_concurrency = 2

[[nodes]]
id = "hello"
kind = "shell"
command = "echo hello"

[[nodes]]
id = "loud"
kind = "python"
call = "tests.core.orchestration.callables:shout"
inputs = { text = "hello.stdout" }
outputs = { out = "text" }
retries = 2
timeout = 5
"""

YAML = """\
name: greet
max_concurrency: 2
nodes:
  hello:
    kind: shell
    command: echo hello
  loud:
    kind: python
    call: tests.core.orchestration.callables:shout
    inputs:
      text: {source: hello.stdout, type: text}
    outputs: {out: text}
    retries: 2
    timeout: 5
"""


def test_toml_list_and_yaml_table_forms_load_the_same_graph(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(TOML)
    (tmp_path / "b.yaml").write_text(YAML)
    from_toml = load_workflow(tmp_path / "a.toml")
    from_yaml = load_workflow(tmp_path / "b.yaml")
    for workflow in (from_toml, from_yaml):
        assert workflow.name == "greet" and workflow.max_concurrency == 2
        loud = workflow.node("loud")
        assert loud.kind == NodeKind.PYTHON and loud.retries == 2 and loud.timeout == 5
        assert loud.inputs["text"].source == "hello.stdout"
        assert loud.outputs == {"out": PortType.TEXT}


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\n[[nodes]]\nid = "a"\nkind = = "shell"\n')
    with pytest.raises(ConfigError) as caught:
        load_workflow(path)
    assert f"{path}:4" in caught.value.message


def test_wrong_field_value_names_the_node_key_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(TOML.replace("retries = 2", "retries = -1"))
    with pytest.raises(ConfigError) as caught:
        load_workflow(path)
    assert "nodes.loud.retries" in caught.value.message
    assert f"{path}:16" in caught.value.message


def test_graph_problems_come_after_parsing_and_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text("nodes:\n  a: {kind: shell, command: x, after: [b]}\n  b: {kind: shell, command: x, after: [a]}\n")
    with pytest.raises(WorkflowValidationError) as caught:
        load_workflow(path)
    assert str(path) in caught.value.message and "cycle" in caught.value.message


def test_missing_file_and_unknown_suffix_are_clear(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_workflow(tmp_path / "nope.toml")
    (tmp_path / "flow.txt").write_text("x")
    with pytest.raises(ConfigError, match=r"\*\.toml"):
        load_workflow(tmp_path / "flow.txt")


_ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def _workflows(draw: st.DrawFn) -> Workflow:
    ids = draw(st.lists(_ids, min_size=1, max_size=6, unique=True))
    nodes = []
    for index, node_id in enumerate(ids):
        earlier = ids[:index]
        kind = draw(st.sampled_from(["shell", "python"]))
        spec: dict[str, object] = {"id": node_id, "kind": kind, "retries": draw(st.integers(0, 3))}
        if kind == "shell":
            spec["command"] = draw(st.text(min_size=1, max_size=20))
        else:
            spec["call"] = "pkg.mod:func"
            spec["outputs"] = {"out": draw(st.sampled_from(["text", "int", "json"]))}
        if earlier:
            spec["after"] = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=2))
        if draw(st.booleans()):
            spec["timeout"] = draw(st.floats(0.5, 100))
        nodes.append(NodeSpec.model_validate(spec))
    return Workflow(name=draw(_ids), max_concurrency=draw(st.integers(1, 64)), nodes=tuple(nodes))


@settings(max_examples=60)
@given(_workflows(), st.sampled_from([ConfigFormat.YAML, ConfigFormat.JSON]))
def test_workflows_written_as_yaml_or_json_load_back_equal(workflow: Workflow, fmt: ConfigFormat) -> None:
    data = workflow.model_dump(mode="json", exclude_defaults=True)
    text = yaml.safe_dump(data) if fmt is ConfigFormat.YAML else json.dumps(data)
    assert parse_workflow_text(text, fmt) == workflow
