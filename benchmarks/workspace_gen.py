"""Deterministic generated workspaces for benchmarks (and tests that need bulk)."""

from __future__ import annotations

import random
from pathlib import Path

MARKER = "SYMPHONY_STARTUP_MARKER"


def python_source(lines: int, seed: int = 7) -> str:
    """Plausible Python of exactly ``lines`` lines, starting with a marker comment the benchmark looks for."""
    rng = random.Random(seed)
    out = [f"# {MARKER}: generated module", '"""Generated for benchmarks."""', "", "import os", ""]
    n = 0
    while len(out) < lines:
        n += 1
        name = f"function_{n}"
        arg = rng.choice(["value", "items", "path", "count"])
        out += [
            f"def {name}({arg}, scale=2):",
            f'    """Compute {name} of {arg}."""',
            f"    total = len(str({arg})) * scale + {rng.randint(0, 999)}",
            "    if total % 3 == 0:",
            f"        return [x for x in range(total) if x % {rng.randint(2, 9)}]",
            f'    return {{"name": "{name}", "total": total, "env": os.environ.get("HOME")}}',
            "",
        ]
    return "\n".join(out[:lines]) + "\n"


def make_workspace(root: Path, files: int = 2000, big_lines: int = 2000) -> Path:
    """A workspace of ``files`` files in nested folders plus ``main.py`` of ``big_lines`` lines; returns main.py."""
    root.mkdir(parents=True, exist_ok=True)
    per_dir = 50
    for i in range(files - 1):
        folder = root / f"pkg{i // (per_dir * 10)}" / f"mod{(i // per_dir) % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file_{i}.py").write_text(f"VALUE_{i} = {i}\n", encoding="utf-8")
    main = root / "main.py"
    main.write_text(python_source(big_lines), encoding="utf-8")
    return main
