"""Real extension folders and a ready supervisor for the host tests (unit and integration alike)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

from core.extensions import ExtensionApi, HeadlessUi, HostSupervisor, Isolation, RestartPolicy
from extensions.kit.manifest import load_manifest
from extensions.kit.permissions import Decision, PermissionGate, PermissionRequest, PermissionStore
from extensions.sdk.api import METHODS
from symphony_tui.extensions_service import spec_from_manifest

ECHO_MANIFEST = """\
id = "t.echo"
name = "Echo"
version = "1.0.0"
type = "operator"
entry = "main:Echo"
activation = ["onCommand:t.echo.run"]
capabilities = ["fs.read"]

[[contributes.commands]]
id = "t.echo.run"
title = "Echo"

[[contributes.commands]]
id = "t.echo.edit"
title = "Edit"

[[contributes.commands]]
id = "t.echo.read"
title = "Read"

[[contributes.commands]]
id = "t.echo.write"
title = "Write"

[[contributes.commands]]
id = "t.echo.boom"
title = "Boom"

[[contributes.commands]]
id = "t.echo.hang"
title = "Hang"

[[contributes.commands]]
id = "t.echo.hog"
title = "Hog"

[[contributes.commands]]
id = "t.echo.impersonate"
title = "Impersonate"
"""

ECHO_CODE = """\
import time

from core.errors import PermissionDeniedError
from core.types.text import Range, TextEdit
from extensions.sdk import Extension, command


class Echo(Extension):
    @command("t.echo.run")
    async def run(self, *args):
        return list(args)

    @command("t.echo.edit")
    async def edit(self, text="X"):
        edit = TextEdit(range=Range.of(0, 0, 0, 0), new_text=text)
        return await self.ctx.editor.apply_edits([edit])

    @command("t.echo.read")
    async def read(self, path="notes.txt"):
        try:
            return await self.ctx.workspace.read_text(path)
        except PermissionDeniedError as exc:
            return "refused: " + exc.data["reason"]

    @command("t.echo.write")
    async def write(self):
        try:
            await self.ctx.workspace.write_text("out.txt", "x")
        except PermissionDeniedError as exc:
            return "refused: " + exc.data["reason"]
        return "written"

    @command("t.echo.boom")
    async def boom(self):
        raise RuntimeError("kaboom")

    @command("t.echo.hang")
    async def hang(self):
        time.sleep(30)

    @command("t.echo.impersonate")
    async def impersonate(self, other):
        # A hostile extension skipping ctx and naming another extension in a raw request.
        params = {"extension": other, "message": "spoofed"}
        try:
            await self.ctx.window._peer.request("ext/window.notify", params)
        except PermissionDeniedError as exc:
            return "refused: " + exc.message
        return "accepted"

    @command("t.echo.hog")
    async def hog(self):
        # bytes(n) is calloc'd: address space is reserved at once without touching pages, so the limit trips
        # within milliseconds instead of after seconds of page faults (which would look like a hang).
        hoard = []
        while True:
            hoard.append(bytes(256 * 1024 * 1024))
"""

STARTUP_MANIFEST = """\
id = "t.startup"
name = "Startup"
version = "1.0.0"
type = "operator"
entry = "main:Startup"
activation = ["onStartup"]
"""

STARTUP_CODE = """\
from extensions.sdk import Event, Extension, on


class Startup(Extension):
    async def activate(self, ctx):
        await ctx.status_bar.set_item("hello", "started")

    @on("document.saved")
    async def saved(self, event: Event):
        await self.ctx.status_bar.set_item("hello", "saved " + str(event.document.path))
"""

LANG_MANIFEST = """\
id = "t.lang"
name = "Python helper"
version = "1.0.0"
type = "operator"
entry = "main:Lang"
activation = ["onLanguage:python"]
dependencies = { "t.startup" = "^1.0" }
"""

LANG_CODE = """\
from extensions.sdk import Extension


class Lang(Extension):
    async def activate(self, ctx):
        await ctx.window.notify("python is here")
"""

BROKEN_MANIFEST = """\
id = "t.broken"
name = "Broken"
version = "1.0.0"
type = "operator"
entry = "main:Broken"
activation = ["onStartup"]
"""

BROKEN_CODE = "raise ImportError('this extension cannot load')\n"

INVALID_MANIFEST = 'id = "t.invalid"\nname = "Invalid"\nversion = "one"\ntype = "widget"\nentry = "main:X"\n'


def write_samples(root: Path, *, broken: bool = False, invalid: bool = False) -> list[Path]:
    """Write the sample extension folders under ``root``; their paths."""
    samples = [("echo", ECHO_MANIFEST, ECHO_CODE), ("startup", STARTUP_MANIFEST, STARTUP_CODE)]
    samples.append(("lang", LANG_MANIFEST, LANG_CODE))
    if broken:
        samples.append(("broken", BROKEN_MANIFEST, BROKEN_CODE))
    if invalid:
        samples.append(("invalid", INVALID_MANIFEST, "class X: pass\n"))
    folders = []
    for name, manifest, code in samples:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "Symphony.toml").write_text(manifest, encoding="utf-8")
        (folder / "main.py").write_text(textwrap.dedent(code), encoding="utf-8")
        folders.append(folder)
    return folders


class ScriptedPrompter:
    """Answers permission prompts from a fixed decision and records what was asked."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        self.asked: list[PermissionRequest] = []

    async def __call__(self, request: PermissionRequest) -> Decision:
        self.asked.append(request)
        return self.decision


def make_supervisor(
    folders: Iterable[Path],
    workspace: Path,
    *,
    decision: Decision = Decision.ALLOW_ONCE,
    isolation: Isolation = Isolation.SHARED,
    policy: RestartPolicy | None = None,
    memory_limit_mb: int | None = 2048,
) -> tuple[HostSupervisor, HeadlessUi, ScriptedPrompter]:
    """A supervisor for the sample extensions with a headless UI and a scripted permission prompt."""
    ui = HeadlessUi()
    prompter = ScriptedPrompter(decision)
    gate = PermissionGate(PermissionStore(workspace.parent / "grants.json"), prompter)
    api = ExtensionApi(
        ui=ui,
        gate=gate,
        capabilities={name: m.capability for name, m in METHODS.items()},
        workspace_root=workspace,
        storage_dir=workspace.parent / "storage",
    )
    specs = [spec_from_manifest(load_manifest(f), f) for f in folders]
    supervisor = HostSupervisor(
        specs,
        api,
        isolation=isolation,
        policy=(lambda: policy) if policy is not None else RestartPolicy,
        memory_limit_mb=memory_limit_mb,
    )
    return supervisor, ui, prompter
