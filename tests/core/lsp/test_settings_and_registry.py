"""Which server serves a document: user settings first, then defaults found on PATH."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.config.loader import load_settings
from core.lsp.registry import choose_server, resolve_argv
from core.lsp.settings import DEFAULT_SERVERS, LspSettings, ServerSpec


def _which(installed: set[str]):  # type: ignore[no-untyped-def]
    return lambda program: f"/usr/bin/{program}" if program in installed else None


def test_first_installed_default_wins_for_a_language() -> None:
    choice = choose_server(LspSettings(), language="python", file_name="a.py", which=_which({"pylsp"}))
    assert choice is not None
    assert (choice.name, choice.argv) == ("pylsp", ["/usr/bin/pylsp"])


def test_no_installed_server_reports_the_first_candidate_with_its_install_hint() -> None:
    choice = choose_server(LspSettings(), language="rust", file_name="main.rs", which=_which(set()))
    assert choice is not None
    assert choice.argv is None
    assert choice.spec.install_hint == "rustup component add rust-analyzer"


def test_user_server_takes_precedence_over_defaults_for_its_language() -> None:
    settings = LspSettings(servers={"ruff": ServerSpec(command=["ruff", "server"], languages=["python"])})
    choice = choose_server(settings, language="python", file_name="a.py", which=_which({"ruff", "pylsp"}))
    assert choice is not None
    assert (choice.name, choice.argv) == ("ruff", ["/usr/bin/ruff", "server"])


def test_disabling_a_default_by_name_skips_it() -> None:
    settings = LspSettings(
        servers={"jedi-language-server": DEFAULT_SERVERS["jedi-language-server"].model_copy(update={"enabled": False})}
    )
    choice = choose_server(
        settings, language="python", file_name="a.py", which=_which({"jedi-language-server", "pylsp"})
    )
    assert choice is not None
    assert choice.name == "pylsp"


def test_manifest_server_is_chosen_by_file_name_and_runs_on_symphonys_interpreter() -> None:
    choice = choose_server(LspSettings(), language="toml", file_name="Symphony.toml", which=_which(set()))
    assert choice is not None
    assert choice.name == "symphony-manifest"
    assert choice.argv is not None
    assert choice.argv[:3] == [sys.executable, "-m", "core.lsp.manifest_server"]


def test_language_without_any_server_gets_none() -> None:
    assert choose_server(LspSettings(), language="text", file_name="notes.txt", which=_which(set())) is None


def test_server_serving_nothing_is_a_settings_error() -> None:
    with pytest.raises(ValidationError, match="'languages' or 'file_names'"):
        ServerSpec(command=["x"])


def test_unknown_settings_key_is_an_error_not_ignored() -> None:
    with pytest.raises(ValidationError, match="request_timout"):
        LspSettings.model_validate({"request_timout": 3})


def test_resolve_argv_keeps_arguments() -> None:
    spec = ServerSpec(command=["gopls", "serve", "-rpc.trace"], languages=["go"])
    assert resolve_argv(spec, _which({"gopls"})) == ["/usr/bin/gopls", "serve", "-rpc.trace"]


def test_package_exports_every_public_name_lazily() -> None:
    import core.lsp

    for name in core.lsp.__all__:
        assert getattr(core.lsp, name) is not None


def test_a_default_server_is_disabled_or_changed_by_naming_only_what_changes(tmp_path: Path) -> None:
    # What the module docstring promises a user: no need to repeat the default's command and languages.
    workspace = tmp_path / "ws"
    (workspace / ".symphony").mkdir(parents=True)
    (workspace / ".symphony" / "settings.toml").write_text(
        '[lsp.servers.jedi-language-server]\nenabled = false\n[lsp.servers.pylsp]\nenv = { PYLSP_X = "1" }\n',
        encoding="utf-8",
    )
    result = load_settings(tmp_path / "user-config", workspace)
    assert result.problems == []
    servers = result.settings.lsp.resolved_servers()
    assert servers["jedi-language-server"].enabled is False
    assert servers["jedi-language-server"].command == ["jedi-language-server"]  # the default's, kept
    assert servers["pylsp"].env == {"PYLSP_X": "1"} and servers["pylsp"].languages == ["python"]
    choice = choose_server(
        result.settings.lsp, language="python", file_name="a.py", which=_which({"jedi-language-server", "pylsp"})
    )
    assert choice is not None and choice.name == "pylsp"


def test_changing_a_default_servers_program_drops_the_defaults_install_hint() -> None:
    settings = LspSettings.model_validate({"servers": {"jedi-language-server": {"command": ["my-jedi"]}}})
    spec = settings.resolved_servers()["jedi-language-server"]
    assert spec.languages == ["python"] and spec.install_hint == ""
    kept = LspSettings.model_validate({"servers": {"jedi-language-server": {"env": {"A": "1"}}}})
    assert kept.resolved_servers()["jedi-language-server"].install_hint == "pip install jedi-language-server"


def test_a_new_server_still_needs_its_command() -> None:
    with pytest.raises(ValidationError, match="command"):
        LspSettings.model_validate({"servers": {"mine": {"languages": ["python"]}}})
