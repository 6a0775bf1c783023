"""Hot-exit backups: atomic per-buffer files per workspace that survive a restart and vanish when discarded."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from core.text.backups import BackupStore, BufferBackup


def test_backups_round_trip_in_tab_order_and_discard_removes_them(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "ws", root=tmp_path / "state")
    store.save(BufferBackup("b", None, "untitled text", (0, 5), order=2))
    store.save(BufferBackup("a", "/ws/x.py", "print()\n", (1, 0), saved_mtime_ns=7, order=1))
    assert [b.buffer_id for b in BackupStore(tmp_path / "ws", root=tmp_path / "state").load_all()] == ["a", "b"]
    store.discard("a")
    store.discard("missing")
    assert [b.text for b in store.load_all()] == ["untitled text"]


def test_each_workspace_has_its_own_private_backups(tmp_path: Path) -> None:
    one = BackupStore(tmp_path / "one", root=tmp_path / "state")
    two = BackupStore(tmp_path / "two", root=tmp_path / "state")
    one.save(BufferBackup("a", None, "1", (0, 0)))
    assert two.load_all() == []
    assert os.stat(one.directory).st_mode & 0o777 == 0o700


def test_a_corrupt_or_foreign_backup_is_skipped_not_fatal(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "ws", root=tmp_path / "state")
    store.save(BufferBackup("good", None, "kept", (0, 0)))
    (store.directory / "torn.json").write_text('{"format": 1, "buffer_id": ', encoding="utf-8")
    (store.directory / "future.json").write_text('{"format": 99}', encoding="utf-8")
    assert [b.text for b in store.load_all()] == ["kept"]


@settings(max_examples=40, deadline=None)
@given(st.text(), st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)))
def test_any_text_and_cursor_survive(text: str, cursor: tuple[int, int]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        store = BackupStore(Path(tmp) / "ws", root=Path(tmp) / "state")
        store.save(BufferBackup("x", "/p", text, cursor))
        (restored,) = store.load_all()
        assert (restored.text, restored.cursor) == (text, cursor)
