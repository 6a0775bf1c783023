"""`symphony ext ...`: create, pack, test, install and manage extensions from the command line; ``ext dev`` runs
the IDE with a folder loaded as an extension and reloads it on every save.

Every failure is a SymphonyError printed as ``error: message`` plus its hint, exit status 1; usage mistakes
exit 2 as argparse does. ``ext new`` asks its questions with a prompt-toolkit wizard on a terminal; every
answer is also a flag, and ``--yes`` takes the defaults for the rest without asking.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from core.errors import SymphonyError, ValidationError

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from extensions.kit.manifest import Manifest
    from extensions.kit.permissions import PermissionStore
    from extensions.kit.registry import LocalRegistry
    from extensions.kit.scaffold import ScaffoldSpec

TYPES = ("instrument", "operator", "motif")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symphony ext", description="Manage Symphony extensions.")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    new = sub.add_parser("new", help="create a new extension folder (asks questions unless --yes)")
    new.add_argument("name", help="display name; also the folder name")
    new.add_argument("--dir", type=Path, default=Path("."), help="where to create the folder (default: here)")
    new.add_argument("--id", dest="ext_id", help="extension id (default: local.<name>)")
    new.add_argument("--type", choices=TYPES, help="instrument, operator or motif (default: operator)")
    new.add_argument(
        "--capability",
        dest="capabilities",
        action="append",
        metavar="CAP",
        help="a capability to request (repeatable): fs.read, fs.write, net, process.spawn, terminal, clipboard, "
        "ai.models, workflows",
    )
    new.add_argument(
        "--activation", action="append", metavar="EVENT", help="an activation event (repeatable), e.g. onStartup"
    )
    new.add_argument("--description", help="one line saying what it does")
    new.add_argument("--yes", "-y", action="store_true", help="do not ask: use defaults for everything not given")

    listing = sub.add_parser("list", help="list installed and built-in extensions")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")

    install = sub.add_parser("install", help="install .symph packages or extension folders")
    install.add_argument("sources", nargs="+", type=Path, metavar="PATH_OR_SYMPH")

    uninstall = sub.add_parser("uninstall", help="remove an installed extension")
    uninstall.add_argument("ext_id", metavar="ID")
    uninstall.add_argument("--force", action="store_true", help="remove it even if others depend on it")

    for action, text in (("enable", "enable an installed extension"), ("disable", "disable it without removing")):
        toggle = sub.add_parser(action, help=text)
        toggle.add_argument("ext_id", metavar="ID")

    pack = sub.add_parser("pack", help="build <id>-<version>.symph from an extension folder")
    pack.add_argument("folder", type=Path, metavar="DIR")
    pack.add_argument("--out", type=Path, help="where to write the package (default: DIR)")

    dev = sub.add_parser("dev", help="open the IDE with DIR loaded as an extension, reloaded on every save")
    dev.add_argument("folder", type=Path, metavar="DIR")
    dev.add_argument("workspace", nargs="?", type=Path, default=Path("."), help="folder to open (default: here)")

    test = sub.add_parser(
        "test", help="check the manifest and run the extension's tests (harness and real_host fixture)"
    )
    test.add_argument("folder", type=Path, metavar="DIR")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="extra arguments for pytest")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    prompt_input: Input | None = None,
    prompt_output: Output | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run ``symphony ext`` with ``argv`` (without the leading ``ext``); returns the exit status.

    ``prompt_input``/``prompt_output`` let tests drive the wizard; by default it talks to the terminal.
    """
    out = stdout or sys.stdout
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return _dispatch(args, out, prompt_input, prompt_output)
    except SymphonyError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace, out: TextIO, prompt_input: Input | None, prompt_output: Output | None) -> int:
    action: str = args.action
    if action == "new":
        return _new(args, out, prompt_input, prompt_output)
    if action == "list":
        return _list(args, out)
    if action == "install":
        return _install(args, out)
    if action == "uninstall":
        from extensions.kit.installer import Installer

        entry = Installer(_registry(), _grants()).uninstall(args.ext_id, force=args.force)
        print(f"uninstalled {entry.id} {entry.version}", file=out)
        return 0
    if action in ("enable", "disable"):
        registry = _registry()
        builtin = _builtin_manifests()
        if args.ext_id not in registry and args.ext_id in builtin:
            # Built-ins have no registry entry: their switch is the list the Extensions panel uses too.
            from extensions.kit.disabled import DisabledList

            DisabledList().set(args.ext_id, disabled=action == "disable")
            print(f"{action}d {args.ext_id} {builtin[args.ext_id].version} (built-in)", file=out)
            return 0
        entry = registry.set_enabled(args.ext_id, action == "enable")
        print(f"{action}d {entry.id} {entry.version}", file=out)
        return 0
    if action == "dev":
        return _dev(args)
    if action == "pack":
        from extensions.kit.package import pack

        print(pack(args.folder, args.out), file=out)
        return 0
    return _test(args, out)


