"""Artifacts are found by content words, name, kind, tags and metadata; deleted ones disappear."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.aide.artifacts import ArtifactStore
from core.aide.search import ArtifactSearch
from core.errors import ValidationError


def test_search_by_text_name_tags_and_metadata(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "store")
    story = store.put(
        b"the quick brown fox jumps", name="story.md", kind="text", tags=["draft"], metadata={"run": "r1"}
    )
    weights = store.put(b"\x00\x01\x02", name="weights.bin", kind="bytes", metadata={"run": "r2"})
    search = ArtifactSearch(store)
    assert [h.digest for h in search.search("fox")] == [story.digest]
    assert [h.digest for h in search.search("weights")] == [weights.digest]
    assert [h.digest for h in search.search("tags:draft")] == [story.digest]
    assert [h.digest for h in search.search("meta.run:r2")] == [weights.digest]
    assert [h.name for h in search.search("kind:text")] == ["story.md"]
    store.delete(story.digest)
    assert search.search("fox") == []
    store.close()


def test_new_artifacts_are_searchable_without_an_explicit_refresh(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "store")
    search = ArtifactSearch(store)
    assert search.search("report") == []
    store.put(b"quarterly numbers", name="report.csv", kind="csv")
    assert [h.name for h in search.search("quarterly")] == ["report.csv"]
    store.close()


def test_malformed_query_says_what_syntax_is_accepted(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "store")
    with pytest.raises(ValidationError) as caught:
        ArtifactSearch(store).search("name:(")
    assert "field:value" in caught.value.hint
    store.close()
