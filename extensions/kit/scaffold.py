"""A new extension folder that works at once: manifest, code, and tests that pass with ``symphony ext test``.

UI-free so the CLI wizard, a future palette command and tests all produce the same files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConflictError, ValidationError
from extensions.kit.manifest import MANIFEST_NAME, ActivationEvent, Capability, ExtensionType, parse_manifest


@dataclass(frozen=True, slots=True)
class ScaffoldSpec:
    """Everything ``ext new`` asks."""

    name: str
    """Display name, e.g. ``Word Stats``."""
    id: str
    type: ExtensionType = ExtensionType.OPERATOR
    capabilities: tuple[Capability, ...] = ()
    activation: tuple[str, ...] = field(default_factory=tuple)
    """Empty means ``onCommand:<id>.hello``."""
    description: str = ""

    @property
    def module(self) -> str:
        """The Python module of the entry class (the id's last part, as an identifier)."""
        base = re.sub(r"\W+", "_", self.id.rsplit(".", 1)[-1]).strip("_").lower() or "extension"
        return base if not base[0].isdigit() else f"ext_{base}"

    @property
    def class_name(self) -> str:
        """The entry class, e.g. ``WordStatsExtension``."""
        words = re.findall(r"[A-Za-z0-9]+", self.name) or ["My"]
        name = "".join(w[:1].upper() + w[1:] for w in words) + "Extension"
        return name if not name[0].isdigit() else f"X{name}"

    @property
    def command_id(self) -> str:
        """The sample command's id."""
        return f"{self.id}.hello"

    @property
    def activation_events(self) -> tuple[str, ...]:
        """The activation list written to the manifest."""
        return self.activation or (f"onCommand:{self.command_id}",)


def default_id(name: str) -> str:
    """An id from a display name: ``Word Stats`` -> ``local.word-stats``."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "extension"
    return f"local.{slug}"


def check_activation(text: str) -> str:
    """``text`` if it is a valid activation event; ValidationError naming the accepted forms if not."""
    try:
        ActivationEvent.parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    return text


def render(spec: ScaffoldSpec) -> dict[str, str]:
    """The files of a new extension, by relative path."""
    capabilities = ", ".join(f'"{c.value}"' for c in spec.capabilities)
    activation = ", ".join(f'"{e}"' for e in spec.activation_events)
    description = spec.description or f"{spec.name}: a Symphony extension."
    message = f"Hello from {spec.name}!"
    manifest = (
        f"id = {_toml(spec.id)}\n"
        f"name = {_toml(spec.name)}\n"
        'version = "0.1.0"\n'
        f'type = "{spec.type.value}"\n'
        f'entry = "{spec.module}:{spec.class_name}"\n'
        f"description = {_toml(description)}\n"
        f"activation = [{activation}]\n"
        f"capabilities = [{capabilities}]\n"
        "\n[[contributes.commands]]\n"
        f'id = "{spec.command_id}"\n'
        f"title = {_toml('Say Hello')}\n"
        f"category = {_toml(spec.name)}\n"
    )
    code = (
        f'"""{_doc(spec.name)}: {_doc(description)}"""\n\n'
        "from __future__ import annotations\n\n"
        "from extensions.sdk import Context, Extension, command\n\n\n"
        f"class {spec.class_name}(Extension):\n"
        f'    """Entry point named in {MANIFEST_NAME}."""\n\n'
        "    async def activate(self, ctx: Context) -> None:\n"
        '        """Runs once, on the first activation event."""\n'
        '        ctx.log.info("activated")\n\n'
        f'    @command("{spec.command_id}", title="Say Hello")\n'
        "    async def hello(self) -> str:\n"
        '        """Show a greeting (and return it, which tests check)."""\n'
        f"        message = {message!r}\n"
        "        await self.ctx.window.notify(message)\n"
        "        return message\n"
    )
    test = (
        f'"""Tests for {_doc(spec.name)}; run them with `symphony ext test .`."""\n\n'
        "from __future__ import annotations\n\n"
        "import asyncio\n"
        "from pathlib import Path\n\n"
        "from extensions.sdk.loading import load_extension_class\n"
        "from extensions.sdk.testing import ExtensionHarness\n\n"
        "FOLDER = Path(__file__).resolve().parents[1]\n"
        f'EXTENSION = load_extension_class(FOLDER, "{spec.module}:{spec.class_name}", "{spec.id}")\n\n\n'
        "def test_hello_command_shows_a_greeting(tmp_path: Path) -> None:\n"
        "    async def scenario() -> None:\n"
        f'        async with ExtensionHarness(EXTENSION, workspace=tmp_path, extension_id="{spec.id}") as harness:\n'
        f'            assert await harness.run_command("{spec.command_id}") == {message!r}\n'
        f"            assert [n.message for n in harness.notifications] == [{message!r}]\n\n"
        "    asyncio.run(scenario())\n\n\n"
        "def test_hello_command_in_a_real_host(real_host) -> None:  # type: ignore[no-untyped-def]\n"
        '    """The same command through a real extension host process, as Symphony runs it."""\n\n'
        "    async def scenario() -> None:\n"
        "        async with real_host(FOLDER) as host:\n"
        f'            assert await host.run_command("{spec.command_id}") == {message!r}\n'
        f"            assert host.notifications == [{message!r}]\n\n"
        "    asyncio.run(scenario())\n"
    )
    conftest = (
        '"""Loads the `real_host` fixture (a real extension host for integration tests)."""\n\n'
        'pytest_plugins = ["extensions.sdk.pytest_plugin"]\n'
    )
    files = {
        MANIFEST_NAME: manifest,
        f"{spec.module}.py": code,
        f"tests/test_{spec.module}.py": test,
        "conftest.py": conftest,
        ".gitignore": "__pycache__/\n*.symph\n",
    }
    parse_manifest(manifest, f"(new extension {spec.id})/{MANIFEST_NAME}")  # refuse to write an invalid one
    return files


def write_scaffold(spec: ScaffoldSpec, folder: Path) -> Path:
    """Create ``folder`` with the new extension; refuses a folder that exists and is not empty."""
    if folder.exists() and any(folder.iterdir()):
        raise ConflictError(
            f"{folder} already exists and is not empty",
            hint="Choose another name or --dir, or remove the folder.",
            data={"path": str(folder)},
        )
    files = render(spec)
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder


def _toml(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), and it escapes control characters.
    # DEL is the one control character JSON leaves as is and TOML refuses.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _doc(text: str) -> str:
    """``text`` made safe inside a one-line docstring (no control characters, quotes or backslashes)."""
    return "".join(c if c.isprintable() else " " for c in text).replace("\\", "/").replace('"', "'").strip()


__all__ = ["ScaffoldSpec", "check_activation", "default_id", "render", "write_scaffold"]
