"""`symphony doctor`: checks of the machine, terminal, settings and tools, each with a hint saying what to do.

Every check is a plain function returning CheckResult values, so start-up reuses the ones that can stop it
(Python version, settings problems) and the UI can show any of them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import platform
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from core import paths
from core.errors import SymphonyError

if TYPE_CHECKING:
    from core.config import ConfigService

Status = Literal["ok", "warn", "fail"]

MIN_PYTHON = (3, 11)
MIN_TERMINAL = (80, 24)
PROBE_TIMEOUT = 2.0
"""Seconds a tool gets to print its version; a hung language server must not hang the doctor."""

MARKS: dict[Status, str] = {"ok": "✓", "warn": "!", "fail": "✗"}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: what was looked at, what was found, and what to do about it."""

    name: str
    status: Status
    detail: str
    hint: str = ""


@dataclass(frozen=True)
class Tool:
    """An optional program Symphony uses when it is on PATH."""

    command: str
    purpose: str
    version_args: tuple[str, ...] = ("--version",)
    recommended: bool = False
    """Missing recommended tools are warnings; other missing tools are only noted."""
    project: str = ""
    """What to install when the project's name differs from the command (``ripgrep`` for ``rg``)."""


TOOLS: tuple[Tool, ...] = (
    Tool("git", "version control status and diffs", recommended=True),
    Tool("rg", "fast workspace search", recommended=True, project="ripgrep"),
    Tool("jedi-language-server", "Python language features"),
    Tool("pylsp", "Python language features"),
    Tool("typescript-language-server", "TypeScript and JavaScript language features"),
    Tool("rust-analyzer", "Rust language features"),
    Tool("gopls", "Go language features", ("version",)),
    Tool("clangd", "C and C++ language features"),
    Tool("tmux", "tmux sessions in the terminal pane", ("-V",)),
)


@dataclass(frozen=True)
class Package:
    """A Python package Symphony depends on."""

    module: str
    distribution: str
    purpose: str
    required: bool
    load: bool = True
    """Import it to prove it works; False only checks it is installed (core never imports UI libraries)."""


PACKAGES: tuple[Package, ...] = (
    Package("textual", "textual", "the user interface", required=True, load=False),
    Package("tree_sitter", "tree-sitter", "syntax highlighting", required=False),
    Package("msgpack", "msgpack", "the extension IPC codec", required=True),
    Package("watchfiles", "watchfiles", "noticing file changes on disk", required=False),
)

_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?(?:[-+.][0-9A-Za-z.]+)?")


def check_python(version: Sequence[int] | None = None) -> CheckResult:
    """Symphony needs Python 3.11+ (TaskGroup, tomllib, StrEnum)."""
    version = tuple(sys.version_info[:3]) if version is None else tuple(version)
    shown = ".".join(str(part) for part in version)
    detail = f"{platform.python_implementation()} {shown} at {sys.executable}"
    if version[:2] < MIN_PYTHON:
        return CheckResult(
            "python",
            "fail",
            f"Python {shown} is too old; Symphony needs {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer",
            f"Install Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]}+ and reinstall Symphony with it.",
        )
    return CheckResult("python", "ok", detail)


def check_platform() -> CheckResult:
    """The OS decides the PTY backend and IPC transport."""
    detail = f"{platform.system() or sys.platform} {platform.release()} ({platform.machine() or 'unknown machine'})"
    if sys.platform.startswith(("linux", "darwin", "win32", "freebsd", "openbsd", "netbsd")):
        return CheckResult("platform", "ok", detail)
    return CheckResult(
        "platform", "warn", f"{detail} is untested", "Terminal panes and extensions may not work; please report issues."
    )


