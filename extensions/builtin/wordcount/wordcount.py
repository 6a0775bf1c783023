"""Word count: a status bar item kept current from editor events."""

from __future__ import annotations

import re

from extensions.sdk import Context, Event, Extension, on

ITEM_ID = "wordcount"
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")  # don't, well-known: one word each


def count(text: str) -> tuple[int, int, int]:
    """(words, lines, characters) of ``text``; a trailing newline does not start another line."""
    lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    return len(_WORD.findall(text)), lines, len(text)


def label(text: str) -> str:
    """The status bar text, e.g. ``12 words, 3 lines``."""
    words, lines, _ = count(text)
    return f"{words} word{'s' * (words != 1)}, {lines} line{'s' * (lines != 1)}"


class WordCountExtension(Extension):
    """Keeps one status item in step with the focused document."""

    async def activate(self, ctx: Context) -> None:
        """Show the count for whatever is open now."""
        await self._refresh()

    async def deactivate(self) -> None:
        """Take the item away."""
        await self.ctx.status_bar.remove_item(ITEM_ID)

    @on("editor.active_changed")
    @on("document.changed")
    async def _on_change(self, event: Event) -> None:
        await self._refresh()

    @on("document.closed")
    async def _on_close(self, event: Event) -> None:
        await self._refresh()

    async def _refresh(self) -> None:
        document = await self.ctx.editor.active_document()
        if document is None:
            await self.ctx.status_bar.remove_item(ITEM_ID)
            return
        text = await self.ctx.editor.get_text(document.id)
        words, lines, chars = count(text)
        await self.ctx.status_bar.set_item(
            ITEM_ID, label(text), tooltip=f"{words} words, {lines} lines, {chars} characters", alignment="right"
        )
