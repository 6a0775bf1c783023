"""Real extension folders and an app that runs them in real host processes, for the pilot tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from core.config import ConfigService
from core.extensions import ExtensionStatus, RestartPolicy
from symphony_tui.app import SymphonyApp
from symphony_tui.extensions_ui.controller import ExtensionsOptions

UI_MANIFEST = """\
id = "t.ui"
name = "UI Probe"
version = "1.2.0"
type = "operator"
entry = "main:Probe"
activation = ["onCommand:t.ui.wrap", "onCommand:t.ui.read"]
capabilities = ["fs.read"]

[[contributes.commands]]
id = "t.ui.wrap"
title = "Wrap Document"

[[contributes.commands]]
id = "t.ui.read"
title = "Read Notes"

[[contributes.keybindings]]
key = "f7"
command = "t.ui.wrap"
"""

UI_CODE = """\
from core.errors import PermissionDeniedError
from core.types.text import Range, TextEdit
from extensions.sdk import Extension, command


class Probe(Extension):
    @command("t.ui.wrap")
    async def wrap(self):
        text = await self.ctx.editor.get_text()
        lines = text.split("\\n")
        last = len(lines) - 1
        end = len(lines[last])
        return await self.ctx.editor.apply_edits(
            [
                TextEdit(range=Range.of(0, 0, 0, 0), new_text="<<"),
                TextEdit(range=Range.of(last, end, last, end), new_text=">>"),
            ]
        )

    @command("t.ui.read")
    async def read(self):
        try:
            text = await self.ctx.workspace.read_text("notes.txt")
        except PermissionDeniedError as exc:
            await self.ctx.window.notify("refused: " + exc.data["reason"], level="warning")
            return "refused"
        return text
"""

INVALID_MANIFEST = """\
id = "t.broken"
name = "Broken"
version = "one"
type = "operator"
entry = "main:X"
"""


def write_extension(root: Path, name: str, manifest: str, code: str) -> Path:
    """``root/name`` with a Symphony.toml and main.py."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Symphony.toml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    (folder / "main.py").write_text(code, encoding="utf-8")
    return folder


def probe_extension(root: Path) -> Path:
    """The UI probe: a two-edit command bound to f7 and a command needing fs.read."""
    return write_extension(root, "probe", UI_MANIFEST, UI_CODE)


def ext_app(
    workspace: Path,
    folders: list[Path],
    *files: str,
    policy: Callable[[], RestartPolicy] = RestartPolicy,
    settings: dict[str, object] | None = None,
) -> SymphonyApp:
    """An app running exactly ``folders`` as its extensions (no installed ones), in real hosts."""
    return SymphonyApp(
        workspace,
        open_paths=[workspace / f for f in files],
        config=ConfigService(workspace, settings or {}),
        watch_config=False,
        extensions=True,
        extension_options=ExtensionsOptions(builtin=folders, use_registry=False, policy=policy),
    )


async def settle(pilot: Pilot[None]) -> None:
    """Wait for background work; commands waiting on a dialog are left waiting."""
    # Watches (ext dev, workspace changes) run until the app ends: waiting for them would never return.
    background = [w for w in pilot.app.workers if w.group not in ("commands", "ext-dev", "ext-watch")]
    if background:  # an empty list would mean "all workers" to Textual
        await pilot.app.workers.wait_for_complete(background)
    await pilot.pause()


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], what: str, attempts: int = 3000) -> None:
    """Let the app run until ``condition()`` holds (bounded by event-loop turns, not asserted on time)."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), f"never happened: {what}"


async def started(pilot: Pilot[None], app: SymphonyApp) -> None:
    """Wait until the service started and every host is connected."""
    await settle(pilot)
    await wait_until(pilot, app.extensions.started.is_set, "extensions started")
    service = app.extensions.service
    assert service is not None
    await service.supervisor.wait_ready()


def status(app: SymphonyApp, extension_id: str) -> ExtensionStatus | None:
    """The supervisor's status of an extension."""
    service = app.extensions.service
    return None if service is None else service.supervisor.status.get(extension_id)
