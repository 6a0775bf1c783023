"""RemoteContext: each ctx call becomes one ext/* request naming the extension, and answers come back typed."""

from __future__ import annotations

from typing import Any

from core.types.document import DocumentMeta
from core.types.text import Range, TextEdit
from extensions.host.remote_context import RemoteContext
from extensions.sdk import Context, QuickPickItem, Selection
from extensions.sdk.api import METHODS


class ScriptedPeer:
    """Answers ext/* requests from a table and records them."""

    is_open = True

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.requests: list[tuple[str, dict[str, Any]]] = []

    async def request(self, method: str, params: dict[str, Any], **_: Any) -> Any:
        self.requests.append((method, params))
        return self.answers.get(method)


async def test_quick_pick_values_stay_in_the_host_and_the_ui_answers_an_index() -> None:
    peer = ScriptedPeer({"ext/window.quick_pick": 1})
    ctx = RemoteContext(peer, "t.ext")  # type: ignore[arg-type]
    items = [QuickPickItem(label="a", value={"line": 1}), QuickPickItem(label="b", value={"line": 2})]
    assert await ctx.window.quick_pick(items, title="Go") == {"line": 2}
    method, params = peer.requests[0]
    assert method == "ext/window.quick_pick"
    assert params == {
        "extension": "t.ext",
        "items": [{"label": "a", "description": ""}, {"label": "b", "description": ""}],
        "title": "Go",
        "placeholder": "",
    }


async def test_editor_answers_are_rebuilt_as_sdk_types() -> None:
    position = {"line": 0, "column": 2}
    peer = ScriptedPeer(
        {
            "ext/editor.active_document": {"id": "doc-1", "language": "python", "version": 3},
            "ext/editor.get_selections": [{"anchor": position, "head": position}],
            "ext/editor.apply_edits": 4,
        }
    )
    ctx = RemoteContext(peer, "t.ext")  # type: ignore[arg-type]
    document = await ctx.editor.active_document()
    assert isinstance(document, DocumentMeta) and document.version == 3
    [selection] = await ctx.editor.get_selections()
    assert isinstance(selection, Selection) and selection.head.column == 2
    edit = TextEdit(range=Range.of(0, 0, 0, 1), new_text="x")
    assert await ctx.editor.apply_edits([edit], document_id="doc-1") == 4
    assert peer.requests[-1][1]["edits"] == [edit.model_dump(mode="json")]


async def test_progress_reports_start_and_done_under_one_id() -> None:
    peer = ScriptedPeer({})
    ctx = RemoteContext(peer, "t.ext")  # type: ignore[arg-type]
    async with ctx.window.progress("Indexing") as progress:
        await progress.report("half", 0.5)
    reports = [p for m, p in peer.requests if m == "ext/window.progress"]
    assert [(r["message"], r["fraction"], r["done"]) for r in reports] == [
        ("started", None, False),
        ("half", 0.5, False),
        ("done", 1.0, True),
    ]
    assert len({r["progress_id"] for r in reports}) == 1


async def test_log_records_go_to_core_as_log_write() -> None:
    import asyncio
    import logging

    peer = ScriptedPeer({})
    ctx = RemoteContext(peer, "t.ext")  # type: ignore[arg-type]
    ctx.log.warning("careful: %s", "hot")
    await asyncio.sleep(0)
    assert peer.requests == [
        ("ext/log.write", {"extension": "t.ext", "level": logging.WARNING, "message": "careful: hot"})
    ]


async def test_every_api_method_has_a_remote_implementation() -> None:
    ctx = RemoteContext(ScriptedPeer({}), "t.ext")  # type: ignore[arg-type]
    namespaces = {n for n in dir(Context) if not n.startswith("_")}
    for name in METHODS:
        namespace, method = name.split(".")
        if name in ("log.write", "motif.render", "motif.patch") or namespace not in namespaces:
            continue  # ctx.log is a Logger feeding log.write; motif.render/patch are sent by a Motif's view
        assert callable(getattr(getattr(ctx, namespace), method)), name
