"""The LSP client against a real jedi-language-server (from the dev extra), as the editor would drive it."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as lsp

from core.lsp.events import DiagnosticsChanged, ServerState, ServerStateChanged
from core.lsp.manager import LanguageServerManager
from core.lsp.registry import resolve_argv
from core.lsp.settings import DEFAULT_SERVERS, LspSettings
from core.lsp.uris import path_to_uri, uri_to_path
from core.types.text import Position, Range, TextEdit
from tests.core.lsp.waiting import DEADLINE, wait_for_event, write

pytestmark = [
    pytest.mark.skipif(
        resolve_argv(DEFAULT_SERVERS["jedi-language-server"]) is None,
        reason="jedi-language-server is not installed (pip install -e '.[dev]')",
    ),
    # One server for the module (as in a real session, where jedi's caches stay warm); each test uses its own files.
    pytest.mark.asyncio(loop_scope="module"),
]

GREETER = 'def greet(name):\n    """Say hello."""\n    return "hello " + name\n'
CALLER = "from {module} import greet\n\nprint(greet('you'))\n"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def manager(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LanguageServerManager]:
    base = tmp_path_factory.mktemp("lsp")
    root = base / "ws"
    root.mkdir()
    jedi = DEFAULT_SERVERS["jedi-language-server"].model_copy(
        update={"initialization_options": {"semanticTokens": {"enable": True}}}
    )
    settings = LspSettings(servers={"jedi-language-server": jedi}, restart_initial_delay=0.05, request_timeout=DEADLINE)
    lsp_manager = LanguageServerManager(settings, root, log_dir=base / "logs")
    yield lsp_manager
    await lsp_manager.shutdown()


@pytest.fixture
def pkg(manager: LanguageServerManager, request: pytest.FixtureRequest) -> Path:
    """A fresh package directory per test, so tests sharing the server do not see each other's files."""
    directory = manager.root / request.node.name
    directory.mkdir()
    return directory


async def _open(manager: LanguageServerManager, path: Path) -> str:
    return await manager.open(path, "python", 1, path.read_text(encoding="utf-8"))


async def test_syntax_error_shows_up_in_the_problems_store_and_counts(
    manager: LanguageServerManager, pkg: Path
) -> None:
    broken = write(pkg, "broken.py", "def f(:\n    pass\n")
    published = asyncio.ensure_future(
        wait_for_event(manager, lambda e: isinstance(e, DiagnosticsChanged) and bool(e.diagnostics))
    )
    uri = await _open(manager, broken)
    event = await published
    assert isinstance(event, DiagnosticsChanged)
    assert event.uri == uri
    assert uri in manager.diagnostics.uris()
    assert manager.diagnostics.counts().errors >= 1
    assert event.diagnostics[0].range.start.line == 0


async def test_attribute_completion_after_typing_a_dot(manager: LanguageServerManager, pkg: Path) -> None:
    path = write(pkg, "shapes.py", "class Circle:\n    radius = 1.0\n    rim = 2\n\nc = Circle()\n")
    uri = await _open(manager, path)
    server = await manager.ready(uri, DEADLINE)
    assert server is not None
    await manager.change(uri, 2, [TextEdit(range=Range.of(5, 0, 5, 0), new_text="c.r")])
    result = await server.completion(uri, Position(line=5, column=3), trigger_character=None)
    labels = [item.label for item in result.items]
    assert {"radius", "rim"} <= set(labels)
    assert "." in server.completion_triggers()


async def test_go_to_definition_lands_in_the_other_file(manager: LanguageServerManager, pkg: Path) -> None:
    greeter = write(pkg, "greeter_def.py", GREETER)
    caller = write(pkg, "caller_def.py", CALLER.format(module="greeter_def"))
    uri = await _open(manager, caller)
    server = await manager.ready(uri, DEADLINE)
    assert server is not None
    [location] = await server.definition(uri, Position(line=2, column=7))
    assert uri_to_path(location.uri) == greeter
    assert server.range_from_server(location.uri, location.range) == Range.of(0, 4, 0, 9)


