"""rank_paths: what the ctrl+p picker shows for a query."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workspace.fuzzy import MAX_ALIGNED, FuzzyIndex, Match, rank_paths


def ranked(query: str, paths: list[str], **kwargs: object) -> list[str]:
    return [match.path for match in rank_paths(query, paths, **kwargs)]  # type: ignore[arg-type]


def is_subsequence(query: str, text: str) -> bool:
    chars = iter(text.lower())
    return all(char in chars for char in query.lower())


def test_query_characters_must_appear_in_order() -> None:
    assert ranked("abc", ["cba.txt", "a/b/c.txt", "xaxbxc"]) == ["a/b/c.txt", "xaxbxc"]
    assert ranked("zzz", ["a.py", "z.py"]) == []


def test_matching_ignores_case_and_positions_point_into_the_original_path() -> None:
    [match] = rank_paths("readme", ["docs/README.md"])
    assert match.positions == [5, 6, 7, 8, 9, 10]
    assert "".join("docs/README.md"[i] for i in match.positions) == "README"


def test_file_name_match_ranks_above_folder_name_match() -> None:
    assert ranked("foo", ["foo/bar.py", "src/foo.py"]) == ["src/foo.py", "foo/bar.py"]


def test_contiguous_match_ranks_above_scattered_match() -> None:
    assert ranked("tree", ["t/r/e/e.py", "x/tab_reef_e.py", "core/tree.py"])[0] == "core/tree.py"


def test_word_start_matches_rank_above_mid_word_matches() -> None:
    assert ranked("fb", ["src/xfxbx.py", "src/foo_bar.py"]) == ["src/foo_bar.py", "src/xfxbx.py"]


def test_camel_case_humps_count_as_word_starts() -> None:
    assert ranked("fb", ["lib/fab.java", "lib/FooBar.java"]) == ["lib/FooBar.java", "lib/fab.java"]


def test_best_placement_is_chosen_not_the_first_one() -> None:
    [match] = rank_paths("test", ["t/e/s/t/unit/test.py"])
    assert match.positions == [13, 14, 15, 16]


def test_ties_go_to_the_shorter_path_then_to_the_given_order() -> None:
    assert ranked("main", ["pkg/deeper/main.py", "pkg/main.py", "app/main.py"]) == [
        "pkg/main.py",
        "app/main.py",
        "pkg/deeper/main.py",
    ]


def test_recent_files_get_a_bonus_that_fades_with_age() -> None:
    paths = ["a/util.py", "b/util.py", "c/util.py"]
    assert ranked("util", paths, recent=["c/util.py", "b/util.py"]) == ["c/util.py", "b/util.py", "a/util.py"]


def test_recency_does_not_rescue_a_non_match() -> None:
    assert ranked("xyz", ["a.py"], recent=["a.py"]) == []


def test_empty_query_lists_recent_files_then_the_rest_in_order() -> None:
    paths = ["a.py", "b.py", "c.py", "d.py"]
    recent = ["c.py", "gone.py", "a.py", "c.py"]
    matches = rank_paths("", paths, recent=recent)
    assert [match.path for match in matches] == ["c.py", "a.py", "b.py", "d.py"]
    assert all(match.positions == [] for match in matches)
    assert ranked("  ", paths, limit=3, recent=recent) == ["c.py", "a.py", "b.py"]


def test_whitespace_in_the_query_is_ignored() -> None:
    assert ranked("core tree", ["core/workspace/tree.py", "x.py"]) == ["core/workspace/tree.py"]


def test_limit_caps_the_results() -> None:
    paths = [f"file{i}.py" for i in range(100)]
    assert len(rank_paths("file", paths, limit=7)) == 7
    assert rank_paths("file", paths, limit=0) == []


def test_characters_whose_lower_case_is_longer_keep_positions_aligned() -> None:
    [match] = rank_paths("bul", ["İstanbul/notes.md"])
    assert "".join("İstanbul/notes.md"[i] for i in match.positions) == "bul"


def test_the_best_match_survives_when_there_are_very_many_candidates() -> None:
    noise = [f"data/a{i}/p{i}/p{i}.txt" for i in range(MAX_ALIGNED * 2)]  # every one contains "a", "p", "p"
    paths = [*noise, "src/deeply/nested/folder/app.py"]
    assert ranked("app", paths, limit=1) == ["src/deeply/nested/folder/app.py"]


def test_an_index_ranks_like_rank_paths_across_queries() -> None:
    paths = ["core/workspace/tree.py", "core/workspace/fuzzy.py", "tests/test_fuzzy.py", "README.md"]
    index = FuzzyIndex(paths)
    for query in ("fz", "tree", "", "md"):
        assert index.rank(query) == rank_paths(query, paths)


path_text = st.text(alphabet="abcABC_-./ xyz", min_size=1, max_size=25)


@given(query=st.text(alphabet="abcABC_-./ xyz", max_size=5), paths=st.lists(path_text, max_size=20, unique=True))
def test_exactly_the_paths_containing_the_query_in_order_match(query: str, paths: list[str]) -> None:
    needle = "".join(query.split())
    matches = rank_paths(query, paths, limit=len(paths) + 1)
    if needle:
        assert {match.path for match in matches} == {path for path in paths if is_subsequence(needle, path)}
    else:
        assert [match.path for match in matches] == paths


@given(query=st.text(alphabet="abc_/x", min_size=1, max_size=5), paths=st.lists(path_text, max_size=20, unique=True))
def test_positions_spell_the_query_and_results_are_sorted_by_score(query: str, paths: list[str]) -> None:
    matches = rank_paths(query, paths, limit=len(paths) + 1)
    for match in matches:
        assert match.positions == sorted(set(match.positions))
        assert "".join(match.path[i] for i in match.positions).lower() == query.lower()
    scores = [match.score for match in matches]
    assert scores == sorted(scores, reverse=True)


@given(name=st.text(alphabet="abcdefgh", min_size=3, max_size=8), folders=st.lists(st.sampled_from(["x", "yy"])))
def test_query_equal_to_a_file_name_ranks_it_first(name: str, folders: list[str]) -> None:
    target = "/".join([*folders, name + ".py"])
    decoys = [f"{name}/other.py", f"{name[0]}_{name[1:]}/z.py", f"z{name}z/{name}q.py"]
    paths = [*decoys, target] if target not in decoys else decoys
    assert ranked(name + ".py", paths)[0] == target


@pytest.mark.parametrize("query", ["a", "ab", "abc"])
def test_match_is_a_plain_value(query: str) -> None:
    [match] = rank_paths(query, ["abc"])
    assert match == Match("abc", match.score, list(range(len(query))))
