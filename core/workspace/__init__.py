"""The workspace: text files on disk, languages, the file tree, file listing and fuzzy file ranking.

Everything here is blocking file-system work; callers on an event loop run it in a worker thread
(``await asyncio.to_thread(read_text_file, path)``).
"""

from core.workspace.fuzzy import FuzzyIndex, Match, rank_paths
from core.workspace.ignore import IgnoreRules
from core.workspace.languages import PLAIN_TEXT, detect_language, known_languages, language_label
from core.workspace.listing import iter_workspace_files, iter_workspace_relpaths
from core.workspace.textfile import LoadedText, SavedText, read_text_file, save_like, save_text_file
from core.workspace.tree import Entry, WorkspaceTree, natural_key

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
