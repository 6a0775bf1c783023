"""Manifest checks, key completion and hover from a JSON Schema, without a server process."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from hypothesis import given
from hypothesis import strategies as st

from core.lsp.manifest_schema import check_manifest
from core.lsp.manifest_server import completion_items, create_server, hover_text, schema_from_provider
from core.lsp.toml_keys import KeySpan, scan, split_key
from tests.core.lsp.manifest_fixture import GOOD, SCHEMA


def _messages(text: str) -> list[tuple[int, str]]:
    return [(d.range.start.line, d.message) for d in check_manifest(text, SCHEMA)]


def test_valid_manifest_has_no_problems() -> None:
    assert check_manifest(GOOD, SCHEMA) == []


def test_toml_syntax_error_is_placed_at_its_line_and_column() -> None:
    [problem] = check_manifest('id = "x"\nname = \n', SCHEMA)
    assert (problem.range.start.line, problem.range.start.character) == (1, 7)
    assert "at line" not in problem.message


def test_unknown_key_in_an_array_table_points_at_that_key_and_lists_the_allowed_ones() -> None:
    text = GOOD + 'titel = "oops"\n'
    assert _messages(text) == [(8, "unknown key 'titel' in contributes.commands[0] (expected one of: id, title)")]


def test_missing_required_key_is_reported_at_the_top() -> None:
    text = GOOD.replace('name = "Hello"\n', "")
    assert _messages(text) == [(0, "(top level) is missing required key 'name'")]


def test_wrong_enum_value_points_at_the_key() -> None:
    text = GOOD.replace('type = "operator"', 'type = "widget"')
    [(line, message)] = _messages(text)
    assert line == 3
    assert message.startswith("type: 'widget' is not one of")


def test_second_array_table_entry_is_located_separately() -> None:
    text = GOOD + '\n[[contributes.commands]]\nid = "hello.other"\ntitle = ""\n'
    [(line, message)] = _messages(text)
    assert line == 11
    assert message.startswith("contributes.commands[1].title:")


def test_without_a_schema_only_syntax_is_checked() -> None:
    assert check_manifest("whatever = 1\n", None) == []


def test_keys_inside_multiline_arrays_and_strings_are_not_mistaken_for_keys() -> None:
    text = 'a = [\n  "x = 1",\n]\nb = """\nc = 2\n"""\nd = 3\n'
    keys = scan(text)
    assert set(keys.spans) == {("a",), ("b",), ("d",)}
    assert keys.spans[("d",)] == KeySpan(6, 0, 1)


def test_dotted_and_quoted_keys_split_like_toml() -> None:
    assert split_key("a.\"b.c\".'d'") == ["a", "b.c", "d"]


def test_completion_offers_the_keys_of_the_table_under_the_cursor() -> None:
    text = GOOD + "ti"
    items = completion_items(text, 8, 2, SCHEMA)
    assert {item.label for item in items} == {"id", "title"}


def test_completion_after_equals_offers_enum_values_quoted() -> None:
    text = "type = "
    items = completion_items(text, 0, 7, SCHEMA)
    assert [(item.label, item.insert_text) for item in items] == [
        ("instrument", '"instrument"'),
        ("operator", '"operator"'),
        ("motif", '"motif"'),
    ]


def test_completion_at_top_level_offers_top_level_keys_with_docs() -> None:
    items = completion_items("", 0, 0, SCHEMA)
    by_label = {item.label: item for item in items}
    assert set(by_label) == {"id", "name", "version", "type", "contributes"}
    documentation = by_label["version"].documentation
    assert documentation is not None and "Semantic version." in str(documentation)


def test_hover_on_a_key_shows_its_description_and_allowed_values() -> None:
    found = hover_text(GOOD, 3, 1, SCHEMA)
    assert found is not None
    text, span = found
    assert "**type**" in text and "`operator`" in text
    assert (span.start.line, span.start.character, span.end.character) == (3, 0, 4)


@given(st.lists(st.sampled_from(["[t]", "[[arr]]", "k = 1", 'q = """', "x = [", "]", '"""', "# c", ""]), max_size=12))
def test_scanner_never_raises_on_any_line_mix(lines: list[str]) -> None:
    scan("\n".join(lines))


def test_bad_schema_provider_is_a_usage_error_naming_it() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "core.lsp.manifest_server", "--schema-provider", "no_colon_here"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "'no_colon_here' is not MODULE:FUNCTION" in completed.stderr


def test_unimportable_provider_still_serves_syntax_checks() -> None:
    server = create_server(schema_from_provider("no.such.module:schema"))
    assert server.schema is None


_BARE_KEYS = st.text(alphabet="abcxyz_-0", min_size=1, max_size=6)
_ODD_KEYS = st.text(alphabet='ab .=[]"#é', min_size=1, max_size=6)
_SCALARS = st.one_of(
    st.integers(-5, 5), st.booleans(), st.text(alphabet='ab"\\\n =[]{}#', max_size=8), st.lists(st.integers(0, 3))
)


def _key(name: str) -> str:
    return name if all(c in "abcxyz_-0" for c in name) else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if "\n" in value and '"""' not in value and not value.endswith('"') and "\\" not in value:
            return '"""\n' + value + '"""'
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[\n" + "".join(f"  {_value(item)},\n" for item in value) + "]"
    return str(value)


@given(
    top=st.dictionaries(_BARE_KEYS | _ODD_KEYS, _SCALARS, max_size=4),
    tables=st.dictionaries(_BARE_KEYS, st.dictionaries(_BARE_KEYS | _ODD_KEYS, _SCALARS, max_size=3), max_size=3),
)
def test_every_key_tomllib_reads_is_located_on_a_line_that_writes_it(
    top: dict[str, object], tables: dict[str, dict[str, object]]
) -> None:
    tables = {name: body for name, body in tables.items() if name not in top}
    lines = [f"{_key(key)} = {_value(value)}" for key, value in top.items()]
    for name, body in tables.items():
        lines.append(f"[{_key(name)}]")
        lines.extend(f"{_key(key)} = {_value(value)}" for key, value in body.items())
    text = "\n".join(lines) + "\n"
    parsed = tomllib.loads(text)
    keys = scan(text)
    expected = {(key,) for key in parsed} | {(name, key) for name, body in tables.items() for key in body}
    assert set(keys.spans) == expected
    text_lines = text.splitlines()
    for path, span in keys.spans.items():
        written = text_lines[span.line][span.start : span.end]
        assert split_key(written)[-1] == path[-1]
