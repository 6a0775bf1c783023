"""Keybindings as data: defaults plus user overrides, resolved to commands.

Overrides follow VS Code's rules: a binding for a key replaces the default on that key; a command prefixed
with "-" removes a default binding of that command (on that key, or on every key when the key is "*").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.errors import ConfigError


@dataclass(frozen=True)
class Binding:
    """One key chord mapped to one command."""

    key: str
    command: str
    args: Mapping[str, Any] = field(default_factory=dict)


def normalize_key(key: str) -> str:
    """Canonical form: lower case, modifiers in a fixed order (ctrl, alt, shift, meta, super)."""
    parts = [p.strip().lower() for p in key.replace(" ", "").split("+") if p.strip()]
    if not parts:
        raise ConfigError(f"empty key in keybinding {key!r}", hint="Write keys like 'ctrl+s' or 'alt+left'.")
    *mods, base = parts
    order = ["ctrl", "alt", "shift", "meta", "super"]
    unknown = [m for m in mods if m not in order]
    if unknown:
        raise ConfigError(
            f"unknown modifier {unknown[0]!r} in key {key!r}",
            hint="Modifiers are ctrl, alt, shift, meta and super.",
            data={"key": key},
        )
    mods_sorted = sorted(set(mods), key=order.index)
    return "+".join([*mods_sorted, base])


def resolve_keymap(
    defaults: Iterable[Binding], overrides: Iterable[Binding], known_commands: Iterable[str] | None = None
) -> tuple[list[Binding], list[ConfigError]]:
    """The effective bindings, and a problem per override that could not apply."""
    effective: dict[str, Binding] = {}
    problems: list[ConfigError] = []
    for binding in defaults:
        key = normalize_key(binding.key)
        effective[key] = Binding(key, binding.command, binding.args)
    known = set(known_commands) if known_commands is not None else None
    for binding in overrides:
        try:
            key = normalize_key(binding.key) if binding.key != "*" else "*"
        except ConfigError as exc:
            problems.append(exc)
            continue
        if binding.command.startswith("-"):
            target = binding.command[1:]
            for existing_key, existing in list(effective.items()):
                if existing.command == target and key in ("*", existing_key):
                    del effective[existing_key]
            continue
        if known is not None and binding.command not in known:
            problems.append(
                ConfigError(
                    f"keybinding {binding.key!r}: unknown command {binding.command!r}",
                    hint="Use a command id from the palette (F1), e.g. 'file.save'.",
                    data={"key": "keybindings", "value": binding.command},
                )
            )
            continue
        effective[key] = Binding(key, binding.command, binding.args)
    return list(effective.values()), problems
