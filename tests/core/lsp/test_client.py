"""LanguageServerClient against a real scripted pygls server process: staleness, cancellation, crashes, logs."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as lsp

from core.errors import NotFoundError, SymphonyTimeoutError, TransportError
from core.lsp.client import LanguageServerClient
from core.lsp.diagnostics import DiagnosticStore
from core.lsp.errors import StaleResponseError
from core.lsp.events import (
    DiagnosticsChanged,
    EventEmitter,
    LspEvent,
    ServerMessage,
    ServerState,
    ServerStateChanged,
)
from core.lsp.settings import LspSettings, ServerSpec
from core.types.text import Position, Range, TextEdit

SCRIPT = Path(__file__).with_name("scripted_server.py")
URI = "file:///tmp/scripted/doc.txt"
DEADLINE = 20.0

pytestmark = pytest.mark.asyncio(loop_scope="module")


class Harness:
    """A client for the scripted server plus everything it emitted."""

    def __init__(self, tmp_path: Path, *, env: dict[str, str] | None = None, **settings: object) -> None:
        self.events: list[LspEvent] = []
        self.applied_edits: list[lsp.WorkspaceEdit] = []
        self.accept_edits = False
        self.emitter = EventEmitter()
        self.emitter.subscribe(self.events.append)
        self.diagnostics = DiagnosticStore(self.emitter)
        spec = ServerSpec(
            command=["python", str(SCRIPT)],
            languages=["text"],
            env=env or {},
            settings={"scripted": {"answer": 42}},
        )
        options: dict[str, object] = {"restart_initial_delay": 0.0, "request_timeout": DEADLINE, **settings}
        self.client = LanguageServerClient(
            "scripted",
            spec,
            [sys.executable, str(SCRIPT)],
            root=tmp_path,
            settings=LspSettings.model_validate(options),
            events=self.emitter,
            diagnostics=self.diagnostics,
            log_path=tmp_path / "logs" / "scripted.log",
            apply_edit=self._apply_edit,
        )

    async def _apply_edit(self, edit: lsp.WorkspaceEdit) -> bool:
        """Stands in for the editor: records server-initiated edits and accepts them if told to."""
        self.applied_edits.append(edit)
        return self.accept_edits

    async def next_event(self, predicate: Callable[[LspEvent], bool]) -> LspEvent:
        """Wait for an event (already emitted ones count) matching ``predicate``."""
        for _ in range(int(DEADLINE / 0.01)):
            for event in self.events:
                if predicate(event):
                    return event
            await asyncio.sleep(0.01)
        raise AssertionError(f"no matching event among {self.events}")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    running = Harness(tmp_path_factory.mktemp("scripted"))
    await running.client.start()
    yield running
    await running.client.stop()


@pytest.fixture
def harness(shared: Harness, request: pytest.FixtureRequest) -> Harness:
    """The module's server (starting one costs about a second), with a clean event list."""
    shared.events.clear()
    shared.applied_edits.clear()
    return shared


@pytest.fixture
def uri(request: pytest.FixtureRequest) -> str:
    """A document URI of the test's own, so tests sharing the server do not touch each other's documents."""
    return f"file:///tmp/scripted/{request.node.name}.txt"


def _is_state(state: ServerState) -> Callable[[LspEvent], bool]:
    return lambda e: isinstance(e, ServerStateChanged) and e.state is state


async def test_workspace_configuration_is_answered_from_the_server_settings(harness: Harness, uri: str) -> None:
    await harness.client.open(uri, "text", 1, "hello\n")
    event = await harness.next_event(lambda e: isinstance(e, DiagnosticsChanged) and bool(e.diagnostics))
    assert isinstance(event, DiagnosticsChanged)
    assert event.diagnostics[0].message == "answer=42"


