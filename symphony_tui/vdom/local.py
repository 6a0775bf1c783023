"""A Motif object shown in a MotifView of the same process: no host, no IPC, the same renders and patches.

Used by ``extensions.sdk.testing.snap_motif`` (authors snapshot their Motifs), by the reconciler's tests and by
the benchmark; the running app reaches Motifs through core and the extension host instead.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from extensions.sdk.motif import Motif
from symphony_tui.vdom.motif_view import MotifView


class LocalMotifBinding:
    """Connects a Motif (as its ``view``) to a MotifView, and the MotifView's events back to the Motif."""

    def __init__(self, motif: Motif) -> None:
        self.motif = motif
        self.view = MotifView(motif.id or type(motif).__name__, send_event=self.send_event, on_restart=self.restart)
        """The widget to mount."""
        motif.view = self

    async def render(self, params: dict[str, Any]) -> None:
        """The Motif's ``motif.render``."""
        await self.view.show_render(params)

    async def patch(self, params: dict[str, Any]) -> None:
        """The Motif's ``motif.patch``."""
        await self.view.apply_patch(params)

    async def send_event(self, node_id: int, event: str, value: Any) -> None:
        """A widget event, straight to the Motif's handler."""
        await self.motif.handle_event(node_id, event, value)

    async def restart(self) -> None:
        """The error box's Restart: render the whole tree again."""
        await self.motif.show()


class MotifApp(App[None]):
    """A bare app showing one Motif, full screen (snapshots, benchmarks, trying a Motif out)."""

    def __init__(self, motif: Motif) -> None:
        super().__init__()
        self.binding = LocalMotifBinding(motif)
        """The Motif and its view."""

    def compose(self) -> ComposeResult:
        yield self.binding.view

    async def on_mount(self) -> None:
        await self.binding.motif.show()


__all__ = ["LocalMotifBinding", "MotifApp"]
