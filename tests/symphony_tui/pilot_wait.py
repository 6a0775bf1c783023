"""Waiting in pilot tests for what keys started, without waiting on commands parked at a dialog."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot[None], rounds: int = 1) -> None:
    """Wait for background work (``rounds`` times: work may start more); commands waiting on a dialog are left
    waiting."""
    for _ in range(rounds):
        background = [w for w in pilot.app.workers if w.group != "commands"]
        if background:
            await pilot.app.workers.wait_for_complete(background)
        await pilot.pause()


async def commands_done(pilot: Pilot[None]) -> None:
    """Keys run commands in workers of the "commands" group; wait for them (use only when none waits on a dialog)."""
    running = [w for w in pilot.app.workers if w.group == "commands"]
    if running:
        await pilot.app.workers.wait_for_complete(running)
    await pilot.pause()
