"""Per-keystroke ranking reuses the previous query's survivors; it must rank exactly like a fresh index."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.workspace import fuzzy
from core.workspace.fuzzy import FuzzyIndex

PATH = st.lists(
    st.sampled_from(["src", "ws", "tree", "Main", "a_b", "e.py", "x-y", "cfg"]), min_size=1, max_size=4
).map("/".join)


@settings(max_examples=60, deadline=None)
@given(
    paths=st.lists(PATH, min_size=1, max_size=40),
    typed=st.text(alphabet="wstreMainpy_/.cfgx", min_size=1, max_size=6),
    recent=st.lists(PATH, max_size=3),
    cap=st.sampled_from([3, 1000]),
)
def test_typing_ranks_each_prefix_like_a_fresh_index(paths: list[str], typed: str, recent: list[str], cap: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fuzzy, "MAX_ALIGNED", cap)  # a small cap exercises the cheap pre-selection too
        typing = FuzzyIndex(paths)
        for end in [*range(1, len(typed) + 1), 1, len(typed)]:
            query = typed[:end]
            assert typing.rank(query, 10, recent) == FuzzyIndex(paths).rank(query, 10, recent)
