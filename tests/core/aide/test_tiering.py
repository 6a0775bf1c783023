"""Stale artifacts move hot -> warm (a directory) -> cold (any fsspec URL) and come back on read."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from core.aide.artifacts import ArtifactStore
from core.aide.tiering import StaleManager, TierRule
from core.aide.tiers import HOT, Tier
from core.errors import ConfigError

DAY = 86_400.0


def _store(tmp_path: Path) -> ArtifactStore:
    cold_url = f"memory://symphony-cold-{uuid.uuid4().hex}"
    return ArtifactStore(tmp_path / "hot", tiers=[Tier("warm", str(tmp_path / "warm")), Tier("cold", cold_url)])


def test_stale_artifacts_move_down_the_tiers_and_fetch_back_on_read(tmp_path: Path) -> None:
    store = _store(tmp_path)
    old_data, fresh_data = os.urandom(80_000), os.urandom(80_000)
    old = store.put(old_data, name="old")
    fresh = store.put(fresh_data, name="fresh")
    now = time.time()
    store.set_accessed(old.digest, now - 10 * DAY)
    manager = StaleManager(store, [TierRule(HOT, "warm", 7 * DAY), TierRule("warm", "cold", 30 * DAY)])

    report = manager.run_once(now)
    assert report.moved == {"hot->warm": 1, "warm->cold": 0}
    (old_pack,) = store.packs_of(old.digest)
    (fresh_pack,) = store.packs_of(fresh.digest)
    assert store.pack_tiers() == {old_pack: "warm", fresh_pack: HOT}
    assert not store.pack_path(old_pack).exists()
    assert (tmp_path / "warm" / f"{old_pack}.pack").exists()

    store.set_accessed(old.digest, now - 40 * DAY)
    assert manager.run_once(now).moved == {"hot->warm": 0, "warm->cold": 1}
    assert store.pack_tiers()[old_pack] == "cold"
    assert not (tmp_path / "warm" / f"{old_pack}.pack").exists()

    assert store.get(old.digest) == old_data
    assert store.pack_tiers()[old_pack] == HOT
    assert manager.run_once().moved == {"hot->warm": 0, "warm->cold": 0}  # the read counted as a use
    store.close()


def test_a_pack_shared_with_a_fresh_artifact_stays_hot(tmp_path: Path) -> None:
    store = _store(tmp_path)
    data = os.urandom(60_000)
    old = store.put(data)
    store.put(data + os.urandom(30_000))  # shares old's chunks
    store.set_accessed(old.digest, time.time() - 10 * DAY)
    assert StaleManager(store, [TierRule(HOT, "warm", DAY)]).run_once().moved == {"hot->warm": 0}
    store.close()


def test_rules_naming_unknown_tiers_are_refused(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with pytest.raises(ConfigError, match="'glacier'"):
        StaleManager(store, [TierRule(HOT, "glacier", DAY)])
    with pytest.raises(ConfigError, match="reserved"):
        Tier(HOT, str(tmp_path))
    store.close()


def test_a_pack_damaged_in_a_cold_tier_is_caught_when_fetched_back(tmp_path: Path) -> None:
    from core.aide.artifacts import ArtifactCorruptedError

    store = _store(tmp_path)
    info = store.put(os.urandom(70_000))
    store.set_accessed(info.digest, time.time() - 10 * DAY)
    StaleManager(store, [TierRule(HOT, "warm", DAY)]).run_once()
    (pack,) = store.packs_of(info.digest)
    remote = tmp_path / "warm" / f"{pack}.pack"
    damaged = bytearray(remote.read_bytes())
    damaged[-1] ^= 0x01
    remote.write_bytes(bytes(damaged))
    with pytest.raises(ArtifactCorruptedError, match=pack):
        store.get(info.digest)
    store.close()
