"""Loading entry classes from extension folders: separate namespaces, clear errors, reload after unload."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ExtensionError
from extensions.sdk.loading import load_extension_class, unload
from tests.extensions.factory import write_extension


async def test_two_extensions_with_the_same_module_name_stay_apart(tmp_path: Path) -> None:
    first = load_extension_class(write_extension(tmp_path, "acme.one"), "main:Main", "acme.one")
    second = load_extension_class(write_extension(tmp_path, "acme.two"), "main:Main", "acme.two")
    try:
        assert first is not second
        assert await first().run_command("acme.one.run") == "acme.one 1.0.0"
        assert await second().run_command("acme.two.run") == "acme.two 1.0.0"
    finally:
        unload("acme.one")
        unload("acme.two")


async def test_unload_then_load_reads_the_edited_file(tmp_path: Path) -> None:
    folder = write_extension(tmp_path, "acme.dev")
    try:
        load_extension_class(folder, "main:Main", "acme.dev")
        (folder / "main.py").write_text((folder / "main.py").read_text().replace("1.0.0", "edited"))
        unload("acme.dev")
        reloaded = load_extension_class(folder, "main:Main", "acme.dev")
        assert await reloaded().run_command("acme.dev.run") == "acme.dev edited"
    finally:
        unload("acme.dev")


def test_sibling_modules_import_relatively(tmp_path: Path) -> None:
    folder = write_extension(tmp_path, "acme.rel")
    (folder / "util.py").write_text("VALUE = 42\n")
    (folder / "main.py").write_text(
        "from extensions.sdk import Extension\nfrom .util import VALUE\n\nclass Main(Extension):\n    value = VALUE\n"
    )
    try:
        assert load_extension_class(folder, "main:Main", "acme.rel").value == 42  # type: ignore[attr-defined]
    finally:
        unload("acme.rel")


@pytest.mark.parametrize(
    ("entry", "source", "message"),
    [
        ("missing:Main", None, "module 'missing' not found"),
        ("main:Nope", None, "'Nope' is not an Extension subclass"),
        ("main:Main", "raise RuntimeError('bad import')\n", "RuntimeError: bad import"),
        ("main:Main", "class Main:\n    pass\n", "'Main' is not an Extension subclass"),
    ],
)
def test_load_failures_name_folder_and_entry(tmp_path: Path, entry: str, source: str | None, message: str) -> None:
    folder = write_extension(tmp_path, "acme.bad")
    if source is not None:
        (folder / "main.py").write_text(source)
    try:
        with pytest.raises(ExtensionError, match=message) as info:
            load_extension_class(folder, entry, "acme.bad")
        assert str(folder) in info.value.message
    finally:
        unload("acme.bad")
