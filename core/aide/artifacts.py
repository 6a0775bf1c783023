"""The artifact store: content-addressed (BLAKE3), chunk-deduplicated, verified on read, collectable, tiered.

Layout: chunks (FastCDC, ~16 KiB) are appended to pack files, one new pack per put holding only the chunks the
store did not have, fsynced once before the SQLite metadata that points at it commits. A crash therefore leaves
at most an unreferenced pack, never metadata pointing at missing bytes. Packs are also the unit of tiering:
a pack moves to a colder tier when every artifact using it is stale, and comes back on the next read.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blake3 import blake3

from core.aide.chunking import chunk_spans
from core.aide.tiers import HOT, Tier
from core.errors import ConfigError, NotFoundError, SymphonyIOError

COMPACT_BELOW = 0.5
"""GC rewrites a pack when less than this share of its bytes is still referenced."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS packs (
    pack TEXT PRIMARY KEY, tier TEXT NOT NULL, size INTEGER NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    digest TEXT PRIMARY KEY, pack TEXT NOT NULL REFERENCES packs(pack), offset INTEGER NOT NULL,
    length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_pack ON chunks(pack);
CREATE TABLE IF NOT EXISTS artifacts (
    digest TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, size INTEGER NOT NULL,
    created REAL NOT NULL, accessed REAL NOT NULL, tags TEXT NOT NULL, metadata TEXT NOT NULL,
    indexed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS artifact_chunks (
    artifact TEXT NOT NULL REFERENCES artifacts(digest) ON DELETE CASCADE, seq INTEGER NOT NULL,
    chunk TEXT NOT NULL, PRIMARY KEY (artifact, seq)
);
CREATE INDEX IF NOT EXISTS artifact_chunks_by_chunk ON artifact_chunks(chunk);
CREATE TABLE IF NOT EXISTS unindexed (digest TEXT PRIMARY KEY);
"""


class ArtifactCorruptedError(SymphonyIOError):
    """Stored bytes no longer match their digest: the artifact is never returned."""

    default_hint = "Restore the store from a backup or re-create the artifact; `verify()` lists every damaged chunk."


@dataclass(frozen=True, slots=True)
class ArtifactInfo:
    """What the catalogue knows about an artifact."""

    digest: str
    name: str
    kind: str
    size: int
    created: float
    accessed: float
    tags: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Logical bytes (sum of artifact sizes) against bytes actually stored in chunks."""

    artifacts: int
    logical_bytes: int
    stored_bytes: int
    packs: int

    @property
    def dedup_saving(self) -> float:
        """Share of logical bytes that deduplication did not have to store (0..1)."""
        return 1 - self.stored_bytes / self.logical_bytes if self.logical_bytes else 0.0


@dataclass(frozen=True, slots=True)
class Damage:
    """One chunk that failed verification."""

    chunk: str
    pack: str
    offset: int
    reason: str


@dataclass(frozen=True, slots=True)
class GcReport:
    """What garbage collection removed."""

    chunks_removed: int
    packs_deleted: int
    packs_compacted: int
    bytes_freed: int


class ArtifactStore:
    """Artifacts under ``root`` (hot packs + SQLite catalogue); extra tiers by name for the stale manager."""

    def __init__(self, root: Path, *, tiers: Sequence[Tier] = ()) -> None:
        self.root = root
        self.packs_dir = root / "packs"
        self.tiers: dict[str, Tier] = {}
        for tier in tiers:
            if tier.name in self.tiers:
                raise ConfigError(f"two artifact tiers are named {tier.name!r}", hint="Give each tier its own name.")
            self.tiers[tier.name] = tier
        try:
            self.packs_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(root / "catalogue.db", isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise SymphonyIOError(f"cannot open the artifact store in {root}: {exc}", data={"path": str(root)}) from exc
        self._lock = threading.RLock()

    def close(self) -> None:
        """Close the catalogue."""
        with self._lock:
            self._db.close()

    # -- writing --

    def put(
        self,
        data: bytes,
        *,
        name: str = "",
        kind: str = "bytes",
        tags: Sequence[str] = (),
        metadata: Mapping[str, Any] | None = None,
    ) -> ArtifactInfo:
        """Store ``data`` and return its catalogue entry; storing known content again only refreshes it."""
        digest = blake3(data).hexdigest()
        now = time.time()
        with self._lock:
            existing = self._info(digest)
            if existing is not None:
                self._db.execute("UPDATE artifacts SET accessed=? WHERE digest=?", (now, digest))
                return existing
            view = memoryview(data)
            spans = chunk_spans(view)
            chunk_digests = [blake3(view[s.offset : s.offset + s.length]).hexdigest() for s in spans]
            known = self._known_chunks(chunk_digests)
            pack = uuid.uuid4().hex
            new_rows: list[tuple[str, str, int, int]] = []
            pieces: list[memoryview] = []
            offset = 0
            for span, chunk in zip(spans, chunk_digests, strict=True):
                if chunk in known:
                    continue
                known.add(chunk)
                pieces.append(view[span.offset : span.offset + span.length])
                new_rows.append((chunk, pack, offset, span.length))
                offset += span.length
            if pieces:
                self._write_pack(pack, pieces)
            info = ArtifactInfo(digest, name, kind, len(data), now, now, tuple(tags), dict(metadata or {}))
            with self._transaction():
                if pieces:
                    self._db.execute("INSERT INTO packs VALUES (?, ?, ?, ?)", (pack, HOT, offset, now))
                    self._db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?)", new_rows)
                self._db.execute(
                    "INSERT INTO artifacts (digest, name, kind, size, created, accessed, tags, metadata)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (digest, name, kind, len(data), now, now, json.dumps(list(tags)), json.dumps(info.metadata)),
                )
                self._db.executemany(
                    "INSERT INTO artifact_chunks VALUES (?, ?, ?)",
                    [(digest, seq, chunk) for seq, chunk in enumerate(chunk_digests)],
                )
            return info

    def put_file(self, path: Path, *, kind: str = "file", **extra: Any) -> ArtifactInfo:
        """Store a file's bytes, named after the file unless ``name`` is given."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SymphonyIOError(f"cannot read {path} to store it: {exc.strerror}", data={"path": str(path)}) from exc
        extra.setdefault("name", path.name)
        return self.put(data, kind=kind, **extra)

    def delete(self, digest: str) -> None:
        """Drop an artifact from the catalogue; its chunks go at the next :meth:`gc` if nothing else uses them."""
        with self._lock, self._transaction():
            cursor = self._db.execute("DELETE FROM artifacts WHERE digest=?", (digest,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no artifact {digest!r} in {self.root}", data={"digest": digest})
            self._db.execute("INSERT OR IGNORE INTO unindexed VALUES (?)", (digest,))

    # -- reading --

    def get(self, digest: str, *, touch: bool = True) -> bytes:
        """The artifact's bytes, verified chunk by chunk; packs in colder tiers are fetched back first.

        ``touch`` records the read as a use (which keeps the artifact in the hot tier); indexing passes False.
        """
        with self._lock:
            if self._info(digest) is None:
                raise NotFoundError(
                    f"no artifact {digest!r} in {self.root}",
                    hint="Search with `symphony artifacts search`; it may have been deleted and collected.",
                    data={"digest": digest},
                )
            rows = self._db.execute(
                "SELECT c.digest, c.pack, c.offset, c.length, p.tier FROM artifact_chunks ac"
                " JOIN chunks c ON c.digest = ac.chunk JOIN packs p ON p.pack = c.pack"
                " WHERE ac.artifact=? ORDER BY ac.seq",
                (digest,),
            ).fetchall()
            for pack in {row[1] for row in rows if row[4] != HOT}:
                self._fetch_back(pack)
            if touch:
                self._db.execute("UPDATE artifacts SET accessed=? WHERE digest=?", (time.time(), digest))
            # Still under the lock: GC compaction and tier moves must not remove a pack while it is read.
            out = self._read_chunks(digest, rows)
        if blake3(out).hexdigest() != digest:
            raise ArtifactCorruptedError(
                f"artifact {digest}: its chunk list in the catalogue does not rebuild the stored content",
                data={"artifact": digest},
            )
        return bytes(out)

    def _read_chunks(self, digest: str, rows: list[tuple[str, str, int, int, str]]) -> bytearray:
        out = bytearray()
        handles: dict[str, Any] = {}
        try:
            for chunk, pack, offset, length, _ in rows:
                handle = handles.get(pack)
                if handle is None:
                    handle = handles[pack] = self._open_pack(pack, chunk)
                handle.seek(offset)
                piece = handle.read(length)
                if len(piece) != length or blake3(piece).hexdigest() != chunk:
                    raise ArtifactCorruptedError(
                        f"artifact {digest}: chunk {chunk} in pack {pack} at offset {offset} is damaged"
                        f" ({'truncated' if len(piece) != length else 'content does not match its digest'})",
                        data={"artifact": digest, "chunk": chunk, "pack": pack, "offset": offset},
                    )
                out += piece
        finally:
            for handle in handles.values():
                handle.close()
        return out

    def info(self, digest: str) -> ArtifactInfo:
        """The catalogue entry of an artifact."""
        with self._lock:
            info = self._info(digest)
        if info is None:
            raise NotFoundError(f"no artifact {digest!r} in {self.root}", data={"digest": digest})
        return info

    def recent(self, *, limit: int = 100) -> list[ArtifactInfo]:
        """Most recently created artifacts first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT digest, name, kind, size, created, accessed, tags, metadata FROM artifacts"
                " ORDER BY created DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [_row_info(row) for row in rows]

    def stats(self) -> StoreStats:
        """Counts and the deduplication saving."""
        with self._lock:
            artifacts, logical = self._db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM artifacts").fetchone()
            (stored,) = self._db.execute("SELECT COALESCE(SUM(length), 0) FROM chunks").fetchone()
            (packs,) = self._db.execute("SELECT COUNT(*) FROM packs").fetchone()
        return StoreStats(artifacts, logical, stored, packs)

    # -- maintenance --

    def verify(self) -> list[Damage]:
        """Check every chunk in the hot tier against its digest; an empty list means all is well."""
        damage: list[Damage] = []
        with self._lock:
            rows = self._db.execute(
                "SELECT c.digest, c.pack, c.offset, c.length FROM chunks c JOIN packs p ON p.pack = c.pack"
                " WHERE p.tier = ? ORDER BY c.pack, c.offset",
                (HOT,),
            ).fetchall()
            current, handle = None, None
            try:
                for chunk, pack, offset, length in rows:
                    if pack != current:
                        if handle is not None:
                            handle.close()
                        current, handle = pack, None
                        try:
                            handle = self._pack_path(pack).open("rb")
                        except OSError as exc:
                            damage.append(Damage(chunk, pack, offset, f"pack unreadable: {exc.strerror}"))
                            continue
                    if handle is None:
                        damage.append(Damage(chunk, pack, offset, "pack unreadable"))
                        continue
                    handle.seek(offset)
                    piece = handle.read(length)
                    if len(piece) != length:
                        damage.append(Damage(chunk, pack, offset, "truncated"))
                    elif blake3(piece).hexdigest() != chunk:
                        damage.append(Damage(chunk, pack, offset, "content does not match its digest"))
            finally:
                if handle is not None:
                    handle.close()
        return damage

    def gc(self) -> GcReport:
        """Remove chunks no artifact uses; delete empty packs and rewrite mostly-empty ones."""
        with self._lock:
            with self._transaction():
                dead = self._db.execute(
                    "SELECT c.digest, c.length FROM chunks c WHERE NOT EXISTS"
                    " (SELECT 1 FROM artifact_chunks ac WHERE ac.chunk = c.digest)"
                ).fetchall()
                self._db.executemany("DELETE FROM chunks WHERE digest=?", [(d,) for d, _ in dead])
            packs = self._db.execute(
                "SELECT p.pack, p.tier, p.size, COALESCE(SUM(c.length), 0) FROM packs p"
                " LEFT JOIN chunks c ON c.pack = p.pack GROUP BY p.pack"
            ).fetchall()
            deleted = compacted = freed = 0
            for pack, tier, size, live in packs:
                if live == 0:
                    with self._transaction():
                        self._db.execute("DELETE FROM packs WHERE pack=?", (pack,))
                    self._remove_pack(pack, tier)
                    deleted += 1
                    freed += size
                elif tier == HOT and live < size * COMPACT_BELOW:
                    self._compact(pack)
                    compacted += 1
                    freed += size - live
        return GcReport(len(dead), deleted, compacted, freed)

    # -- tiering support (used by core.aide.tiering) --

    def stale_packs(self, tier: str, accessed_before: float) -> list[str]:
        """Packs in ``tier`` whose every artifact was last used before ``accessed_before``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT p.pack FROM packs p WHERE p.tier = ?"
                " AND EXISTS (SELECT 1 FROM chunks c JOIN artifact_chunks ac ON ac.chunk = c.digest"
                "             WHERE c.pack = p.pack)"
                " AND NOT EXISTS (SELECT 1 FROM chunks c JOIN artifact_chunks ac ON ac.chunk = c.digest"
                "                 JOIN artifacts a ON a.digest = ac.artifact"
                "                 WHERE c.pack = p.pack AND a.accessed >= ?)",
                (tier, accessed_before),
            ).fetchall()
        return [row[0] for row in rows]

    def move_pack(self, pack: str, to_tier: str) -> int:
        """Move a pack to another tier (via the hot tier); returns its size."""
        if to_tier != HOT and to_tier not in self.tiers:
            raise ConfigError(
                f"no artifact tier named {to_tier!r}", hint=f"Known tiers: {HOT}, {', '.join(self.tiers)}"
            )
        with self._lock:
            row = self._db.execute("SELECT tier, size FROM packs WHERE pack=?", (pack,)).fetchone()
            if row is None:
                raise NotFoundError(f"no pack {pack!r} in {self.root}")
            tier, size = row
            if tier == to_tier:
                return 0
            if tier != HOT:
                self._fetch_back(pack)
            if to_tier == HOT:
                return int(size)
            local = self._pack_path(pack)
            self.tiers[to_tier].upload(local, pack)
            with self._transaction():
                self._db.execute("UPDATE packs SET tier=? WHERE pack=?", (to_tier, pack))
            local.unlink(missing_ok=True)
            return int(size)

    def set_accessed(self, digest: str, when: float) -> None:
        """Set an artifact's last-use time (for tests and imports of old artifacts)."""
        with self._lock:
            self._db.execute("UPDATE artifacts SET accessed=? WHERE digest=?", (when, digest))

    def pack_tiers(self) -> dict[str, str]:
        """Each pack's current tier."""
        with self._lock:
            return dict(self._db.execute("SELECT pack, tier FROM packs").fetchall())

    def packs_of(self, digest: str) -> list[str]:
        """The packs holding an artifact's chunks."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT c.pack FROM artifact_chunks ac JOIN chunks c ON c.digest = ac.chunk"
                " WHERE ac.artifact=?",
                (digest,),
            ).fetchall()
        return [row[0] for row in rows]

    def pack_path(self, pack: str) -> Path:
        """Where a hot pack lives on disk."""
        return self._pack_path(pack)

    # -- search support (used by core.aide.search) --

    def unindexed(self, limit: int = 1000) -> tuple[list[ArtifactInfo], list[str]]:
        """Artifacts not yet in the search index, and digests deleted since the last indexing."""
        with self._lock:
            rows = self._db.execute(
                "SELECT digest, name, kind, size, created, accessed, tags, metadata FROM artifacts"
                " WHERE indexed = 0 LIMIT ?",
                (limit,),
            ).fetchall()
            gone = [row[0] for row in self._db.execute("SELECT digest FROM unindexed").fetchall()]
        return [_row_info(row) for row in rows], gone

    def mark_indexed(self, digests: Sequence[str], removed: Sequence[str]) -> None:
        """Record that the search index now holds ``digests`` and no longer holds ``removed``."""
        with self._lock, self._transaction():
            self._db.executemany("UPDATE artifacts SET indexed=1 WHERE digest=?", [(d,) for d in digests])
            self._db.executemany("DELETE FROM unindexed WHERE digest=?", [(d,) for d in removed])

    # -- internals --

    def _info(self, digest: str) -> ArtifactInfo | None:
        row = self._db.execute(
            "SELECT digest, name, kind, size, created, accessed, tags, metadata FROM artifacts WHERE digest=?",
            (digest,),
        ).fetchone()
        return _row_info(row) if row else None

    def _known_chunks(self, digests: list[str]) -> set[str]:
        known: set[str] = set()
        unique = list(dict.fromkeys(digests))
        for start in range(0, len(unique), 500):
            batch = unique[start : start + 500]
            marks = ",".join("?" * len(batch))
            known.update(r[0] for r in self._db.execute(f"SELECT digest FROM chunks WHERE digest IN ({marks})", batch))
        return known

    def _pack_path(self, pack: str) -> Path:
        return self.packs_dir / pack[:2] / f"{pack}.pack"

    def _write_pack(self, pack: str, pieces: list[memoryview]) -> None:
        path = self._pack_path(pack)
        try:
            path.parent.mkdir(exist_ok=True)
            with path.open("wb") as handle:
                handle.writelines(pieces)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            path.unlink(missing_ok=True)
            raise SymphonyIOError(f"cannot write pack {path}: {exc.strerror}", data={"path": str(path)}) from exc

    def _open_pack(self, pack: str, chunk: str) -> Any:
        path = self._pack_path(pack)
        try:
            return path.open("rb")
        except FileNotFoundError:
            raise ArtifactCorruptedError(
                f"pack {pack} holding chunk {chunk} is missing from {self.packs_dir}",
                data={"pack": pack, "chunk": chunk},
            ) from None

    def _fetch_back(self, pack: str) -> None:
        (tier,) = self._db.execute("SELECT tier FROM packs WHERE pack=?", (pack,)).fetchone()
        if tier == HOT:
            return
        source = self.tiers.get(tier)
        if source is None:
            raise ConfigError(
                f"pack {pack} is in tier {tier!r}, which this store was not given",
                hint="Configure the same artifact tiers as when the pack was moved.",
            )
        local = self._pack_path(pack)
        local.parent.mkdir(exist_ok=True)
        partial = local.with_suffix(".partial")
        source.download(pack, partial)
        partial.replace(local)
        with self._transaction():
            self._db.execute("UPDATE packs SET tier=? WHERE pack=?", (HOT, pack))
        source.remove(pack)

    def _remove_pack(self, pack: str, tier: str) -> None:
        if tier == HOT:
            self._pack_path(pack).unlink(missing_ok=True)
        elif tier in self.tiers:
            self.tiers[tier].remove(pack)

    def _compact(self, pack: str) -> None:
        rows = self._db.execute("SELECT digest, offset, length FROM chunks WHERE pack=? ORDER BY offset", (pack,))
        live = rows.fetchall()
        source = self._pack_path(pack)
        with source.open("rb") as handle:
            pieces = []
            for _, offset, length in live:
                handle.seek(offset)
                pieces.append(memoryview(handle.read(length)))
        fresh = uuid.uuid4().hex
        self._write_pack(fresh, pieces)
        moved, position = [], 0
        for (digest, _, length), _piece in zip(live, pieces, strict=True):
            moved.append((fresh, position, digest))
            position += length
        with self._transaction():
            self._db.execute("INSERT INTO packs VALUES (?, ?, ?, ?)", (fresh, HOT, position, time.time()))
            self._db.executemany("UPDATE chunks SET pack=?, offset=? WHERE digest=?", moved)
            self._db.execute("DELETE FROM packs WHERE pack=?", (pack,))
        source.unlink(missing_ok=True)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK")
            raise SymphonyIOError(f"cannot write the artifact catalogue in {self.root}: {exc}") from exc


def _row_info(row: tuple[Any, ...]) -> ArtifactInfo:
    digest, name, kind, size, created, accessed, tags, metadata = row
    return ArtifactInfo(digest, name, kind, size, created, accessed, tuple(json.loads(tags)), json.loads(metadata))


__all__ = [
    "COMPACT_BELOW",
    "ArtifactCorruptedError",
    "ArtifactInfo",
    "ArtifactStore",
    "Damage",
    "GcReport",
    "StoreStats",
]
