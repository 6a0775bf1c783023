"""Workflow files in TOML and YAML load into the same Workflow; errors point at file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError, NotFoundError
from core.orchestration import NodeKind, PortType, WorkflowValidationError, load_workflow

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
