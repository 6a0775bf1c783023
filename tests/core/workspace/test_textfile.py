"""read_text_file / save_text_file: what users get when they open and save real files."""

from __future__ import annotations

import codecs
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import (
    ConfigError,
    ConflictError,
    EncodingError,
    NotFoundError,
    PermissionDeniedError,
    SymphonyIOError,
)
from core.types import LineEnding
from core.workspace.textfile import LoadedText, read_text_file, save_like, save_text_file

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def resave(loaded: LoadedText, text: str | None = None) -> bytes:
    save_like(loaded, loaded.text if text is None else text)
    return loaded.path.read_bytes()


# --- reading -------------------------------------------------------------------------------------------------


def test_plain_utf8_file_reads_with_all_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "a.py", "print('héllo')\n".encode())
    loaded = read_text_file(path)
    assert loaded.text == "print('héllo')\n"
    assert loaded.encoding == "utf-8"
    assert loaded.line_ending is LineEnding.LF
    assert not loaded.has_bom and not loaded.encoding_guessed and not loaded.mixed_line_endings
    assert loaded.final_newline
    assert loaded.size == len("print('héllo')\n".encode())
    assert loaded.mtime_ns == path.stat().st_mtime_ns


def test_crlf_file_has_lf_in_memory_and_saves_back_as_crlf(tmp_path: Path) -> None:
    path = write(tmp_path / "win.txt", b"one\r\ntwo\r\n")
    loaded = read_text_file(path)
    assert loaded.text == "one\ntwo\n"
    assert loaded.line_ending is LineEnding.CRLF
    assert resave(loaded, "one\ntwo\nthree\n") == b"one\r\ntwo\r\nthree\r\n"


def test_classic_mac_cr_file_keeps_cr(tmp_path: Path) -> None:
    loaded = read_text_file(write(tmp_path / "mac.txt", b"a\rb\r"))
    assert (loaded.text, loaded.line_ending) == ("a\nb\n", LineEnding.CR)
    assert resave(loaded) == b"a\rb\r"


def test_missing_final_newline_is_recorded_and_kept(tmp_path: Path) -> None:
    loaded = read_text_file(write(tmp_path / "n.txt", b"a\r\nb"))
    assert not loaded.final_newline
    assert resave(loaded) == b"a\r\nb"


def test_empty_file_is_lf_with_no_final_newline(tmp_path: Path) -> None:
    loaded = read_text_file(write(tmp_path / "empty", b""))
    assert (loaded.text, loaded.line_ending, loaded.final_newline) == ("", LineEnding.LF, False)


def test_mixed_line_endings_are_recorded_and_saved_back_as_they_were(tmp_path: Path) -> None:
    loaded = read_text_file(write(tmp_path / "mixed.txt", b"a\r\nb\r\nc\nd\re\r\n"))
    assert loaded.mixed_line_endings
    assert loaded.line_ending is LineEnding.CRLF
    assert loaded.text == "a\nb\nc\nd\ne\n"
    assert resave(loaded) == b"a\r\nb\r\nc\nd\re\r\n"


def test_lines_added_to_a_mixed_file_take_the_dominant_ending(tmp_path: Path) -> None:
    loaded = read_text_file(write(tmp_path / "mixed.txt", b"a\r\nb\nc\r\n"))
    assert resave(loaded, loaded.text + "d\ne\n") == b"a\r\nb\nc\r\nd\r\ne\r\n"


def test_a_mixed_file_can_be_normalised_by_saving_without_its_endings(tmp_path: Path) -> None:
    loaded = read_text_file(write(tmp_path / "mixed.txt", b"a\r\nb\nc\r\n"))
    save_text_file(loaded.path, loaded.text, encoding="utf-8", line_ending=LineEnding.LF, has_bom=False)
    assert loaded.path.read_bytes() == b"a\nb\nc\n"


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_bom_selects_the_encoding_is_stripped_from_text_and_restored_on_save(
    tmp_path: Path, bom: bytes, encoding: str
) -> None:
    data = bom + "zé€😀\r\nline 2\r\n".encode(encoding)
    loaded = read_text_file(write(tmp_path / "bom.txt", data))
    assert (loaded.encoding, loaded.has_bom, loaded.text) == (encoding, True, "zé€😀\nline 2\n")
    assert resave(loaded) == data


