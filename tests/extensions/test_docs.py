"""docs/extensions.md is executed: its Python runs, its manifests validate, its tables cover the whole API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extensions.builtin import BUILTIN_ROOT
from extensions.kit.chambering import TRANSITIONS
from extensions.kit.manifest import Capability, parse_manifest
from extensions.sdk.api import EVENTS, METHODS
from tests.doc_blocks import fenced_blocks, run_python_blocks

DOC = Path(__file__).resolve().parents[2] / "docs" / "extensions.md"


def blocks(language: str) -> list[str]:
    return fenced_blocks(DOC, language)


def test_python_examples_run_top_to_bottom() -> None:
    run_python_blocks(DOC, "docs_extensions", at_least=6)


@pytest.mark.parametrize("number", range(len(blocks("toml"))))
def test_toml_examples_are_valid_manifests(number: int) -> None:
    parse_manifest(blocks("toml")[number], f"{DOC.name} toml block {number + 1}")


def test_tutorial_manifest_is_the_builtin_hello_manifest() -> None:
    assert blocks("toml")[0] == (BUILTIN_ROOT / "hello" / "Symphony.toml").read_text(encoding="utf-8")


def test_tutorial_code_is_the_builtin_hello_code() -> None:
    shipped = (BUILTIN_ROOT / "hello" / "hello.py").read_text(encoding="utf-8")
    documented = blocks("python")[0]
    strip = re.compile(r'^\s*("""[^\n]*"""|#[^\n]*)\n|  # [^\n]*', re.M)

    def normalise(text: str) -> list[str]:
        return [line for line in strip.sub("", text).splitlines() if line.strip() and "import" not in line]

    assert normalise(documented) == normalise(shipped)


def test_reference_tables_name_every_event_call_capability_and_state() -> None:
    text = DOC.read_text(encoding="utf-8")
    for event in EVENTS:
        assert f"| `{event}` |" in text, event
    for method in METHODS:
        assert f"`{method}" in text, method
    for capability in Capability:
        assert f"| `{capability.value}` |" in text, capability
    for state, targets in TRANSITIONS.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{state.value}` |"))
        assert set(re.findall(r"`(\w+)`", row)[1:]) == {t.value for t in targets}, row
