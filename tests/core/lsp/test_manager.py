"""LanguageServerManager: routing documents to servers, one-time missing-server notices, shared diagnostics."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from core.lsp.events import DiagnosticsChanged, LspEvent, ServerMissing
from core.lsp.manager import LanguageServerManager
from core.lsp.settings import LspSettings, ServerSpec
from core.types.text import Position, Range, TextEdit

SCRIPT = Path(__file__).with_name("scripted_server.py")


def _nothing_installed(program: str) -> str | None:
    return None


async def test_missing_server_is_announced_once_with_its_install_hint(tmp_path: Path) -> None:
    manager = LanguageServerManager(LspSettings(), tmp_path, log_dir=tmp_path / "logs", which=_nothing_installed)
    seen: list[LspEvent] = []
    manager.subscribe(seen.append)
    first = await manager.open(tmp_path / "a.rs", "rust", 1, "fn main() {}")
    await manager.open(tmp_path / "b.rs", "rust", 1, "fn x() {}")
    missing = [event for event in seen if isinstance(event, ServerMissing)]
    assert missing == [
        ServerMissing(
            server="rust-analyzer", language="rust", command="rust-analyzer", hint="rustup component add rust-analyzer"
        )
    ]
    assert manager.server_for(first) is None
    await manager.change(first, 2, [TextEdit(range=Range.of(0, 0, 0, 0), new_text="x")])  # no server: a no-op
    assert manager.servers == []


async def test_disabled_lsp_starts_nothing(tmp_path: Path) -> None:
    manager = LanguageServerManager(LspSettings(enabled=False), tmp_path, log_dir=tmp_path / "logs")
    uri = await manager.open(tmp_path / "a.py", "python", 1, "x = 1\n")
    assert manager.server_for(uri) is None
    assert await manager.ready(uri) is None


async def test_documents_are_routed_to_the_configured_server_and_followed_through_edits(tmp_path: Path) -> None:
    spec = ServerSpec(command=["python", str(SCRIPT)], languages=["text"], settings={"scripted": {"answer": "routed"}})
    manager = LanguageServerManager(
        LspSettings(servers={"scripted": spec}), tmp_path, log_dir=tmp_path / "logs", which=_nothing_installed
    )
    published: asyncio.Future[DiagnosticsChanged] = asyncio.get_running_loop().create_future()

    def on_event(event: LspEvent) -> None:
        if isinstance(event, DiagnosticsChanged) and event.diagnostics and not published.done():
            published.set_result(event)

    manager.subscribe(on_event)
    try:
        uri = await manager.open(tmp_path / "notes.txt", "text", 1, "first\n")
        server = await manager.ready(uri, 20.0)
        assert server is not None
        assert server.argv[0] == sys.executable
        event = await asyncio.wait_for(published, 20.0)
        assert event.uri == uri
        assert [d.message for d in manager.diagnostics.for_uri(uri)] == ["answer=routed"]
        await manager.change(uri, 2, [TextEdit(range=Range.of(0, 0, 0, 5), new_text="second")])
        completion = await server.completion(uri, Position(line=0, column=0))
        assert [item.label for item in completion.items] == ["text:second"]
        assert manager.log_paths() == {"scripted": tmp_path / "logs" / "scripted.log"}
        await manager.close(uri)
        assert manager.diagnostics.for_uri(uri) == ()
        assert manager.server_for(uri) is None
    finally:
        await manager.shutdown()


async def test_changed_server_settings_restart_it_and_reopen_its_documents(tmp_path: Path) -> None:
    def settings(answer: str) -> LspSettings:
        spec = ServerSpec(
            command=["python", str(SCRIPT)], languages=["text"], settings={"scripted": {"answer": answer}}
        )
        return LspSettings(servers={"scripted": spec})

    manager = LanguageServerManager(settings("one"), tmp_path, log_dir=tmp_path / "logs", which=_nothing_installed)
    answers: asyncio.Queue[str] = asyncio.Queue()

    def on_event(event: LspEvent) -> None:
        if isinstance(event, DiagnosticsChanged) and event.diagnostics:
            answers.put_nowait(event.diagnostics[0].message)

    manager.subscribe(on_event)
    try:
        uri = await manager.open(tmp_path / "notes.txt", "text", 1, "kept text\n")
        assert await asyncio.wait_for(answers.get(), 20.0) == "answer=one"
        first = manager.server_for(uri)
        assert first is not None

        await manager.apply_settings(settings("two"))
        assert await asyncio.wait_for(answers.get(), 20.0) == "answer=two"
        second = manager.server_for(uri)
        assert second is not None and second is not first
        assert second.documents[uri].text == "kept text\n"

        await manager.apply_settings(LspSettings(enabled=False))
        assert manager.servers == []
        assert manager.diagnostics.uris() == []
    finally:
        await manager.shutdown()
