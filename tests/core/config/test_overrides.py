"""`--set KEY=VALUE` parsing: TOML-ish scalars and lists, raw text otherwise."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.config import parse_cli_override
from core.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("editor.tab_size=2", ("editor.tab_size", 2)),
        ("editor.soft_wrap=true", ("editor.soft_wrap", True)),
        ("x=1.5", ("x", 1.5)),
        ('theme="symphony-light"', ("theme", "symphony-light")),
        ("theme=symphony-light", ("theme", "symphony-light")),
        ('explorer.exclude=["dist", "build"]', ("explorer.exclude", ["dist", "build"])),
        ("terminal.shell=/bin/zsh", ("terminal.shell", "/bin/zsh")),
        (" log_level = debug", ("log_level", " debug")),
        ("theme=", ("theme", "")),
        ("a=b=c", ("a", "b=c")),
        ("when=2024-01-01", ("when", "2024-01-01")),
        ("x=1\ny = 2", ("x", "1\ny = 2")),
    ],
)
def test_values_parse_as_toml_scalars_or_stay_raw_text(text: str, expected: tuple[str, Any]) -> None:
    assert parse_cli_override(text) == expected


@pytest.mark.parametrize("text", ["editor.tab_size", "=2", "  =x", ""])
def test_missing_equals_or_key_is_a_config_error_with_a_hint(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_cli_override(text)
    assert "KEY=VALUE" in caught.value.message
    assert "--set" in caught.value.hint


toml_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        # TOML strings may hold any character but controls; json.dumps escapes all of those except DEL.
        st.text(st.characters(exclude_characters="\x7f")),
    ),
    lambda children: st.lists(children, max_size=3),
    max_leaves=6,
)


@given(st.from_regex(r"[a-z_]+(\.[a-z_]+){0,2}", fullmatch=True), toml_values)
def test_a_value_written_as_toml_reads_back_equal(key: str, value: Any) -> None:
    # json.dumps spells these values in valid TOML (control characters escaped, so no literal newlines).
    assert parse_cli_override(f"{key}={json.dumps(value, ensure_ascii=False)}") == (key, value)


@given(st.text().filter(lambda s: "=" not in s and s.strip()), st.text())
def test_any_text_after_the_first_equals_parses_without_raising(key: str, raw: str) -> None:
    parsed_key, value = parse_cli_override(f"{key}={raw}")
    assert parsed_key == key.strip()
    assert value == raw or not isinstance(value, str) or raw.strip().startswith(("'", '"'))
