"""``.symph`` packages: a zip of an extension folder with ``SHA256SUMS`` listing the sha256 of every file.

Packing is deterministic (sorted entries, fixed timestamps), so the same folder gives the same bytes. Verifying
refuses anything a user should not install: unsafe paths, links, unlisted or missing files, a hash mismatch,
an invalid manifest, or sizes that could fill the disk.
"""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.errors import ConfigError, SymphonyIOError, ValidationError
from extensions.kit.manifest import MANIFEST_NAME, Manifest, load_manifest, parse_manifest

SUFFIX = ".symph"
SUMS_NAME = "SHA256SUMS"
"""In ``sha256sum`` format (``HEX  path``), so an unzipped package can be checked with standard tools."""

MAX_FILES = 10_000
MAX_TOTAL_BYTES = 256 * 1024 * 1024
EXCLUDED_DIRS = frozenset(
    {
        "__pycache__",
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        "node_modules",
    }
)
EXCLUDED_SUFFIXES = (".pyc", ".pyo", SUFFIX)

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_TAMPERED_HINT = "The package is damaged or was altered after packing; get a fresh copy from its author."


@dataclass(frozen=True, slots=True)
class VerifiedPackage:
    """A package whose manifest and every hash checked out."""

    path: Path
    manifest: Manifest
    hashes: dict[str, str]
    """Archive path -> sha256 hex, for every file except SHA256SUMS itself."""


def package_files(folder: Path) -> list[str]:
    """The files a package of ``folder`` holds (posix paths, sorted): caches, VCS data and links left out."""
    files: list[str] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in EXCLUDED_DIRS for part in relative.parts[:-1]) or relative.parts[0] in EXCLUDED_DIRS:
            continue
        if path.is_symlink() or not path.is_file() or path.name.endswith(EXCLUDED_SUFFIXES):
            continue
        if relative.as_posix() == SUMS_NAME:
            continue
        files.append(relative.as_posix())
    return files


def pack(folder: Path, out_dir: Path | None = None) -> Path:
    """Validate ``folder``'s manifest and write ``<id>-<version>.symph`` into ``out_dir`` (default: ``folder``)."""
    manifest = load_manifest(folder)
    names = package_files(folder)
    if len(names) > MAX_FILES:
        raise ValidationError(
            f"{folder}: {len(names)} files is more than a package may hold ({MAX_FILES})",
            hint="Leave build output and data out of the extension folder.",
            data={"path": str(folder)},
        )
    unsafe = [name for name in names if not _safe_name(name)]
    if unsafe:
        raise ValidationError(
            f"{folder}: file names that cannot go into a package: {', '.join(unsafe[:5])}",
            hint="Rename them: packages refuse ':' and '\\' in names so they unpack the same on every system.",
            data={"path": str(folder), "files": unsafe},
        )
    target = (out_dir or folder) / f"{manifest.id}-{manifest.version}{SUFFIX}"
    buffer = io.BytesIO()
    sums: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            data = (folder / name).read_bytes()
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
            archive.writestr(_entry(name), data)
        archive.writestr(_entry(SUMS_NAME), ("\n".join(sums) + "\n").encode())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(buffer.getvalue())
    except OSError as exc:
        raise SymphonyIOError(f"cannot write {target}: {exc.strerror or exc}", data={"path": str(target)}) from exc
    return target


def verify(path: Path) -> VerifiedPackage:
    """Check a ``.symph`` file completely without extracting it; raises ValidationError/ConfigError saying what."""
    with _open_zip(path) as archive:
        infos = _checked_entries(path, archive)
        if SUMS_NAME not in infos:
            raise ValidationError(f"{path}: no {SUMS_NAME} inside", hint=_TAMPERED_HINT, data={"path": str(path)})
        hashes = _parse_sums(path, archive.read(infos[SUMS_NAME]).decode("utf-8", "replace"))
        listed, present = set(hashes), set(infos) - {SUMS_NAME}
        if present - listed:
            extra = ", ".join(sorted(present - listed)[:5])
            raise ValidationError(
                f"{path}: files not listed in {SUMS_NAME}: {extra}", hint=_TAMPERED_HINT, data={"path": str(path)}
            )
        if listed - present:
            missing = ", ".join(sorted(listed - present)[:5])
            raise ValidationError(
                f"{path}: files listed in {SUMS_NAME} are missing: {missing}",
                hint=_TAMPERED_HINT,
                data={"path": str(path)},
            )
        for name, expected in hashes.items():
            actual = _sha256_of(archive, infos[name])
            if actual != expected:
                raise ValidationError(
                    f"{path}: hash mismatch for {name}: {SUMS_NAME} says {expected[:12]}…, the file is {actual[:12]}…",
                    hint=_TAMPERED_HINT,
                    data={"path": str(path), "file": name, "expected": expected, "actual": actual},
                )
        if MANIFEST_NAME not in infos:
            raise ConfigError(
                f"{path}: no {MANIFEST_NAME} at the root of the package",
                hint="Pack the extension folder itself with `symphony ext pack DIR`.",
                data={"file": f"{path}!{MANIFEST_NAME}"},
            )
        try:
            text = archive.read(infos[MANIFEST_NAME]).decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"{path}!{MANIFEST_NAME}: not UTF-8 text", data={"file": str(path)}) from None
        manifest = parse_manifest(text, f"{path}!{MANIFEST_NAME}")
    return VerifiedPackage(path=path, manifest=manifest, hashes=hashes)