async def test_edit_cancels_pending_hover_and_the_server_hears_cancel_request(harness: Harness, uri: str) -> None:
    await harness.client.open(uri, "text", 1, "hello\n")
    hover = asyncio.ensure_future(harness.client.hover(uri, Position(line=0, column=1)))
    await asyncio.sleep(0)  # let the request go out
    await harness.client.change(uri, 2, [TextEdit(range=Range.of(0, 0, 0, 0), new_text="x")])
    with pytest.raises(StaleResponseError, match="newer edit"):
        await hover
    for _ in range(int(DEADLINE / 0.01)):
        if "cancelled hover" in harness.client.log_path.read_text(encoding="utf-8"):
            break
        await asyncio.sleep(0.01)
    assert "cancelled hover" in harness.client.log_path.read_text(encoding="utf-8")


async def test_late_answer_to_a_cancelled_request_is_dropped_quietly(
    harness: Harness, uri: str, caplog: pytest.LogCaptureFixture
) -> None:
    # pygls warns on stderr about answers it no longer waits for; in the terminal UI that text would land on
    # the screen, and a cancelled completion (one per keystroke) is routine, not worth a warning.
    await harness.client.open(uri, "text", 1, "hello\n")
    hover = asyncio.ensure_future(harness.client.hover(uri, Position(line=0, column=1)))
    await asyncio.sleep(0.05)
    log_size = len(harness.client.log_path.read_text(encoding="utf-8"))
    with caplog.at_level(logging.WARNING):
        await harness.client.change(uri, 2, [TextEdit(range=Range.of(0, 0, 0, 0), new_text="x")])
        with pytest.raises(StaleResponseError):
            await hover
        # The server answers the cancelled hover with an error; a completion after it proves that answer is in.
        for _ in range(int(DEADLINE / 0.01)):
            if "cancelled hover" in harness.client.log_path.read_text(encoding="utf-8")[log_size:]:
                break
            await asyncio.sleep(0.01)
        await harness.client.completion(uri, Position(line=0, column=0))
    assert not [record for record in caplog.records if "unknown message id" in record.getMessage()]


async def test_answer_for_an_outdated_version_is_dropped(harness: Harness, uri: str) -> None:
    await harness.client.open(uri, "text", 1, "hello\n")
    definition = asyncio.ensure_future(harness.client.definition(uri, Position(line=0, column=2)))
    await asyncio.sleep(0.05)
    # The server answers definition only once it has seen this edit, so its answer is for version 1.
    await harness.client.change(uri, 2, [TextEdit(range=Range.of(0, 0, 0, 0), new_text="x")])
    with pytest.raises(StaleResponseError, match="version 1 is outdated"):
        await definition


async def test_server_that_never_answers_times_out_without_blocking_edits(harness: Harness, uri: str) -> None:
    await harness.client.open(uri, "text", 1, "never\n")
    params = lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=1)
    )
    hover = asyncio.ensure_future(harness.client.request(lsp.TEXT_DOCUMENT_HOVER, params, uri=uri, timeout=0.2))
    await asyncio.sleep(0)
    await harness.client.change(uri, 2, [TextEdit(range=Range.of(1, 0, 1, 0), new_text="typed")])
    completion = await harness.client.completion(uri, Position(line=1, column=0))
    assert [item.label for item in completion.items] == ["text:typed"]
    with pytest.raises(SymphonyTimeoutError, match=r"did not answer textDocument/hover within 0\.2 s"):
        await hover


async def test_incremental_changes_reach_the_server(harness: Harness, uri: str) -> None:
    await harness.client.open(uri, "text", 1, "ab😀\nsecond\n")
    await harness.client.change(uri, 2, [TextEdit(range=Range.of(0, 3, 1, 0), new_text="c")])
    completion = await harness.client.completion(uri, Position(line=0, column=0))
    assert [item.label for item in completion.items] == ["text:ab😀csecond"]


