"""The `symphony` command line, run as a real process the way users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import __version__


def symphony(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symphony_tui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ),
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_version_prints_the_package_version() -> None:
    result = symphony("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"symphony {__version__}"


def test_help_lists_subcommands_and_keys() -> None:
    result = symphony("--help")
    assert result.returncode == 0
    for text in ("config show", "config schema", "doctor", "ctrl+p", "--set KEY=VALUE"):
        assert text in result.stdout


def test_missing_path_exits_2_with_one_line_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = symphony(str(missing))
    assert result.returncode == 2
    assert result.stderr.strip() == f"symphony: {missing}: no such file or directory"
    assert result.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any folder")
def test_unreadable_folder_exits_2_naming_it(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0)
    try:
        result = symphony(str(locked))
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2
    assert "permission denied" in result.stderr and str(locked.name) in result.stderr


def test_without_a_terminal_the_tui_refuses_cleanly(tmp_path: Path) -> None:
    result = symphony(str(tmp_path))
    assert result.returncode == 2
    assert "interactive terminal" in result.stderr


def test_bad_set_flag_is_named(tmp_path: Path) -> None:
    result = symphony(str(tmp_path), "--set", "no_equals_sign")
    assert result.returncode == 2
    assert "no_equals_sign" in result.stderr


def test_config_show_reports_each_value_with_its_source(tmp_path: Path) -> None:
    (tmp_path / ".symphony").mkdir()
    (tmp_path / ".symphony" / "settings.toml").write_text("[editor]\ntab_size = 2\n")
    result = symphony("config", "show", "--workspace", str(tmp_path), "--set", "theme=symphony-light")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "workspace" in lines["editor.tab_size"] and " 2 " in lines["editor.tab_size"]
    assert "cli" in lines["theme"] and "symphony-light" in lines["theme"]
    assert "default" in lines["editor.soft_wrap"]


def test_config_show_exits_1_and_names_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / ".symphony").mkdir()
    bad = tmp_path / ".symphony" / "settings.json"
    bad.write_text('{"editor": {"tab_size": }')
    result = symphony("config", "show", "--workspace", str(tmp_path))
    assert result.returncode == 1
    assert str(bad) in result.stdout


def test_config_schema_is_json_with_descriptions() -> None:
    result = symphony("config", "schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "theme" in schema["properties"]
    assert schema["properties"]["theme"].get("description")


def test_doctor_prints_a_report_with_every_check(tmp_path: Path) -> None:
    result = symphony("doctor", "--workspace", str(tmp_path))
    assert result.returncode in (0, 1)
    for name in ("python", "terminal size", "colour", "config", "log dir", "tool: git"):
        assert name in result.stdout
    assert "checks:" in result.stdout


def test_unreadable_paths_are_refused_before_the_tui_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root reads everything, so the OS answer is simulated here; the process-level test above covers non-root.
    from symphony_tui import cli

    monkeypatch.setattr(cli.os, "access", lambda path, mode: False)
    (tmp_path / "f.py").write_text("x = 1\n")
    assert cli.main([str(tmp_path)]) == 2
    assert cli.main([str(tmp_path / "f.py")]) == 2


def test_ext_and_workflow_subcommands_are_reachable_from_symphony() -> None:
    ext = symphony("ext", "--help")
    assert ext.returncode == 0 and "extensions" in ext.stdout.lower()
    runs = symphony("runs")
    assert runs.returncode == 0, runs.stderr
    assert "symphony run" in runs.stdout or "RUN" in runs.stdout.upper()


def test_symphony_paints_at_120_fps_unless_the_user_chose_a_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    from symphony_tui import cli

    monkeypatch.delenv("TEXTUAL_FPS", raising=False)
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert os.environ["TEXTUAL_FPS"] == "120"
    monkeypatch.setenv("TEXTUAL_FPS", "30")
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert os.environ["TEXTUAL_FPS"] == "30"
