"""MotifPlacements: where contributed Motifs appear in the workbench, and the app's end of their routing.

It is core's ``MotifPort`` (renders and patches arrive here and go to the Motif's MotifView) and the source of
the views' events (sent to the extension through the supervisor). Each Motif lives in the placement its manifest
names: the side bar (beside the explorer), a tab of the bottom Motif panel, an editor-area tab, the status bar,
or a modal screen. A host that goes down turns its Motifs' views into error boxes whose "Restart" brings the
host back (if it was stopped) and opens the Motif again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from core.errors import ExtensionError, NotFoundError, SymphonyError
from core.extensions.spec import ExtensionStatus
from symphony_tui.vdom.motif_view import MotifView

if TYPE_CHECKING:
    from textual.content import Content

    from core.extensions.api import ExtensionApi
    from core.extensions.supervisor import HostSupervisor

log = logging.getLogger("symphony.motif")

LOCATIONS: Final = ("sidebar", "panel", "editor", "statusbar", "modal")
"""Where a contributed Motif can be placed (``contributes.motifs[].location``)."""

SIDEBAR_ID: Final = "motif-sidebar"
PANEL_ID: Final = "motif-panel"


@dataclass(frozen=True, slots=True)
class ContributedMotif:
    """A Motif an extension declares in its manifest."""

    id: str
    title: str
    location: str
    extension_id: str


class MotifModal(ModalScreen[None]):
    """A Motif placed as a modal: centred, Escape closes it."""

    DEFAULT_CSS = """
    MotifModal {
        align: center middle;
        background: $background 50%;
    }
    MotifModal > Vertical {
        width: 80%;
        height: 80%;
        background: $surface;
        border: thick $primary;
    }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, view: MotifView, title: str) -> None:
        super().__init__()
        self.view = view
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = self.title_text
            yield self.view


