"""`symphony config show`: every effective setting with its source, aligned, then the problems."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.config import ConfigService, render_effective


def test_show_lists_every_leaf_with_value_and_source_in_aligned_columns(config_dir: Path, workspace: Path) -> None:
    user = config_dir / "settings.toml"
    user.write_text('theme = "user-theme"\n[terminal]\nshell = "/bin/zsh"\n', encoding="utf-8")
    service = ConfigService(workspace, {"editor.tab_size": 2})

    text = render_effective(service)  # loads a never-loaded service

    lines = text.splitlines()
    assert len(lines) == len(service.provenance)
    rows = {line.split()[0]: line for line in lines}
    assert set(rows) == set(service.provenance)
    assert re.fullmatch(r'theme\s+"user-theme"\s+user: ' + re.escape(str(user)), rows["theme"])
    assert re.fullmatch(r"editor\.tab_size\s+2\s+cli", rows["editor.tab_size"])
    assert re.fullmatch(r"terminal\.scrollback\s+10000\s+default", rows["terminal.scrollback"])
    assert re.fullmatch(r'explorer\.exclude\s+\[".git", .*\]\s+default', rows["explorer.exclude"])
    value_columns = {line.index(line.split()[1], len(line.split()[0])) for line in lines}
    assert len(value_columns) == 1, "values start in one column"
    # Sources line up too, except after values too long to pad to (the default exclude list).
    source_columns = {line.rindex(" default") for key, line in rows.items() if line.endswith(" default")}
    assert len(source_columns - {rows["explorer.exclude"].rindex(" default")}) == 1
    assert "Problems" not in text


def test_show_ends_with_the_problems_and_their_hints(config_dir: Path) -> None:
    (config_dir / "settings.json").write_text(json.dumps({"editor": {"tab_size": 0}}), encoding="utf-8")
    service = ConfigService(None)
    service.load()

    text = render_effective(service)

    problems = text.split("\n\n", 1)[1]
    assert problems.startswith("Problems (1):\n")
    assert f"  - {config_dir / 'settings.json'}:1: key 'editor.tab_size': 0 is less than the minimum 1\n" in problems
    assert "    hint: Fix or remove it; Symphony is using the value from a lower layer.\n" in problems
    assert re.search(r"editor\.tab_size\s+4\s+default", text)