async def test_rename_a_function_edits_both_files(manager: LanguageServerManager, pkg: Path) -> None:
    greeter = write(pkg, "greeter_rename.py", GREETER)
    caller = write(pkg, "caller_rename.py", CALLER.format(module="greeter_rename"))
    greeter_uri = await _open(manager, greeter)
    await _open(manager, caller)
    server = await manager.ready(greeter_uri, DEADLINE)
    assert server is not None
    edit = await server.rename(greeter_uri, Position(line=0, column=5), "welcome")
    assert edit is not None
    changed = {
        uri_to_path(change.text_document.uri)
        for change in edit.document_changes or ()
        if isinstance(change, lsp.TextDocumentEdit)
    }
    changed |= {uri_to_path(uri) for uri in (edit.changes or {})}
    assert changed == {greeter, caller}


async def test_hover_and_outline_describe_the_function(manager: LanguageServerManager, pkg: Path) -> None:
    greeter = write(pkg, "greeter.py", GREETER)
    uri = await _open(manager, greeter)
    server = await manager.ready(uri, DEADLINE)
    assert server is not None
    hover = await server.hover(uri, Position(line=0, column=5))
    assert hover is not None
    assert isinstance(hover.contents, lsp.MarkupContent)
    assert "Say hello." in hover.contents.value
    symbols = await server.document_symbols(uri)
    assert [symbol.name for symbol in symbols] == ["greet"]
    found = await manager.workspace_symbols("greet")
    assert any(symbol.name == "greet" for symbol in found)


async def test_every_other_request_kind_gets_a_typed_answer(manager: LanguageServerManager, pkg: Path) -> None:
    greeter = write(pkg, "greeter_all.py", GREETER)
    caller = write(pkg, "caller_all.py", CALLER.format(module="greeter_all"))
    greeter_uri = await _open(manager, greeter)
    uri = await _open(manager, caller)
    server = await manager.ready(uri, DEADLINE)
    assert server is not None
    call = Position(line=2, column=7)

    help_ = await server.signature_help(uri, Position(line=2, column=12), trigger_character="(")
    assert help_ is not None and help_.signatures[0].label == "def greet(name)"
    highlights = await server.document_highlight(uri, call)
    assert [h.range.start.line for h in highlights] == [0, 2]
    references = await server.references(greeter_uri, Position(line=0, column=5))
    assert {uri_to_path(r.uri) for r in references} == {greeter, caller}
    [declared] = await server.declaration(uri, call)
    assert uri_to_path(declared.uri) == caller
    assert await server.type_definition(uri, call)
    actions = await server.code_actions(uri, Range.of(2, 0, 2, 19))
    assert any(isinstance(a, lsp.CodeAction) and a.kind == "refactor.extract" for a in actions)
    tokens = await server.semantic_tokens(uri)
    assert ("function", 2, 6) in {(t.token_type, t.line, t.start) for t in tokens}
    # Not offered by jedi: answered empty without a round trip.
    assert await server.inlay_hints(uri, Range.of(0, 0, 3, 0)) == []
    assert await server.implementation(uri, call) == []
    assert await server.prepare_rename(uri, call) is None


async def test_killed_server_comes_back_and_republishes_diagnostics(manager: LanguageServerManager, pkg: Path) -> None:
    broken = write(pkg, "broken.py", "def f(:\n    pass\n")
    first = asyncio.ensure_future(
        wait_for_event(manager, lambda e: isinstance(e, DiagnosticsChanged) and bool(e.diagnostics))
    )
    uri = await _open(manager, broken)
    await first
    server = manager.server_for(uri)
    assert server is not None and server.pid is not None
    old_pid = server.pid
    running_again = asyncio.ensure_future(
        wait_for_event(manager, lambda e: isinstance(e, ServerStateChanged) and e.state is ServerState.RUNNING)
    )
    republished = asyncio.ensure_future(
        wait_for_event(manager, lambda e: isinstance(e, DiagnosticsChanged) and bool(e.diagnostics))
    )
    os.kill(old_pid, signal.SIGKILL)
    await running_again
    await republished
    assert server.pid not in (None, old_pid)
    assert server.restarts == 1
    assert manager.diagnostics.counts().errors >= 1
    # The restarted server knows the document's current text: it answers about it.
    assert path_to_uri(broken) in server.documents
    assert "starting" in server.log_path.read_text(encoding="utf-8")
