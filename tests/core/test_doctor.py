"""Specification of core.doctor: each check's verdicts, version probes, the report and the exit code."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import doctor
from core.doctor import CheckResult, Package, Tool

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, shebang scripts and PTYs")


pytestmark = pytest.mark.usefixtures("isolated_environment")


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory that is the whole PATH; tests put fake tools in it."""
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", str(directory))
    return directory


def write_tool(directory: Path, name: str, body: str) -> Path:
    script = directory / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


# -- python, platform, terminal ------------------------------------------------------------------------------


def test_python_older_than_3_11_fails_with_a_hint() -> None:
    result = doctor.check_python((3, 10, 4))
    assert result.status == "fail"
    assert "3.10.4" in result.detail
    assert "3.11" in result.hint


def test_running_python_passes_and_names_the_interpreter() -> None:
    result = doctor.check_python()
    assert result.status == "ok"
    assert sys.executable in result.detail


def test_platform_is_reported() -> None:
    result = doctor.check_platform()
    assert result.status == "ok"
    assert result.detail


@pytest.mark.parametrize(
    ("columns", "lines", "status", "detail"),
    [
        (120, 40, "ok", "120x40"),
        (80, 24, "ok", "80x24"),
        (79, 24, "warn", "79x24 is smaller than 80x24"),
        (100, 20, "warn", "100x20 is smaller than 80x24"),
        (0, 0, "warn", "unknown (no terminal attached)"),
    ],
)
def test_terminal_smaller_than_80x24_warns(columns: int, lines: int, status: str, detail: str) -> None:
    result = doctor.check_terminal_size(os.terminal_size((columns, lines)))
    assert (result.status, result.detail) == (status, detail)


@pytest.mark.parametrize(
    ("env", "status", "mentions"),
    [
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "ok", "24-bit"),
        ({"TERM": "xterm", "COLORTERM": "24bit"}, "ok", "24-bit"),
        ({"WT_SESSION": "1"}, "ok", "Windows Terminal"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "ok", "NO_COLOR"),
        ({"TERM": "xterm-256color"}, "warn", "256 colours"),
        ({"TERM": "xterm"}, "warn", "8-16 colours"),
        ({"TERM": "dumb"}, "warn", "dumb"),
        ({}, "warn", "unset"),
    ],
)
def test_colour_support_follows_term_colorterm_and_no_color(env: dict[str, str], status: str, mentions: str) -> None:
    result = doctor.check_colour(env)
    assert result.status == status
    assert mentions in result.detail
    assert bool(result.hint) == (status == "warn")


def test_stdout_that_is_not_a_tty_warns() -> None:
    result = doctor.check_tty(io.StringIO())
    assert result.status == "warn"
    assert "not a terminal" in result.detail


@posix_only
def test_stdout_on_a_real_pty_passes() -> None:
    master, slave = os.openpty()
    try:
        with open(slave, "w", closefd=False) as stream:
            assert doctor.check_tty(stream).status == "ok"
    finally:
        os.close(master)
        os.close(slave)


# -- settings, log dir, runtime dir ---------------------------------------------------------------------------


def test_broken_config_file_is_a_warning_naming_the_file(isolated_environment: Path) -> None:
    config_dir = isolated_environment / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "settings.toml").write_text("editor = [unclosed\n", encoding="utf-8")

    (result,) = doctor.check_config(None)

    assert result.status == "warn"
    assert result.name == "config"
    assert "settings.toml:1" in result.detail
    assert result.hint


def test_each_config_problem_is_its_own_warning(tmp_path: Path, isolated_environment: Path) -> None:
    config_dir = isolated_environment / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "settings.toml").write_text("log_level = 'loud'\nnot_a_key = 1\n", encoding="utf-8")
    workspace = tmp_path / "project"
    (workspace / ".symphony").mkdir(parents=True)
    (workspace / ".symphony" / "settings.json").write_text("[1, 2]", encoding="utf-8")

    results = doctor.check_config(workspace)

    assert [r.status for r in results] == ["warn", "warn", "warn"]
    assert sum("settings.toml" in r.detail for r in results) == 2
    assert sum("settings.json" in r.detail for r in results) == 1


def test_valid_config_lists_its_sources(isolated_environment: Path) -> None:
    config_dir = isolated_environment / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "settings.toml").write_text('theme = "light"\n', encoding="utf-8")

    (result,) = doctor.check_config(None)

    assert result.status == "ok"
    assert str(config_dir / "settings.toml") in result.detail


def test_no_settings_files_means_defaults() -> None:
    (result,) = doctor.check_config(None)
    assert (result.status, result.detail) == ("ok", "built-in defaults (no settings files found)")


def test_writable_log_dir_passes_and_leaves_no_probe_file(isolated_environment: Path) -> None:
    result = doctor.check_log_dir()
    assert result.status == "ok"
    assert list((isolated_environment / "log").iterdir()) == []