async def test_big_document_opened_off_the_loop_reaches_the_server_before_its_edits(harness: Harness, uri: str) -> None:
    # Above the size whose didOpen is split and encoded in worker threads: the edits sent right after it must
    # still land on the opened text, in order, and non-ASCII text must survive the off-loop encoding.
    lines = [f"line {index} é😀\n" for index in range(40_000)]
    await harness.client.open(uri, "text", 1, "".join(lines))
    await harness.client.change(uri, 2, [TextEdit(range=Range.of(1, 0, 1, 0), new_text="first ")])
    await harness.client.change(uri, 3, [TextEdit(range=Range.of(39_999, 6, 39_999, 6), new_text="last ")])
    first = await harness.client.completion(uri, Position(line=1, column=0))
    last = await harness.client.completion(uri, Position(line=39_999, column=0))
    assert [item.label for item in first.items] == ["text:first line 1 é😀"]
    assert [item.label for item in last.items] == ["text:line 3last 9999 é😀"]


async def test_save_sends_the_text_when_the_server_asks_for_it(harness: Harness, uri: str) -> None:
    await harness.client.open(uri, "text", 1, "saved text")
    await harness.client.save(uri)
    event = await harness.next_event(lambda e: isinstance(e, ServerMessage))
    assert isinstance(event, ServerMessage)
    assert event.message == "saved: saved text"


async def test_closing_a_document_clears_its_diagnostics(harness: Harness, uri: str) -> None:
    await harness.client.open(uri, "text", 1, "hello\n")
    await harness.next_event(lambda e: isinstance(e, DiagnosticsChanged) and bool(e.diagnostics))
    await harness.client.close(uri)
    assert harness.diagnostics.for_uri(uri) == ()


async def test_diagnostics_arriving_after_the_document_closed_are_dropped(harness: Harness, uri: str) -> None:
    # open and close do not yield to the loop: the server's publish for version 1 arrives after the didClose, and
    # this server (like an open-only one racing its own debounce timer) never clears them itself.
    await harness.client.open(uri, "text", 1, "one\n")
    await harness.client.close(uri)
    sentinel = uri + ".sentinel"
    await harness.client.open(sentinel, "text", 1, "x\n")
    await harness.next_event(lambda e: isinstance(e, DiagnosticsChanged) and e.uri == sentinel)
    assert harness.diagnostics.for_uri(uri) == ()
    assert uri not in harness.diagnostics.uris()
    await harness.client.close(sentinel)


async def test_crash_fails_pending_requests_and_gives_up_when_the_budget_is_spent(tmp_path: Path) -> None:
    harness = Harness(tmp_path, restart_max_attempts=0)
    await harness.client.start()
    try:
        await harness.client.open(URI, "text", 1, "hello\n")
        pending = asyncio.ensure_future(harness.client.hover(URI, Position(line=0, column=0)))
        await asyncio.sleep(0)
        await harness.client.open("file:///tmp/scripted/crash.txt", "text", 1, "crash now")
        with pytest.raises(TransportError, match="exited with code 3"):
            await pending
        await harness.next_event(_is_state(ServerState.CRASHED))
        failed = await harness.next_event(_is_state(ServerState.FAILED))
        assert isinstance(failed, ServerStateChanged)
        assert "not restarting" in failed.detail
        assert harness.client.pid is None
    finally:
        await harness.client.stop()


