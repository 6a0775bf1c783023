"""The artifact store: content addressing, dedup, corruption never returned silently, garbage collection."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from blake3 import blake3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.aide.artifacts import ArtifactCorruptedError, ArtifactStore
from core.errors import NotFoundError


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ArtifactStore]:
    artifact_store = ArtifactStore(tmp_path / "store")
    yield artifact_store
    artifact_store.close()


def _edit(data: bytes, rng: random.Random, edits: int = 3) -> bytes:
    buffer = bytearray(data)
    for _ in range(edits):
        at = rng.randrange(len(buffer))
        buffer[at:at] = b"edited line\n"
    return bytes(buffer)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200_000))
def test_what_goes_in_comes_out_under_its_blake3_digest(store: ArtifactStore, data: bytes) -> None:
    info = store.put(data)
    assert info.digest == blake3(data).hexdigest()
    assert store.get(info.digest) == data


def test_storing_the_same_content_twice_stores_it_once(store: ArtifactStore) -> None:
    data = os.urandom(300_000)
    first = store.put(data, name="a")
    second = store.put(data, name="b")
    assert first.digest == second.digest
    stats = store.stats()
    assert stats.artifacts == 1 and stats.stored_bytes == len(data)


def test_versions_with_small_edits_share_most_chunks(store: ArtifactStore) -> None:
    rng = random.Random(5)
    version = rng.randbytes(2_000_000)
    for _ in range(10):
        store.put(version)
        version = _edit(version, rng)
    stats = store.stats()
    assert stats.artifacts == 10
    assert stats.dedup_saving > 0.8


def test_a_flipped_byte_is_reported_with_the_chunk_and_never_returned(store: ArtifactStore) -> None:
    info = store.put(os.urandom(100_000), name="model-output")
    (pack,) = store.packs_of(info.digest)
    path = store.pack_path(pack)
    damaged = bytearray(path.read_bytes())
    damaged[50_000] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with pytest.raises(ArtifactCorruptedError) as caught:
        store.get(info.digest)
    assert caught.value.data["pack"] == pack and caught.value.data["artifact"] == info.digest
    (damage,) = store.verify()
    assert damage.pack == pack and "digest" in damage.reason


def test_truncated_and_missing_packs_are_reported(store: ArtifactStore) -> None:
    short = store.put(os.urandom(50_000))
    gone = store.put(os.urandom(50_000))
    (short_pack,) = store.packs_of(short.digest)
    store.pack_path(short_pack).write_bytes(store.pack_path(short_pack).read_bytes()[:1000])
    (gone_pack,) = store.packs_of(gone.digest)
    store.pack_path(gone_pack).unlink()
    with pytest.raises(ArtifactCorruptedError, match="truncated"):
        store.get(short.digest)
    with pytest.raises(ArtifactCorruptedError, match="missing"):
        store.get(gone.digest)
    reasons = {d.pack: d.reason for d in store.verify()}
    assert reasons[short_pack] == "truncated" and "unreadable" in reasons[gone_pack]


def test_gc_frees_chunks_only_deleted_artifacts_used(store: ArtifactStore) -> None:
    rng = random.Random(1)
    base = rng.randbytes(500_000)
    keep = store.put(base)
    drop = store.put(base + rng.randbytes(200_000))
    before = store.stats().stored_bytes
    store.delete(drop.digest)
    report = store.gc()
    assert report.chunks_removed > 0
    assert report.packs_deleted == 1  # the second put's pack held only its new tail
    assert store.stats().stored_bytes < before
    assert store.get(keep.digest) == base
    assert store.verify() == []
    with pytest.raises(NotFoundError):
        store.get(drop.digest)


def test_gc_compacts_packs_that_are_mostly_garbage(store: ArtifactStore) -> None:
    rng = random.Random(2)
    shared, private = rng.randbytes(100_000), rng.randbytes(400_000)
    big = store.put(shared + private)
    small = store.put(shared)  # reuses the first pack's leading chunks only
    store.delete(big.digest)
    report = store.gc()
    assert report.packs_compacted == 1 and report.bytes_freed > 300_000
    assert store.get(small.digest) == shared
    assert store.verify() == []


def test_unknown_digest_is_not_found_with_a_hint(store: ArtifactStore) -> None:
    with pytest.raises(NotFoundError) as caught:
        store.get("0" * 64)
    assert "artifacts search" in caught.value.hint
