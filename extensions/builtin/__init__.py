"""Extensions shipped with Symphony; each folder is a complete extension (Symphony.toml + code).

They are also the examples authors copy: ``hello`` (a command), ``wordcount`` (a status bar item driven by
events) and ``todo`` (workspace search with a quick pick).
"""

from pathlib import Path

BUILTIN_ROOT = Path(__file__).resolve().parent
"""The folder holding the built-in extension folders."""


def builtin_folders() -> list[Path]:
    """Every built-in extension folder (those with a Symphony.toml), sorted by name."""
    return sorted(p for p in BUILTIN_ROOT.iterdir() if (p / "Symphony.toml").is_file())