def check_terminal_size(size: os.terminal_size | None = None) -> CheckResult:
    """Panels need at least 80x24 cells to be usable."""
    size = shutil.get_terminal_size(fallback=(0, 0)) if size is None else size
    columns, lines = size.columns, size.lines
    if columns <= 0 or lines <= 0:
        return CheckResult(
            "terminal size", "warn", "unknown (no terminal attached)", "Run Symphony in a terminal window."
        )
    if columns < MIN_TERMINAL[0] or lines < MIN_TERMINAL[1]:
        return CheckResult(
            "terminal size",
            "warn",
            f"{columns}x{lines} is smaller than {MIN_TERMINAL[0]}x{MIN_TERMINAL[1]}",
            "Enlarge the window or reduce the font size; panels are cramped below 80x24.",
        )
    return CheckResult("terminal size", "ok", f"{columns}x{lines}")


def check_colour(env: Mapping[str, str] | None = None) -> CheckResult:
    """Themes are designed in 24-bit colour; fewer colours are approximated."""
    env = os.environ if env is None else env
    term, colorterm = env.get("TERM", ""), env.get("COLORTERM", "").lower()
    if env.get("NO_COLOR"):
        return CheckResult("colour", "ok", "off: NO_COLOR is set")
    if colorterm in ("truecolor", "24bit"):
        return CheckResult("colour", "ok", f"24-bit (COLORTERM={colorterm})")
    if env.get("WT_SESSION"):
        return CheckResult("colour", "ok", "24-bit (Windows Terminal)")
    if not term or term == "dumb":
        return CheckResult(
            "colour",
            "warn",
            f"TERM is {'unset' if not term else 'dumb'}: no colour or cursor control",
            "Use a terminal emulator that sets TERM, or set TERM=xterm-256color.",
        )
    upgrade = "If your terminal supports 24-bit colour, set COLORTERM=truecolor."
    if "256color" in term:
        return CheckResult("colour", "warn", f"256 colours (TERM={term}); theme colours are approximated", upgrade)
    return CheckResult("colour", "warn", f"8-16 colours (TERM={term}); theme colours are approximated", upgrade)


def check_tty(stream: TextIO | None = None) -> CheckResult:
    """The TUI draws to stdout, which must be a terminal."""
    stream = sys.stdout if stream is None else stream
    try:
        is_tty = stream.isatty()
    except (ValueError, AttributeError):
        is_tty = False
    if is_tty:
        return CheckResult("tty", "ok", "stdout is a terminal")
    return CheckResult(
        "tty",
        "warn",
        "stdout is not a terminal (piped or redirected)",
        "Run `symphony` directly in a terminal; the TUI cannot draw into a pipe or file.",
    )


def config_results(service: ConfigService) -> list[CheckResult]:
    """Each settings problem of a loaded service as a warning (their messages name the file and line)."""
    if service.problems:
        return [CheckResult("config", "warn", problem.message, problem.hint) for problem in service.problems]
    if service.sources:
        return [CheckResult("config", "ok", "loaded " + ", ".join(str(path) for path in service.sources))]
    return [CheckResult("config", "ok", "built-in defaults (no settings files found)")]


def check_config(workspace: Path | None, config_dir: Path | None = None) -> list[CheckResult]:
    """Load the settings as start-up would; every problem becomes a warning naming its file."""
    from core.config import ConfigService

    service = ConfigService(workspace, config_dir=paths.config_dir() if config_dir is None else config_dir)
    try:
        service.load()
    except SymphonyError as exc:
        return [CheckResult("config", "fail", exc.message, exc.hint)]
    return config_results(service)


def check_log_dir(directory: Path | None = None) -> CheckResult:
    """An unwritable log dir does not stop start-up (logs go to a temp dir), but the logs are then hard to find."""
    directory = paths.log_dir() if directory is None else directory
    try:
        paths.ensure_dir(directory)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-"):
            pass
    except (OSError, SymphonyError) as exc:
        reason = exc.message if isinstance(exc, SymphonyError) else (exc.strerror or str(exc))
        return CheckResult(
            "log dir",
            "warn",
            f"{directory} is not writable ({reason}); logs go to a temp dir instead",
            f"Fix its permissions or set {paths.ENV_LOG_DIR} to a writable directory.",
        )
    return CheckResult("log dir", "ok", f"{directory} is writable")


