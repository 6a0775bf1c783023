"""Finding the line of a key in settings text, so schema errors point at the right line."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from core.config.formats import ConfigFormat
from core.config.locate import find_key_line
from core.config.merge import iter_leaves

TOML = """\
theme = "x"   # comment
"log_level" = "debug"

[editor]
tab_size = 0
soft_wrap = true

[[keybindings]]
key = "ctrl+s"
command = "file.save"

[[keybindings]]
key = "f5"
command = "run"
[keybindings.args]
debug = true

[terminal]
shell_args = [
  "-l",
]
explorer.width = 3
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("theme",), 1),
        (("log_level",), 2),
        (("editor",), 4),
        (("editor", "tab_size"), 5),
        (("editor", "soft_wrap"), 6),
        (("keybindings", 0), 8),
        (("keybindings", 0, "command"), 10),
        (("keybindings", 1, "key"), 13),
        (("keybindings", 1, "args", "debug"), 16),
        (("terminal", "shell_args", 0), 19),  # inside a multi-line array: the enclosing key's line
        (("terminal", "explorer", "width"), 22),
        (("editor", "missing"), 4),  # not written: the nearest written ancestor
        (("nowhere",), None),
    ],
)
def test_toml_keys_are_found_under_their_table_headers(path: tuple[Any, ...], line: int | None) -> None:
    assert find_key_line(TOML, ConfigFormat.TOML, path) == line


def test_json_and_yaml_list_entries_are_found_by_index() -> None:
    text_json = '{\n "keybindings": [\n  {"key": "a"},\n  {"key": "b",\n   "command": "x"}\n ]\n}'
    assert find_key_line(text_json, ConfigFormat.JSON, ("keybindings", 1)) == 4
    assert find_key_line(text_json, ConfigFormat.JSON, ("keybindings", 1, "command")) == 5
    text_yaml = "keybindings:\n  - key: a\n  - key: b\n    command: x\n"
    assert find_key_line(text_yaml, ConfigFormat.YAML, ("keybindings", 1)) == 3
    assert find_key_line(text_yaml, ConfigFormat.YAML, ("keybindings", 1, "command")) == 4


def test_a_string_value_that_looks_like_a_key_is_not_taken_for_one() -> None:
    text = '{"theme": "editor:", "note": "\\"editor\\": {",\n"editor": {"tab_size": 0}}'
    assert find_key_line(text, ConfigFormat.JSON, ("editor", "tab_size")) == 2


keys = st.from_regex(r"[a-z_]{1,6}", fullmatch=True)
documents = st.recursive(
    st.one_of(st.integers(), st.booleans(), st.text(max_size=5)),
    lambda children: st.dictionaries(keys, children, min_size=1, max_size=3),
    max_leaves=12,
).filter(lambda d: isinstance(d, dict))


@given(documents)
def test_every_key_of_a_pretty_printed_json_document_is_found_on_its_own_line(document: dict[str, Any]) -> None:
    text = json.dumps(document, indent=2)
    lines = text.splitlines()
    for path, _ in iter_leaves(document):
        line = find_key_line(text, ConfigFormat.JSON, path)
        assert line is not None
        assert lines[line - 1].lstrip().startswith(json.dumps(path[-1]) + ":")


@given(documents)
def test_every_key_of_a_block_yaml_document_is_found_on_its_own_line(document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, default_flow_style=False)
    lines = text.splitlines()
    for path, _ in iter_leaves(document):
        line = find_key_line(text, ConfigFormat.YAML, path)
        assert line is not None
        assert path[-1] in lines[line - 1]
