"""`symphony ext dev`: an extension loaded from its folder is reloaded in the running IDE whenever it is saved."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.config import ConfigService
from core.extensions import ExtensionStatus
from symphony_tui.app import SymphonyApp
from symphony_tui.extensions_ui.controller import ExtensionsOptions
from symphony_tui.extensions_ui.dev import relevant
from tests.symphony_tui.extensions_ui.fixtures import started, status, wait_until, write_extension

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="host tests use Unix sockets and signals")

MANIFEST = """\
id = "dev.greeter"
name = "Greeter"
version = "0.1.0"
type = "operator"
entry = "main:Greeter"
activation = ["onStartup"]

[[contributes.commands]]
id = "dev.greeter.greet"
title = "Greet"
"""

CODE = """\
from extensions.sdk import Extension, command


class Greeter(Extension):
    @command("dev.greeter.greet")
    async def greet(self):
        return "{word}"
"""


def dev_app(workspace: Path, folder: Path) -> SymphonyApp:
    return SymphonyApp(
        workspace,
        config=ConfigService(workspace, {}),
        watch_config=False,
        extensions=True,
        extension_options=ExtensionsOptions(builtin=[], use_registry=False, dev=[folder]),
    )


async def test_saving_the_code_reloads_it_and_saving_the_manifest_adds_its_new_command(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    folder = write_extension(tmp_path, "greeter", MANIFEST, CODE.format(word="hello"))
    app = dev_app(workspace, folder)
    async with app.run_test() as pilot:
        await started(pilot, app)
        reloader = app.extensions.dev
        assert reloader is not None
        assert await app.run_command("dev.greeter.greet") == "hello"

        (folder / "main.py").write_text(CODE.format(word="bonjour"), encoding="utf-8")
        await wait_until(pilot, lambda: reloader.reloads >= 1, "a reload after saving main.py")
        assert await app.run_command("dev.greeter.greet") == "bonjour"
        await wait_until(
            pilot,
            lambda: any("Reloaded Greeter after saving main.py" in n.message for n in app._notifications),
            "the reload's notification",
        )

        (folder / "Symphony.toml").write_text(
            MANIFEST + '\n[[contributes.commands]]\nid = "dev.greeter.wave"\ntitle = "Wave"\n', encoding="utf-8"
        )
        (folder / "main.py").write_text(
            CODE.format(word="hi")
            + '\n    @command("dev.greeter.wave")\n    async def wave(self):\n        return "o/"\n',
            encoding="utf-8",
        )
        await wait_until(pilot, lambda: "dev.greeter.wave" in app.commands, "the new command")
        await wait_until(pilot, lambda: app.extensions.started.is_set(), "the reloaded service")
        assert await app.run_command("dev.greeter.wave") == "o/"
        assert app.commands.get("dev.greeter.wave").label == "Greeter: Wave"


async def test_a_broken_save_is_reported_and_the_next_good_save_recovers(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    folder = write_extension(tmp_path, "greeter", MANIFEST, CODE.format(word="hello"))
    app = dev_app(workspace, folder)
    async with app.run_test() as pilot:
        await started(pilot, app)
        reloader = app.extensions.dev
        assert reloader is not None
        await wait_until(pilot, lambda: status(app, "dev.greeter") is ExtensionStatus.ACTIVE, "active")

        (folder / "main.py").write_text("class Greeter(:\n", encoding="utf-8")
        await wait_until(pilot, lambda: status(app, "dev.greeter") is ExtensionStatus.FAILED, "the failure")
        await wait_until(
            pilot,
            lambda: any(n.title == "Extension failed" and "Greeter" in n.message for n in app._notifications),
            "the failure's notification",
        )

        (folder / "main.py").write_text(CODE.format(word="fixed"), encoding="utf-8")  # as long as "hello": same size
        await wait_until(pilot, lambda: status(app, "dev.greeter") is ExtensionStatus.ACTIVE, "recovery")
        assert await app.run_command("dev.greeter.greet") == "fixed"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("ext/main.py", True),
        ("ext/Symphony.toml", True),
        ("ext/__pycache__/main.cpython-311.pyc", False),
        ("ext/main.py~", False),
        ("ext/.#main.py", False),
        ("ext/.git/index", False),
    ],
)
def test_only_source_saves_trigger_a_reload(path: str, expected: bool) -> None:
    assert relevant(Path(path)) is expected


def test_ext_dev_refuses_an_invalid_manifest_before_starting_the_ide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from symphony_tui.cli_ext import main

    folder = write_extension(tmp_path, "bad", MANIFEST.replace('version = "0.1.0"', 'version = "x"'), "")
    assert main(["dev", str(folder), str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert str(folder / "Symphony.toml") in error and "'version'" in error