def check_runtime_dir(path: Path | None = None) -> CheckResult:
    """IPC sockets live in the runtime dir, so it must be private (0700) and ours; inspected without changes."""
    if os.name != "posix":
        return CheckResult("runtime dir", "ok", "not used on this OS (named pipes with a per-user ACL)")
    path = paths.runtime_dir_path() if path is None else path
    other = f"Remove it or set {paths.ENV_RUNTIME_DIR} to a directory you own."
    try:
        info = path.stat()
    except FileNotFoundError:
        return CheckResult("runtime dir", "ok", f"{path} will be created with mode 0700 at start-up")
    except OSError as exc:
        return CheckResult("runtime dir", "fail", f"{path} cannot be inspected: {exc.strerror or exc}", other)
    if not stat.S_ISDIR(info.st_mode):
        return CheckResult("runtime dir", "fail", f"{path} is not a directory", other)
    if info.st_uid != os.getuid():
        return CheckResult("runtime dir", "fail", f"{path} belongs to uid {info.st_uid}, not to you", other)
    mode = stat.S_IMODE(info.st_mode)
    if mode != paths.PRIVATE_MODE:
        return CheckResult(
            "runtime dir",
            "warn",
            f"{path} has mode {mode:04o}, expected 0700",
            f"Symphony tightens it at start-up; or run `chmod 700 {path}`.",
        )
    return CheckResult("runtime dir", "ok", f"{path} (mode 0700)")


def probe_version(argv: Sequence[str], timeout: float = PROBE_TIMEOUT) -> str | None:
    """The version a program prints (first version-like token, else first line), or None if it fails or hangs.

    The program runs in its own session so a timeout kills it and any children holding the output pipe.
    """
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=os.name == "posix",
        )
    except OSError:
        return None
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        proc.communicate()
        return None
    if proc.returncode != 0:
        return None
    text = output.decode("utf-8", "replace")
    match = _VERSION.search(text)
    if match:
        return match.group()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:80] or None


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    if os.name == "posix":
        try:
            os.killpg(proc.pid, signal.SIGKILL)
            return
        except OSError:
            pass
    proc.kill()


def check_tool(tool: Tool, timeout: float = PROBE_TIMEOUT) -> CheckResult:
    """Whether ``tool`` is on PATH, and its version if it answers within ``timeout``."""
    name = f"tool: {tool.command}"
    found = shutil.which(tool.command)
    if found is None:
        if tool.recommended:
            return CheckResult(
                name,
                "warn",
                f"not found on PATH (used for {tool.purpose})",
                f"Install {tool.project or tool.command} and make sure it is on PATH.",
            )
        return CheckResult(name, "ok", f"not installed (optional: {tool.purpose})")
    version = probe_version([found, *tool.version_args], timeout)
    return CheckResult(name, "ok", f"{version or 'version unknown'} ({found})")


def check_tools(tools: Sequence[Tool] = TOOLS, timeout: float = PROBE_TIMEOUT) -> list[CheckResult]:
    """All optional tools, probed in parallel so the doctor takes at most about one timeout."""
    if not tools:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(tools)) as pool:
        return list(pool.map(lambda tool: check_tool(tool, timeout), tools))


def check_package(package: Package) -> CheckResult:
    """Whether ``package`` is importable, with its installed version."""
    import importlib.metadata
    import importlib.util

    name = f"package: {package.module}"
    try:
        if package.load:
            importlib.import_module(package.module)
            problem = None
        else:
            problem = None if importlib.util.find_spec(package.module) is not None else "not installed"
    except Exception as exc:  # a broken install can raise anything from its import-time code
        problem = f"cannot be imported: {type(exc).__name__}: {exc}"
    if problem is not None:
        return CheckResult(
            name,
            "fail" if package.required else "warn",
            f"{problem} (needed for {package.purpose})",
            f"Reinstall Symphony, or run `pip install --force-reinstall {package.distribution}`.",
        )
    try:
        version = importlib.metadata.version(package.distribution)
    except importlib.metadata.PackageNotFoundError:
        version = "version unknown"
    return CheckResult(name, "ok", version)


