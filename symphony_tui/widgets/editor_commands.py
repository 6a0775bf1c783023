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

    async def split() -> None:
        if (editor := app.active_editor) is not None:
            await split_editor(app, editor)

    add = app.commands.add
    add("editor.split", "Split Editor", "View", split)
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
    add("editor.selectAll", "Select All", "Selection", on_editor(lambda e: e.action_select_all()))
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


async def split_editor(app: SymphonyApp, editor: Editor) -> Editor:
    """Show ``editor``'s document in a second pane beside it (or focus that pane if the tab is split already)."""
    from symphony_tui.editorconfig_ui import apply_indentation

    owner = editor.split_of or editor
    pane = owner.parent
    assert pane is not None
    existing = [e for e in pane.query_children(Editor) if e.split_of is owner]
    if existing:
        existing[0].focus()
        return existing[0]
    twin = Editor(owner.text, owner.state, theme="css", id=f"{owner.id}-split")
    app._theme_editor(twin)
    app._configure_editor(twin)
    twin.editorconfig = owner.editorconfig
    apply_indentation(twin, owner.editorconfig)
    twin._adopt_line_endings(owner.line_endings)
    if owner.language_overridden:
        twin.set_language(owner.language_id)
    twin.split_of = owner
    twin.add_class("-split-pane")
    twin._saved_lines = owner._saved_lines  # dirty exactly when the first pane is
    # One undo history for the document, as in VS Code: both texts are always equal, so any recorded edit can
    # be undone from either pane (and the other pane follows).
    twin.history = owner.history
    twin._dirty = owner.dirty
    owner.link_split(twin)
    pane.styles.layout = "horizontal"
    owner.styles.width = "1fr"
    twin.styles.width = "1fr"
    await pane.mount(twin)
    twin.move_cursor(owner.cursor_location)
    # Scrolled before the pane had its size, the cursor seemed off-screen and the pane opened scrolled sideways
    # and off the first pane's lines; once laid out it shows what the first pane shows.
    twin.call_after_refresh(lambda: twin.scroll_to(owner.scroll_x, owner.scroll_y, animate=False, immediate=True))
    twin.focus()
    return twin


async def close_split_pane(twin: Editor) -> None:
    """Remove the second pane of a split; the first one keeps the text (and its unsaved changes)."""
    owner = twin.split_of
    twin.unlink_split()
    pane = twin.parent
    await twin.remove()
    if owner is not None and owner.is_attached:
        if pane is not None:
            pane.styles.layout = "vertical"
        owner.focus()