async def test_restart_resends_open_documents_with_their_current_text(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    await harness.client.start()
    try:
        await harness.client.open(URI, "text", 1, "one\n")
        await harness.client.change(URI, 2, [TextEdit(range=Range.of(0, 0, 0, 3), new_text="two")])
        session = harness.client._session
        assert session is not None
        session.process.kill()
        await harness.next_event(_is_state(ServerState.CRASHED))
        await harness.client.wait_running(DEADLINE)
        completion = await harness.client.completion(URI, Position(line=0, column=0))
        assert [item.label for item in completion.items] == ["text:two"]
        assert harness.client.restarts == 1
    finally:
        await harness.client.stop()


async def test_server_exiting_at_start_fails_start_with_the_exit_code(tmp_path: Path) -> None:
    harness = Harness(tmp_path, env={"SCRIPTED_EXIT_AT_START": "1"})
    with pytest.raises(TransportError, match="exited with code 5"):
        await harness.client.start()
    assert harness.client.state is ServerState.FAILED
    await harness.client.stop()


async def test_missing_program_names_it_and_gives_the_install_hint(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    harness.client.argv = [str(tmp_path / "no-such-server")]
    with pytest.raises(NotFoundError, match="no-such-server") as caught:
        await harness.client.start()
    assert "lsp.servers.scripted.command" in caught.value.hint
    await harness.client.stop()


async def test_requests_before_start_fail_fast_saying_the_state(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    await harness.client.open(URI, "text", 1, "x")
    with pytest.raises(TransportError, match="scripted is stopped"):
        await harness.client.request(lsp.TEXT_DOCUMENT_HOVER, None, uri=URI)


async def test_stderr_and_start_lines_go_to_the_per_server_log(harness: Harness, uri: str) -> None:
    text = harness.client.log_path.read_text(encoding="utf-8")
    assert "starting:" in text
    assert "scripted server starting" in text


async def test_diagnostics_published_for_an_outdated_version_are_dropped(harness: Harness, uri: str) -> None:
    # open and change do not yield to the loop, so the server's publish for version 1 arrives after version 2.
    await harness.client.open(uri, "text", 1, "one\n")
    await harness.client.change(uri, 2, [TextEdit(range=Range.of(0, 0, 0, 3), new_text="two")])
    # A later document's diagnostics arrive after the first one's (the server answers in order).
    sentinel = uri + ".sentinel"
    await harness.client.open(sentinel, "text", 1, "x\n")
    await harness.next_event(lambda e: isinstance(e, DiagnosticsChanged) and e.uri == sentinel)
    assert harness.diagnostics.for_uri(uri) == ()
    assert [e for e in harness.events if isinstance(e, DiagnosticsChanged) and e.uri == uri] == []


async def test_capability_registered_after_initialize_is_used(harness: Harness, uri: str) -> None:
    assert harness.client.capabilities is not None
    assert harness.client.capabilities.inlay_hint_provider is None
    await harness.client.open(uri, "text", 1, "x = 1\n")
    for _ in range(int(DEADLINE / 0.01)):
        if harness.client.supports("inlay_hint_provider"):
            break
        await asyncio.sleep(0.01)
    [hint] = await harness.client.inlay_hints(uri, Range.of(0, 1, 0, 1))
    assert hint.label == ": int"


async def test_server_that_never_initializes_times_out_and_is_killed(tmp_path: Path) -> None:
    harness = Harness(tmp_path, startup_timeout=0.3)
    harness.client.argv = [sys.executable, "-c", "import time; time.sleep(600)"]
    with pytest.raises(SymphonyTimeoutError, match="did not answer initialize"):
        await harness.client.start()
    assert harness.client.state is ServerState.FAILED
    assert harness.client.pid is None
    await harness.client.stop()


async def test_server_command_edits_reach_the_editor_through_apply_edit(harness: Harness, uri: str) -> None:
    harness.accept_edits = True
    applied = await harness.client.execute_command(
        lsp.Command(title="Apply", command="scripted.apply", arguments=[uri])
    )
    assert applied is True
    [edit] = harness.applied_edits
    assert edit.changes is not None and [e.new_text for e in edit.changes[uri]] == ["# applied\n"]


async def test_edits_the_editor_refuses_are_reported_as_not_applied(harness: Harness, uri: str) -> None:
    harness.accept_edits = False
    applied = await harness.client.execute_command(
        lsp.Command(title="Apply", command="scripted.apply", arguments=[uri])
    )
    assert applied is False


async def test_sessions_use_the_converter_built_off_the_loop(harness: Harness) -> None:
    # Building a converter and generating its message code cost ~100 ms of the UI loop per server start.
    from core.lsp.client import _SAMPLE_INITIALIZE_RESULT, shared_converter

    converter = shared_converter()
    assert shared_converter() is converter
    session = harness.client._session
    assert session is not None
    assert session.client.protocol._converter is converter
    answer = converter.structure(
        {"jsonrpc": "2.0", "id": 1, "result": _SAMPLE_INITIALIZE_RESULT}, lsp.InitializeResponse
    )
    assert answer.result.capabilities.semantic_tokens_provider.range is True
