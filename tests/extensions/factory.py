"""Writes real extension folders for tests: a Symphony.toml plus an entry module."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def manifest_text(
    ext_id: str = "test.hello",
    version: str = "1.0.0",
    *,
    dependencies: dict[str, str] | None = None,
    capabilities: list[str] | None = None,
    extra: str = "",
) -> str:
    """A valid Symphony.toml with one command."""
    deps = "".join(f'"{k}" = "{v}"\n' for k, v in (dependencies or {}).items())
    caps = ", ".join(f'"{c}"' for c in capabilities or [])
    return (
        f'id = "{ext_id}"\nname = "Test {ext_id}"\nversion = "{version}"\ntype = "operator"\n'
        f'entry = "main:Main"\nactivation = ["onCommand:{ext_id}.run"]\ncapabilities = [{caps}]\n{extra}'
        f"[dependencies]\n{deps}\n"
        f'[[contributes.commands]]\nid = "{ext_id}.run"\ntitle = "Run"\n'
    )


def write_extension(parent: Path, ext_id: str = "test.hello", version: str = "1.0.0", **kwargs: Any) -> Path:
    """A folder ``parent/ext_id`` holding a manifest and ``main.py``."""
    folder = parent / f"{ext_id}-{version}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Symphony.toml").write_text(manifest_text(ext_id, version, **kwargs), encoding="utf-8")
    (folder / "main.py").write_text(
        "from extensions.sdk import Extension, command\n\n\n"
        "class Main(Extension):\n"
        f'    @command("{ext_id}.run", title="Run")\n'
        "    async def run(self) -> str:\n"
        f'        return "{ext_id} {version}"\n',
        encoding="utf-8",
    )
    return folder
