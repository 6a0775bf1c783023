""".symph packages: deterministic packing, and verification that refuses every kind of tampering."""

from __future__ import annotations

import hashlib
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ConfigError, SymphonyIOError, ValidationError
from extensions.kit.package import SUMS_NAME, extract, pack, package_files, verify
from tests.extensions.factory import manifest_text, write_extension


def rewrite(package: Path, change: dict[str, bytes | None], *, add_sums: bool = False) -> Path:
    """A copy of ``package`` with entries replaced (bytes), removed (None) or added."""
    out = package.with_name("tampered.symph")
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in change:
                continue
            target.writestr(info, source.read(info))
        for name, data in change.items():
            if data is not None:
                target.writestr(name, data)
    return out


def test_pack_then_verify_round_trips_manifest_and_hashes(tmp_path: Path) -> None:
    folder = write_extension(tmp_path, "acme.x", "1.2.0")
    (folder / "lib").mkdir()
    (folder / "lib" / "util.py").write_text("X = 1\n", encoding="utf-8")
    package = pack(folder, tmp_path / "dist")
    assert package.name == "acme.x-1.2.0.symph"
    verified = verify(package)
    assert verified.manifest.id == "acme.x"
    assert verified.hashes["lib/util.py"] == hashlib.sha256(b"X = 1\n").hexdigest()
    extract(verified, tmp_path / "out")
    assert (tmp_path / "out" / "lib" / "util.py").read_text() == "X = 1\n"


def test_packing_is_deterministic(tmp_path: Path) -> None:
    folder = write_extension(tmp_path)
    first = pack(folder, tmp_path / "a").read_bytes()
    second = pack(folder, tmp_path / "b").read_bytes()
    assert first == second


def test_pack_leaves_out_caches_vcs_and_links(tmp_path: Path) -> None:
    folder = write_extension(tmp_path)
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"\0")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (folder / "link.py").symlink_to(folder / "main.py")
    (folder / "old.symph").write_bytes(b"zip")
    assert package_files(folder) == ["Symphony.toml", "main.py"]


def test_pack_refuses_file_names_that_would_not_unpack_everywhere(tmp_path: Path) -> None:
    folder = write_extension(tmp_path)
    (folder / "a:b.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"cannot go into a package: a:b\.txt"):
        pack(folder)


def test_pack_refuses_an_invalid_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "Symphony.toml").write_text(manifest_text().replace("operator", "gadget"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'type'"):
        pack(folder)


def test_hash_mismatch_is_refused_naming_the_file(tmp_path: Path) -> None:
    package = pack(write_extension(tmp_path), tmp_path)
    tampered = rewrite(package, {"main.py": b"import os; os.system('rm -rf ~')\n"})
    with pytest.raises(ValidationError, match=r"hash mismatch for main.py") as info:
        verify(tampered)
    assert info.value.data["file"] == "main.py"
    assert "altered" in info.value.hint


def test_unlisted_file_is_refused(tmp_path: Path) -> None:
    package = pack(write_extension(tmp_path), tmp_path)
    with pytest.raises(ValidationError, match=r"not listed in SHA256SUMS: evil.py"):
        verify(rewrite(package, {"evil.py": b"x"}))


def test_listed_but_missing_file_is_refused(tmp_path: Path) -> None:
    package = pack(write_extension(tmp_path), tmp_path)
    with pytest.raises(ValidationError, match=r"missing: main.py"):
        verify(rewrite(package, {"main.py": None}))


def test_package_without_sums_is_refused(tmp_path: Path) -> None:
    package = pack(write_extension(tmp_path), tmp_path)
    with pytest.raises(ValidationError, match=r"no SHA256SUMS"):
        verify(rewrite(package, {SUMS_NAME: None}))


@pytest.mark.parametrize("name", ["../escape.py", "/etc/passwd", "a/../../b", "C:/x", "a\\b"])
def test_unsafe_paths_are_refused(tmp_path: Path, name: str) -> None:
    package = pack(write_extension(tmp_path), tmp_path)
    with pytest.raises(ValidationError, match=r"unsafe path"):
        verify(rewrite(package, {name: b"x"}))


def test_symlink_entries_are_refused(tmp_path: Path) -> None:
    package = pack(write_extension(tmp_path), tmp_path)
    out = tmp_path / "link.symph"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        link = zipfile.ZipInfo("link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        target.writestr(link, "/etc/passwd")
    with pytest.raises(ValidationError, match=r"symbolic link"):
        verify(out)


def test_not_a_zip_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.symph"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match=r"not a .symph package"):
        verify(junk)
    with pytest.raises(SymphonyIOError, match=r"no such package"):
        verify(tmp_path / "absent.symph")


def test_manifest_errors_inside_a_package_name_the_archive(tmp_path: Path) -> None:
    package = pack(write_extension(tmp_path), tmp_path)
    bad = manifest_text().replace('version = "1.0.0"', 'version = "one"').encode()
    sums = zipfile.ZipFile(package).read(SUMS_NAME).decode()
    old = hashlib.sha256(manifest_text().encode()).hexdigest()
    sums = sums.replace(old, hashlib.sha256(bad).hexdigest())
    with pytest.raises(ConfigError, match=r"tampered.symph!Symphony.toml: invalid manifest: key 'version'"):
        verify(rewrite(package, {"Symphony.toml": bad, SUMS_NAME: sums.encode()}))


file_names = st.from_regex(r"[a-z][a-z0-9_]{0,8}(/[a-z][a-z0-9_]{0,8}){0,2}\.(py|txt|json)", fullmatch=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(file_names, st.binary(max_size=512), max_size=6))
def test_any_folder_round_trips_byte_for_byte(
    tmp_path_factory: pytest.TempPathFactory, files: dict[str, bytes]
) -> None:
    base = tmp_path_factory.mktemp("rt")
    folder = write_extension(base)
    for name, data in files.items():
        target = folder / name
        if any(p.is_file() for p in [*target.parents][: len(Path(name).parts) - 1]):
            continue  # a file where a folder is wanted: not a valid tree
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    expected = {name: (folder / name).read_bytes() for name in package_files(folder)}
    out = base / "out"
    extract(verify(pack(folder, base / "dist")), out)
    assert {name: (out / name).read_bytes() for name in package_files(out)} == expected
