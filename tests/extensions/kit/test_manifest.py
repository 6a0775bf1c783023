"""Symphony.toml: what parses, and that every problem names the file, the key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.types.version import Version
from extensions.kit.manifest import Capability, ExtensionType, load_manifest, parse_manifest
from tests.extensions.factory import manifest_text, write_extension

FULL = """
id = "acme.todo"
name = "TODO finder"
version = "2.1.0-beta.1"
type = "motif"
entry = "todo.panel:TodoExtension"
description = "Finds TODO and FIXME"
activation = ["onStartup", "onCommand:acme.todo.scan", "onLanguage:python", "workspaceContains:**/*.py",
              "onMotif:acme.todo.panel"]
capabilities = ["fs.read", "terminal", "fs.read"]

[dependencies]
"acme.base" = "^1.2"

[[contributes.commands]]
id = "acme.todo.scan"
title = "Scan for TODOs"
category = "TODO"

[[contributes.keybindings]]
key = "ctrl+alt+t"
command = "acme.todo.scan"

[contributes.settings."todo.tags"]
type = "array"
default = ["TODO", "FIXME"]
description = "Tags to look for"

[[contributes.motifs]]
id = "acme.todo.panel"
title = "TODOs"
location = "sidebar"

[[contributes.languages]]
id = "todo"
extensions = [".todo"]
"""


def test_full_manifest_parses_every_section() -> None:
    manifest = parse_manifest(FULL)
    assert manifest.id == "acme.todo"
    assert manifest.version == Version.parse("2.1.0-beta.1")
    assert manifest.type is ExtensionType.MOTIF
    assert (manifest.entry_module, manifest.entry_class) == ("todo.panel", "TodoExtension")
    assert [str(e) for e in manifest.activation] == [
        "onStartup",
        "onCommand:acme.todo.scan",
        "onLanguage:python",
        "workspaceContains:**/*.py",
        "onMotif:acme.todo.panel",
    ]
    assert manifest.capabilities == [Capability.FS_READ, Capability.TERMINAL]
    assert str(manifest.dependencies["acme.base"]) == "^1.2"
    assert manifest.contributes.settings["todo.tags"].default == ["TODO", "FIXME"]
    assert manifest.contributes.motifs[0].location == "sidebar"


def test_load_from_folder_reads_symphony_toml(tmp_path: Path) -> None:
    folder = write_extension(tmp_path, "acme.x", "0.3.0")
    assert load_manifest(folder).version == Version(0, 3, 0)


def test_missing_manifest_names_the_path_and_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no Symphony.toml") as info:
        load_manifest(tmp_path)
    assert "ext new" in info.value.hint


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "Symphony.toml").write_text('id = "a"\nname = \n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_manifest(tmp_path)
    assert f"{tmp_path / 'Symphony.toml'}:2" in info.value.message
    assert info.value.data["line"] == 2


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (('type = "operator"', 'type = "widget"'), "type", "'instrument', 'operator' or 'motif'"),
        (('version = "1.0.0"', 'version = "1.0"'), "version", "MAJOR.MINOR.PATCH"),
        (('entry = "main:Main"', 'entry = "main.py"'), "entry", "module:Class"),
        (("capabilities = []", 'capabilities = ["root"]'), "capabilities[0]", "fs.read"),
        (('id = "test.hello"', 'id = "has space"'), "id", "not a valid id"),
        (("[dependencies]\n", '[dependencies]\n"a.b" = "soon"\n'), "dependencies.a.b", "^1.2"),
    ],
)
def test_invalid_value_names_file_key_and_expectation(
    tmp_path: Path, change: tuple[str, str], key: str, expected: str
) -> None:
    text = manifest_text()
    assert change[0] in text
    (tmp_path / "Symphony.toml").write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_manifest(tmp_path)
    err = info.value
    assert str(tmp_path / "Symphony.toml") in err.message
    assert f"'{key}'" in err.message
    assert expected in err.message
    assert err.data["key"] == key
    assert "skipped" in err.hint


def test_missing_required_and_unknown_keys_are_all_reported_together() -> None:
    with pytest.raises(ConfigError) as info:
        parse_manifest('id = "a.b"\nversion = "1.0.0"\ntype = "operator"\nentry = "m:C"\ncolour = "red"\n')
    assert "key 'name' is required but missing" in info.value.message
    assert "unknown key 'colour'" in info.value.message
    assert info.value.data["keys"] == ["name", "colour"]


def test_activation_on_undeclared_command_is_an_error() -> None:
    text = manifest_text().replace('activation = ["onCommand:test.hello.run"]', 'activation = ["onCommand:nope"]')
    with pytest.raises(ConfigError, match=r"onCommand:nope names a command"):
        parse_manifest(text)


def test_unknown_activation_event_lists_the_accepted_ones() -> None:
    text = manifest_text().replace('activation = ["onCommand:test.hello.run"]', 'activation = ["onOpen"]')
    with pytest.raises(ConfigError, match=r"'onOpen' is not an activation event: use 'onStartup'"):
        parse_manifest(text)


def test_setting_default_must_match_its_type() -> None:
    text = manifest_text() + '[contributes.settings."x.size"]\ntype = "integer"\ndefault = "big"\n'
    with pytest.raises(ConfigError, match=r"contributes.settings.x.size.*not of type integer"):
        parse_manifest(text)


def test_extension_cannot_depend_on_itself() -> None:
    with pytest.raises(ConfigError, match=r"cannot depend on itself"):
        parse_manifest(manifest_text(dependencies={"test.hello": "^1"}))


def test_duplicate_command_ids_are_refused() -> None:
    text = manifest_text() + '[[contributes.commands]]\nid = "test.hello.run"\ntitle = "Again"\n'
    with pytest.raises(ConfigError, match=r"contributed twice"):
        parse_manifest(text)


def test_oversized_manifest_is_refused_without_parsing(tmp_path: Path) -> None:
    (tmp_path / "Symphony.toml").write_bytes(b"#" * (300 * 1024))
    with pytest.raises(ConfigError, match=r"larger than 256 KiB"):
        load_manifest(tmp_path)


def test_a_keybinding_when_clause_is_refused_not_silently_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "ext"
    folder.mkdir()
    (folder / "Symphony.toml").write_text(
        'id = "a.b"\nname = "B"\nversion = "1.0.0"\ntype = "operator"\nentry = "m:E"\n'
        '[[contributes.commands]]\nid = "a.b.go"\ntitle = "Go"\n'
        '[[contributes.keybindings]]\nkey = "ctrl+k"\ncommand = "a.b.go"\nwhen = "editorTextFocus"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_manifest(folder)
    assert "when" in caught.value.message and "not supported" in caught.value.message
