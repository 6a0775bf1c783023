"""Discovery and activation: bad manifests are skipped alone; events wake the right extensions in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError, ExtensionError
from extensions.builtin import builtin_folders
from extensions.kit.activation import activation_order, startup_set, wakes
from extensions.kit.chambering import Chambering, ChamberState
from extensions.kit.discovery import Source, discover
from extensions.kit.installer import Installer
from extensions.kit.manifest import ActivationEvent, Manifest, parse_manifest
from extensions.kit.package import pack
from extensions.kit.registry import LocalRegistry
from tests.extensions.factory import manifest_text, write_extension


def test_discovery_skips_an_invalid_manifest_and_keeps_the_rest(tmp_path: Path) -> None:
    good = write_extension(tmp_path, "acme.good")
    bad = tmp_path / "broken"
    bad.mkdir()
    (bad / "Symphony.toml").write_text('id = "acme.bad"\n', encoding="utf-8")
    chambering = Chambering()
    found = discover(chambering=chambering, api_level=1, dev=[bad, good], builtin=builtin_folders())
    assert sorted(found.extensions) == [
        "acme.good",
        "symphony.harmony",
        "symphony.hello",
        "symphony.ipcmon",
        "symphony.todo",
        "symphony.wordcount",
    ]
    assert found.extensions["acme.good"].source is Source.DEV
    [problem] = found.problems
    assert isinstance(problem, ConfigError) and "key 'name' is required" in problem.message
    assert chambering.state("acme.good") is ChamberState.INSTALLED
    assert chambering.state("dev:broken") is ChamberState.FAILED
    assert chambering.get("dev:broken").error is problem


def test_disabled_installed_extensions_are_known_but_disabled(tmp_path: Path) -> None:
    registry = LocalRegistry(tmp_path / "reg")
    Installer(registry).install([pack(write_extension(tmp_path, "acme.off"), tmp_path / "dist")])
    registry.set_enabled("acme.off", False)
    chambering = Chambering()
    found = discover(chambering=chambering, api_level=1, registry=registry)
    assert not found.extensions["acme.off"].enabled
    assert chambering.state("acme.off") is ChamberState.DISABLED


def test_a_dev_folder_shadows_the_installed_copy_and_says_so(tmp_path: Path) -> None:
    registry = LocalRegistry(tmp_path / "reg")
    Installer(registry).install([pack(write_extension(tmp_path / "a", "acme.x"), tmp_path / "dist")])
    dev = write_extension(tmp_path / "b", "acme.x", "2.0.0")
    found = discover(chambering=Chambering(), api_level=1, registry=registry, dev=[dev])
    assert found.extensions["acme.x"].source is Source.DEV
    assert "also provided by" in found.problems[0].message


def test_an_extension_needing_a_newer_api_fails_with_a_clear_reason(tmp_path: Path) -> None:
    folder = write_extension(tmp_path, "acme.future", extra="api = 7\n")
    chambering = Chambering()
    found = discover(chambering=chambering, api_level=1, dev=[folder])
    assert "acme.future" not in found.extensions
    assert "needs extension API level 7, this Symphony has 1" in found.problems[0].message
    assert chambering.state("acme.future") is ChamberState.FAILED


def test_command_and_language_events_wake_only_their_extensions() -> None:
    manifest = parse_manifest(
        manifest_text("acme.x").replace(
            'activation = ["onCommand:acme.x.run"]', 'activation = ["onCommand:acme.x.run", "onLanguage:rust"]'
        )
    )
    assert wakes(manifest, ActivationEvent.parse("onCommand:acme.x.run"))
    assert wakes(manifest, ActivationEvent.parse("onLanguage:rust"))
    assert not wakes(manifest, ActivationEvent.parse("onLanguage:python"))
    assert not wakes(manifest, ActivationEvent.parse("onStartup"))


def test_startup_set_has_on_startup_and_matching_workspace_globs() -> None:
    def with_activation(ext_id: str, events: str) -> Manifest:
        return parse_manifest(
            manifest_text(ext_id).replace(f'activation = ["onCommand:{ext_id}.run"]', f"activation = [{events}]")
        )

    manifests = [
        with_activation("acme.boot", '"onStartup"'),
        with_activation("acme.rust", '"workspaceContains:Cargo.toml"'),
        with_activation("acme.py", '"workspaceContains:**/*.py"'),
        with_activation("acme.lazy", ""),
    ]
    assert startup_set(manifests, ["README.md", "src/app.py"]) == ["acme.boot", "acme.py"]


def test_activation_order_puts_dependencies_first() -> None:
    manifests = {
        "a.app": parse_manifest(manifest_text("a.app", dependencies={"a.ui": "^1", "a.base": "^1"})),
        "a.ui": parse_manifest(manifest_text("a.ui", dependencies={"a.base": "^1"})),
        "a.base": parse_manifest(manifest_text("a.base")),
    }
    assert activation_order(["a.app"], manifests) == ["a.base", "a.ui", "a.app"]


def test_activation_order_reports_cycles_and_missing_dependencies() -> None:
    cyclic = {
        "a.one": parse_manifest(manifest_text("a.one", dependencies={"a.two": "*"})),
        "a.two": parse_manifest(manifest_text("a.two", dependencies={"a.one": "*"})),
    }
    with pytest.raises(ExtensionError, match=r"cycle: a\.one -> a\.two -> a\.one"):
        activation_order(["a.one"], cyclic)
    with pytest.raises(ExtensionError, match=r"'a\.gone', needed by a\.one, is not installed"):
        activation_order(["a.one"], {"a.one": parse_manifest(manifest_text("a.one", dependencies={"a.gone": "*"}))})
