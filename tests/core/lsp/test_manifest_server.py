"""`python -m core.lsp.manifest_server` over stdio, driven by Symphony's own LSP client."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from lsprotocol import types as lsp

from core.lsp.client import LanguageServerClient
from core.lsp.diagnostics import DiagnosticStore
from core.lsp.events import DiagnosticsChanged, EventEmitter, LspEvent
from core.lsp.settings import LspSettings, ServerSpec
from core.types.text import Position, Range, TextEdit
from tests.core.lsp.manifest_fixture import GOOD, SCHEMA

pytestmark = pytest.mark.asyncio(loop_scope="module")
DEADLINE = 20.0


class Session:
    """The server process plus the diagnostics it published."""

    def __init__(self, client: LanguageServerClient, published: asyncio.Queue[DiagnosticsChanged]) -> None:
        self.client = client
        self.published = published

    async def diagnostics_after(self, action: object) -> tuple[lsp.Diagnostic, ...]:
        """Run an (awaited) action, then return the next published diagnostics."""
        while not self.published.empty():
            self.published.get_nowait()
        await action  # type: ignore[misc]
        event = await asyncio.wait_for(self.published.get(), DEADLINE)
        return event.diagnostics


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def session(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Session]:
    base = tmp_path_factory.mktemp("manifest")
    schema_file = base / "schema.json"
    schema_file.write_text(json.dumps(SCHEMA), encoding="utf-8")
    argv = [sys.executable, "-m", "core.lsp.manifest_server", "--schema", str(schema_file)]
    emitter = EventEmitter()
    published: asyncio.Queue[DiagnosticsChanged] = asyncio.Queue()

    def collect(event: LspEvent) -> None:
        if isinstance(event, DiagnosticsChanged):
            published.put_nowait(event)

    emitter.subscribe(collect)
    client = LanguageServerClient(
        "symphony-manifest",
        ServerSpec(command=argv, file_names=["Symphony.toml"]),
        argv,
        root=base,
        settings=LspSettings(request_timeout=DEADLINE),
        events=emitter,
        diagnostics=DiagnosticStore(emitter),
        log_path=base / "manifest.log",
    )
    await client.start()
    yield Session(client, published)
    await client.stop()


def _uri(name: str) -> str:
    return f"file:///tmp/manifests/{name}/Symphony.toml"


async def test_opening_an_invalid_manifest_publishes_a_diagnostic_on_the_key(session: Session) -> None:
    uri = _uri("invalid")
    text = GOOD.replace('version = "1.0.0"', 'version = "one"')
    [problem] = await session.diagnostics_after(session.client.open(uri, "toml", 1, text))
    assert problem.range.start.line == 2
    assert problem.message.startswith("version: 'one' does not match")
    assert problem.source == "symphony-manifest"


async def test_fixing_the_manifest_by_an_incremental_edit_clears_the_diagnostic(session: Session) -> None:
    uri = _uri("fixed")
    text = GOOD.replace('type = "operator"', 'type = "oprator"')
    assert len(await session.diagnostics_after(session.client.open(uri, "toml", 1, text))) == 1
    edit = TextEdit(range=Range.of(3, 10, 3, 10), new_text="e")
    assert await session.diagnostics_after(session.client.change(uri, 2, [edit])) == ()


async def test_key_completion_inside_an_array_of_tables(session: Session) -> None:
    uri = _uri("completion")
    await session.diagnostics_after(session.client.open(uri, "toml", 1, GOOD + "t"))
    result = await session.client.completion(uri, Position(line=8, column=1))
    assert {item.label for item in result.items} == {"id", "title"}
    assert "." in session.client.completion_triggers()


async def test_hover_shows_the_schema_description(session: Session) -> None:
    uri = _uri("hover")
    await session.diagnostics_after(session.client.open(uri, "toml", 1, GOOD))
    hover = await session.client.hover(uri, Position(line=0, column=1))
    assert hover is not None
    assert isinstance(hover.contents, lsp.MarkupContent)
    assert "Reverse-domain extension id." in hover.contents.value
