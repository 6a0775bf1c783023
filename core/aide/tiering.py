"""The stale manager: moves artifacts nobody used for a while to colder tiers; reads bring them back.

Rules form a chain (hot -> warm after 7 days, warm -> cold after 30 days). Each :meth:`StaleManager.run_once`
applies every rule once; run it on a timer (:meth:`StaleManager.run_forever`) or from a maintenance command.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from core.aide.artifacts import ArtifactStore
from core.aide.tiers import HOT
from core.errors import ConfigError


@dataclass(frozen=True, slots=True)
class TierRule:
    """Move packs from ``source`` to ``target`` once all their artifacts are unused for ``after`` seconds."""

    source: str
    target: str
    after: float


@dataclass(frozen=True, slots=True)
class MigrationReport:
    """Packs and bytes moved by one pass, per rule as ``source->target``."""

    moved: dict[str, int]
    bytes_moved: int


class StaleManager:
    """Applies tier rules to an artifact store."""

    def __init__(self, store: ArtifactStore, rules: Sequence[TierRule]) -> None:
        known = {HOT, *store.tiers}
        for rule in rules:
            for name in (rule.source, rule.target):
                if name not in known:
                    raise ConfigError(
                        f"tier rule {rule.source}->{rule.target} names unknown tier {name!r}",
                        hint=f"Configure the tier on the store first; known tiers: {', '.join(sorted(known))}.",
                    )
            if rule.after < 0:
                raise ConfigError(f"tier rule {rule.source}->{rule.target}: 'after' must be >= 0, got {rule.after}")
        self.store = store
        self.rules = list(rules)

    def run_once(self, now: float | None = None) -> MigrationReport:
        """Apply every rule once (blocking I/O: call it from a worker thread in async code)."""
        now = time.time() if now is None else now
        moved: dict[str, int] = {}
        total = 0
        for rule in self.rules:
            packs = self.store.stale_packs(rule.source, now - rule.after)
            for pack in packs:
                total += self.store.move_pack(pack, rule.target)
            moved[f"{rule.source}->{rule.target}"] = len(packs)
        return MigrationReport(moved, total)

    async def run_forever(self, interval: float) -> None:
        """Apply the rules every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.to_thread(self.run_once)
            await asyncio.sleep(interval)


__all__ = ["MigrationReport", "StaleManager", "TierRule"]
