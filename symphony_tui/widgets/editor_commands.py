"""The editor's commands: plain functions over the active editor, registered by id like every other command."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from symphony_tui.widgets.editor import Editor

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp


def register_editor_commands(app: SymphonyApp) -> None:
    """Add find/replace, multi-cursor and line commands to ``app.commands``."""

    def on_editor(action: Callable[[Editor], object]) -> Callable[[], None]:
        def run() -> None:
            editor = app.active_editor
            if editor is None:
                return
            focused = app.focused
            if focused is not None and focused is not editor and app.screen is editor.screen:
                return  # the key was meant for the explorer, a terminal or an input, not the editor
            action(editor)

        return run

    async def find(replace: bool = False) -> None:
        from symphony_tui.widgets.editor_find import open_find_bar

        if (editor := app.active_editor) is not None:
            await open_find_bar(editor, replace=replace)

    async def change_language() -> None:
        if (editor := app.active_editor) is not None:
            await pick_language(app, editor)

    add = app.commands.add
    add("editor.changeLanguage", "Change Language Mode", "Edit", change_language)

    def toggle_whitespace(editor: Editor) -> None:
        editor.show_whitespace = not editor.show_whitespace

    add("view.toggleWhitespace", "Toggle Render Whitespace", "View", on_editor(toggle_whitespace))
    add("editor.find", "Find", "Edit", find)
    add("editor.replace", "Replace", "Edit", lambda: find(replace=True))
    add("editor.addCursorAbove", "Add Cursor Above", "Selection", on_editor(lambda e: e.add_cursor_vertically(-1)))
    add("editor.addCursorBelow", "Add Cursor Below", "Selection", on_editor(lambda e: e.add_cursor_vertically(1)))
    add(
        "editor.addNextOccurrence",
        "Add Selection To Next Find Match",
        "Selection",
        on_editor(Editor.add_next_occurrence),
    )
    add(
        "editor.selectAllOccurrences",
        "Select All Occurrences of Find Match",
        "Selection",
        on_editor(Editor.select_all_occurrences),
    )
    add("editor.singleCursor", "Remove Secondary Cursors", "Selection", on_editor(Editor.clear_extra_cursors))
    add("editor.toggleLineComment", "Toggle Line Comment", "Edit", on_editor(Editor.toggle_line_comment))
    add("editor.moveLinesUp", "Move Line Up", "Edit", on_editor(lambda e: e.move_lines(-1)))
    add("editor.moveLinesDown", "Move Line Down", "Edit", on_editor(lambda e: e.move_lines(1)))
    add("editor.copyLinesDown", "Duplicate Line Down", "Edit", on_editor(lambda e: e.duplicate_lines(1)))
    add("editor.copyLinesUp", "Duplicate Line Up", "Edit", on_editor(lambda e: e.duplicate_lines(-1)))
    add("editor.indentLines", "Indent Line", "Edit", on_editor(lambda e: e.indent_lines(1)))
    add("editor.outdentLines", "Outdent Line", "Edit", on_editor(lambda e: e.indent_lines(-1)))
    add("editor.undo", "Undo", "Edit", on_editor(Editor.undo))
    add("editor.redo", "Redo", "Edit", on_editor(Editor.redo))


async def pick_language(app: SymphonyApp, editor: Editor) -> None:
    """Change Language Mode: every known language, highlighted ones marked; the choice applies to this buffer."""
    from core.workspace.languages import known_languages, language_label
    from symphony_tui.commands.builtin import rank_paths
    from symphony_tui.widgets.grammars import grammar_for
    from symphony_tui.widgets.quick_pick import PickItem, QuickPick

    by_label = {f"{language_label(lang)} ({lang})": lang for lang in known_languages()}
    current = editor.language_id

    def items(query: str) -> list[PickItem]:
        return [
            PickItem(
                label=m.path,
                value=by_label[m.path],
                positions=m.positions,
                detail="(current)" if by_label[m.path] == current else "",
                hint="highlighted" if grammar_for(by_label[m.path]) is not None else "",
            )
            for m in rank_paths(query.strip(), list(by_label), limit=200)
        ]

    result = await app.push_screen_wait(QuickPick(items, title=f"Select the language of {editor.display_name}"))
    if result is None:
        return
    editor.set_language(result.item.value)