def test_utf16_without_bom_is_recognised_not_called_binary(tmp_path: Path) -> None:
    data = "hello\nworld\n".encode("utf-16-le")
    loaded = read_text_file(write(tmp_path / "u16.txt", data))
    assert (loaded.encoding, loaded.has_bom, loaded.encoding_guessed) == ("utf-16-le", False, True)
    assert loaded.text == "hello\nworld\n"
    assert resave(loaded) == data


def test_invalid_utf8_uses_the_configured_default_encoding(tmp_path: Path) -> None:
    data = "Привет\n".encode("cp1251")
    loaded = read_text_file(write(tmp_path / "ru.txt", data), default_encoding="cp1251")
    assert (loaded.text, loaded.encoding, loaded.encoding_guessed) == ("Привет\n", "cp1251", False)
    assert resave(loaded) == data


def test_invalid_utf8_falls_back_to_cp1252_and_says_it_guessed(tmp_path: Path) -> None:
    loaded = read_text_file(write(tmp_path / "w.txt", b"caf\xe9 \x80\n"))
    assert (loaded.text, loaded.encoding, loaded.encoding_guessed) == ("café €\n", "cp1252", True)


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    data = b"\x81\x8d\xff\n"
    loaded = read_text_file(write(tmp_path / "l1.txt", data))
    assert (loaded.encoding, loaded.encoding_guessed) == ("latin-1", True)
    assert resave(loaded) == data


def test_unknown_default_encoding_is_a_config_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path / "x.txt", b"abc")
    with pytest.raises(ConfigError, match="no-such-codec"):
        read_text_file(path, default_encoding="no-such-codec")