def extract(package: VerifiedPackage, destination: Path) -> None:
    """Unpack a verified package into the empty or missing ``destination``, re-checking each hash as it writes.

    The archive is read again here, so a file swapped between verify and extract is still caught.
    """
    destination.mkdir(parents=True, exist_ok=True)
    with _open_zip(package.path) as archive:
        infos = _checked_entries(package.path, archive)
        for name, expected in package.hashes.items():
            info = infos.get(name)
            if info is None:
                raise ValidationError(f"{package.path}: {name} vanished", hint=_TAMPERED_HINT)
            target = destination.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with archive.open(info) as source, target.open("wb") as sink:
                while chunk := source.read(1 << 16):
                    digest.update(chunk)
                    sink.write(chunk)
            if digest.hexdigest() != expected:
                raise ValidationError(
                    f"{package.path}: hash mismatch for {name} while extracting",
                    hint=_TAMPERED_HINT,
                    data={"path": str(package.path), "file": name},
                )


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise SymphonyIOError(f"{path}: no such package", hint="Check the path.", data={"path": str(path)}) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(
            f"{path}: not a .symph package (not a readable zip archive: {exc})",
            hint="Build packages with `symphony ext pack DIR`.",
            data={"path": str(path)},
        ) from None


def _checked_entries(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos: dict[str, zipfile.ZipInfo] = {}
    total = 0
    entries = archive.infolist()
    if len(entries) > MAX_FILES + 1:
        raise ValidationError(f"{path}: more than {MAX_FILES} entries", hint=_TAMPERED_HINT, data={"path": str(path)})
    for info in entries:
        if info.is_dir():
            continue
        name = info.filename
        if not _safe_name(name):
            raise ValidationError(
                f"{path}: unsafe path {name!r} in the package (absolute, '..', or not a plain relative path)",
                hint=_TAMPERED_HINT,
                data={"path": str(path), "file": name},
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError(
                f"{path}: {name!r} is a symbolic link; packages hold only regular files",
                hint=_TAMPERED_HINT,
                data={"path": str(path), "file": name},
            )
        if name in infos:
            raise ValidationError(f"{path}: {name!r} appears twice", hint=_TAMPERED_HINT, data={"path": str(path)})
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ValidationError(
                f"{path}: unpacks to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MiB",
                hint=_TAMPERED_HINT,
                data={"path": str(path)},
            )
        infos[name] = info
    return infos


def _safe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name:
        return False
    parts = PurePosixPath(name).parts
    return all(part not in ("", ".", "..") for part in parts)


def _parse_sums(path: Path, text: str) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not name:
            raise ValidationError(
                f"{path}: {SUMS_NAME} line {number} is not 'SHA256HEX  path'",
                hint=_TAMPERED_HINT,
                data={"path": str(path), "line": number},
            )
        if name in hashes:
            raise ValidationError(f"{path}: {SUMS_NAME} lists {name!r} twice", hint=_TAMPERED_HINT)
        hashes[name] = digest
    return hashes


def _sha256_of(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    digest = hashlib.sha256()
    try:
        with archive.open(info) as source:
            while chunk := source.read(1 << 16):
                digest.update(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValidationError(f"{info.filename}: cannot be read from the package: {exc}", hint=_TAMPERED_HINT) from exc
    return digest.hexdigest()


__all__ = [
    "EXCLUDED_DIRS",
    "MAX_FILES",
    "MAX_TOTAL_BYTES",
    "SUFFIX",
    "SUMS_NAME",
    "VerifiedPackage",
    "extract",
    "pack",
    "package_files",
    "verify",
]
