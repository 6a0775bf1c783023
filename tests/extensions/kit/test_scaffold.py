"""Scaffolds: any display name gives a valid manifest and importable code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ConflictError, ValidationError
from extensions.kit.manifest import MANIFEST_NAME, Capability, ExtensionType, parse_manifest
from extensions.kit.scaffold import ScaffoldSpec, check_activation, default_id, render, write_scaffold

names = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30).filter(lambda s: s.strip())


@given(names)
def test_any_name_renders_a_valid_manifest_and_parseable_code(name: str) -> None:
    spec = ScaffoldSpec(name=name, id=default_id(name), capabilities=(Capability.NET,))
    files = render(spec)
    manifest = parse_manifest(files[MANIFEST_NAME])
    assert manifest.name == name
    assert manifest.entry == f"{spec.module}:{spec.class_name}"
    assert spec.module.isidentifier() and spec.class_name.isidentifier()
    for path, text in files.items():
        if path.endswith(".py"):
            ast.parse(text)


def test_default_id_and_names() -> None:
    spec = ScaffoldSpec(name="Word Stats 2", id=default_id("Word Stats 2"), type=ExtensionType.MOTIF)
    assert spec.id == "local.word-stats-2"
    assert (spec.module, spec.class_name, spec.command_id) == (
        "word_stats_2",
        "WordStats2Extension",
        "local.word-stats-2.hello",
    )
    assert spec.activation_events == ("onCommand:local.word-stats-2.hello",)


def test_activation_check_names_the_forms() -> None:
    assert check_activation("workspaceContains:**/*.py") == "workspaceContains:**/*.py"
    with pytest.raises(ValidationError, match="onStartup"):
        check_activation("whenever")


def test_scaffold_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("keep")
    with pytest.raises(ConflictError, match="not empty"):
        write_scaffold(ScaffoldSpec(name="X", id="a.x"), tmp_path)
    assert (tmp_path / "x.txt").read_text() == "keep"
