"""Candidates come from scanning all paths joined in one string; with room for every match, the ranking must be
exactly what aligning every path would give."""

from __future__ import annotations

import heapq

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.workspace import fuzzy
from core.workspace.fuzzy import FuzzyIndex, Match


def brute_force(query: str, paths: list[str], limit: int) -> list[Match]:
    """The specification: align every path, best score first, ties to the shorter path then the earlier one."""
    needle = fuzzy._fold("".join(query.split()))
    scored = []
    for index, path in enumerate(paths):
        aligned = fuzzy._best_alignment(needle, fuzzy._fold(path), path, fuzzy._basename_start(path))
        if aligned is not None:
            scored.append((aligned[0], len(path), index, aligned[1]))
    best = heapq.nsmallest(limit, scored, key=lambda item: (-item[0], item[1], item[2]))
    return [Match(paths[index], score, positions) for score, _, index, positions in best]


ALPHABET = "abAB_-./ ]^\\[*+?()xyz"


@settings(max_examples=150, deadline=None)
@given(
    paths=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=20), min_size=1, max_size=30, unique=True),
    query=st.text(alphabet=ALPHABET, min_size=1, max_size=5),
)
def test_with_room_for_every_match_the_scan_ranks_like_aligning_every_path(paths: list[str], query: str) -> None:
    if not "".join(query.split()):
        return
    assert FuzzyIndex(paths).rank(query, 10) == brute_force(query, paths, 10)


def test_regex_characters_in_the_query_are_matched_literally() -> None:
    paths = ["src/a[1].py", "src/a1.py", "notes/c++/x.md", "lib/^caret.txt", "back\\slash.txt"]
    assert [m.path for m in FuzzyIndex(paths).rank("[1]")] == ["src/a[1].py"]
    assert [m.path for m in FuzzyIndex(paths).rank("c++")] == ["notes/c++/x.md"]
    assert [m.path for m in FuzzyIndex(paths).rank("^c")] == ["lib/^caret.txt"]
    assert [m.path for m in FuzzyIndex(paths).rank("\\s")] == ["back\\slash.txt"]


def test_a_capped_scan_prefers_the_query_inside_file_names_and_shorter_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fuzzy, "MAX_ALIGNED", 2)
    paths = ["deep/folder/with/main/x.txt", "a/main.py", "longer/path/to/main.py", "m/a/i/n.txt", "src/main.py"]
    ranked = [m.path for m in FuzzyIndex(paths).rank("main", limit=5)]
    assert ranked == ["a/main.py", "src/main.py"]  # the two shortest with "main" in the file name


def test_a_recent_file_is_kept_even_when_the_scan_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fuzzy, "MAX_ALIGNED", 2)
    paths = ["a/main.py", "b/main.py", "c/main.py", "very/long/folder/name/main.py"]
    ranked = [m.path for m in FuzzyIndex(paths).rank("main", limit=5, recent=["very/long/folder/name/main.py"])]
    assert ranked[0] == "very/long/folder/name/main.py"
    assert len(ranked) == 2


def test_files_near_the_edited_one_rank_first_among_equal_matches() -> None:
    paths = ["lib/far/away/util.py", "src/app/util.py", "src/other/util.py"]
    index = FuzzyIndex(paths)
    assert [m.path for m in index.rank("util", near="src/app/main.py")][:2] == ["src/app/util.py", "src/other/util.py"]
    assert index.rank("util", near="lib/far/away/x.py")[0].path == "lib/far/away/util.py"
    assert index.rank("util")[0].path == "src/app/util.py"  # without it: the shorter path
