"""Hover (the diagnostics at the cursor plus the server's markdown) and signature help, as popups at the cursor."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text
from textual.widgets import Static

from core.errors import CancelledError, SymphonyError
from core.types.text import Position
from symphony_tui.lsp.popup import CursorPopup, mount_popup

if TYPE_CHECKING:
    from lsprotocol import types as lsp

    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor

log = logging.getLogger(__name__)

MAX_TEXT_WIDTH = 78
MAX_TEXT_HEIGHT = 16
_SEVERITY_STYLE = {1: "bold red", 2: "yellow", 3: "blue", 4: "dim"}
_SEVERITY_NAME = {1: "error", 2: "warning", 3: "info", 4: "hint"}


class HoverPopup(CursorPopup):
    """Hover text: closes on the next key."""

    DEFAULT_CSS = """
    HoverPopup {
        max-width: 82;
        max-height: 18;
    }
    HoverPopup > Static {
        width: auto;
        max-width: 80;
        height: auto;
        max-height: 16;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        body: RenderableType,
        *,
        id: str = "hover-popup",
        editor: Editor | None = None,
        at: tuple[int, int] = (0, 0),
    ) -> None:
        super().__init__(id=id)
        self._body = body
        self.editor = editor
        """The editor whose text the hover describes."""
        self.at = at
        """The document location it describes."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(self._body, id="hover-body")

    def on_mount(self) -> None:
        self.fit(self._body)

    def fit(self, body: RenderableType) -> None:
        """Size the text to its content: markdown has no natural width, so measure it rendered at the maximum."""
        static = self.query_one("#hover-body", Static)
        console = self.app.console
        lines = console.render_lines(body, console.options.update(width=MAX_TEXT_WIDTH), pad=False)
        widest = max((sum(segment.cell_length for segment in line) for line in lines), default=1)
        static.styles.width = min(MAX_TEXT_WIDTH, max(widest, 1)) + 2  # padding
        static.styles.height = min(MAX_TEXT_HEIGHT, max(len(lines), 1))


class SignaturePopup(HoverPopup):
    """The signature of the call being typed, shown above the cursor."""


def markup_to_renderable(contents: object) -> RenderableType | None:
    """Hover contents in any of LSP's three shapes as something Rich can draw (markdown rendered)."""
    from lsprotocol import types as lsp

    if isinstance(contents, lsp.MarkupContent):
        if not contents.value.strip():
            return None
        return Markdown(contents.value) if contents.kind == lsp.MarkupKind.Markdown else Text(contents.value)
    if isinstance(contents, str):
        return Markdown(contents) if contents.strip() else None
    if isinstance(contents, lsp.MarkedStringWithLanguage):
        return Markdown(f"```{contents.language}\n{contents.value}\n```")
    if isinstance(contents, list | tuple):
        parts = [part for part in (markup_to_renderable(item) for item in contents) if part is not None]
        return Group(*parts) if parts else None
    return None


async def show_hover_at_cursor(app: SymphonyApp, editor: Editor) -> HoverPopup | None:
    """Show what is known about the cursor's position: diagnostics there, then the server's hover."""
    return await show_hover(app, editor, editor.cursor_location, explicit=True)


async def show_hover(
    app: SymphonyApp, editor: Editor, location: tuple[int, int], *, explicit: bool = False
) -> HoverPopup | None:
    """Hover for a document location (the cursor's, or the mouse's after it rests): diagnostics, then the
    server's markdown. ``explicit`` (a key press) says so when there is nothing to show."""
    service = app.lsp
    row, column = location
    parts: list[RenderableType] = []
    for mark in editor.decorations.diagnostics_at((row, column)):
        line = Text(f"{_SEVERITY_NAME.get(mark.severity, 'error')}: ", style=_SEVERITY_STYLE.get(mark.severity, ""))
        line.append(mark.message)
        if mark.source:
            line.append(f"  {mark.source}", style="dim")
        parts.append(line)
    document = service.document(editor)
    version = document.version if document is not None else None
    if document is not None and (explicit or document.opened):
        server = await service.server(editor, wait=2.0) if explicit else service.running_server(document)
        if server is not None:
            try:
                hover = await server.hover(document.uri, Position(line=row, column=column))
            except CancelledError:
                return None
            except SymphonyError as exc:
                log.info("hover failed: %s", exc)
                if explicit and not parts:  # asked for: say why nothing comes (a server that never answers...)
                    app.notify(exc.message, title="Hover", severity="warning")
                    return None
                hover = None
            body = markup_to_renderable(hover.contents) if hover is not None else None
            if body is not None:
                if parts:
                    parts.append(Text("─" * 20, style="dim"))
                parts.append(body)
    moved = editor.cursor_location != location if explicit else (document is not None and document.version != version)
    if not parts or moved:
        if not parts and explicit:
            app.notify("Nothing to show here.", title="Hover", timeout=2)
        return None
    shown = service.hover
    service.hover = None
    if shown is not None and shown.is_attached:
        await shown.remove()  # before the new one mounts: both use the id "hover-popup"
    service.close_popups()
    popup = HoverPopup(Group(*parts), editor=editor, at=location)
    await mount_popup(editor, popup)
    popup.anchor(editor, location)
    service.hover = popup
    return popup


def render_signature(help: lsp.SignatureHelp, index: int | None = None) -> RenderableType | None:
    """The active signature (or overload ``index``, the one the user cycled to) with the active parameter
    emphasised, then its documentation."""
    if not help.signatures:
        return None
    if index is None:
        index = help.active_signature or 0
    index = min(max(index, 0), len(help.signatures) - 1)
    signature = help.signatures[index]
    active = signature.active_parameter if signature.active_parameter is not None else help.active_parameter
    text = Text(signature.label)
    parameters = signature.parameters or []
    if active is not None and 0 <= active < len(parameters):
        label = parameters[active].label
        if isinstance(label, str):
            at = signature.label.find(label)
            span = (at, at + len(label)) if at >= 0 else None
        else:
            span = (label[0], label[1])  # UTF-16 offsets; exact for the BMP text signatures use
        if span is not None:
            text.stylize("bold underline", *span)
    parts: list[RenderableType] = [text]
    if len(help.signatures) > 1:
        parts.append(Text(f"{index + 1} of {len(help.signatures)} signatures  (alt+↑ alt+↓)", style="dim"))
    docs = None
    if active is not None and 0 <= active < len(parameters):
        docs = markup_to_renderable(parameters[active].documentation)
    if docs is None and signature.documentation is not None:
        docs = markup_to_renderable(signature.documentation)
    if docs is not None:
        parts.append(docs)
    return Group(*parts)
