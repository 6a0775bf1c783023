"""The Motif commands: open a contributed Motif (picked from a list when no id is given) and close one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from symphony_tui.widgets.quick_pick import PickItem, QuickPick

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp
    from symphony_tui.vdom.placements import ContributedMotif

OPEN_COMMAND = "motif.open"
CLOSE_COMMAND = "motif.close"


async def _pick(app: SymphonyApp, motifs: list[ContributedMotif], title: str) -> str | None:
    if not motifs:
        app.notify("No extension contributes a Motif (or extensions are off).", title="Motifs")
        return None

    def items(query: str) -> list[PickItem]:
        wanted = query.strip().lower()
        return [
            PickItem(m.title, m.id, detail=f"{m.id} · {m.location}")
            for m in motifs
            if wanted in m.title.lower() or wanted in m.id
        ]

    result = await app.push_screen_wait(QuickPick(items, title=title))
    return None if result is None else str(result.item.value)


def register_motif_commands(app: SymphonyApp) -> None:
    """Register ``motif.open`` and ``motif.close`` on ``app.commands``."""

    async def open_motif(motif: str | None = None) -> None:
        motif_id = motif or await _pick(app, app.motifs.contributed(), "Open which Motif?")
        if motif_id is not None:
            await app.motifs.open(motif_id)

    async def close_motif(motif: str | None = None) -> None:
        shown = [m for m in app.motifs.contributed() if m.id in app.motifs.views]
        motif_id = motif or await _pick(app, shown, "Close which Motif?")
        if motif_id is not None:
            await app.motifs.close(motif_id)

    app.commands.add(OPEN_COMMAND, "Open Motif...", "View", open_motif, args={"motif": str})
    app.commands.add(CLOSE_COMMAND, "Close Motif...", "View", close_motif, args={"motif": str})


__all__ = ["CLOSE_COMMAND", "OPEN_COMMAND", "register_motif_commands"]
