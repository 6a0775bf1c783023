"""The settings schema: defaults, bounds, typo rejection and a JSON schema that documents every key."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from core.config import KeyBinding, Settings, settings_json_schema
from core.config.schema import DEFAULT_EXCLUDE, EditorSettings, ExplorerSettings, TerminalSettings


def test_defaults_match_the_documented_values() -> None:
    settings = Settings()
    assert settings.theme == "symphony-dark"
    assert settings.log_level == "info"
    assert settings.editor == EditorSettings(
        tab_size=4,
        insert_spaces=True,
        line_numbers=True,
        soft_wrap=False,
        show_whitespace=False,
        highlight_current_line=True,
        auto_close_pairs=True,
        auto_indent=True,
        default_encoding="utf-8",
        trim_trailing_whitespace=False,
        insert_final_newline=False,
    )
    assert settings.explorer.width == 30
    assert settings.explorer.exclude == list(DEFAULT_EXCLUDE)
    assert ".git" in settings.explorer.exclude and "node_modules" in settings.explorer.exclude
    assert settings.keybindings == []
    assert settings.terminal == TerminalSettings(shell=None, shell_args=[], scrollback=10000)


@pytest.mark.parametrize(
    ("model", "field", "good", "bad"),
    [
        (EditorSettings, "tab_size", [1, 16], [0, 17]),
        (ExplorerSettings, "width", [12, 120], [11, 121]),
        (TerminalSettings, "scrollback", [0, 1_000_000], [-1, 1_000_001]),
    ],
)
def test_numeric_bounds_are_inclusive(
    model: type[pydantic.BaseModel], field: str, good: list[int], bad: list[int]
) -> None:
    for value in good:
        assert getattr(model.model_validate({field: value}), field) == value
    for value in bad:
        with pytest.raises(pydantic.ValidationError):
            model.model_validate({field: value})


def test_unknown_keys_are_errors_at_every_level() -> None:
    for data in ({"them": "x"}, {"editor": {"tabsize": 2}}, {"keybindings": [{"key": "a", "command": "x", "arg": 1}]}):
        with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
            Settings.model_validate(data)


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "latin-1", "cp1252", "utf-16"])
def test_default_encoding_accepts_text_codecs(encoding: str) -> None:
    assert EditorSettings(default_encoding=encoding).default_encoding == encoding


@pytest.mark.parametrize("encoding", ["utf-9", "", "rot13", "base64"])
def test_default_encoding_rejects_unknown_and_bytes_codecs(encoding: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="encoding"):
        EditorSettings(default_encoding=encoding)


def test_keybinding_command_may_remove_a_default_with_a_leading_dash() -> None:
    binding = KeyBinding(key="ctrl+s", command="-file.save")
    assert binding.command == "-file.save"
    assert binding.args == {}


@pytest.mark.parametrize(
    ("key", "command"), [("", "file.save"), ("ctrl s", "file.save"), ("ctrl+s", ""), ("ctrl+s", "save file")]
)
def test_keybinding_rejects_empty_or_spaced_keys_and_commands(key: str, command: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        KeyBinding(key=key, command=command)


def test_settings_are_immutable() -> None:
    settings = Settings()
    with pytest.raises(pydantic.ValidationError):
        settings.theme = "other"  # type: ignore[misc]


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [(name, prop) for name, prop in schema.get("properties", {}).items()]
    for definition in schema.get("$defs", {}).values():
        found += _properties(definition)
    return found


def test_json_schema_gives_every_field_a_title_and_description() -> None:
    schema = settings_json_schema()
    properties = _properties(schema)
    assert len(properties) > 25
    for name, prop in properties:
        assert prop.get("title"), name
        assert prop.get("description"), name


def test_json_schema_carries_bounds_defaults_and_forbids_extra_keys() -> None:
    schema = settings_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    editor = schema["$defs"]["EditorSettings"]
    assert editor["properties"]["tab_size"]["minimum"] == 1
    assert editor["properties"]["tab_size"]["maximum"] == 16
    assert editor["properties"]["tab_size"]["default"] == 4
    assert editor["additionalProperties"] is False
    assert schema["properties"]["log_level"]["enum"] == ["debug", "info", "warning", "error"]
    assert schema["$defs"]["KeyBinding"]["required"] == ["key", "command"]
