"""`symphony ext`: the wizard, scaffolds that pass their own tests, and the package lifecycle end to end."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from extensions.kit.manifest import Capability, ExtensionType, load_manifest
from symphony_tui.cli_ext import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), stdout=out), out.getvalue()


def test_new_with_yes_creates_an_extension_that_passes_its_own_tests(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, text = run("new", "Word Stats", "--dir", str(tmp_path), "--yes", "--capability", "fs.read")
    assert code == 0, text
    folder = tmp_path / "Word Stats"
    manifest = load_manifest(folder)
    assert (manifest.id, manifest.entry) == ("local.word-stats", "word_stats:WordStatsExtension")
    assert manifest.capabilities == [Capability.FS_READ]
    assert [str(e) for e in manifest.activation] == ["onCommand:local.word-stats.hello"]
    capfd.readouterr()
    assert main(["test", str(folder)]) == 0
    assert "2 passed" in capfd.readouterr().out  # the harness test and the real-host test


@pytest.mark.timeout(20)  # a wizard that keeps rejecting its input would wait for keys forever
def test_wizard_asks_for_every_answer_not_given_and_revalidates_bad_ones(tmp_path: Path) -> None:
    with create_pipe_input() as keys:
        keys.send_text(
            "\x15acme.stats\r"  # id (ctrl-u clears the suggested one)
            "Counts things\r"  # description
            "gadget\r"  # an invalid type: the wizard keeps asking
            "\x15instrument\r"  # ctrl-u clears the line, then a valid type
            "net ai.models\r"  # capabilities
            "\x15onStartup\r"  # activation
        )
        code = main(
            ["new", "Stats", "--dir", str(tmp_path)],
            prompt_input=keys,
            prompt_output=DummyOutput(),
            stdout=io.StringIO(),
        )
    assert code == 0
    manifest = load_manifest(tmp_path / "Stats")
    assert manifest.id == "acme.stats"
    assert manifest.description == "Counts things"
    assert manifest.type is ExtensionType.INSTRUMENT
    assert manifest.capabilities == [Capability.NET, Capability.AI_MODELS]
    assert [str(e) for e in manifest.activation] == ["onStartup"]


@pytest.mark.timeout(20)
def test_wizard_skips_questions_answered_by_flags(tmp_path: Path) -> None:
    with create_pipe_input() as keys:
        keys.send_text("Nothing else\r")  # only the description is asked
        code = main(
            [
                "new",
                "Flagged",
                "--dir",
                str(tmp_path),
                "--id",
                "a.b",
                "--type",
                "motif",
                "--capability",
                "terminal",
                "--activation",
                "onStartup",
            ],
            prompt_input=keys,
            prompt_output=DummyOutput(),
            stdout=io.StringIO(),
        )
    assert code == 0
    manifest = load_manifest(tmp_path / "Flagged")
    assert (manifest.id, manifest.type, manifest.description) == ("a.b", ExtensionType.MOTIF, "Nothing else")


def test_new_without_a_terminal_or_yes_explains_how_to_run_unattended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run("new", "X", "--dir", str(tmp_path))
    assert code == 1
    assert "--yes" in capsys.readouterr().err


def test_new_refuses_a_non_empty_folder_and_bad_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "X").mkdir()
    (tmp_path / "X" / "keep.txt").write_text("mine")
    assert run("new", "X", "--dir", str(tmp_path), "--yes")[0] == 1
    assert "already exists and is not empty" in capsys.readouterr().err
    assert run("new", "Y", "--dir", str(tmp_path), "--yes", "--capability", "root")[0] == 1
    assert "unknown capability 'root'" in capsys.readouterr().err
    assert run("new", "Y", "--dir", str(tmp_path), "--yes", "--activation", "onBoot")[0] == 1
    assert "not an activation event" in capsys.readouterr().err


def test_pack_install_list_disable_enable_uninstall(tmp_path: Path) -> None:
    assert run("new", "Tool", "--dir", str(tmp_path), "--yes", "--id", "acme.tool")[0] == 0
    code, package = run("pack", str(tmp_path / "Tool"), "--out", str(tmp_path / "dist"))
    assert code == 0 and package.strip().endswith("acme.tool-0.1.0.symph")
    assert run("install", package.strip()) == (0, "installed acme.tool 0.1.0\n")
    code, listing = run("list", "--json")
    rows = {row["id"]: row for row in json.loads(listing)}
    assert rows["acme.tool"]["state"] == "enabled"
    assert rows["symphony.hello"]["state"] == "builtin"
    assert run("disable", "acme.tool") == (0, "disabled acme.tool 0.1.0\n")
    table = run("list")[1].splitlines()
    assert table[0].split() == ["ID", "VERSION", "STATE", "TYPE", "NAME"]
    assert any(line.split()[:3] == ["acme.tool", "0.1.0", "disabled"] for line in table)
    assert run("enable", "acme.tool") == (0, "enabled acme.tool 0.1.0\n")
    assert run("uninstall", "acme.tool") == (0, "uninstalled acme.tool 0.1.0\n")
    assert "acme.tool" not in run("list")[1]


def test_a_builtin_is_switched_off_and_on_where_the_extensions_panel_looks() -> None:
    from extensions.kit.disabled import DisabledList

    assert run("disable", "symphony.hello") == (0, "disabled symphony.hello 1.0.0 (built-in)\n")
    assert "symphony.hello" in DisabledList().ids()
    rows = {row["id"]: row for row in json.loads(run("list", "--json")[1])}
    assert rows["symphony.hello"]["state"] == "builtin, disabled"
    assert run("enable", "symphony.hello") == (0, "enabled symphony.hello 1.0.0 (built-in)\n")
    assert "symphony.hello" not in DisabledList().ids()


def test_install_refuses_a_tampered_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("new", "Tool", "--dir", str(tmp_path), "--yes", "--id", "acme.tool")
    package = Path(run("pack", str(tmp_path / "Tool"))[1].strip())
    evil = tmp_path / "evil.symph"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(evil, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data.replace(b"Hello from", b"Pwned by") if info.filename == "tool.py" else data)
    assert run("install", str(evil))[0] == 1
    err = capsys.readouterr().err
    assert "hash mismatch for tool.py" in err
    assert "hint:" in err
    assert "acme.tool" not in {row["id"] for row in json.loads(run("list", "--json")[1])}


def test_unknown_extension_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("uninstall", "nobody.here")[0] == 1
    assert "'nobody.here' is not installed" in capsys.readouterr().err
    assert run("frobnicate")[0] == 2


def test_ext_test_refuses_code_and_manifest_that_disagree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("new", "Tool", "--dir", str(tmp_path), "--yes", "--id", "acme.tool")
    code_file = tmp_path / "Tool" / "tool.py"
    code_file.write_text(code_file.read_text().replace('"acme.tool.hello"', '"acme.tool.other"'))
    assert main(["test", str(tmp_path / "Tool")]) == 1
    err = capsys.readouterr().err
    assert "not declared in Symphony.toml: acme.tool.other" in err


def test_ext_test_reports_failing_tests(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    run("new", "Tool", "--dir", str(tmp_path), "--yes", "--id", "acme.tool")
    code_file = tmp_path / "Tool" / "tool.py"
    code_file.write_text(code_file.read_text().replace("Hello from Tool!", "Bye"))
    assert main(["test", str(tmp_path / "Tool")]) == 1
    assert "2 failed" in capfd.readouterr().out  # in the harness and in the real host