def test_binary_file_is_refused_naming_the_path(tmp_path: Path) -> None:
    path = write(tmp_path / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(EncodingError) as caught:
        read_text_file(path)
    assert caught.value.message == f"{path} looks like a binary file"
    assert caught.value.hint


def test_missing_file_is_not_found_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(NotFoundError, match=r"nope\.txt"):
        read_text_file(path)


def test_directory_is_an_io_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(SymphonyIOError, match="is a directory") as caught:
        read_text_file(tmp_path)
    assert str(tmp_path) in caught.value.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(SymphonyIOError, match="not a regular file"):
        read_text_file(fifo)
    with pytest.raises(SymphonyIOError, match="not a regular file"):
        save_text_file(fifo, "x", encoding="utf-8", line_ending=LineEnding.LF, has_bom=False)


def test_file_over_the_size_limit_is_refused_naming_sizes(tmp_path: Path) -> None:
    path = write(tmp_path / "big.log", b"x" * 2000)
    with pytest.raises(SymphonyIOError, match="too large") as caught:
        read_text_file(path, max_size=1000)
    assert caught.value.data == {"path": str(path), "size": 2000, "max_size": 1000}
    assert read_text_file(path, max_size=2000).size == 2000


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root reads anything; needs POSIX permissions")
def test_unreadable_file_is_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", b"x")
    path.chmod(0)
    with pytest.raises(PermissionDeniedError, match=r"secret\.txt"):
        read_text_file(path)


def test_permission_error_from_the_os_becomes_permission_denied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same mapping as above, provoked without relying on who runs the tests."""
    path = write(tmp_path / "secret.txt", b"x")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(PermissionDeniedError, match=r"secret\.txt"):
        read_text_file(path)


# --- saving --------------------------------------------------------------------------------------------------


def test_save_creates_a_new_file_with_the_umask_mode(tmp_path: Path) -> None:
    path = tmp_path / "new.md"
    saved = save_text_file(path, "# Title\n", encoding="utf-8", line_ending=LineEnding.LF, has_bom=False)
    assert path.read_bytes() == b"# Title\n"
    assert (saved.size, saved.mtime_ns) == (8, path.stat().st_mtime_ns)
    umask = os.umask(0o022)
    os.umask(umask)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_save_into_a_missing_folder_is_not_found_naming_the_folder(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="missing"):
        save_text_file(tmp_path / "missing" / "a.txt", "x", encoding="utf-8", line_ending=LineEnding.LF, has_bom=False)


def test_save_over_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    with pytest.raises(SymphonyIOError, match="is a directory"):
        save_text_file(tmp_path / "d", "x", encoding="utf-8", line_ending=LineEnding.LF, has_bom=False)


def test_unencodable_character_names_line_column_and_character_and_leaves_file_untouched(tmp_path: Path) -> None:
    path = write(tmp_path / "l1.txt", b"caf\xe9\n")
    with pytest.raises(EncodingError) as caught:
        save_text_file(path, "café\nok 😀\n", encoding="latin-1", line_ending=LineEnding.CRLF, has_bom=False)
    err = caught.value
    assert "line 2, column 4" in err.message
    assert "U+1F600" in err.message and "😀" in err.message
    assert (err.data["line"], err.data["column"]) == (2, 4)
    assert path.read_bytes() == b"caf\xe9\n"


def test_bom_on_a_non_unicode_encoding_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EncodingError, match="cp1252"):
        save_text_file(tmp_path / "x", "x", encoding="cp1252", line_ending=LineEnding.LF, has_bom=True)


def test_bom_writing_codec_names_are_understood(tmp_path: Path) -> None:
    path = tmp_path / "sig.txt"
    save_text_file(path, "a\n", encoding="utf-8-sig", line_ending=LineEnding.LF, has_bom=False)
    assert path.read_bytes() == codecs.BOM_UTF8 + b"a\n"


def test_text_with_stray_crlf_is_normalised_to_the_requested_ending(tmp_path: Path) -> None:
    path = tmp_path / "paste.txt"
    save_text_file(path, "a\r\nb\rc\n", encoding="utf-8", line_ending=LineEnding.CRLF, has_bom=False)
    assert path.read_bytes() == b"a\r\nb\r\nc\r\n"


def test_save_refuses_when_the_file_changed_on_disk_since_it_was_read(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"mine\n")
    loaded = read_text_file(path)
    path.write_bytes(b"theirs\n")
    os.utime(path, ns=(loaded.mtime_ns + 5_000_000_000, loaded.mtime_ns + 5_000_000_000))
    with pytest.raises(ConflictError, match="changed on disk") as caught:
        save_like(loaded, "mine, edited\n")
    assert caught.value.data["reason"] == "modified"
    assert path.read_bytes() == b"theirs\n"


def test_save_refuses_when_only_the_size_changed(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"mine\n")
    loaded = read_text_file(path)
    path.write_bytes(b"theirs, longer\n")
    os.utime(path, ns=(loaded.mtime_ns, loaded.mtime_ns))
    with pytest.raises(ConflictError):
        save_like(loaded, "x\n")


def test_save_refuses_when_the_file_was_deleted_since_it_was_read(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"mine\n")
    loaded = read_text_file(path)
    path.unlink()
    with pytest.raises(ConflictError, match="deleted") as caught:
        save_like(loaded, "x\n")
    assert caught.value.data["reason"] == "deleted"
    assert not path.exists()


def test_save_without_expected_mtime_overwrites_outside_changes(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"mine\n")
    loaded = read_text_file(path)
    path.write_bytes(b"theirs\n")
    save_like(loaded, "mine wins\n", check_conflict=False)
    assert path.read_bytes() == b"mine wins\n"


def test_consecutive_saves_chain_through_saved_mtime(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"1\n")
    loaded = read_text_file(path)
    first = save_like(loaded, "2\n")
    second = save_text_file(
        path,
        "3\n",
        encoding="utf-8",
        line_ending=LineEnding.LF,
        has_bom=False,
        expected_mtime_ns=first.mtime_ns,
        expected_size=first.size,
    )
    assert path.read_bytes() == b"3\n"
    assert second.size == 2


@pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits")
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_save_preserves_the_file_mode(tmp_path: Path, mode: int) -> None:
    path = write(tmp_path / "run.sh", b"#!/bin/sh\n")
    path.chmod(mode)
    save_like(read_text_file(path), "#!/bin/sh\necho hi\n")
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits")
def test_read_only_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = write(tmp_path / "ro.txt", b"keep\n")
    path.chmod(0o444)
    with pytest.raises(PermissionDeniedError, match="read-only"):
        save_like(read_text_file(path), "changed\n")
    assert path.read_bytes() == b"keep\n"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = write(tmp_path / "real.txt", b"old\n")
    (tmp_path / "sub").mkdir()
    link = tmp_path / "sub" / "link.txt"
    link.symlink_to(target)
    saved = save_like(read_text_file(link), "new\n")
    assert link.is_symlink()
    assert target.read_bytes() == b"new\n"
    assert saved.path == target.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.txt", "sub"]


def test_failed_write_leaves_the_original_untouched_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.txt", b"original\n")
    loaded = read_text_file(path)

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(SymphonyIOError, match="disk is full"):
        save_like(loaded, "replacement\n")
    assert path.read_bytes() == b"original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root writes anywhere; needs POSIX permissions")
def test_unwritable_folder_is_permission_denied_and_file_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = write(folder / "a.txt", b"original\n")
    loaded = read_text_file(path)
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionDeniedError, match="not writable"):
            save_like(loaded, "x\n")
    finally:
        folder.chmod(0o755)
    assert path.read_bytes() == b"original\n"


# --- round trips ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One directory for hypothesis examples (function-scoped tmp_path would be shared across examples anyway)."""
    directory = Path(tempfile.mkdtemp(prefix="symphony-textfile-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def _round_trip(directory: Path, data: bytes) -> None:
    path = write(directory / "sample", data)
    try:
        loaded = read_text_file(path)
    except EncodingError:
        assert b"\x00" in data  # only binary content may be refused
        return
    assert resave(loaded) == data, (loaded.encoding, loaded.line_ending, loaded.has_bom)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_any_readable_file_saves_back_byte_identical(scratch: Path, data: bytes) -> None:
    _round_trip(scratch, data)


@st.composite
def text_files(draw: st.DrawFn) -> bytes:
    """Realistic files: any encoding/BOM/line-ending combination, with or without a final newline."""
    encoding = draw(st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp1252", "latin-1"]))
    alphabet = st.characters(
        codec=encoding if encoding in ("cp1252", "latin-1") else "utf-8", exclude_characters="\r\n"
    )
    lines = draw(st.lists(st.text(alphabet=alphabet, max_size=12), max_size=6))
    mixed = draw(st.booleans())
    endings = [draw(st.sampled_from(["\n", "\r\n", "\r"]))] * len(lines)
    if mixed:  # a file edited on several systems: each break chosen independently
        endings = [draw(st.sampled_from(["\n", "\r\n", "\r"])) for _ in lines]
    final = bool(lines) and draw(st.booleans())
    text = "".join(line + (endings[i] if i < len(lines) - 1 or final else "") for i, line in enumerate(lines))
    # UTF-16/32 files carry a BOM in practice (BOM-less UTF-16 is sniffed only for mostly-ASCII text).
    bom = draw(st.booleans()) if encoding == "utf-8" else encoding.startswith("utf")
    prefix = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    prefix |= {"utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}
    return (prefix[encoding] if bom else b"") + text.encode(encoding)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=text_files())
def test_real_world_encodings_and_line_endings_round_trip_byte_identical(scratch: Path, data: bytes) -> None:
    _round_trip(scratch, data)
