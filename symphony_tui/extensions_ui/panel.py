"""The Extensions panel: every known extension with its chambering state, version, capabilities and last error.

It sits at the bottom of the editor area (like the terminal panel), opened by "Extensions: Show". Rows follow
chambering and host status live; keys act on the highlighted extension through commands (e: enable/disable,
r: restart its host, v: revoke its permissions), so the palette reaches the same actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp
    from symphony_tui.extensions_service import ExtensionsService

COLUMNS = ("Extension", "Version", "State", "Capabilities", "Last error")


@dataclass(frozen=True)
class ExtensionRow:
    """What the panel shows for one extension."""

    id: str
    name: str
    version: str
    state: str
    """Chambering state, plus the host's view when it differs (crashed, stopped)."""
    capabilities: str
    """Requested capabilities, ✓ marking those granted for always."""
    error: str
    marked: bool = False
    """Crashed, stopped or failed: drawn in the error colour."""


def extension_details(service: ExtensionsService, extension_id: str) -> str:
    """Everything the panel knows about one extension, as plain lines (the row's detail view)."""
    chamber = service.chambering.get(extension_id)
    found = service.discovery.extensions.get(extension_id)
    lines: list[str] = []
    if found is not None:
        manifest = found.manifest
        lines += [
            f"{manifest.name} {manifest.version} ({manifest.type.value}, {found.source.value})",
            manifest.description or "",
            f"folder: {found.folder}",
            "activation: " + (", ".join(str(e) for e in manifest.activation) or "none"),
            "commands: " + (", ".join(c.id for c in manifest.contributes.commands) or "none"),
        ]
        if extension_id in service.supervisor.specs:
            lines.append(f"host: {service.supervisor.host_identity(extension_id)}")
    error = chamber.error or service.supervisor.errors.get(extension_id)
    if error is not None:
        lines += ["", f"last error: {error.message}", f"hint: {error.hint}"]
    lines += ["", "history:"]
    for event in chamber.history[-8:]:
        step = f"{event.previous} → {event.state}" if event.previous is not None else str(event.state)
        lines.append(f"  {event.at:%H:%M:%S}  {step}")
    return "\n".join(line for line in lines if line is not None)


def extension_rows(service: ExtensionsService) -> list[ExtensionRow]:
    """A row per extension chambering knows (invalid manifests included), sorted by id."""
    from core.extensions.spec import ExtensionStatus
    from extensions.kit.chambering import ChamberState

    rows: list[ExtensionRow] = []
    for chamber in service.chambering:
        ext_id = chamber.extension_id
        found = service.discovery.extensions.get(ext_id)
        manifest = found.manifest if found is not None else None
        status = service.supervisor.status.get(ext_id)
        state = chamber.state.value
        if status in (ExtensionStatus.CRASHED, ExtensionStatus.STOPPED):
            state = f"{state} ({status.value})"
        granted = service.gate.store.granted(ext_id)
        capabilities = ", ".join(
            f"{c.value} ✓" if c in granted else c.value for c in (manifest.capabilities if manifest else [])
        )
        error = chamber.error or service.supervisor.errors.get(ext_id)
        if chamber.state is ChamberState.ACTIVE and status is ExtensionStatus.ACTIVE:
            error = None  # recovered: the last error is history, not the present
        marked = chamber.state is ChamberState.FAILED or status in (ExtensionStatus.CRASHED, ExtensionStatus.STOPPED)
        rows.append(
            ExtensionRow(
                id=ext_id,
                name=manifest.name if manifest else ext_id,
                version=str(manifest.version) if manifest else "",
                state=state,
                capabilities=capabilities or "none",
                error=error.message if error is not None else "",
                marked=marked,
            )
        )
    return rows


