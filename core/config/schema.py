"""The settings schema: every key a user can set, its type, bounds, default and description.

Models are frozen (settings change only by reloading) and forbid unknown keys, so a typo in a settings file
is reported instead of silently ignored. The descriptions feed `symphony config schema` and editor completion.
"""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from core.lsp.settings import LspSettings

_COMMAND_ID = re.compile(r"^-?[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    ".venv",
)
"""Names hidden from the explorer unless the user overrides ``explorer.exclude``."""


def _check_text_encoding(name: str) -> str:
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError("unknown encoding (expected a Python codec name such as 'utf-8' or 'cp1252')") from None
    # codecs.lookup also finds bytes-to-bytes codecs (base64, rot13...) that cannot decode a text file.
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError("not a text encoding (expected e.g. 'utf-8', 'latin-1', 'cp1252')")
    return name


def _check_command_id(value: str) -> str:
    if not _COMMAND_ID.match(value):
        raise ValueError(
            "not a command id (expected letters, digits, '.', '_', ':' or '-', "
            "like 'file.save', optionally prefixed with '-' to remove a default binding)"
        )
    return value


def _check_key_chord(value: str) -> str:
    if not value or any(char.isspace() for char in value):
        raise ValueError("not a key (expected one word such as 'ctrl+s', 'f5' or 'space')")
    return value


KeyChord = Annotated[str, AfterValidator(_check_key_chord)]
TextEncoding = Annotated[str, AfterValidator(_check_text_encoding)]
CommandRef = Annotated[str, AfterValidator(_check_command_id)]


class SettingsModel(BaseModel):
    """Base of all settings sections: immutable, unknown keys are errors, docstrings become descriptions."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class EditorSettings(SettingsModel):
    """How text is edited and displayed in editor panes."""

    tab_size: int = Field(4, ge=1, le=16, description="Width of a tab stop, in columns.")
    insert_spaces: bool = Field(True, description="Insert spaces instead of a tab character when Tab is pressed.")
    line_numbers: bool = Field(True, description="Show line numbers in the gutter.")
    soft_wrap: bool = Field(False, description="Wrap long lines at the pane edge instead of scrolling sideways.")
    show_whitespace: bool = Field(False, description="Render spaces and tabs as visible marks.")
    highlight_current_line: bool = Field(True, description="Highlight the line holding the cursor.")
    auto_close_pairs: bool = Field(
        True, description="Type the closing bracket or quote with the opening one, step over it, delete pairs together."
    )
    auto_indent: bool = Field(True, description="Keep and adjust indentation on Enter; dedent a closer to its opener.")
    large_file_mb: float = Field(
        50, gt=0, description="Files larger than this many megabytes open without syntax highlighting (with a notice)."
    )
    default_encoding: TextEncoding = Field(
        "utf-8", description="Text encoding used to open files whose encoding cannot be detected (a Python codec name)."
    )
    trim_trailing_whitespace: bool = Field(False, description="Remove trailing spaces and tabs from lines on save.")
    insert_final_newline: bool = Field(False, description="Make sure a saved file ends with a line break.")


class ExplorerSettings(SettingsModel):
    """The file explorer side panel."""

    visible: bool = Field(True, description="Show the explorer when Symphony starts.")
    width: int = Field(30, ge=12, le=120, description="Width of the explorer panel, in columns.")
    show_hidden: bool = Field(True, description="Show files and folders whose names start with a dot.")
    exclude: list[str] = Field(
        default_factory=lambda: list(DEFAULT_EXCLUDE),
        description="File and folder names (glob patterns) never shown in the explorer.",
    )
    respect_gitignore: bool = Field(True, description="Hide files ignored by the workspace's .gitignore files.")
    icons: bool = Field(False, description="Show Nerd Font file and folder icons (needs a Nerd Font in the terminal).")
    git_status: bool = Field(True, description="Colour changed files and show git status letters (M, A, U, D...).")


class KeyBinding(SettingsModel):
    """One key binding: pressing ``key`` runs ``command`` with ``args``."""

    key: KeyChord = Field(
        description="The key or chord, in Textual's notation, e.g. 'ctrl+s' or 'f5'.",
    )
    command: CommandRef = Field(
        description="The command id to run, e.g. 'file.save'; a leading '-' removes a default binding of this key "
        "to that command instead (as in VS Code)."
    )
    args: dict[str, Any] = Field(default_factory=dict, description="Arguments passed to the command.")


class TerminalSettings(SettingsModel):
    """The integrated terminal."""

    shell: str | None = Field(
        None, min_length=1, description="Shell program to start; unset means the user's login shell ($SHELL)."
    )
    shell_args: list[str] = Field(default_factory=list, description="Arguments passed to the shell.")
    scrollback: int = Field(
        10000, ge=0, le=1_000_000, description="Lines of history kept above the visible screen (0 keeps none)."
    )


class ExtensionsSettings(SettingsModel):
    """Extensions: whether they run, how hosts are shared, and each extension's own settings."""

    enabled: bool = Field(True, description="Run extensions (in separate host processes) when Symphony starts.")
    isolation: Literal["shared", "per-extension"] = Field(
        "shared",
        description="'shared': one host process runs every extension (cheapest); 'per-extension': one host each, "
        "so a crash takes down only that extension.",
    )
    memory_limit_mb: int | None = Field(
        2048, ge=64, description="Address-space limit of each extension host, in MiB (unset for none)."
    )
    settings: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Values for extensions' settings, by extension id, e.g. {'symphony.hello': {'greeting': 'Hi'}}.",
    )


class Settings(SettingsModel):
    """Symphony's settings: built-in defaults < user file < workspace file < command-line overrides."""

    theme: str = Field("symphony-dark", min_length=1, description="Name of the colour theme.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Lowest severity written to Symphony's log file."
    )
    editor: EditorSettings = Field(
        default_factory=EditorSettings, title="Editor", description="Editor behaviour and display."
    )
    explorer: ExplorerSettings = Field(
        default_factory=ExplorerSettings, title="Explorer", description="The file explorer panel."
    )
    keybindings: list[KeyBinding] = Field(
        default_factory=list, description="Key bindings added to (or, with a '-' command, removed from) the defaults."
    )
    terminal: TerminalSettings = Field(
        default_factory=TerminalSettings, title="Terminal", description="The integrated terminal: shell and scrollback."
    )
    lsp: LspSettings = Field(
        default_factory=LspSettings,
        title="Language servers",
        description="Language servers per language, timeouts and restart policy.",
    )
    extensions: ExtensionsSettings = Field(
        default_factory=ExtensionsSettings,
        title="Extensions",
        description="Extension hosts: on or off, isolation, memory limit, and per-extension settings.",
    )


__all__ = [
    "DEFAULT_EXCLUDE",
    "EditorSettings",
    "ExplorerSettings",
    "ExtensionsSettings",
    "KeyBinding",
    "Settings",
    "SettingsModel",
    "TerminalSettings",
]
