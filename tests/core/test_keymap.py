"""Keybindings are data: defaults plus user overrides, VS Code style."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ConfigError
from core.keymap import Binding, normalize_key, resolve_keymap

DEFAULTS = [Binding("ctrl+s", "file.save"), Binding("ctrl+b", "view.toggleExplorer"), Binding("f1", "palette")]
KNOWN = ["file.save", "view.toggleExplorer", "palette", "file.new"]


def test_user_binding_replaces_the_default_on_that_key() -> None:
    effective, problems = resolve_keymap(DEFAULTS, [Binding("ctrl+b", "file.new")], KNOWN)
    assert problems == []
    assert {b.key: b.command for b in effective}["ctrl+b"] == "file.new"


def test_minus_command_removes_a_default_binding() -> None:
    effective, _ = resolve_keymap(DEFAULTS, [Binding("ctrl+s", "-file.save")], KNOWN)
    assert "ctrl+s" not in {b.key for b in effective}
    effective, _ = resolve_keymap(DEFAULTS, [Binding("*", "-palette")], KNOWN)
    assert "palette" not in {b.command for b in effective}


def test_unknown_command_is_reported_and_skipped() -> None:
    effective, problems = resolve_keymap(DEFAULTS, [Binding("ctrl+k", "no.such")], KNOWN)
    assert "ctrl+k" not in {b.key for b in effective}
    assert len(problems) == 1 and "no.such" in problems[0].message


def test_bad_modifier_is_a_config_error_naming_the_key() -> None:
    with pytest.raises(ConfigError, match="hyper"):
        normalize_key("hyper+x")
    _, problems = resolve_keymap(DEFAULTS, [Binding("hyper+x", "file.save")], KNOWN)
    assert problems and "hyper+x" in problems[0].message


@given(st.permutations(["ctrl", "alt", "shift"]), st.sampled_from(["a", "left", "f5", "pagedown"]))
def test_modifier_order_and_case_do_not_matter(mods: list[str], base: str) -> None:
    key = "+".join([m.upper() for m in mods] + [base])
    assert normalize_key(key) == f"ctrl+alt+shift+{base}"
