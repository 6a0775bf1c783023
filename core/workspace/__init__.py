"""The workspace: text files on disk, languages, the file tree, file listing and fuzzy file ranking.

Everything here is blocking file-system work; callers on an event loop run it in a worker thread
(``await asyncio.to_thread(read_text_file, path)``).
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.workspace.fuzzy import FuzzyIndex, Match, rank_paths
    from core.workspace.ignore import IgnoreRules
    from core.workspace.languages import PLAIN_TEXT, detect_language, known_languages, language_label
    from core.workspace.listing import iter_workspace_files, iter_workspace_relpaths
    from core.workspace.textfile import LoadedText, SavedText, read_text_file, save_like, save_text_file
    from core.workspace.tree import Entry, WorkspaceTree, natural_key

# Submodules load on first use (PEP 562): the app's first frame needs only some of them, and pathspec and
# rapidfuzz are not free to import.
_LAZY = {
    name.strip(): module
    for module, names in (
        ("core.workspace.fuzzy", "FuzzyIndex, Match, rank_paths"),
        ("core.workspace.ignore", "IgnoreRules"),
        ("core.workspace.languages", "PLAIN_TEXT, detect_language, known_languages, language_label"),
        ("core.workspace.listing", "iter_workspace_files, iter_workspace_relpaths"),
        ("core.workspace.textfile", "LoadedText, SavedText, read_text_file, save_like, save_text_file"),
        ("core.workspace.tree", "Entry, WorkspaceTree, natural_key"),
    )
    for name in names.split(",")
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'core.workspace' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "PLAIN_TEXT",
    "Entry",
    "FuzzyIndex",
    "IgnoreRules",
    "LoadedText",
    "Match",
    "SavedText",
    "WorkspaceTree",
    "detect_language",
    "iter_workspace_files",
    "iter_workspace_relpaths",
    "known_languages",
    "language_label",
    "natural_key",
    "rank_paths",
    "read_text_file",
    "save_like",
    "save_text_file",
]
