"""The session file: round trip, per workspace, and tolerant of damage (a bad file never blocks start-up)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from core.workspace.session import SessionState, SessionStore, TabState

tabs = st.builds(
    TabState,
    path=st.text(min_size=1, max_size=30),
    cursor=st.tuples(st.integers(0, 10**6), st.integers(0, 10**4)),
    scroll=st.tuples(st.integers(0, 10**4), st.integers(0, 10**6)),
    language=st.none() | st.sampled_from(["python", "rust", "text"]),
)


@given(
    tab_list=st.lists(tabs, max_size=6),
    active=st.integers(0, 5) | st.none(),
    explorer_visible=st.booleans(),
    width=st.none() | st.integers(12, 120),
    terminal=st.booleans(),
)
def test_a_saved_session_loads_back_equal(
    tmp_path_factory,
    tab_list,
    active,
    explorer_visible,
    width,
    terminal,  # type: ignore[no-untyped-def]
) -> None:
    root = tmp_path_factory.mktemp("state")
    store = SessionStore(root / "ws", root=root)
    state = SessionState(
        tabs=tuple(tab_list),
        active=active if active is not None and active < len(tab_list) else None,
        explorer_visible=explorer_visible,
        explorer_width=width,
        terminal_visible=terminal,
    )
    store.save(state)
    assert store.load() == state


def test_each_workspace_has_its_own_session(tmp_path: Path) -> None:
    one, two = SessionStore(tmp_path / "a", root=tmp_path), SessionStore(tmp_path / "b", root=tmp_path)
    one.save(SessionState(tabs=(TabState("x.py"),), active=0))
    assert two.load() is None
    assert one.load() == SessionState(tabs=(TabState("x.py"),), active=0)


def test_damaged_or_foreign_session_files_are_ignored(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "ws", root=tmp_path)
    store.file.parent.mkdir(parents=True, exist_ok=True)
    for content in ["{not json", '{"format": 99, "tabs": []}', '{"format": 1, "tabs": [{"cursor": [1, 2]}]}', "[]"]:
        store.file.write_text(content, encoding="utf-8")
        assert store.load() is None, content
    store.file.write_text('{"format": 1, "tabs": [{"path": "a"}], "active": 7}', encoding="utf-8")
    assert store.load() == SessionState(tabs=(TabState("a"),), active=None)
