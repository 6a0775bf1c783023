"""Installer: verified installs into the local registry, dependency resolution, clean uninstall."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from core.errors import ConfigError, ConflictError, ExtensionError, NotFoundError, ValidationError
from core.types.version import Version
from extensions.kit.installer import Installer
from extensions.kit.manifest import Capability
from extensions.kit.package import pack
from extensions.kit.permissions import PermissionStore
from extensions.kit.registry import LocalRegistry
from tests.extensions.factory import write_extension


@pytest.fixture
def registry(tmp_path: Path) -> LocalRegistry:
    return LocalRegistry(tmp_path / "registry")


def package(tmp_path: Path, ext_id: str, version: str, **deps: str) -> Path:
    folder = write_extension(tmp_path / "src", ext_id, version, dependencies=deps)
    return pack(folder, tmp_path / "dist")


def test_install_writes_files_and_index_and_survives_reopening(tmp_path: Path, registry: LocalRegistry) -> None:
    [entry] = Installer(registry).install([package(tmp_path, "acme.x", "1.0.0")])
    assert entry.id == "acme.x" and entry.version == Version(1) and entry.enabled
    reopened = LocalRegistry(registry.root)
    assert [e.id for e in reopened] == ["acme.x"]
    assert (reopened.folder("acme.x") / "main.py").is_file()
    assert reopened.manifest("acme.x").version == Version(1)


def test_default_registry_lives_in_the_data_dir(isolated_dirs: Path) -> None:
    assert LocalRegistry().root == isolated_dirs / "data" / "extensions"


def test_install_from_a_folder_packs_and_verifies_it(tmp_path: Path, registry: LocalRegistry) -> None:
    folder = write_extension(tmp_path, "acme.dev", "0.1.0")
    Installer(registry).install([folder])
    assert registry.get("acme.dev").version == Version(0, 1, 0)
    assert not list(folder.glob("*.symph"))


def test_dependencies_resolve_against_installed_and_offered_packages(tmp_path: Path, registry: LocalRegistry) -> None:
    installer = Installer(registry)
    installer.install([package(tmp_path, "acme.base", "1.4.0")])
    installer.install([package(tmp_path, "acme.app", "1.0.0", **{"acme.base": "^1.2"})])
    installer.install(
        [package(tmp_path, "acme.ui", "2.0.0", **{"acme.lib": "~0.3"}), package(tmp_path, "acme.lib", "0.3.1")]
    )
    assert {e.id: str(e.version) for e in registry} == {
        "acme.app": "1.0.0",
        "acme.base": "1.4.0",
        "acme.lib": "0.3.1",
        "acme.ui": "2.0.0",
    }


def test_missing_dependency_is_a_clear_error_and_installs_nothing(tmp_path: Path, registry: LocalRegistry) -> None:
    with pytest.raises(ExtensionError) as info:
        Installer(registry).install([package(tmp_path, "acme.app", "1.0.0", **{"acme.base": "^2"})])
    assert "acme.app 1.0.0 requires acme.base ^2" in info.value.message
    assert "acme.base available: none" in info.value.message
    assert len(registry) == 0
    assert not (registry.root / "acme.app").exists()


def test_conflicting_ranges_name_both_requirers(tmp_path: Path, registry: LocalRegistry) -> None:
    installer = Installer(registry)
    installer.install([package(tmp_path, "acme.base", "1.0.0")])
    installer.install([package(tmp_path, "acme.old", "1.0.0", **{"acme.base": "^1.0"})])
    with pytest.raises(ExtensionError) as info:
        installer.install([package(tmp_path, "acme.base", "2.0.0")])
    message = info.value.message
    assert "acme.old 1.0.0 requires acme.base ^1.0" in message
    assert "you asked for acme.base =2.0.0" in message
    assert registry.get("acme.base").version == Version(1)
    assert registry.manifest("acme.base").version == Version(1)


def test_upgrade_replaces_the_folder_and_keeps_disabled_state(tmp_path: Path, registry: LocalRegistry) -> None:
    installer = Installer(registry)
    installer.install([package(tmp_path, "acme.x", "1.0.0")])
    registry.set_enabled("acme.x", False)
    installer.install([package(tmp_path, "acme.x", "1.1.0")])
    entry = LocalRegistry(registry.root).get("acme.x")
    assert entry.version == Version(1, 1) and not entry.enabled
    assert "acme.x 1.1.0" in (registry.folder("acme.x") / "main.py").read_text()
    assert sorted(p.name for p in registry.root.iterdir() if not p.name.startswith(".")) == ["acme.x", "index.json"]


def test_hash_mismatch_on_install_is_refused_and_nothing_changes(tmp_path: Path, registry: LocalRegistry) -> None:
    good = package(tmp_path, "acme.x", "1.0.0")
    Installer(registry).install([good])
    newer = package(tmp_path, "acme.x", "2.0.0")
    evil = tmp_path / "evil.symph"
    with zipfile.ZipFile(newer) as source, zipfile.ZipFile(evil, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data + b"# injected\n" if info.filename == "main.py" else data)
    with pytest.raises(ValidationError, match=r"hash mismatch"):
        Installer(registry).install([evil])
    assert registry.get("acme.x").version == Version(1)
    assert "acme.x 1.0.0" in (registry.folder("acme.x") / "main.py").read_text()


def test_two_versions_of_one_extension_in_one_install_are_refused(tmp_path: Path, registry: LocalRegistry) -> None:
    with pytest.raises(ValidationError, match=r"two versions of acme.x"):
        Installer(registry).install([package(tmp_path, "acme.x", "1.0.0"), package(tmp_path, "acme.x", "2.0.0")])


def test_uninstall_removes_folder_index_entry_and_grants(tmp_path: Path, registry: LocalRegistry) -> None:
    grants = PermissionStore(tmp_path / "permissions.json")
    grants.grant("acme.x", Capability.NET)
    installer = Installer(registry, grants)
    installer.install([package(tmp_path, "acme.x", "1.0.0")])
    installer.uninstall("acme.x")
    assert "acme.x" not in LocalRegistry(registry.root)
    assert not (registry.root / "acme.x").exists()
    assert PermissionStore(tmp_path / "permissions.json").granted("acme.x") == frozenset()
    with pytest.raises(NotFoundError, match=r"'acme.x' is not installed"):
        installer.uninstall("acme.x")


def test_uninstall_refuses_while_dependents_remain_unless_forced(tmp_path: Path, registry: LocalRegistry) -> None:
    installer = Installer(registry)
    installer.install([package(tmp_path, "acme.base", "1.0.0")])
    installer.install([package(tmp_path, "acme.app", "1.0.0", **{"acme.base": "^1"})])
    with pytest.raises(ConflictError, match=r"acme.app depend on it"):
        installer.uninstall("acme.base")
    installer.uninstall("acme.base", force=True)
    assert [e.id for e in registry] == ["acme.app"]


def test_corrupt_index_names_the_file(tmp_path: Path) -> None:
    root = tmp_path / "registry"
    root.mkdir()
    (root / "index.json").write_text('{"format": 1, "extensions": {"a": {"id": "a"}}}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"index.json: the extension index is invalid at 'extensions.a.version'"):
        LocalRegistry(root)


def test_concurrent_installs_from_separate_processes_all_land_in_the_index(tmp_path: Path) -> None:
    packages = [package(tmp_path, f"acme.p{i}", "1.0.0") for i in range(4)]
    root = tmp_path / "registry"
    go = tmp_path / "go"
    script = (
        "import sys, time; from pathlib import Path\n"
        "from extensions.kit.installer import Installer\n"
        "from extensions.kit.registry import LocalRegistry\n"
        "registry = LocalRegistry(Path(sys.argv[1]))\n"
        "Path(sys.argv[2] + '.ready').touch()\n"
        "while not Path(sys.argv[3]).exists(): time.sleep(0.0005)\n"
        "Installer(registry).install([Path(sys.argv[2])])\n"
    )
    children = [subprocess.Popen([sys.executable, "-c", script, str(root), str(p), str(go)]) for p in packages]
    # Release them together once all are imported and have read the (empty) index: a lost update is then likely
    # without the registry's lock.
    while not all(Path(f"{p}.ready").exists() for p in packages):
        if any(child.poll() not in (None, 0) for child in children):
            break
        time.sleep(0.005)
    go.touch()
    assert [child.wait(timeout=60) for child in children] == [0, 0, 0, 0]
    assert [e.id for e in LocalRegistry(root)] == ["acme.p0", "acme.p1", "acme.p2", "acme.p3"]
