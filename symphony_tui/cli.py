"""`symphony` command line: open the workbench, or run a subcommand (config, doctor).

Imports are deferred into each branch so `symphony --version` and the path checks cost almost nothing, and
the TUI's first frame is not delayed by code only subcommands need.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SUBCOMMANDS = ("config", "doctor", "ext", "run", "runs", "artifacts", "ipc")

EPILOG = """\
subcommands:
  symphony config show      print the effective settings and where each value came from
  symphony config schema    print the JSON schema of the settings
  symphony doctor           check this machine and configuration, print a report
  symphony ext ...          create, pack, test, install and manage extensions (symphony ext --help)
  symphony run FILE         run a workflow (TOML/YAML); --resume RUN_ID continues an interrupted run
  symphony runs / artifacts list workflow runs / search and show stored artifacts
  symphony runs logs RUN    what a run's nodes printed and logged
  symphony ipc stats        IPC self-test against a spawned peer, with per-connection metrics

To open a folder literally named like a subcommand, write ./config.
Keys: ctrl+p quick open (type > for commands), F1 command palette, ctrl+s save, ctrl+w close tab,
ctrl+b toggle explorer, ctrl+q quit.
"""


def _version() -> str:
    from core import __version__

    return f"symphony {__version__}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symphony",
        description="Symphony: a terminal-native IDE. Opens PATH (a folder, or a file in its folder).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", default=".", help="folder or file to open (default: current directory)")
    parser.add_argument("--version", action="version", version=_version())
    _common_options(parser)
    return parser


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="log verbosity (the log file is in the platform log dir; see `symphony doctor`)",
    )
    parser.add_argument("--theme", help="colour theme for this run, e.g. symphony-light")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting for this run, e.g. --set editor.tab_size=2 (repeatable)",
    )


def _subparser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"symphony {command}")
    if command == "config":
        parser.add_argument("action", choices=["show", "schema"], help="show: effective settings; schema: JSON schema")
        parser.add_argument("--workspace", default=".", help="workspace whose .symphony/settings apply (default: .)")
        _common_options(parser)
    else:
        parser.add_argument("--workspace", default=".", help="workspace to check (default: .)")
    return parser


def _fail(message: str) -> int:
    print(f"symphony: {message}", file=sys.stderr)
    return 2


def _cli_overrides(args: argparse.Namespace) -> dict[str, Any] | str:
    """Settings from flags, or an error message naming the bad flag."""
    from core.config import parse_cli_override
    from core.errors import ConfigError

    overrides: dict[str, Any] = {}
    for item in args.overrides:
        try:
            key, value = parse_cli_override(item)
        except (ConfigError, ValueError) as exc:
            return f"bad --set {item!r}: {exc}"
        overrides[key] = value
    if args.theme:
        overrides["theme"] = args.theme
    if args.log_level:
        overrides["log_level"] = args.log_level
    return overrides


def _resolve_target(raw: str) -> tuple[Path, Path | None] | str:
    """(workspace, file to open) for PATH, or a one-line error naming it."""
    path = Path(raw).expanduser()
    if not path.exists():
        return f"{raw}: no such file or directory"
    try:
        path = path.resolve(strict=True)
    except OSError as exc:
        return f"{raw}: cannot resolve path: {exc.strerror or exc}"
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            return f"{raw}: permission denied (cannot list this folder)"
        return path, None
    if not os.access(path, os.R_OK):
        return f"{raw}: permission denied (cannot read this file)"
    return path.parent, path


def _run_config(args: argparse.Namespace) -> int:
    import json

    from core.config import ConfigService, render_effective, settings_json_schema

    if args.action == "schema":
        print(json.dumps(settings_json_schema(), indent=2))
        return 0
    overrides = _cli_overrides(args)
    if isinstance(overrides, str):
        return _fail(overrides)
    workspace = Path(args.workspace).expanduser().resolve()
    service = ConfigService(workspace, overrides)
    service.load()
    print(render_effective(service))
    return 1 if service.problems else 0


def _run_doctor(args: argparse.Namespace) -> int:
    from core.doctor import exit_code, render_report, run_checks

    results = run_checks(Path(args.workspace).expanduser().resolve())
    print(render_report(results))
    return exit_code(results)


def _run_tui(args: argparse.Namespace) -> int:
    target = _resolve_target(args.path)
    if isinstance(target, str):
        return _fail(target)
    overrides = _cli_overrides(args)
    if isinstance(overrides, str):
        return _fail(overrides)
    workspace, file = target
    return launch(workspace, [file] if file else [], overrides)


def launch(workspace: Path, open_paths: list[Path], overrides: dict[str, Any], *, dev: Sequence[Path] = ()) -> int:
    """Boot and run the workbench on ``workspace`` with extensions (``dev``: folders to load and reload on save,
    for `symphony ext dev`); returns the exit status."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        return _fail("needs an interactive terminal (stdin and stdout must be a TTY)")

    import asyncio

    from core.boot import BootContext, BootError, Bootstrapper, standard_phases

    boot = Bootstrapper(standard_phases(workspace, overrides))
    try:
        ctx = asyncio.run(boot.run(BootContext(workspace=workspace)))
    except BootError as exc:
        return _fail(f"start-up failed: {exc.message} ({exc.hint})")

    from symphony_tui.app import SymphonyApp
    from symphony_tui.extensions_ui.controller import ExtensionsOptions

    app = SymphonyApp(
        workspace,
        open_paths=open_paths,
        config=ctx.config,
        extensions=True,
        extension_options=ExtensionsOptions(dev=tuple(dev)),
    )
    try:
        app.run()
    finally:
        asyncio.run(boot.shutdown())
    return app.return_code or 0


TEXTUAL_FPS = "120"
"""Frames a second Textual may paint. Its default of 60 alone adds up to 16.7 ms before a typed key shows
(measured through tmux: 16.5 ms at 60, 8.5 ms at 120); a user's own TEXTUAL_FPS wins."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `symphony` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("TEXTUAL_FPS", TEXTUAL_FPS)  # read when Textual is first imported, below
    if argv and argv[0] == "ext":
        from symphony_tui.cli_ext import main as ext_main

        return ext_main(argv[1:])
    if argv and argv[0] == "ipc":
        from symphony_tui.cli_ipc import main as ipc_main

        return ipc_main(argv[1:])
    if argv and argv[0] in ("run", "runs", "artifacts"):
        from symphony_tui.cli_run import main as run_main

        return run_main(argv)
    if argv and argv[0] in SUBCOMMANDS:
        args = _subparser(argv[0]).parse_args(argv[1:])
        return _run_config(args) if argv[0] == "config" else _run_doctor(args)
    return _run_tui(_parser().parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
