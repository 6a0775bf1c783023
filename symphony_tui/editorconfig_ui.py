"""EditorConfig in the workbench: indentation on open, whitespace rules on save, format of new files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import SymphonyError
from core.workspace.editorconfig import EditorConfig, editorconfig_for

if TYPE_CHECKING:
    from core.config import Settings
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor


def load_editorconfig(app: SymphonyApp, path: Path) -> EditorConfig:
    """The properties for ``path``; a broken .editorconfig is reported and ignored (the file still opens)."""
    try:
        return editorconfig_for(path)
    except SymphonyError as exc:
        app.notify(f"{exc.message}\n{exc.hint}", title="EditorConfig ignored", severity="warning", timeout=8)
        return EditorConfig()


def apply_indentation(editor: Editor, config: EditorConfig) -> None:
    """Indent style and size from EditorConfig, over the settings already applied."""
    if config.indent_style is not None:
        editor.indent_type = "tabs" if config.indent_style == "tab" else "spaces"
    width = config.indent_size if config.indent_style != "tab" else (config.tab_width or config.indent_size)
    if width is not None:
        editor.indent_width = width


def whitespace_rules(settings: Settings, config: EditorConfig) -> tuple[bool, bool]:
    """(trim trailing whitespace, insert a final newline) for a save: EditorConfig wins where it says."""
    trim = config.trim_trailing_whitespace
    final = config.insert_final_newline
    return (
        settings.editor.trim_trailing_whitespace if trim is None else trim,
        settings.editor.insert_final_newline if final is None else final,
    )


def format_new_file(editor: Editor, config: EditorConfig) -> None:
    """A file Symphony creates takes EditorConfig's line ending and charset (existing files keep their own)."""
    state = editor.state
    if config.end_of_line is not None:
        state = replace(state, line_ending=config.end_of_line, line_endings=None)
    if config.encoding is not None:
        state = replace(state, encoding=config.encoding, has_bom=bool(config.bom))
    editor.state = state