def _registry() -> LocalRegistry:
    from extensions.kit.registry import LocalRegistry

    return LocalRegistry()


def _grants() -> PermissionStore:
    from extensions.kit.permissions import PermissionStore

    return PermissionStore()


def _new(args: argparse.Namespace, out: TextIO, prompt_input: Input | None, prompt_output: Output | None) -> int:
    from extensions.kit.scaffold import write_scaffold

    interactive = not args.yes and (prompt_input is not None or sys.stdin.isatty())
    if not args.yes and not interactive:
        raise ValidationError(
            "`ext new` needs a terminal to ask its questions",
            hint="Pass --yes to accept the defaults, with --id/--type/--capability/--activation for the rest.",
        )
    spec = _wizard(args, prompt_input, prompt_output) if interactive else _spec_from_flags(args)
    folder = write_scaffold(spec, args.dir / args.name)
    print(f"created {spec.id} in {folder}", file=out)
    print(f"  next: symphony ext test {folder}", file=out)
    return 0


def _spec_from_flags(args: argparse.Namespace) -> ScaffoldSpec:
    from extensions.kit.manifest import Capability, ExtensionType
    from extensions.kit.scaffold import ScaffoldSpec, check_activation, default_id

    capabilities = tuple(_capability(c) for c in args.capabilities or ())
    return ScaffoldSpec(
        name=args.name,
        id=args.ext_id or default_id(args.name),
        type=ExtensionType(args.type or "operator"),
        capabilities=tuple(Capability(c) for c in capabilities),
        activation=tuple(check_activation(a) for a in args.activation or ()),
        description=args.description or "",
    )


def _capability(text: str) -> str:
    from extensions.kit.manifest import Capability

    known = [c.value for c in Capability]
    if text not in known:
        raise ValidationError(f"unknown capability {text!r}", hint=f"Choose from: {', '.join(known)}.")
    return text


