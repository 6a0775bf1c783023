"""Language commands (go to definition, references, rename, format, code actions, symbols, problems, server log).

Each is a plain function over the app registered by id, like every other command; keys live in the keymap.
A command on a file without a running server says so instead of doing nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from core.errors import CancelledError
from core.types.text import Position, Range
from symphony_tui.lsp.panels import LocationList, LocationRow, ProblemsPanel, ReferencesPanel
from symphony_tui.widgets.quick_pick import PickItem, PickResult, QuickPick

if TYPE_CHECKING:
    from lsprotocol import types as lsp

    from core.lsp.client import LanguageServerClient
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor

_P = TypeVar("_P", bound=LocationList)


SYMBOL_KINDS = {
    1: "file",
    2: "module",
    3: "namespace",
    4: "package",
    5: "class",
    6: "method",
    7: "property",
    8: "field",
    9: "constructor",
    10: "enum",
    11: "interface",
    12: "function",
    13: "variable",
    14: "constant",
    23: "struct",
    26: "type parameter",
}


async def bottom_panel(app: SymphonyApp, panel_type: type[_P], panel_id: str, title: str) -> _P:
    """The panel above the terminal panel, created on first use and shown."""
    found = app.query(f"#{panel_id}")
    if found:
        panel = found.first()
        assert isinstance(panel, panel_type)
    else:
        panel = panel_type(title, id=panel_id)
        area = app.query_one("#editor-area")
        terminal = app.query("#terminal-panel")
        await area.mount(panel, before=terminal.first() if terminal else None)
    for other in app.query(LocationList):
        other.display = other is panel
    return panel


def register_lsp_commands(app: SymphonyApp) -> None:
    """Add the language commands to ``app.commands``."""
    service = app.lsp

    async def with_server(action: Any) -> Any:
        editor = app.active_editor
        if editor is None:
            return None
        server = await service.server(editor)
        if server is None:
            return None
        try:
            return await action(editor, server, service.document(editor))
        except CancelledError:
            return None  # the user typed meanwhile: the answer no longer applies

    def cursor(editor: Editor) -> Position:
        row, column = editor.cursor_location
        return Position(line=row, column=column)

    async def show_problems() -> None:
        panel = await bottom_panel(app, ProblemsPanel, "problems-panel", "PROBLEMS")
        panel.show_problems(service.problems(), app.shown_path)
        panel.focus_list()

    def rows_for(server: LanguageServerClient, locations: Sequence[lsp.Location]) -> list[LocationRow]:
        from core.lsp.uris import uri_to_path

        rows = []
        for location in locations:
            if not location.uri.startswith("file:"):
                continue
            path = uri_to_path(location.uri)
            span = service.range_from_server(server, location.uri, location.range)
            rows.append(LocationRow(path, span.start.line, span.start.column, _line_of(app, path, span.start.line)))
        return rows

    async def go_to(kind: str) -> None:
        async def run(editor: Editor, server: LanguageServerClient, _: object) -> None:
            what = kind.replace("_", " ")
            if not server.supports(f"{kind}_provider"):  # "nothing found" would send the user looking for it
                app.notify(f"{server.name} does not offer go to {what}.", title="Go to", severity="warning")
                return
            locations = await getattr(server, kind)(service.document(editor).uri, cursor(editor))  # type: ignore[union-attr]
            rows = rows_for(server, locations)
            if not rows:
                app.notify(f"No {what} found.", title="Go to", severity="warning")
                return
            if len(rows) == 1:
                await service.reveal(rows[0].path, rows[0].line, rows[0].column)
                return
            panel = await bottom_panel(app, ReferencesPanel, "references-panel", "")
            panel.set_title(f"{kind.replace('_', ' ').upper()}  ({len(rows)})")
            panel.show_rows(rows, app.shown_path, "")
            panel.focus_list()

        await with_server(run)

    async def references() -> None:
        async def run(editor: Editor, server: LanguageServerClient, _: object) -> None:
            row, column = editor.cursor_location
            from symphony_tui.widgets.editor_cursors import word_at

            span = word_at(editor.document[row], column)
            word = editor.document[row][span[0] : span[1]] if span else "symbol"
            locations = await server.references(service.document(editor).uri, cursor(editor))  # type: ignore[union-attr]
            rows = rows_for(server, locations)
            panel = await bottom_panel(app, ReferencesPanel, "references-panel", "")
            panel.set_title(f"REFERENCES to {word}  ({len(rows)})")
            panel.show_rows(rows, app.shown_path, f"No references to {word}.")
            panel.focus_list()

        await with_server(run)

    async def rename() -> None:
        from symphony_tui.lsp.workspace_edit import EditPreview, plan_workspace_edit, preview_text
        from symphony_tui.widgets.dialogs import InputDialog
        from symphony_tui.widgets.editor_cursors import word_at

        async def run(editor: Editor, server: LanguageServerClient, _: object) -> None:
            uri = service.document(editor).uri  # type: ignore[union-attr]
            row, column = editor.cursor_location
            span = word_at(editor.document[row], column)
            if span is None:
                app.notify("Put the cursor on a name to rename it.", title="Rename", severity="warning")
                return
            old = editor.document[row][span[0] : span[1]]
            new_name = await app.push_screen_wait(InputDialog(f"Rename {old} to", value=old))
            if not new_name or new_name == old:
                return
            edit = await server.rename(uri, cursor(editor), new_name)
            if edit is None:
                app.notify(f"{server.name} cannot rename {old}.", title="Rename", severity="warning")
                return
            plan = plan_workspace_edit(service, edit)
            if not plan:
                app.notify(f"Nothing to rename for {old}.", title="Rename", severity="warning")
                return
            count = sum(len(change.edits) for change in plan)
            title = f"Rename {old} → {new_name}: {count} change{'s' * (count != 1)} in {len(plan)} file(s)"
            if await app.push_screen_wait(EditPreview(title, preview_text(plan, app.shown_path))):
                from symphony_tui.lsp.workspace_edit import apply_plan

                await apply_plan(service, plan)

        await with_server(run)

    async def format_document(selection_only: bool = False) -> None:
        from core.lsp.edits import to_core_edits
        from symphony_tui.lsp.edits import apply_to_editor

        async def run(editor: Editor, server: LanguageServerClient, document: Any) -> None:
            s = app.settings.editor
            start, end = sorted(editor.selection)
            before = document.version
            if selection_only and start != end:
                span = Range.of(*start, *end)
                edits = await server.range_formatting(
                    document.uri, span, tab_size=s.tab_size, insert_spaces=s.insert_spaces
                )
                capability, what = "document_range_formatting_provider", "selections"
            else:
                edits = await server.formatting(document.uri, tab_size=s.tab_size, insert_spaces=s.insert_spaces)
                capability, what = "document_formatting_provider", "documents"
            if not server.supports(capability):
                app.notify(f"{server.name} does not format {what}.", title="Format", severity="warning")
                return
            if document.version != before or document.pending:
                return
            apply_to_editor(editor, to_core_edits(server.documents[document.uri].text, edits, server.encoding))

        await with_server(run)

    async def code_actions() -> None:
        from symphony_tui.lsp.workspace_edit import apply_workspace_edit

        async def run(editor: Editor, server: LanguageServerClient, document: Any) -> None:
            from lsprotocol import types as lsp

            start, end = sorted(editor.selection)
            actions = await server.code_actions(document.uri, Range.of(*start, *end))
            if not actions:
                app.notify("No code actions here.", title="Code actions")
                return
            items = [
                PickItem(
                    action.title,
                    action,
                    detail=(action.kind or "") if isinstance(action, lsp.CodeAction) else "",
                    hint="preferred" if isinstance(action, lsp.CodeAction) and action.is_preferred else "",
                )
                for action in actions
            ]
            choice: PickResult | None = await app.push_screen_wait(
                QuickPick(lambda q: _filter_items(items, q), title="Code actions", placeholder="Pick an action")
            )
            if choice is None:
                return
            action = choice.item.value
            if isinstance(action, lsp.CodeAction):
                action = await server.resolve_code_action(action)
                if action.edit is not None:
                    await apply_workspace_edit(service, action.edit)
                if action.command is not None:
                    await server.execute_command(action.command)
            else:
                await server.execute_command(action)

        await with_server(run)

    async def show_hover() -> None:
        from symphony_tui.lsp.hover import show_hover_at_cursor

        editor = app.active_editor
        if editor is not None:
            await show_hover_at_cursor(app, editor)

    async def show_log() -> None:
        manager = service.manager
        logs = manager.log_paths() if manager is not None else {}
        if not logs:
            app.notify("No language server has been started yet.", title="Language server log")
            return
        items = [PickItem(name, path, detail=str(path)) for name, path in sorted(logs.items())]
        choice: PickResult | None = (
            PickResult(items[0], "")
            if len(items) == 1
            else await app.push_screen_wait(
                QuickPick(lambda q: _filter_items(items, q), title="Show language server log")
            )
        )
        if choice is not None:
            log = await app.open_file(Path(choice.item.value))
            if log is not None:  # the log grows across runs: show its newest lines, as an output panel does
                log.move_cursor((log.document.line_count - 1, 0))
                log.call_after_refresh(log.scroll_cursor_visible)

    async def restart_servers() -> None:
        manager = service.manager
        if manager is None or not manager.servers:
            app.notify("No language server is running.", title="Restart language servers")
            return
        for server in manager.servers:
            await server.stop()
            await server.start()
        app.notify(", ".join(server.name for server in manager.servers) + " restarted.", title="Language servers")

    def trigger_suggest() -> None:
        editor = app.active_editor
        if editor is not None and app.focused is editor:
            service.completion.trigger(editor)

    async def trigger_parameter_hints() -> None:
        async def run(editor: Editor, server: LanguageServerClient, document: Any) -> None:
            service.signature.request(editor, document, server, None)

        await with_server(run)

    async def open_location(path: str, line: int = 0, column: int = 0) -> None:
        await service.reveal(Path(path), line, column)

    add = app.commands.add
    add("lsp.showProblems", "Show Problems", "View", show_problems)
    add("editor.triggerSuggest", "Trigger Suggest", "Edit", trigger_suggest)
    add("editor.triggerParameterHints", "Trigger Parameter Hints", "Edit", trigger_parameter_hints)
    add("editor.goToDefinition", "Go to Definition", "Go", lambda: go_to("definition"))
    add("editor.goToDeclaration", "Go to Declaration", "Go", lambda: go_to("declaration"))
    add("editor.goToTypeDefinition", "Go to Type Definition", "Go", lambda: go_to("type_definition"))
    add("editor.goToImplementation", "Go to Implementations", "Go", lambda: go_to("implementation"))
    add("editor.findReferences", "Find All References", "Go", references)
    add("editor.rename", "Rename Symbol", "Edit", rename)
    add("editor.formatDocument", "Format Document", "Edit", format_document)
    add("editor.formatSelection", "Format Selection", "Edit", lambda: format_document(selection_only=True))
    add("editor.codeActions", "Quick Fix / Code Actions", "Edit", code_actions)
    add("editor.showHover", "Show Hover", "Edit", show_hover)
    add("lsp.showLog", "Show Language Server Log", "Language Server", show_log)
    add("lsp.restartServers", "Restart Language Servers", "Language Server", restart_servers)
    add("lsp.openLocation", "Open Location", "Go", open_location)


def _filter_items(items: Sequence[PickItem], query: str) -> list[PickItem]:
    needle = query.casefold()
    return [item for item in items if needle in item.label.casefold()] if needle else list(items)


def _line_of(app: SymphonyApp, path: Path, line: int) -> str:
    """The text of ``line`` in ``path`` as the user sees it (the open editor's, else the file's)."""
    editor = app.editor_for(path)
    if editor is not None:
        return editor.document[line] if line < editor.document.line_count else ""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle):
                if number == line:
                    return text.rstrip("\r\n")
    except OSError:
        pass
    return ""
