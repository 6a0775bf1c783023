"""Symbols in quick open: ``@`` lists the active file's outline, ``#`` searches workspace symbols.

Workspace symbols come from the running language servers (``app.lsp.manager.workspace_symbols``), and
from tree-sitter outlines of the open files otherwise (or while the servers are still answering). Ranking is
fuzzy match quality, plus a bonus for symbols in or near the active file's folder and in recently opened files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from core.workspace.fuzzy import FuzzyIndex
from core.workspace.symbols import Symbol, has_outline, iter_symbols, outline
from symphony_tui.widgets.outline_panel import KIND_ICONS
from symphony_tui.widgets.quick_pick import PickItem

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor

log = logging.getLogger(__name__)

BONUS_SAME_FOLDER = 12
"""A symbol in the active file's folder (or the active file itself)."""
BONUS_PER_SHARED_FOLDER = 3
"""Per leading folder a symbol's file shares with the active file."""
BONUS_RECENT_FILE = 8
"""A symbol in a recently opened file (fading with age like quick open's)."""


@dataclass(frozen=True, slots=True)
class SymbolTarget:
    """Where choosing a symbol goes: a file (None: the active editor) and a 0-based line and column."""

    path: Path | None
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class FoundSymbol:
    """One workspace symbol to rank: its name, container, kind marker and location."""

    name: str
    container: str
    kind: str
    path: Path
    line: int
    column: int


_outline_cache: dict[int, tuple[str, tuple[Symbol, ...]]] = {}


def editor_symbols(editor: Editor) -> tuple[Symbol, ...]:
    """The editor's outline (its language server's when current, else tree-sitter's, parsed again only when its
    text changed)."""
    served = editor.app.lsp.cached_outline(editor) if hasattr(editor.app, "lsp") else None
    if served is not None:
        return served
    text = editor.text
    cached = _outline_cache.get(id(editor))
    if cached is not None and cached[0] == text:
        return cached[1]
    symbols = outline(text, editor.state.language) if has_outline(editor.state.language) else ()
    _outline_cache[id(editor)] = (text, symbols)
    return symbols


def document_symbol_items(app: SymphonyApp, query: str) -> list[PickItem]:
    """``@`` rows: the active file's symbols ranked by the query (in file order when it is empty)."""
    editor = app.active_editor
    if editor is None:
        return [PickItem(label="Open a file to list its symbols", value=None)]
    flat = list(iter_symbols(editor_symbols(editor)))
    if not flat:
        return [PickItem(label=f"No symbols in {editor.display_name}", value=None)]
    labels = [symbol.name for _container, symbol in flat]
    items = []
    order = range(len(flat)) if not query.strip() else None
    if order is None:
        index = FuzzyIndex(labels)
        by_label: dict[str, list[int]] = {}
        for position, label in enumerate(labels):
            by_label.setdefault(label, []).append(position)
        ranked = index.rank(query, limit=100)
        chosen: list[tuple[int, Sequence[int]]] = []
        for match in ranked:
            chosen.append((by_label[match.path].pop(0), match.positions))
    else:
        chosen = [(position, ()) for position in order]
    for position, positions in chosen:
        container, symbol = flat[position]
        start = symbol.selection.start
        items.append(
            PickItem(
                label=symbol.name,
                value=SymbolTarget(None, start.line, start.column),
                positions=positions,
                detail=container,
                hint=f"{KIND_ICONS.get(symbol.kind, '·')} {symbol.kind}  :{start.line + 1}",
            )
        )
    return items


def open_file_symbols(app: SymphonyApp) -> list[FoundSymbol]:
    """Tree-sitter symbols of every open file with a path: the fallback for ``#``."""
    found = []
    for editor in app.editors:
        path = editor.state.path
        if path is None:
            continue
        for container, symbol in iter_symbols(editor_symbols(editor)):
            start = symbol.selection.start
            found.append(FoundSymbol(symbol.name, container, str(symbol.kind), path, start.line, start.column))
    return found


Convert = Callable[[str, Any], tuple[int, int]]
"""(uri, server range) -> (line, column) in code points: servers may count columns in UTF-16 units."""