def check_packages(packages: Sequence[Package] = PACKAGES) -> list[CheckResult]:
    """Every key Python package."""
    return [check_package(package) for package in packages]


def check_startup(workspace: Path | None) -> CheckResult:
    """Run the real start-up phases (then stop them): proves config, logging and core services come up."""
    from core.boot import BootContext, BootError, Bootstrapper, standard_phases

    booter = Bootstrapper(standard_phases(workspace))

    async def boot() -> BootContext:
        try:
            return await booter.run(BootContext(workspace=workspace))
        finally:
            await booter.shutdown()

    try:
        ctx = _run_coroutine(boot())
    except BootError as exc:
        return CheckResult("start-up", "fail", exc.message, exc.hint)
    detail = f"{len(booter.phases)} phases started and stopped ({', '.join(p.name for p in booter.phases)})"
    if ctx.log_path is not None:
        detail += f"; log file {ctx.log_path}"
    return CheckResult("start-up", "ok", detail)


def _run_coroutine(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` to completion from sync code, also when called inside a running event loop (the app)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def run_checks(workspace: Path | None, *, startup: bool = True) -> list[CheckResult]:
    """Every check, in report order; ``startup=False`` skips the trial start-up (it reconfigures logging)."""
    results = [
        check_python(),
        check_platform(),
        check_terminal_size(),
        check_colour(),
        check_tty(),
        *check_config(workspace),
        check_log_dir(),
        check_runtime_dir(),
        *check_tools(),
        *check_packages(),
    ]
    if startup:
        results.append(check_startup(workspace))
    return results


def render_report(results: Sequence[CheckResult]) -> str:
    """Aligned text: a ✓/!/✗ mark, the check name and its detail per line, hints below, then a summary."""
    width = max((len(result.name) for result in results), default=0)
    indent = " " * (width + 4)
    lines: list[str] = []
    for result in results:
        detail_lines = result.detail.splitlines() or [""]
        lines.append(f"{MARKS[result.status]} {result.name.ljust(width)}  {detail_lines[0]}".rstrip())
        lines.extend(f"{indent}{extra}" for extra in detail_lines[1:])
        if result.hint and result.status != "ok":
            lines.append(f"{indent}hint: {result.hint}")
    counts = {status: sum(1 for r in results if r.status == status) for status in MARKS}
    warnings = f"{counts['warn']} warning{'' if counts['warn'] == 1 else 's'}"
    failures = f"{counts['fail']} failure{'' if counts['fail'] == 1 else 's'}"
    lines.append(f"{len(results)} checks: {counts['ok']} ok, {warnings}, {failures}")
    return "\n".join(lines)


def exit_code(results: Sequence[CheckResult]) -> int:
    """The process exit status for ``symphony doctor``: 1 if any check failed, else 0."""
    return 1 if any(result.status == "fail" for result in results) else 0


__all__ = [
    "MIN_PYTHON",
    "MIN_TERMINAL",
    "PACKAGES",
    "PROBE_TIMEOUT",
    "TOOLS",
    "CheckResult",
    "Package",
    "Status",
    "Tool",
    "check_colour",
    "check_config",
    "check_log_dir",
    "check_package",
    "check_packages",
    "check_platform",
    "check_python",
    "check_runtime_dir",
    "check_startup",
    "check_terminal_size",
    "check_tool",
    "check_tools",
    "check_tty",
    "config_results",
    "exit_code",
    "probe_version",
    "render_report",
    "run_checks",
]