class MotifPlacements:
    """Opens, shows, routes and closes the workbench's Motifs."""

    SIDEBAR_CSS: Final = {"width": 40, "height": "1fr"}

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.supervisor: HostSupervisor | None = None
        """Set by :meth:`attach`; Motifs cannot open before."""
        self.views: dict[str, MotifView] = {}
        """Open Motifs' views by Motif id."""
        self._frames: dict[str, Widget] = {}
        self._contributed: dict[str, ContributedMotif] = {}
        self.on_change: Callable[[], None] | None = None

    def attach(self, supervisor: HostSupervisor, api: ExtensionApi) -> None:
        """Route Motifs through ``supervisor``: core's API sends renders and patches here."""
        self.supervisor = supervisor
        api.motifs = self
        self._contributed = {
            motif_id: ContributedMotif(motif_id, info.get("title", motif_id), info.get("location", "panel"), spec.id)
            for spec in supervisor.specs.values()
            for motif_id, info in spec.motifs.items()
        }
        supervisor.on_status(self._status_changed)

    def contributed(self) -> list[ContributedMotif]:
        """Every Motif enabled extensions contribute, by title."""
        return sorted(self._contributed.values(), key=lambda m: m.title.lower())

    # -- opening and closing ------------------------------------------------------------------------------------

    async def open(self, motif_id: str) -> MotifView:
        """Show Motif ``motif_id`` in its placement (focusing it if open) and have its extension render it."""
        info = self._info(motif_id)
        view = self.views.get(motif_id)
        if view is None:
            view = await self._place(info)
        else:
            self._reveal(info, view)
        await self._request_open(view)
        return view

    async def _request_open(self, view: MotifView) -> None:
        if self.supervisor is None:
            view.show_error(NotFoundError("extensions are not running", hint="Start Symphony with extensions."))
            return
        try:
            await self.supervisor.open_motif(view.motif_id)
        except SymphonyError as exc:
            view.show_error(exc)

    async def restart(self, motif_id: str) -> None:
        """The error box's Restart: bring a stopped host back, then open the Motif again."""
        view = self.views.get(motif_id)
        if self.supervisor is None or view is None:
            return
        ext_id = self.supervisor.motif_owner(motif_id)
        if self.supervisor.status.get(ext_id) in (ExtensionStatus.STOPPED, ExtensionStatus.CRASHED):
            await self.supervisor.restart()
        await self._request_open(view)

    async def close(self, motif_id: str) -> None:
        """Remove a Motif's view (and its tab or modal)."""
        view = self.views.pop(motif_id, None)
        frame = self._frames.pop(motif_id, None)
        if view is None:
            return
        if self.supervisor is not None:
            try:
                await self.supervisor.close_motif(motif_id)
            except SymphonyError as exc:  # the view goes anyway
                log.warning("closing Motif %s: %s", motif_id, exc)
        if isinstance(frame, MotifModal):
            if frame.is_active:
                frame.dismiss()
            return
        if isinstance(frame, TabPane):
            tabs = next((a for a in frame.ancestors if isinstance(a, TabbedContent)), None)
            if tabs is not None:
                await tabs.remove_pane(frame.id or "")
                await self._tidy()
                return
        await (frame or view).remove()
        await self._tidy()

    def _info(self, motif_id: str) -> ContributedMotif:
        info = self._contributed.get(motif_id)
        if info is None:
            raise NotFoundError(
                f"no extension contributes Motif {motif_id!r}",
                hint="Known Motifs: " + (", ".join(sorted(self._contributed)) or "none") + ".",
                data={"motif": motif_id},
            )
        return info

    def _new_view(self, info: ContributedMotif) -> MotifView:
        motif_id = info.id

        async def send(node_id: int, event: str, value: Any) -> None:
            if self.supervisor is None:
                return
            try:
                await self.supervisor.motif_event(motif_id, node_id, event, value)
            except SymphonyError as exc:
                if "event" in exc.data or "motif" not in exc.data:
                    raise  # the handler failed: a notification; the panel still works
                view.show_error(exc)  # rendering failed: the error box, with Restart

        view = MotifView(
            motif_id, send_event=send, on_restart=lambda: self.restart(motif_id), id=f"motif-{_dom_id(motif_id)}"
        )
        view.border_title = info.title
        return view

    async def _place(self, info: ContributedMotif) -> MotifView:
        view = self._new_view(info)
        self.views[info.id] = view
        location = info.location if info.location in LOCATIONS else "panel"
        frame: Widget
        if location == "modal":
            frame = MotifModal(view, info.title)
            self._frames[info.id] = frame
            await self.app.push_screen(frame, callback=lambda _result: self._modal_closed(info.id))
            return view
        if location == "sidebar":
            sidebar = await self._sidebar()
            view.add_class("-sidebar")
            frame = view
            await sidebar.mount(view)
        elif location == "statusbar":
            view.add_class("-statusbar")
            frame = view
            await self.app.query_one("#status").mount(view)
        elif location == "editor":
            tabs = self.app.query_one("#editors", TabbedContent)
            frame = TabPane(_title(info.title), view, id=f"motif-pane-{_dom_id(info.id)}")
            await tabs.add_pane(frame)
            tabs.active = frame.id or ""
            tabs.remove_class("-empty")
            self.app.query_one("#welcome").display = False
        else:
            panel = await self._panel()
            frame = TabPane(_title(info.title), view, id=f"motif-pane-{_dom_id(info.id)}")
            await panel.add_pane(frame)
            panel.active = frame.id or ""
        self._frames[info.id] = frame
        if self.on_change is not None:
            self.on_change()
        return view

    def _reveal(self, info: ContributedMotif, view: MotifView) -> None:
        frame = self._frames.get(info.id)
        if isinstance(frame, TabPane):
            tabs = next((a for a in frame.ancestors if isinstance(a, TabbedContent)), None)
            if tabs is not None:
                tabs.active = frame.id or ""
        if isinstance(frame, MotifModal) and not frame.is_active:
            self.app.push_screen(frame)

    def _modal_closed(self, motif_id: str) -> None:
        if self.views.pop(motif_id, None) is not None and self.supervisor is not None:
            self.app.run_worker(self.supervisor.close_motif(motif_id), group="motifs", exit_on_error=False)
        self._frames.pop(motif_id, None)

    async def _sidebar(self) -> Widget:
        found = self.app.query(f"#{SIDEBAR_ID}")
        if found:
            return found.first()
        sidebar = Vertical(id=SIDEBAR_ID)
        sidebar.styles.width = 40
        sidebar.styles.height = "1fr"
        workbench = self.app.query_one("#workbench")
        explorer = self.app.query("#explorer")
        await workbench.mount(sidebar, after=explorer.first() if explorer else None)
        return sidebar

    async def _panel(self) -> TabbedContent:
        found = self.app.query(f"#{PANEL_ID}")
        if found:
            return found.first(TabbedContent)
        panel = TabbedContent(id=PANEL_ID)
        panel.styles.height = 14
        await self.app.query_one("#editor-area").mount(panel)
        return panel

    async def _tidy(self) -> None:
        """Drop the side bar or the Motif panel when their last Motif closed."""
        for container_id in (SIDEBAR_ID, PANEL_ID):
            found = self.app.query(f"#{container_id}")
            if found and not found.first().query(MotifView):
                await found.first().remove()
        if self.on_change is not None:
            self.on_change()

    # -- core's MotifPort -----------------------------------------------------------------------------------------

    async def motif_render(self, extension_id: str, params: dict[str, Any]) -> None:
        """A whole tree: shown in the Motif's view, placing it first if the extension showed it by itself."""
        motif_id = str(params.get("motif"))
        view = self.views.get(motif_id)
        if view is None:
            view = await self._place(self._info(motif_id))
        await view.show_render(params)

    async def motif_patch(self, extension_id: str, params: dict[str, Any]) -> None:
        """A patch for an open Motif (one closed meanwhile is ignored)."""
        view = self.views.get(str(params.get("motif")))
        if view is not None:
            await view.apply_patch(params)

    # -- host status ---------------------------------------------------------------------------------------------

    def _status_changed(self, extension_id: str, status: ExtensionStatus, error: SymphonyError | None) -> None:
        if status not in (ExtensionStatus.CRASHED, ExtensionStatus.STOPPED, ExtensionStatus.FAILED):
            return
        for motif_id, info in self._contributed.items():
            view = self.views.get(motif_id)
            if info.extension_id == extension_id and view is not None:
                view.show_error(error or ExtensionError(f"extension {extension_id} is {status.value}"))


def _dom_id(motif_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in motif_id)


def _title(title: str) -> Content:
    from textual.content import Content

    return Content(title)


__all__ = ["LOCATIONS", "ContributedMotif", "MotifModal", "MotifPlacements"]