def test_unwritable_log_dir_warns_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = doctor.check_log_dir(blocker / "logs")
    assert result.status == "warn"
    assert str(blocker / "logs") in result.detail
    assert "SYMPHONY_LOG_DIR" in result.hint


@posix_only
def test_missing_runtime_dir_is_fine_and_is_not_created(isolated_environment: Path) -> None:
    result = doctor.check_runtime_dir()
    assert result.status == "ok"
    assert "will be created" in result.detail
    assert not (isolated_environment / "runtime").exists()


@posix_only
@pytest.mark.parametrize(("mode", "status"), [(0o700, "ok"), (0o755, "warn"), (0o770, "warn")])
def test_runtime_dir_mode_other_than_0700_warns_without_changing_it(tmp_path: Path, mode: int, status: str) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir()
    runtime.chmod(mode)

    result = doctor.check_runtime_dir(runtime)

    assert result.status == status
    assert f"{mode:04o}" in result.detail or status == "ok"
    assert stat.S_IMODE(runtime.stat().st_mode) == mode


@posix_only
def test_runtime_path_that_is_a_file_fails(tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    runtime.write_text("x")
    result = doctor.check_runtime_dir(runtime)
    assert result.status == "fail"
    assert "SYMPHONY_RUNTIME_DIR" in result.hint


# -- tools and packages ---------------------------------------------------------------------------------------


@posix_only
def test_probe_reads_the_version_token(fake_bin: Path) -> None:
    tool = write_tool(fake_bin, "fancy", 'echo "fancy version 2.41.0-rc1 (build xyz)"')
    assert doctor.probe_version([str(tool), "--version"]) == "2.41.0-rc1"


@posix_only
def test_probe_without_a_version_number_returns_the_first_line(fake_bin: Path) -> None:
    tool = write_tool(fake_bin, "plain", 'echo ""; echo "nightly build"; echo "other"')
    assert doctor.probe_version([str(tool)]) == "nightly build"


@posix_only
def test_probe_of_a_failing_program_is_none(fake_bin: Path) -> None:
    tool = write_tool(fake_bin, "broken", "echo 1.0.0; exit 3")
    assert doctor.probe_version([str(tool)]) is None


@posix_only
def test_probe_of_a_hanging_program_kills_it_and_its_children(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    # The grandchild does not hold the output pipe, so only a process-group kill reaches it.
    tool = write_tool(tmp_path, "hangs", f"sleep 60 >/dev/null 2>&1 & echo $! > {pid_file}; wait")

    assert doctor.probe_version([str(tool)], timeout=0.5) is None

    assert wait_until_dead(int(pid_file.read_text()))


def wait_until_dead(pid: int) -> bool:
    """Whether ``pid`` is gone or a zombie; SIGKILL lands asynchronously, so allow it a moment."""
    state = Path(f"/proc/{pid}/stat")
    for _ in range(500):
        try:
            if state.read_text().rsplit(") ", 1)[1][0] in "ZX":
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.01)
    return False


def test_probe_of_a_missing_program_is_none(tmp_path: Path) -> None:
    assert doctor.probe_version([str(tmp_path / "nope")]) is None


@posix_only
def test_tool_on_path_reports_version_and_location(fake_bin: Path) -> None:
    git = write_tool(fake_bin, "git", 'echo "git version 2.43.0"')
    result = doctor.check_tool(Tool("git", "version control", recommended=True))
    assert result == CheckResult("tool: git", "ok", f"2.43.0 ({git})")


@posix_only
def test_tool_uses_its_own_version_arguments(fake_bin: Path) -> None:
    write_tool(fake_bin, "gopls", '[ "$1" = version ] && echo "golang.org/x/tools/gopls v0.16.1" || exit 2')
    result = doctor.check_tool(Tool("gopls", "Go", ("version",)))
    assert result.detail.startswith("0.16.1 ")


def test_missing_recommended_tool_warns_with_what_to_install(fake_bin: Path) -> None:
    result = doctor.check_tool(Tool("rg", "fast workspace search", recommended=True, project="ripgrep"))
    assert result.status == "warn"
    assert "fast workspace search" in result.detail
    assert "ripgrep" in result.hint


def test_missing_optional_tool_is_only_noted(fake_bin: Path) -> None:
    result = doctor.check_tool(Tool("gopls", "Go language features"))
    assert result.status == "ok"
    assert result.detail == "not installed (optional: Go language features)"


@posix_only
def test_tools_are_reported_in_table_order(fake_bin: Path) -> None:
    write_tool(fake_bin, "tmux", 'echo "tmux 3.4"')
    results = doctor.check_tools()
    assert [r.name for r in results] == [f"tool: {tool.command}" for tool in doctor.TOOLS]
    assert results[-1].detail.startswith("3.4 ")


def test_installed_package_reports_its_version() -> None:
    import msgpack

    result = doctor.check_package(Package("msgpack", "msgpack", "IPC", required=True))
    assert result == CheckResult("package: msgpack", "ok", ".".join(map(str, msgpack.version)))


def test_ui_package_is_found_without_being_imported() -> None:
    # In a fresh interpreter: pytest plugins have already imported textual into this one.
    code = (
        "import sys; from core.doctor import PACKAGES, check_package; "
        "textual = next(p for p in PACKAGES if p.module == 'textual'); "
        "print(check_package(textual).status, 'textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["ok", "False"]


def test_missing_required_package_fails_and_optional_one_warns() -> None:
    required = doctor.check_package(Package("no_such_pkg_xyz", "no-such-pkg", "things", required=True))
    optional = doctor.check_package(Package("no_such_pkg_xyz", "no-such-pkg", "things", required=False))
    assert (required.status, optional.status) == ("fail", "warn")
    assert "no-such-pkg" in required.hint


def test_package_that_crashes_on_import_is_reported_with_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "crashy_pkg_xyz.py").write_text("raise RuntimeError('compiled for another Python')\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    result = doctor.check_package(Package("crashy_pkg_xyz", "crashy", "testing", required=False))

    assert result.status == "warn"
    assert "RuntimeError: compiled for another Python" in result.detail


# -- start-up, report, exit code ------------------------------------------------------------------------------


def test_startup_check_runs_the_standard_phases(isolated_environment: Path) -> None:
    result = doctor.check_startup(None)
    assert result.status == "ok"
    assert "preflight, config, logging" in result.detail
    assert str(isolated_environment / "log" / "symphony.log") in result.detail


def test_startup_check_failure_names_the_phase(isolated_environment: Path) -> None:
    isolated_environment.mkdir(parents=True, exist_ok=True)
    (isolated_environment / "runtime").write_text("in the way")

    result = doctor.check_startup(None)

    assert result.status == "fail"
    assert "'runtime-dir'" in result.detail
    assert result.hint


async def test_checks_run_from_inside_an_event_loop(fake_bin: Path) -> None:
    results = doctor.run_checks(None)
    assert results[-1].name == "start-up"
    assert results[-1].status == "ok"


def test_report_contains_every_check_with_its_mark_and_hints_for_problems(
    isolated_environment: Path, fake_bin: Path
) -> None:
    config_dir = isolated_environment / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "settings.yaml").write_text("editor: [\n", encoding="utf-8")

    results = doctor.run_checks(None)
    report = doctor.render_report(results)

    expected = {"python", "platform", "terminal size", "colour", "tty", "config", "log dir", "runtime dir"}
    expected |= {f"tool: {t.command}" for t in doctor.TOOLS} | {f"package: {p.module}" for p in doctor.PACKAGES}
    expected.add("start-up")
    assert {r.name for r in results} == expected
    for result in results:
        assert f"{doctor.MARKS[result.status]} {result.name}" in report
        if result.hint:
            assert (f"hint: {result.hint}" in report) == (result.status != "ok")
    assert any(r.name == "config" and r.status == "warn" and "settings.yaml" in r.detail for r in results)


def test_report_aligns_details_and_ends_with_a_summary() -> None:
    results = [
        CheckResult("python", "ok", "3.12"),
        CheckResult("terminal size", "warn", "70x20 is small", "Enlarge it."),
        CheckResult("config", "fail", "broken", "Fix it."),
    ]

    lines = doctor.render_report(results).splitlines()

    assert lines == [
        "✓ python         3.12",
        "! terminal size  70x20 is small",
        "                 hint: Enlarge it.",
        "✗ config         broken",
        "                 hint: Fix it.",
        "3 checks: 1 ok, 1 warning, 1 failure",
    ]


def test_multi_line_details_stay_in_the_detail_column() -> None:
    report = doctor.render_report([CheckResult("x", "warn", "first\nsecond", "Do it.")])
    assert report.splitlines()[:3] == ["! x  first", "     second", "     hint: Do it."]


def test_exit_code_is_1_only_when_a_check_failed() -> None:
    ok, warn, fail = CheckResult("a", "ok", ""), CheckResult("b", "warn", ""), CheckResult("c", "fail", "")
    assert doctor.exit_code([ok, warn]) == 0
    assert doctor.exit_code([ok, warn, fail]) == 1
    assert doctor.exit_code([]) == 0


def test_checks_write_nothing_to_the_terminal(fake_bin: Path, capfd: pytest.CaptureFixture[str]) -> None:
    doctor.run_checks(None)
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "")


def test_summary_counts_match_the_results(fake_bin: Path) -> None:
    results = doctor.run_checks(None, startup=False)
    summary = doctor.render_report(results).splitlines()[-1]
    match = re.fullmatch(r"(\d+) checks: (\d+) ok, (\d+) warnings?, (\d+) failures?", summary)
    assert match is not None
    total, ok, warn, fail = map(int, match.groups())
    assert total == len(results) == ok + warn + fail
    assert all(r.name != "start-up" for r in results)
