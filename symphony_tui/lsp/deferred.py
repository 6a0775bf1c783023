"""A per-document request asked a moment after typing stops, of servers that offer it, answered only if still fresh.

Semantic tokens and inlay hints share this shape: debounce on edits, wait for the server to be ready (and look
once more a moment later when a just-started server registers the capability late), sync the text, ask, and
drop the answer if the document changed while it was on its way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Generic, TypeVar

from core.errors import CancelledError, SymphonyError

if TYPE_CHECKING:
    from core.lsp.client import LanguageServerClient
    from symphony_tui.lsp.service import LspService, TrackedDocument

log = logging.getLogger(__name__)

RETRY_DELAY = 1.0
"""Seconds before asking a just-started server once more whether it offers the feature."""

AnswerT = TypeVar("AnswerT")


class DeferredRequest(Generic[AnswerT]):
    """Subclasses name the capability and implement ``ask`` (the request) and ``show`` (paint a fresh answer)."""

    capability: str
    """The server capability that must be offered (``"semantic_tokens_provider"``...)."""
    what: str
    """For logs and task names ("semantic tokens")."""
    delay: float
    """Seconds after the last edit before asking again."""

    def __init__(self, service: LspService) -> None:
        self.service = service
        self._pending: dict[int, asyncio.TimerHandle] = {}
        service.change_listeners.append(lambda document, edits: self.schedule(document))

    def schedule(self, document: TrackedDocument, delay: float | None = None, *, retry: bool = False) -> None:
        """Ask for ``document`` after ``delay`` seconds (a later call replaces an earlier one)."""
        handle = self._pending.pop(id(document), None)
        if handle is not None:
            handle.cancel()
        self._pending[id(document)] = asyncio.get_running_loop().call_later(
            self.delay if delay is None else delay,
            lambda: self.service._spawn(self.fetch(document, retry=retry), f"lsp-{self.what.replace(' ', '-')}"),
        )

    async def fetch(self, document: TrackedDocument, *, retry: bool = False) -> None:
        """Ask the server and show the answer, unless the text changed meanwhile."""
        self._pending.pop(id(document), None)
        manager = self.service.manager
        if manager is None or self.service.document(document.editor) is not document:
            return
        server = await manager.ready(document.uri, 30)
        if server is None or not server.supports(self.capability):
            if retry and server is not None:
                # Servers may register the capability just after initialize: look once more a moment later.
                self.schedule(document, RETRY_DELAY)
            return
        await self.service.synced(document)
        version = document.version
        try:
            answer = await self.ask(server, document)
        except CancelledError:
            return
        except SymphonyError as exc:
            log.info("%s for %s failed: %s", self.what, document.uri, exc)
            return
        if document.version != version or document.pending:
            return
        self.show(document, answer)
        document.editor.decorations_changed()

    def ask(self, server: LanguageServerClient, document: TrackedDocument) -> Awaitable[AnswerT]:
        """The request to send."""
        raise NotImplementedError

    def show(self, document: TrackedDocument, answer: AnswerT) -> None:
        """Put a fresh answer into the editor's decorations."""
        raise NotImplementedError


__all__ = ["RETRY_DELAY", "DeferredRequest"]
