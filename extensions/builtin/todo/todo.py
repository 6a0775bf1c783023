"""TODO finder: scans workspace files for tagged comments and lets the user pick one to open.

Its panel view comes with Motifs; until then the results are a quick pick, and the command returns them so
other commands and tests can use the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import SymphonyError
from extensions.sdk import Extension, QuickPickItem, command

MAX_FILES = 5000


@dataclass(frozen=True, slots=True)
class TodoItem:
    """One tagged comment."""

    path: str
    line: int
    """1-based, as shown to users."""
    tag: str
    text: str

    def label(self) -> str:
        """``path:line  TAG text``."""
        return f"{self.path}:{self.line}  {self.tag} {self.text}".rstrip()


def scan(path: str, text: str, tags: list[str]) -> list[TodoItem]:
    """Tagged comments in one file's text."""
    if not tags:
        return []
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in tags) + r")\b[:(]?\s*(.*)")
    items: list[TodoItem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = pattern.search(line)
        if found:
            items.append(TodoItem(path, number, found.group(1), found.group(2).strip().rstrip("*/").strip()))
    return items


class TodoExtension(Extension):
    """Contributes ``symphony.todo.find``."""

    @command("symphony.todo.find", title="Find TODOs")
    async def find(self) -> list[TodoItem]:
        """Scan, show the results in a quick pick, open the chosen one; returns every item found."""
        tags = list(await self.ctx.settings.get("tags", ["TODO", "FIXME"]))
        include = str(await self.ctx.settings.get("include", "**/*"))
        items: list[TodoItem] = []
        async with self.ctx.window.progress("Finding TODOs") as progress:
            paths = await self.ctx.workspace.find_files(include, limit=MAX_FILES)
            for index, path in enumerate(paths):
                try:
                    text = await self.ctx.workspace.read_text(path)
                except SymphonyError:
                    continue  # binary or unreadable files have no TODOs worth showing
                items.extend(scan(path, text, tags))
                if index % 200 == 0:
                    await progress.report(path, index / max(len(paths), 1))
        if not items:
            await self.ctx.window.notify("No " + ", ".join(tags) + " found.")
            return items
        chosen = await self.ctx.window.quick_pick(
            [QuickPickItem(label=item.label(), value=item) for item in items], title=f"{len(items)} TODOs"
        )
        if isinstance(chosen, TodoItem):
            await self.ctx.commands.execute("workbench.openFile", chosen.path, chosen.line)
        return items