def from_lsp(symbols: Sequence[Any], convert: Convert | None = None) -> list[FoundSymbol]:
    """lsprotocol ``SymbolInformation`` / ``WorkspaceSymbol`` results as FoundSymbols (file URIs only)."""
    found = []
    for symbol in symbols:
        location = getattr(symbol, "location", None)
        uri = getattr(location, "uri", None)
        if not isinstance(uri, str) or not uri.startswith("file:"):
            continue
        span = getattr(location, "range", None)  # a WorkspaceSymbol may carry only the uri
        position = getattr(span, "start", None)
        line = int(getattr(position, "line", 0) or 0)
        column = int(getattr(position, "character", 0) or 0)
        if convert is not None and span is not None:
            with contextlib.suppress(Exception):  # a stale range keeps the server's raw numbers
                line, column = convert(uri, span)
        kind = getattr(symbol, "kind", "")
        kind_name = getattr(kind, "name", str(kind)).lower()
        container = getattr(symbol, "container_name", None) or ""
        path = Path(unquote(urlparse(uri).path))
        found.append(FoundSymbol(str(symbol.name), container, kind_name, path, line, column))
    return found


def rank_symbols(
    query: str, symbols: Sequence[FoundSymbol], active: Path | None, recent: Sequence[Path], limit: int = 100
) -> list[tuple[FoundSymbol, list[int]]]:
    """Fuzzy quality of the name, plus proximity to the active file and recency of the symbol's file."""
    if not symbols:
        return []
    names = [symbol.name for symbol in symbols]
    matches = FuzzyIndex(names).rank(query, limit=len(names)) if query.strip() else []
    scored: list[tuple[float, int, FoundSymbol, list[int]]] = []
    recent_rank = {path: position for position, path in enumerate(recent)}
    by_name: dict[str, list[int]] = {}
    for position, name in enumerate(names):
        by_name.setdefault(name, []).append(position)
    pairs = (
        [(by_name[match.path].pop(0), match.score, match.positions) for match in matches]
        if query.strip()
        else [(position, 0.0, []) for position in range(len(symbols))]
    )
    for position, score, positions in pairs:
        symbol = symbols[position]
        bonus = 0.0
        if active is not None:
            if symbol.path.parent == active.parent:
                bonus += BONUS_SAME_FOLDER
            shared = 0
            for mine, theirs in zip(active.parent.parts, symbol.path.parent.parts, strict=False):
                if mine != theirs:
                    break
                shared += 1
            bonus += BONUS_PER_SHARED_FOLDER * shared
        if symbol.path in recent_rank:
            bonus += BONUS_RECENT_FILE * (1 - recent_rank[symbol.path] / (2 * max(len(recent), 1)))
        scored.append((score + bonus, position, symbol, positions))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(symbol, positions) for _score, _position, symbol, positions in scored[:limit]]


class WorkspaceSymbolSource:
    """``#`` rows: asks the language servers in the background and shows their answer when it arrives."""

    def __init__(self, app: SymphonyApp, refresh: Callable[[], None]) -> None:
        self._app = app
        self._refresh = refresh
        self._answers: dict[str, list[FoundSymbol]] = {}
        self._asked: set[str] = set()

    def items(self, query: str) -> list[PickItem]:
        app = self._app
        symbols = self._answers.get(query)
        if symbols is None:
            manager = self._manager()
            # An empty query would ask for every symbol: jedi takes seconds over its whole environment, and the
            # queries typed next wait behind it until they time out.
            if manager is not None and query.strip() and query not in self._asked:
                self._asked.add(query)
                app.run_worker(self._ask(manager, query), group="workspace-symbols")
            symbols = open_file_symbols(app)
        active = app.active_editor.state.path if app.active_editor is not None else None
        recent = [app.workspace / rel for rel in app.recent_files]
        rows = []
        for symbol, positions in rank_symbols(query, symbols, active, recent):
            rows.append(
                PickItem(
                    label=symbol.name,
                    value=SymbolTarget(symbol.path, symbol.line, symbol.column),
                    positions=positions,
                    detail=app.shown_path(symbol.path) + (f"  {symbol.container}" if symbol.container else ""),
                    hint=symbol.kind,
                )
            )
        return rows or [PickItem(label="No matching symbols in the open files", value=None)]

    def _manager(self) -> Any:
        """The language server manager when at least one server runs (else tree-sitter answers alone)."""
        manager = getattr(getattr(self._app, "lsp", None), "manager", None)
        servers = getattr(manager, "servers", ())
        return manager if any(getattr(server, "pid", None) is not None for server in servers) else None

    async def _ask(self, manager: Any, query: str) -> None:
        try:
            answer = await asyncio.wait_for(manager.workspace_symbols(query), timeout=5)
        except Exception as exc:  # a slow or failing server leaves the tree-sitter answer in place
            log.info("workspace symbols from the language servers failed: %s", exc)
            return
        service = self._app.lsp

        def convert(uri: str, span: Any) -> tuple[int, int]:
            server = manager.server_for(uri) or (manager.servers[0] if manager.servers else None)
            start = service.range_from_server(server, uri, span).start
            return start.line, start.column

        found = from_lsp(answer or [], convert)
        if found:
            self._answers[query] = found
            self._refresh()
