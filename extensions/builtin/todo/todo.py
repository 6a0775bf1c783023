"""TODO finder: scans workspace files for tagged comments and shows them in a Motif in the side bar.

The panel is a tree grouped by file (a count per file), a filter input that narrows it as you type (tag, text
or path), a Rescan button, and click-to-open: selecting a line opens the file there. The ``Find TODOs`` command
scans and shows the panel, and returns the items so other commands and tests can use the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.errors import SymphonyError
from core.vdom import Node
from extensions.sdk import Extension, command, motif_factory
from extensions.sdk.motif import Motif, MotifEvent, h

MAX_FILES = 5000
MAX_SHOWN = 2000
"""Lines the tree shows at most (a Motif tree is capped at 20,000 nodes; a longer list is no help anyway)."""
PANEL_ID = "symphony.todo.panel"


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

    def matches(self, query: str) -> bool:
        """Whether the filter ``query`` (case-insensitive, every word) finds this item."""
        haystack = f"{self.path} {self.tag} {self.text}".lower()
        return all(word in haystack for word in query.lower().split())


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


def grouped(items: Iterable[TodoItem]) -> dict[str, list[TodoItem]]:
    """Items by file, files in path order, lines in order."""
    files: dict[str, list[TodoItem]] = {}
    for item in sorted(items, key=lambda i: (i.path, i.line)):
        files.setdefault(item.path, []).append(item)
    return files


class TodoPanel(Motif):
    """The TODOs side bar panel."""

    id = PANEL_ID

    def __init__(self, extension: TodoExtension) -> None:
        self.extension = extension
        super().__init__()

    def initial_state(self) -> dict[str, Any]:
        return {"items": [], "filter": "", "scanning": False, "scanned": False}

    def render(self) -> Node:
        items: list[TodoItem] = self.state["items"]
        query: str = self.state["filter"]
        matching = [i for i in items if i.matches(query)] if query else items
        shown = matching[:MAX_SHOWN]
        files = grouped(shown)
        if self.state["scanning"]:
            summary = "Scanning the workspace..."
        elif not self.state["scanned"]:
            summary = "Not scanned yet."
        elif query:
            summary = f"{len(matching)} of {len(items)} in {len(grouped(matching))} files"
        else:
            summary = f"{len(items)} in {len(grouped(items))} files"
        if len(matching) > len(shown):
            summary += f"; the first {len(shown)} shown, filter to narrow"
        return h.vertical(
            h.horizontal(
                h.input(
                    value=query,
                    placeholder="Filter (tag, text, path)",
                    on_changed=self.refilter,
                    key="filter",
                    width="1fr",
                ),
                h.button("Rescan", on_press=self.rescan, key="rescan", variant="primary"),
                height="auto",
                key="bar",
            ),
            h.label(summary, key="summary", color="$text-muted"),
            h.tree(
                "TODOs",
                (
                    h.tree_node(
                        f"{path} ({len(found)})",
                        (
                            h.tree_node(
                                f"{i.line}: {i.tag} {i.text}".rstrip(), key=str(i.line), data=f"{i.path}:{i.line}"
                            )
                            for i in found
                        ),
                        key=path,
                        expanded=True,
                    )
                    for path, found in files.items()
                ),
                show_root=False,
                on_selected=self.open_item,
                height="1fr",
                key="tree",
            ),
            key="todo",
        )

    async def show(self) -> None:
        """Send the whole tree; the first time, scan the workspace right after (the panel says so meanwhile)."""
        await super().show()
        if not self.state["scanned"] and not self.state["scanning"]:
            await self.rescan(None)

    async def refilter(self, event: MotifEvent) -> None:
        self.set_state(filter=str(event.value or ""))

    async def rescan(self, event: MotifEvent | None) -> None:
        self.set_state(scanning=True)
        await self.flush()
        self.set_state(items=await self.extension.scan_workspace(), scanning=False, scanned=True)
        await self.flush()

    async def open_item(self, event: MotifEvent) -> None:
        path, _, line = str(event.value).rpartition(":")
        if path and line.isdigit():
            await self.extension.ctx.commands.execute("workbench.openFile", path, int(line))


class TodoExtension(Extension):
    """Contributes ``symphony.todo.find`` and the ``symphony.todo.panel`` Motif."""

    @motif_factory(PANEL_ID)
    def make_panel(self) -> TodoPanel:
        """A new panel; it scans when first shown."""
        return TodoPanel(self)

    async def scan_workspace(self) -> list[TodoItem]:
        """Every tagged comment in the files the ``include`` setting selects."""
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
        return sorted(items, key=lambda i: (i.path, i.line))

    async def show_panel(self, items: list[TodoItem]) -> TodoPanel:
        """The panel shown with ``items`` (reusing the open one)."""
        shown = self.ctx.motif.shown(PANEL_ID)
        if isinstance(shown, TodoPanel):
            shown.set_state(items=items, scanned=True, scanning=False)
            await shown.flush()
            return shown
        panel = self.make_panel()
        panel.state.update(items=items, scanned=True)
        await self.ctx.motif.show(panel)
        return panel

    @command("symphony.todo.find", title="Find TODOs")
    async def find(self) -> list[TodoItem]:
        """Scan, show the results in the TODOs panel; returns every item found."""
        items = await self.scan_workspace()
        await self.show_panel(items)
        if not items:
            tags = list(await self.ctx.settings.get("tags", ["TODO", "FIXME"]))
            await self.ctx.window.notify("No " + ", ".join(tags) + " found.")
        return items