class ExtensionsPanel(Vertical):
    """A live table of extensions; hidden until "Extensions: Show"."""

    DEFAULT_CSS = """
    ExtensionsPanel {
        height: 40%;
        min-height: 6;
        border-top: solid $primary 50%;
    }
    ExtensionsPanel > #extensions-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    ExtensionsPanel > DataTable {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("e", "toggle_enabled", "Enable/disable"),
        Binding("r", "restart_host", "Restart host"),
        Binding("v", "revoke", "Revoke permissions"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[ExtensionRow] = []

    def compose(self) -> ComposeResult:
        yield Static(
            "EXTENSIONS   enter details · e enable/disable · r restart host · v revoke permissions · esc close",
            id="extensions-title",
        )
        table: DataTable[Text | str] = DataTable(cursor_type="row", zebra_stripes=False, id="extensions-table")
        table.add_columns(*COLUMNS)
        yield table

    @property
    def symphony(self) -> SymphonyApp:
        """The app, typed."""
        from symphony_tui.app import SymphonyApp

        assert isinstance(self.app, SymphonyApp)
        return self.app

    def on_mount(self) -> None:
        self.symphony.extensions.listeners.append(self.refresh_rows)
        self.refresh_rows()

    def on_unmount(self) -> None:
        listeners = self.symphony.extensions.listeners
        if self.refresh_rows in listeners:
            listeners.remove(self.refresh_rows)

    @property
    def rows(self) -> list[ExtensionRow]:
        """The rows shown now."""
        return list(self._rows)

    @property
    def selected(self) -> str | None:
        """The highlighted extension's id."""
        table = self.query_one(DataTable)
        if not self._rows or not 0 <= table.cursor_row < len(self._rows):
            return None
        return self._rows[table.cursor_row].id

    def refresh_rows(self) -> None:
        """Re-read the service and redraw the table, keeping the highlighted extension."""
        if not self.is_attached:
            return
        controller = self.symphony.extensions
        service = controller.service
        table = self.query_one(DataTable)
        keep = self.selected
        self._rows = extension_rows(service) if service is not None else []
        table.clear()
        for row in self._rows:
            style = "bold red" if row.marked else ""
            table.add_row(
                Text(f"{row.name}  ", style=style) + Text(row.id, style="dim"),
                row.version,
                Text(("✖ " if row.marked else "") + row.state, style=style),
                row.capabilities,
                Text(row.error, style="red"),
                key=row.id,
            )
        if not self._rows:
            why = (
                "Extensions are starting…"
                if controller.enabled and not controller.started.is_set()
                else ("No extensions are running." if controller.enabled else "Extensions are off in this session.")
            )
            table.add_row(why, "", "", "", "")
        elif keep is not None:
            ids = [r.id for r in self._rows]
            if keep in ids:
                table.move_cursor(row=ids.index(keep))

    @on(DataTable.RowSelected)
    def _show_details(self, event: DataTable.RowSelected) -> None:
        service = self.symphony.extensions.service
        selected = self.selected
        if service is None or selected is None:
            return
        from symphony_tui.widgets.dialogs import Choice, ChoiceDialog

        body = escape(extension_details(service, selected))  # messages may contain '[': never markup
        self.app.push_screen(ChoiceDialog(selected, body, [Choice("close", "Close", "c", "primary")], cancel="close"))

    def _run(self, command_id: str) -> None:
        selected = self.selected
        if selected is not None:
            self.symphony.dispatch(command_id, extension_id=selected)

    def action_toggle_enabled(self) -> None:
        self._run("extensions.toggleEnabled")

    def action_restart_host(self) -> None:
        self._run("extensions.restartHost")

    def action_revoke(self) -> None:
        self._run("extensions.revokePermissions")

    def action_close(self) -> None:
        self.display = False
        if (editor := self.symphony.active_editor) is not None:
            editor.focus()


async def show_extensions_panel(app: SymphonyApp) -> ExtensionsPanel:
    """Open (mounting on first use) and focus the Extensions panel."""
    found = app.query(ExtensionsPanel)
    if found:
        panel = found.first()
        panel.display = True
        panel.refresh_rows()
    else:
        panel = ExtensionsPanel(id="extensions-panel")
        await app.query_one("#editor-area").mount(panel)
    panel.query_one(DataTable).focus()
    return panel


__all__ = ["COLUMNS", "ExtensionRow", "ExtensionsPanel", "extension_details", "extension_rows", "show_extensions_panel"]
