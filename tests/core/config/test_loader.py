"""ConfigService.load: layer order, provenance, formats, and precise, non-fatal problems."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import ConfigService, Settings, load_settings
from core.config.layers import MAX_SETTINGS_BYTES
from core.config.problems import LOWER_LAYER_HINT
from core.errors import ConfigError, ErrorCode


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def only_problem(service: ConfigService) -> ConfigError:
    assert len(service.problems) == 1, [p.message for p in service.problems]
    return service.problems[0]


# --- merge order and provenance -------------------------------------------------------------------------------


def test_layers_merge_defaults_then_user_then_workspace_then_cli(config_dir: Path, workspace: Path) -> None:
    user = write(config_dir / "settings.toml", 'theme = "user-theme"\nlog_level = "warning"\n[editor]\ntab_size = 2\n')
    ws = write(workspace / ".symphony" / "settings.toml", "[editor]\ntab_size = 8\nsoft_wrap = true\n")
    service = ConfigService(workspace, {"log_level": "debug"})

    settings = service.load()

    assert settings is service.settings
    assert settings.theme == "user-theme"
    assert settings.editor.tab_size == 8
    assert settings.editor.soft_wrap is True
    assert settings.log_level == "debug"
    assert settings.editor.line_numbers is True
    assert service.provenance["theme"] == f"user: {user}"
    assert service.provenance["editor.tab_size"] == f"workspace: {ws}"
    assert service.provenance["editor.soft_wrap"] == f"workspace: {ws}"
    assert service.provenance["log_level"] == "cli"
    assert service.provenance["editor.line_numbers"] == "default"
    assert service.sources == [user, ws]
    assert service.problems == []


def test_provenance_names_every_leaf_setting(workspace: Path) -> None:
    service = ConfigService(workspace)
    service.load()
    assert set(service.provenance) >= {
        "theme",
        "log_level",
        "keybindings",
        "editor.tab_size",
        "editor.default_encoding",
        "explorer.exclude",
        "terminal.shell",
        "terminal.scrollback",
    }
    assert set(service.provenance.values()) == {"default"}
    assert service.settings == Settings()
    assert service.sources == []


def test_a_higher_layer_replaces_lists_whole(config_dir: Path, workspace: Path) -> None:
    write(config_dir / "settings.json", json.dumps({"explorer": {"exclude": ["a", "b"]}}))
    write(workspace / ".symphony" / "settings.json", json.dumps({"explorer": {"exclude": ["c"]}}))
    assert ConfigService(workspace).load().explorer.exclude == ["c"]


def test_cli_override_wins_over_every_file(config_dir: Path, workspace: Path) -> None:
    write(config_dir / "settings.toml", 'theme = "user"\n')
    write(workspace / ".symphony" / "settings.toml", 'theme = "ws"\n')
    service = ConfigService(workspace, {"theme": "symphony-light", "editor.tab_size": 3})
    settings = service.load()
    assert (settings.theme, settings.editor.tab_size) == ("symphony-light", 3)
    assert service.provenance["theme"] == service.provenance["editor.tab_size"] == "cli"


def test_without_a_workspace_only_the_user_layer_is_read(config_dir: Path) -> None:
    write(config_dir / "settings.toml", "editor.tab_size = 6\n")
    service = ConfigService(None)
    assert service.load().editor.tab_size == 6
    assert service.watch_paths() == [config_dir]


def test_config_dir_argument_beats_the_environment(tmp_path: Path) -> None:
    elsewhere = write(tmp_path / "elsewhere" / "settings.toml", 'theme = "elsewhere"\n')
    service = ConfigService(None, config_dir=elsewhere.parent)
    assert service.load().theme == "elsewhere"


def test_load_rereads_the_files(config_dir: Path) -> None:
    service = ConfigService(None)
    assert service.load().theme == "symphony-dark"
    write(config_dir / "settings.toml", 'theme = "changed"\n')
    assert service.load().theme == "changed"


# --- formats --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("settings.toml", '[editor]\ntab_size = 2\n[[keybindings]]\nkey = "ctrl+s"\ncommand = "file.save"\n'),
        ("settings.json", '{"editor": {"tab_size": 2}, "keybindings": [{"key": "ctrl+s", "command": "file.save"}]}'),
        ("settings.yaml", "editor:\n  tab_size: 2\nkeybindings:\n  - key: ctrl+s\n    command: file.save\n"),
        ("settings.yml", "editor: {tab_size: 2}\nkeybindings: [{key: ctrl+s, command: file.save}]\n"),
    ],
)
def test_each_format_is_read(config_dir: Path, name: str, text: str) -> None:
    write(config_dir / name, text)
    service = ConfigService(None)
    settings = service.load()
    assert service.problems == []
    assert settings.editor.tab_size == 2
    assert [(b.key, b.command) for b in settings.keybindings] == [("ctrl+s", "file.save")]


def test_first_file_in_precedence_order_wins_and_the_others_are_reported(config_dir: Path) -> None:
    write(config_dir / "settings.yml", 'theme: "yml"\n')
    write(config_dir / "settings.json", '{"theme": "json"}')
    service = ConfigService(None)
    assert service.load().theme == "json"
    problem = only_problem(service)
    assert "settings.json" in problem.message and "ignoring settings.yml" in problem.message
    assert problem.data["ignored"] == [str(config_dir / "settings.yml")]
    assert service.sources == [config_dir / "settings.json"]


@pytest.mark.parametrize("name", ["settings.toml", "settings.json", "settings.yaml"])
def test_an_empty_file_is_an_empty_layer(config_dir: Path, name: str) -> None:
    write(config_dir / name, "\n  \n")
    service = ConfigService(None)
    assert service.load() == Settings()
    assert service.problems == []


def test_a_utf8_bom_is_accepted(config_dir: Path) -> None:
    write(config_dir / "settings.json", b'\xef\xbb\xbf{"theme": "bom"}')
    assert ConfigService(None).load().theme == "bom"


def test_a_json_schema_pointer_is_not_a_setting(config_dir: Path) -> None:
    write(config_dir / "settings.json", '{"$schema": "./symphony.schema.json", "theme": "x"}')
    service = ConfigService(None)
    assert service.load().theme == "x"
    assert service.problems == []


# --- syntax errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("settings.toml", 'theme = "a"\n[editor]\ntab_size = = 2\n', 3, 12),
        ("settings.json", '{\n  "theme": "a",\n  "editor": {"tab_size": 2,}\n}', 3, 28),
        ("settings.yaml", "theme: a\neditor:\n  tab_size: [2\nlog_level: debug\n", 4, 10),
    ],
)
def test_malformed_file_names_file_line_and_column_and_keeps_other_layers(
    config_dir: Path, workspace: Path, name: str, text: str, line: int, column: int
) -> None:
    path = write(config_dir / name, text)
    write(workspace / ".symphony" / "settings.toml", "editor.tab_size = 5\n")
    service = ConfigService(workspace)

    settings = service.load()

    assert settings.editor.tab_size == 5
    assert settings.theme == "symphony-dark"  # nothing from the broken file
    problem = only_problem(service)
    assert isinstance(problem, ConfigError) and problem.code is ErrorCode.CONFIG
    assert problem.message.startswith(f"{path}:{line}:{column}: ")
    assert "syntax error" in problem.message
    assert problem.data == {
        "layer": "user",
        "file": str(path),
        "line": line,
        "column": column,
        "format": name.split(".")[1].upper(),
    }
    assert "ignores this file" in problem.hint


def test_toml_error_at_end_of_file_names_the_last_line(config_dir: Path) -> None:
    path = write(config_dir / "settings.toml", 'theme = "a"\nexclude = [1,')
    service = ConfigService(None)
    service.load()
    problem = only_problem(service)
    assert problem.message.startswith(f"{path}:2")
    assert problem.data["line"] == 2


def test_a_top_level_that_is_not_a_table_is_a_problem(config_dir: Path) -> None:
    path = write(config_dir / "settings.json", '["theme", "x"]')
    service = ConfigService(None)
    assert service.load() == Settings()
    problem = only_problem(service)
    assert str(path) in problem.message and "expected a table of settings" in problem.message


# --- unreadable files -----------------------------------------------------------------------------------------


def test_non_utf8_file_is_reported_with_the_position_of_the_bad_byte(config_dir: Path, workspace: Path) -> None:
    path = write(config_dir / "settings.toml", 'theme = "ok"\nname = "caf\xe9"\n'.encode("latin-1"))
    write(workspace / ".symphony" / "settings.toml", "editor.tab_size = 3\n")
    service = ConfigService(workspace)
    assert service.load().editor.tab_size == 3
    problem = only_problem(service)
    assert problem.message == f"{path}:2:12: not valid UTF-8 text (byte 0xe9)"
    assert "UTF-8" in problem.hint
    assert (problem.data["line"], problem.data["column"]) == (2, 12)


def test_a_directory_in_place_of_the_settings_file_is_a_problem(config_dir: Path) -> None:
    (config_dir / "settings.toml").mkdir()
    service = ConfigService(None)
    assert service.load() == Settings()
    problem = only_problem(service)
    assert problem.message == f"{config_dir / 'settings.toml'}: is a directory, not a settings file"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_an_unreadable_file_is_a_problem(config_dir: Path) -> None:
    path = write(config_dir / "settings.toml", 'theme = "secret"\n')
    path.chmod(0)
    try:
        service = ConfigService(None)
        assert service.load().theme == "symphony-dark"
        assert "permission denied" in only_problem(service).message
    finally:
        path.chmod(0o600)


@pytest.mark.skipif(os.name != "posix", reason="symlinks need no privileges on POSIX only")
def test_a_broken_symlink_is_a_problem(config_dir: Path, tmp_path: Path) -> None:
    (config_dir / "settings.toml").symlink_to(tmp_path / "dotfiles" / "symphony.toml")
    service = ConfigService(None)
    service.load()
    assert "broken link" in only_problem(service).message


# --- schema errors --------------------------------------------------------------------------------------------


def test_invalid_value_drops_only_that_key(config_dir: Path, workspace: Path) -> None:
    write(config_dir / "settings.toml", "[editor]\ntab_size = 2\n")
    ws = write(workspace / ".symphony" / "settings.toml", "[editor]\nsoft_wrap = true\ntab_size = 0\ntheme_x = 1\n")
    service = ConfigService(workspace)

    settings = service.load()

    assert settings.editor.tab_size == 2  # from the user layer: the workspace's 0 was dropped
    assert settings.editor.soft_wrap is True  # the rest of the workspace file still applies
    assert service.provenance["editor.tab_size"].startswith("user: ")
    assert service.provenance["editor.soft_wrap"] == f"workspace: {ws}"
    by_key = {p.data["key"]: p for p in service.problems}
    assert set(by_key) == {"editor.tab_size", "editor.theme_x"}
    tab = by_key["editor.tab_size"]
    assert tab.message == f"{ws}:3: key 'editor.tab_size': 0 is less than the minimum 1"
    assert tab.hint == LOWER_LAYER_HINT
    assert tab.data == {"layer": "workspace", "file": str(ws), "line": 3, "key": "editor.tab_size", "value": 0}


def test_unknown_key_is_reported_with_its_name_and_a_suggestion(config_dir: Path) -> None:
    path = write(config_dir / "settings.yaml", "theme: mine\neditor:\n  tabsize: 2\n")
    service = ConfigService(None)
    assert service.load().theme == "mine"
    problem = only_problem(service)
    assert problem.message == f"{path}:3: unknown key 'editor.tabsize'; did you mean 'tab_size'?"
    assert "tab_size" in problem.hint and "soft_wrap" in problem.hint
    assert problem.data["key"] == "editor.tabsize"


def test_unknown_section_is_dropped_whole(config_dir: Path) -> None:
    write(config_dir / "settings.toml", "[editr]\ntab_size = 2\n[explorer]\nwidth = 40\n")
    service = ConfigService(None)
    assert service.load().explorer.width == 40
    problem = only_problem(service)
    assert "unknown key 'editr'; did you mean 'editor'?" in problem.message
    assert problem.data["line"] == 1


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('log_level = "verbose"', "log_level", "\"verbose\" is not one of 'debug', 'info', 'warning' or 'error'"),
        ("editor.tab_size = 17", "editor.tab_size", "17 is more than the maximum 16"),
        ('editor.tab_size = "wide"', "editor.tab_size", '"wide" is invalid: expected a valid integer'),
        ("editor.soft_wrap = 3", "editor.soft_wrap", "3 is invalid: expected a valid boolean"),
        ('editor.default_encoding = "klingon"', "editor.default_encoding", "unknown encoding"),
        ("editor = 3", "editor", "3 is not a table"),
        ('theme = ""', "theme", "is empty"),
    ],
)
def test_schema_errors_name_key_value_and_expectation(config_dir: Path, text: str, key: str, fragment: str) -> None:
    write(config_dir / "settings.toml", text + "\n")
    service = ConfigService(None)
    assert service.load() == Settings()
    problem = only_problem(service)
    assert f"key '{key}': " in problem.message
    assert fragment in problem.message
    assert problem.data["key"] == key
    assert problem.data["line"] == 1


def test_an_invalid_list_item_drops_only_that_item(config_dir: Path) -> None:
    write(config_dir / "settings.toml", 'explorer.exclude = ["dist", 1, "build"]\n')
    service = ConfigService(None)
    assert service.load().explorer.exclude == ["dist", "build"]
    problem = only_problem(service)
    assert "key 'explorer.exclude[1]': 1 is invalid: expected a valid string" in problem.message
    assert problem.data["line"] == 1


def test_an_invalid_keybinding_drops_only_that_binding(config_dir: Path) -> None:
    path = write(
        config_dir / "settings.toml",
        '[[keybindings]]\nkey = "ctrl+s"\ncommand = "file.save"\n\n'
        '[[keybindings]]\nkey = "ctrl+q"\n\n'
        '[[keybindings]]\nkey = "f5"\ncommand = "run.start"\nargs = { debug = true }\n',
    )
    service = ConfigService(None)
    settings = service.load()
    assert [(b.key, b.command, b.args) for b in settings.keybindings] == [
        ("ctrl+s", "file.save", {}),
        ("f5", "run.start", {"debug": True}),
    ]
    problem = only_problem(service)
    assert problem.message == (
        f"{path}:5: key 'keybindings[1].command' is required but missing (entry 'keybindings[1]' ignored)"
    )
    assert "keeps the other entries" in problem.hint


def test_errors_in_several_list_entries_drop_each_of_them(config_dir: Path) -> None:
    write(
        config_dir / "settings.json",
        json.dumps(
            {
                "keybindings": [
                    {"key": "a", "command": "bad command"},
                    {"key": "b", "command": "ok"},
                    {"key": "c c", "command": "ok"},
                    {"key": "d", "command": "-ok"},
                ]
            }
        ),
    )
    service = ConfigService(None)
    assert [b.key for b in service.load().keybindings] == ["b", "d"]
    assert sorted(p.data["key"] for p in service.problems) == ["keybindings[0].command", "keybindings[2].key"]


def test_invalid_cli_override_falls_back_to_the_files(config_dir: Path) -> None:
    write(config_dir / "settings.toml", "editor.tab_size = 2\n")
    service = ConfigService(None, {"editor.tab_size": 99, "theme": "cli-theme", "editor..x": 1})
    settings = service.load()
    assert (settings.editor.tab_size, settings.theme) == (2, "cli-theme")
    messages = sorted(p.message for p in service.problems)
    assert messages == [
        "command-line override: 'editor..x' is not a dotted key (expected e.g. 'editor.tab_size')",
        "command-line override: key 'editor.tab_size': 99 is more than the maximum 16",
    ]
    assert all(p.data["file"] is None and p.data["layer"] == "cli" for p in service.problems)


def test_problem_data_survives_the_ipc_wire_form(config_dir: Path) -> None:
    write(config_dir / "settings.toml", "editor.tab_size = 1979-05-27\n")
    service = ConfigService(None)
    service.load()
    wire = only_problem(service).to_dict()
    assert json.loads(json.dumps(wire)) == wire
    assert wire["data"]["value"] == "1979-05-27"
    rebuilt = ConfigError.from_dict(wire)
    assert isinstance(rebuilt, ConfigError) and rebuilt.data["key"] == "editor.tab_size"


# --- properties -----------------------------------------------------------------------------------------------

partial_settings = st.fixed_dictionaries(
    {},
    optional={
        "theme": st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12),
        "log_level": st.sampled_from(["debug", "info", "warning", "error"]),
        "editor": st.fixed_dictionaries(
            {},
            optional={
                "tab_size": st.integers(1, 16),
                "soft_wrap": st.booleans(),
                "default_encoding": st.just("latin-1"),
            },
        ),
        "explorer": st.fixed_dictionaries(
            {},
            optional={"width": st.integers(12, 120), "exclude": st.lists(st.text(min_size=1, max_size=5), max_size=3)},
        ),
        "terminal": st.fixed_dictionaries({}, optional={"shell": st.sampled_from(["/bin/sh", "zsh"])}),
    },
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=partial_settings, as_yaml=st.booleans())
def test_valid_settings_written_in_any_format_load_back_unchanged(data: dict[str, Any], as_yaml: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        name = "settings.yaml" if as_yaml else "settings.json"
        write(directory / name, yaml.safe_dump(data) if as_yaml else json.dumps(data))
        result = load_settings(directory)
    assert result.problems == []
    assert result.settings == Settings.model_validate(data)
    written = {f"{k}.{sub}" if isinstance(v, dict) else k for k, v in data.items() for sub in (v or [None])}
    for key in written:
        if not key.endswith(".None"):
            assert result.provenance[key].startswith("user: ")


@settings(max_examples=60, deadline=None)
@given(raw=st.binary(max_size=200), suffix=st.sampled_from(["toml", "json", "yaml"]))
def test_loading_arbitrary_bytes_never_raises_and_reports_the_file(raw: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / f"settings.{suffix}", raw)
        result = load_settings(path.parent)
    assert isinstance(result.settings, Settings)
    for problem in result.problems:
        assert isinstance(problem, ConfigError)
        assert problem.data["file"] == str(path)
        assert str(path) in problem.message


def test_an_os_error_while_reading_is_a_problem_naming_the_reason(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads any file, so the OS refusal is injected here; the message carries the OS's own reason.
    path = write(config_dir / "settings.toml", 'theme = "x"\n')

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))

    monkeypatch.setattr(Path, "open", refuse)
    service = ConfigService(None)
    assert service.load() == Settings()
    assert only_problem(service).message == f"{path}: cannot be read: {os.strerror(errno.EIO)}"


def test_an_oversized_file_is_refused_unread(config_dir: Path) -> None:
    path = write(config_dir / "settings.toml", "# padding\n" * (MAX_SETTINGS_BYTES // 10 + 1))
    service = ConfigService(None)
    assert service.load() == Settings()
    assert only_problem(service).message == f"{path}: is larger than 1024 KiB, too large for a settings file"


def test_a_yaml_alias_bomb_is_refused_quickly(config_dir: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]  # 10**9 values if expanded
    path = write(config_dir / "settings.yaml", "\n".join(lines) + "\n")
    service = ConfigService(None)
    assert service.load() == Settings()
    problem = only_problem(service)
    assert problem.message.startswith(f"{path}: YAML syntax error: the document expands to more than")


@pytest.mark.parametrize(
    ("name", "text"), [("settings.json", "[" * 100_000), ("settings.json", '{"a":' * 40 + "1" + "}" * 40)]
)
def test_absurdly_nested_documents_are_refused(config_dir: Path, name: str, text: str) -> None:
    write(config_dir / name, text)
    service = ConfigService(None)
    assert service.load() == Settings()
    assert "nested" in only_problem(service).message
