"""Install and uninstall extensions: verify packages, resolve dependencies, then swap folders in.

Everything that can fail (hashes, manifests, dependency conflicts, extraction) happens before anything
installed is touched; the final step only renames folders and rewrites the index, so a refused install leaves
the registry as it was.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

from core.errors import ConfigError, ConflictError, SymphonyError, SymphonyIOError, ValidationError
from core.paths import ensure_dir
from core.types.version import Version
from extensions.kit.package import SUFFIX, VerifiedPackage, extract, pack, verify
from extensions.kit.permissions import PermissionStore
from extensions.kit.registry import InstalledExtension, LocalRegistry
from extensions.kit.resolver import Candidate, Requirement, resolve
from extensions.kit.versions import VersionRange

log = logging.getLogger(__name__)

STAGING_DIR = ".staging"
TRASH_DIR = ".trash"


class Installer:
    """Installs ``.symph`` packages (or extension folders) into a LocalRegistry."""

    def __init__(self, registry: LocalRegistry, permissions: PermissionStore | None = None) -> None:
        self.registry = registry
        self.permissions = permissions

    def install(self, sources: Sequence[Path]) -> list[InstalledExtension]:
        """Install every package or folder in ``sources`` plus nothing else: dependencies must be installed
        already or be among ``sources``. Returns the entries written, in install order."""
        if not sources:
            raise ValidationError("nothing to install", hint="Name a .symph package or an extension folder.")
        with tempfile.TemporaryDirectory(prefix="symphony-install-") as scratch:
            packages = [self._verified(Path(s), Path(scratch)) for s in sources]
            # Resolve and swap under the lock: what is installed cannot change between the two.
            with self.registry.locked():
                chosen = self._resolve(packages)
                return self._commit([c for c in chosen.values() if c.package is not None], packages)

    def uninstall(self, extension_id: str, *, force: bool = False) -> InstalledExtension:
        """Remove an extension's folder, index entry and permission grants.

        Refused while another installed extension depends on it, unless ``force``.
        """
        with self.registry.locked():
            return self._uninstall(extension_id, force)

    def _uninstall(self, extension_id: str, force: bool) -> InstalledExtension:
        entry = self.registry.get(extension_id)
        dependents = sorted(
            other.id
            for other in self.registry
            if other.id != extension_id and extension_id in self._installed_manifest_deps(other.id)
        )
        if dependents and not force:
            raise ConflictError(
                f"cannot uninstall {extension_id!r}: {', '.join(dependents)} depend on it",
                hint="Uninstall those first, or pass --force to leave them with a missing dependency.",
                data={"extension": extension_id, "dependents": dependents},
            )
        folder = self.registry.root / entry.folder
        self.registry.remove(extension_id)
        shutil.rmtree(folder, ignore_errors=True)
        if self.permissions is not None:
            self.permissions.revoke(extension_id)
        return entry

    def _installed_manifest_deps(self, extension_id: str) -> set[str]:
        try:
            return set(self.registry.manifest(extension_id).dependencies)
        except SymphonyError:
            return set()

    def _verified(self, source: Path, scratch: Path) -> VerifiedPackage:
        if source.is_dir():
            return verify(pack(source, scratch / uuid.uuid4().hex))
        if source.suffix != SUFFIX and source.exists():
            raise ValidationError(
                f"{source}: not a {SUFFIX} package or an extension folder",
                hint=f"Install a {SUFFIX} file built by `symphony ext pack`, or a folder with a Symphony.toml.",
                data={"path": str(source)},
            )
        return verify(source)

    def _resolve(self, packages: list[VerifiedPackage]) -> dict[str, Candidate]:
        offered: dict[str, VerifiedPackage] = {}
        for package in packages:
            manifest = package.manifest
            earlier = offered.get(manifest.id)
            if earlier is not None and earlier.manifest.version != manifest.version:
                raise ValidationError(
                    f"two versions of {manifest.id} offered: {earlier.manifest.version} ({earlier.path.name}) and "
                    f"{manifest.version} ({package.path.name})",
                    hint="Install one version of an extension at a time.",
                )
            offered[manifest.id] = package
        pool = [Candidate(p.manifest, p.path) for p in offered.values()]
        requirements = [
            Requirement(p.manifest.id, VersionRange.parse(f"={p.manifest.version}")) for p in offered.values()
        ]
        for entry in self.registry:
            if entry.id in offered:
                continue
            try:
                manifest = self.registry.manifest(entry.id)
            except ConfigError as exc:
                log.warning("installed extension %s has an unreadable manifest, ignored: %s", entry.id, exc)
                continue
            pool.append(Candidate(manifest))
            # Installed extensions stay as they are, so whatever they depend on must keep fitting them.
            requirements.append(Requirement(entry.id, _exactly(manifest.version), "installed"))
        return resolve(requirements, pool)

    def _commit(self, chosen: list[Candidate], packages: list[VerifiedPackage]) -> list[InstalledExtension]:
        by_path = {p.path: p for p in packages}
        root = ensure_dir(self.registry.root)
        staging = root / STAGING_DIR / uuid.uuid4().hex
        staged: list[tuple[Candidate, Path]] = []
        try:
            for candidate in chosen:
                assert candidate.package is not None
                target = staging / candidate.id
                extract(by_path[candidate.package], target)
                staged.append((candidate, target))
            installed: list[InstalledExtension] = []
            for candidate, folder in staged:
                installed.append(self._swap_in(candidate, folder))
            return installed
        except OSError as exc:
            raise SymphonyIOError(
                f"installing into {root} failed: {exc.strerror or exc}",
                hint="Check free disk space and the permissions of the Symphony data directory.",
                data={"path": str(root)},
            ) from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _swap_in(self, candidate: Candidate, staged: Path) -> InstalledExtension:
        root = self.registry.root
        final = root / candidate.id
        trash: Path | None = None
        enabled = True
        if candidate.id in self.registry:
            enabled = self.registry.get(candidate.id).enabled
        if final.exists():
            trash = ensure_dir(root / TRASH_DIR) / f"{candidate.id}-{uuid.uuid4().hex}"
            final.rename(trash)
        try:
            staged.rename(final)
            entry = self.registry.record(candidate.id, candidate.version, candidate.id, enabled=enabled)
        except (OSError, SymphonyError):
            if trash is not None and not final.exists():
                trash.rename(final)  # put the previous version back
            raise
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)
        log.info("installed extension %s %s", candidate.id, candidate.version)
        return entry


def _exactly(version: Version) -> VersionRange:
    return VersionRange.parse(f"={version}")


__all__ = ["Installer"]