def _wizard(args: argparse.Namespace, prompt_input: Input | None, prompt_output: Output | None) -> ScaffoldSpec:
    """Ask for every answer not given as a flag, with completion and validation as the user types."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.validation import Validator

    from extensions.kit.manifest import ACTIVATION_HELP, Capability, ExtensionType
    from extensions.kit.scaffold import ScaffoldSpec, check_activation, default_id

    def ask(message: str, **options: Any) -> str:
        # A fresh session per question: a PromptSession keeps the validator and completer of one prompt() for
        # the next (None means "unchanged"), and a description must not be validated as an id.
        session: PromptSession[str] = PromptSession(input=prompt_input, output=prompt_output)
        return session.prompt(message, **options)

    def valid(check: Any, message: str) -> Validator:
        def ok(text: str) -> bool:
            try:
                check(text)
            except (SymphonyError, ValueError):
                return False
            return True

        return Validator.from_callable(ok, error_message=message, move_cursor_to_end=True)

    def items(text: str) -> list[str]:
        return [part.strip() for part in text.replace(",", " ").split() if part.strip()]

    def check_id(text: str) -> None:
        from pydantic import TypeAdapter

        from core.types.base import EntityId

        TypeAdapter(EntityId).validate_python(text)

    ext_id = args.ext_id or ask(
        "Extension id: ",
        default=default_id(args.name),
        validator=valid(check_id, "letters, digits, '.', '_', ':' or '-', starting with a letter or digit"),
    )
    description = args.description if args.description is not None else ask("What does it do (one line): ")
    kind = args.type or ask(
        "Type (instrument / operator / motif): ",
        default="operator",
        completer=WordCompleter(list(TYPES)),
        validator=valid(ExtensionType, "type instrument, operator or motif"),
    )
    capability_names = [c.value for c in Capability]
    capabilities = (
        args.capabilities
        if args.capabilities is not None
        else items(
            ask(
                "Capabilities it needs (space-separated, empty for none): ",
                completer=WordCompleter(capability_names),
                validator=valid(
                    lambda text: [_capability(c) for c in items(text)], "choose from: " + ", ".join(capability_names)
                ),
            )
        )
    )
    command_event = f"onCommand:{ext_id}.hello"
    activation = (
        args.activation
        if args.activation is not None
        else items(
            ask(
                "Activation events (space-separated): ",
                default=command_event,
                completer=WordCompleter(["onStartup", command_event, "onLanguage:", "workspaceContains:"]),
                validator=valid(lambda text: [check_activation(e) for e in items(text)], ACTIVATION_HELP),
            )
        )
    )
    return ScaffoldSpec(
        name=args.name,
        id=ext_id,
        type=ExtensionType(kind),
        capabilities=tuple(Capability(_capability(c)) for c in capabilities),
        activation=tuple(check_activation(a) for a in activation),
        description=description,
    )


def _builtin_manifests() -> dict[str, Manifest]:
    from extensions.builtin import builtin_folders
    from extensions.kit.manifest import load_manifest

    return {(manifest := load_manifest(folder)).id: manifest for folder in builtin_folders()}


def _list(args: argparse.Namespace, out: TextIO) -> int:
    from extensions.builtin import builtin_folders
    from extensions.kit.disabled import DisabledList
    from extensions.kit.manifest import load_manifest

    rows: list[dict[str, Any]] = []
    registry = _registry()
    for entry in registry:
        try:
            manifest = registry.manifest(entry.id)
            name, kind = manifest.name, manifest.type.value
        except SymphonyError:
            name, kind = "(manifest unreadable)", "?"
        rows.append(
            {
                "id": entry.id,
                "version": str(entry.version),
                "state": "enabled" if entry.enabled else "disabled",
                "type": kind,
                "name": name,
                "path": str(registry.root / entry.folder),
            }
        )
    disabled = DisabledList().ids()
    for folder in builtin_folders():
        manifest = load_manifest(folder)
        if manifest.id not in registry:
            rows.append(
                {
                    "id": manifest.id,
                    "version": str(manifest.version),
                    "state": "builtin, disabled" if manifest.id in disabled else "builtin",
                    "type": manifest.type.value,
                    "name": manifest.name,
                    "path": str(folder),
                }
            )
    if args.json:
        json.dump(rows, out, indent=2)
        out.write("\n")
        return 0
    columns = ("id", "version", "state", "type", "name")
    widths = {c: max([len(c), *(len(r[c]) for r in rows)]) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip(), file=out)
    for row in rows:
        print("  ".join(row[c].ljust(widths[c]) for c in columns).rstrip(), file=out)
    return 0


def _install(args: argparse.Namespace, out: TextIO) -> int:
    from extensions.kit.installer import Installer

    for entry in Installer(_registry(), _grants()).install(args.sources):
        print(f"installed {entry.id} {entry.version}", file=out)
    return 0


def _dev(args: argparse.Namespace) -> int:
    """Check DIR's manifest (a clear error now beats a failed extension later), then run the IDE with it."""
    from extensions.kit.manifest import load_manifest
    from symphony_tui.cli import launch

    folder: Path = args.folder.resolve()
    load_manifest(folder)
    workspace: Path = args.workspace.expanduser().resolve()
    if not workspace.is_dir():
        raise ValidationError(f"{args.workspace}: not a folder", hint="Pass the folder to open after DIR.")
    return launch(workspace, [], {}, dev=[folder])


def _test(args: argparse.Namespace, out: TextIO) -> int:
    """Validate the manifest and the code against it, then run ``DIR/tests`` with pytest in a child process."""
    from core.errors import ExtensionError
    from extensions.kit.manifest import load_manifest
    from extensions.sdk.extension import undeclared_commands
    from extensions.sdk.loading import load_extension_class, unload

    folder: Path = args.folder.resolve()
    manifest = load_manifest(folder)
    try:
        cls = load_extension_class(folder, manifest.entry, manifest.id)
    finally:
        unload(manifest.id)
    declared = {c.id for c in manifest.contributes.commands}
    missing = undeclared_commands(cls, declared)
    if missing:
        raise ExtensionError(
            f"{folder}: commands handled in code but not declared in Symphony.toml: {', '.join(missing)}",
            hint="Add them under [[contributes.commands]] so the palette and keymap know them.",
        )
    unhandled = sorted(declared - set(cls.commands))
    if unhandled:
        raise ExtensionError(
            f"{folder}: commands declared in Symphony.toml without a @command handler: {', '.join(unhandled)}",
            hint="Decorate a method with @command(ID) for each, or remove the declaration.",
        )
    print(f"{manifest.id} {manifest.version}: manifest and commands OK", file=out)
    tests = folder / "tests"
    if not tests.is_dir():
        raise ValidationError(f"{folder}: no tests/ folder", hint="`symphony ext new` shows how tests look.")
    if importlib.util.find_spec("pytest") is None:
        raise ValidationError("`ext test` needs pytest", hint="Install it: pip install pytest.")
    # The real_host fixture comes from the SDK's plugin, also for folders made before their conftest loaded it.
    plugin = ["-p", "extensions.sdk.pytest_plugin"]
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(tests),
        "-q",
        "-p",
        "no:cacheprovider",
        *plugin,
        "--rootdir",
        str(folder),
    ]
    out.flush()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([*command, *args.pytest_args], cwd=folder, env=env, check=False).returncode


__all__ = ["main"]
