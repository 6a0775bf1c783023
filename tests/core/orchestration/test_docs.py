"""docs/orchestration.md is executed: its workflow files validate, its Python runs, its tables cover the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigFormat
from core.orchestration import ConductorMode, NodeKind, PortType, parse_workflow_text, validate_workflow
from tests.doc_blocks import fenced_blocks, run_python_blocks

DOC = Path(__file__).resolve().parents[3] / "docs" / "orchestration.md"


def blocks(language: str) -> list[str]:
    return fenced_blocks(DOC, language)


@pytest.mark.parametrize("language", ["toml", "yaml"])
def test_workflow_files_parse_and_validate(language: str) -> None:
    [text] = blocks(language)
    workflow = parse_workflow_text(text, ConfigFormat(language.upper()))
    validate_workflow(workflow)
    assert {node.id for node in workflow.nodes} == {"say", "title", "review", "publish"}


def test_toml_and_yaml_examples_describe_the_same_graph() -> None:
    toml = parse_workflow_text(blocks("toml")[0], ConfigFormat.TOML)
    yaml = parse_workflow_text(blocks("yaml")[0], ConfigFormat.YAML)
    assert {n.id: (n.kind, n.inputs, n.after) for n in toml.nodes} == {
        n.id: (n.kind, n.inputs, n.after) for n in yaml.nodes
    }


def test_python_examples_run_top_to_bottom() -> None:
    run_python_blocks(DOC, "docs_orchestration", at_least=5)


def test_reference_names_every_node_kind_port_type_and_mode() -> None:
    text = DOC.read_text(encoding="utf-8")
    for kind in NodeKind:
        assert f"| `{kind.value}` |" in text, kind
    for port in PortType:
        assert f"`{port.value}`" in text, port
    for mode in ConductorMode:
        assert mode.value.capitalize() in text, mode


def test_every_cli_command_shown_exists() -> None:
    from symphony_tui.cli_run import _parser

    [shell] = blocks("sh")
    for line in shell.splitlines():
        words = line.split("#")[0].split()
        if words[:2] == ["symphony", "runs"] and words[2:3] == ["logs"]:
            _parser("runs logs")
        elif words[:1] == ["symphony"]:
            _parser(words[1])
