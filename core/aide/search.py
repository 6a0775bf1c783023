"""Full-text and metadata search over the artifact catalogue (tantivy).

Indexing is lazy: ``put`` only marks an artifact unindexed (a tantivy commit costs ~100 ms, far above the
store's budget), and :meth:`ArtifactSearch.search` first indexes whatever is new. Text artifacts up to
MAX_BODY_BYTES have their content indexed too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.aide.artifacts import ArtifactCorruptedError, ArtifactInfo, ArtifactStore
from core.errors import NotFoundError, SymphonyIOError, ValidationError

MAX_BODY_BYTES = 1024 * 1024
"""Largest artifact whose content is indexed; bigger ones are found by name, kind, tags and metadata."""

TEXT_KINDS = frozenset({"text", "markdown", "json", "log", "csv", "code", "file"})


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A matching artifact and its relevance."""

    digest: str
    name: str
    kind: str
    score: float


class ArtifactSearch:
    """A tantivy index beside the store; query with tantivy syntax (``fox``, ``kind:report``, ``meta.run:r1``)."""

    def __init__(self, store: ArtifactStore, path: Path | None = None) -> None:
        import tantivy  # deferred: the index is only opened by those who search

        self._tantivy: Any = tantivy
        self.store = store
        self.path = path or store.root / "index"
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("digest", stored=True, tokenizer_name="raw")
        builder.add_text_field("name", stored=True)
        builder.add_text_field("kind", stored=True, tokenizer_name="raw")
        builder.add_text_field("tags")
        builder.add_text_field("body")
        builder.add_json_field("meta")
        schema = builder.build()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._index: Any = tantivy.Index(schema, path=str(self.path))
        except (OSError, ValueError) as exc:
            raise SymphonyIOError(
                f"cannot open the artifact search index in {self.path}: {exc}",
                hint="Delete the index directory; it is rebuilt from the catalogue on the next search.",
            ) from exc

    def refresh(self) -> int:
        """Index new artifacts and drop deleted ones; returns how many were indexed."""
        total = 0
        while True:
            infos, removed = self.store.unindexed()
            if not infos and not removed:
                return total
            try:
                writer = self._index.writer(heap_size=15_000_000, num_threads=1)
            except ValueError:
                # Another process (the IDE, another CLI) holds the index writer and is indexing the same
                # catalogue; search what is indexed now rather than fail.
                return total
            for digest in removed:
                writer.delete_documents_by_term("digest", digest)
            for info in infos:
                writer.delete_documents_by_term("digest", info.digest)
                writer.add_document(self._document(info))
            writer.commit()
            writer.wait_merging_threads()
            self.store.mark_indexed([i.digest for i in infos], removed)
            total += len(infos)

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Best matches first; a malformed query is a ValidationError showing the syntax."""
        self.refresh()
        self._index.reload()
        try:
            parsed = self._index.parse_query(query, ["name", "body", "tags", "kind", "meta"])
        except ValueError as exc:
            raise ValidationError(
                f"cannot parse search query {query!r}: {exc}",
                hint="Use words, quoted phrases, field:value (name, kind, tags, meta.KEY) and AND/OR/NOT.",
            ) from exc
        searcher = self._index.searcher()
        hits = []
        for score, address in searcher.search(parsed, limit).hits:
            document = searcher.doc(address)
            hits.append(SearchHit(document["digest"][0], document["name"][0], document["kind"][0], float(score)))
        return hits

    def _document(self, info: ArtifactInfo) -> Any:
        body = ""
        if info.kind in TEXT_KINDS and info.size <= MAX_BODY_BYTES:
            try:
                body = self.store.get(info.digest, touch=False).decode("utf-8")
            except (UnicodeDecodeError, ArtifactCorruptedError, NotFoundError):
                body = ""  # binary or damaged content stays findable by its catalogue fields
        return self._tantivy.Document(
            digest=info.digest,
            name=info.name,
            kind=info.kind,
            tags=" ".join(info.tags),
            body=body,
            meta=dict(info.metadata),
        )


__all__ = ["MAX_BODY_BYTES", "TEXT_KINDS", "ArtifactSearch", "SearchHit"]
