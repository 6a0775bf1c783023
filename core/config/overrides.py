"""Command-line overrides: ``--set KEY=VALUE`` flags and the CLI settings layer built from them."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from core.config import problems
from core.config.layers import Layer, LayerKind
from core.config.merge import deep_merge, tree_from_dotted
from core.errors import ConfigError


def parse_cli_override(text: str) -> tuple[str, Any]:
    """Split ``editor.tab_size=2`` into ``("editor.tab_size", 2)``.

    The value is read as a TOML value (integer, float, true/false, quoted string, array, inline table) so
    ``--set editor.soft_wrap=true`` sets a boolean; anything else is kept as the raw text, so
    ``--set theme=symphony-light`` needs no quotes. Raises ConfigError if there is no ``=`` or no key.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(
            f"command-line override {text!r} is not KEY=VALUE",
            hint="Write --set SECTION.KEY=VALUE, e.g. --set editor.tab_size=2.",
            data={"layer": "cli", "file": None, "line": None, "key": key or None},
        )
    return key, _parse_value(raw)


def _parse_value(raw: str) -> Any:
    if "\n" in raw or "\r" in raw:
        return raw
    try:
        document = tomllib.loads(f"value = {raw}")
    except tomllib.TOMLDecodeError:
        return raw
    value = document.get("value", raw)
    # TOML dates and times are not settings values; keep what the user typed.
    return value if len(document) == 1 and _plain(value) else raw


def _plain(value: Any) -> bool:
    if isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_plain(item) for item in value.values())
    return False


def cli_layer(overrides: Mapping[str, Any]) -> tuple[Layer, list[ConfigError]]:
    """The CLI layer from dotted-key overrides; a key that cannot name a setting is a problem, not a crash."""
    tree: dict[str, Any] = {}
    found: list[ConfigError] = []
    for key, value in overrides.items():
        try:
            tree = deep_merge(tree, tree_from_dotted({key: value}))
        except ValueError as exc:
            found.append(problems.bad_override_key(key, str(exc)))
    return Layer(kind=LayerKind.CLI, data=tree), found


__all__ = ["cli_layer", "parse_cli_override"]
