"""Hot exit, UI side: restore the unsaved buffers a previous run left behind (it may have been killed).

Each Editor backs itself up (see ``Editor._schedule_backup``); this module brings the backups back as tabs with
their text and cursor when Symphony starts on the same workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import SymphonyError
from core.text.backups import BackupStore

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp


async def restore_unsaved(app: SymphonyApp) -> int:
    """Reopen every backed-up buffer of ``app.workspace``; returns how many were restored."""
    store = BackupStore(app.workspace)
    try:
        backups = store.load_all()
    except SymphonyError as exc:
        app.notify(f"{exc.message}\n{exc.hint}", title="Unsaved changes not restored", severity="warning")
        return 0
    restored = 0
    for backup in backups:
        path = Path(backup.path) if backup.path else None
        editor = await app.open_file(path) if path is not None and path.is_file() else await app.new_file()
        if editor is None:
            continue
        store.discard(editor.buffer_id)  # the new editor adopts the old backup's id instead
        editor.buffer_id = backup.buffer_id
        if editor.text != backup.text:
            editor.load_text(backup.text)
        row = min(backup.cursor[0], editor.document.line_count - 1)
        editor.move_cursor((row, min(backup.cursor[1], len(editor.document[row]))))
        editor.scroll_cursor_visible(center=True)
        restored += 1
    if restored:
        app.notify(
            f"Restored {restored} unsaved buffer{'s' if restored > 1 else ''} from the last session.",
            title="Hot exit",
        )
    return restored
