"""Symbols from language servers in pickers: the workspace ('Go to Symbol in Workspace', ctrl+t) and the active
file ('Go to Symbol in Editor'). Workspace results arrive asynchronously: the list refreshes when they do."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from core.errors import SymphonyError
from symphony_tui.widgets.quick_pick import PickItem, PickResult, QuickPick

if TYPE_CHECKING:
    from lsprotocol import types as lsp

    from core.lsp.client import LanguageServerClient
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor


def _kind(kind: Any) -> str:
    from symphony_tui.lsp.commands import SYMBOL_KINDS

    return SYMBOL_KINDS.get(int(kind), "symbol") if kind is not None else "symbol"


async def pick_workspace_symbol(app: SymphonyApp, initial: str = "") -> None:
    """A picker that asks every running server for symbols matching the typed text."""
    service = app.lsp
    manager = service.manager
    if manager is None or not any(server.pid is not None for server in manager.servers):
        app.notify("Open a file with a language server first.", title="Go to Symbol in Workspace", severity="warning")
        return
    results: dict[str, list[PickItem]] = {}
    tasks: list[asyncio.Task[None]] = []
    pick: QuickPick | None = None

    def items_for(symbols: list[lsp.SymbolInformation | lsp.WorkspaceSymbol]) -> list[PickItem]:
        from lsprotocol import types as lsp

        from core.lsp.uris import uri_to_path

        items = []
        for symbol in symbols:
            location = symbol.location
            if not location.uri.startswith("file:"):
                continue
            path = uri_to_path(location.uri)
            line = column = 0
            if isinstance(location, lsp.Location):
                server = manager.server_for(location.uri) or manager.servers[0]
                start = service.range_from_server(server, location.uri, location.range).start
                line, column = start.line, start.column
            detail = f"{_kind(symbol.kind)}  {app.shown_path(path)}:{line + 1}"
            if symbol.container_name:
                detail = f"{symbol.container_name} · {detail}"
            items.append(PickItem(symbol.name, (path, line, column), detail=detail))
        return items

    async def fetch(query: str) -> None:
        with contextlib.suppress(SymphonyError):
            symbols = await manager.workspace_symbols(query)
            results[query] = items_for(symbols)
            if pick is not None and pick.is_attached and pick.query_text == query:
                pick.refresh_items(query)

    def source(query: str) -> list[PickItem]:
        if query in results:
            return results[query][:200]  # the servers match and order by the query themselves
        for task in tasks:
            task.cancel()
        tasks.append(asyncio.get_running_loop().create_task(fetch(query)))
        stale = max((key for key in results if query.startswith(key)), key=len, default=None)
        return results[stale] if stale is not None else []

    pick = QuickPick(source, title="Go to Symbol in Workspace", placeholder="Type a symbol name", initial=initial)
    choice: PickResult | None = await app.push_screen_wait(pick)
    for task in tasks:
        task.cancel()
    if choice is not None:
        path, line, column = choice.item.value
        await service.reveal(path, line, column)


async def pick_document_symbol(app: SymphonyApp, editor: Editor, server: LanguageServerClient, uri: str) -> None:
    """A picker over the file's symbols (nested ones indented under their parent); choosing one jumps there."""
    from lsprotocol import types as lsp

    symbols = await server.document_symbols(uri)
    items: list[PickItem] = []

    def walk(nodes: Any, depth: int) -> None:
        for node in nodes:
            if isinstance(node, lsp.DocumentSymbol):
                start = service_range(node.selection_range)
                items.append(
                    PickItem(
                        "  " * depth + node.name,
                        start,
                        detail=_kind(node.kind) + (f"  {node.detail}" if node.detail else ""),
                    )
                )
                walk(node.children or (), depth + 1)
            elif isinstance(node, lsp.SymbolInformation):
                start = service_range(node.location.range)
                items.append(PickItem(node.name, start, detail=_kind(node.kind)))

    def service_range(span: lsp.Range) -> tuple[int, int]:
        start = app.lsp.range_from_server(server, uri, span).start
        return (start.line, start.column)

    walk(symbols, 0)
    if not items:
        app.notify("No symbols in this file.", title="Go to Symbol in Editor")
        return

    def source(query: str) -> list[PickItem]:
        needle = query.casefold()
        return [item for item in items if needle in item.label.casefold()] if needle else items

    original = editor.cursor_location

    def preview(item: PickItem) -> None:
        editor.move_cursor(item.value, center=True)

    choice: PickResult | None = await app.push_screen_wait(
        QuickPick(source, title="Go to Symbol in Editor", placeholder="Type a symbol name", on_highlight=preview)
    )
    editor.move_cursor(choice.item.value if choice is not None else original, center=True)
    editor.focus()
