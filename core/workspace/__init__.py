"""The workspace: text files, languages, the file tree, listing, fuzzy ranking, search, git, file operations,
the change watcher and outline symbols.

Everything here is blocking file-system work; callers on an event loop run it in a worker thread
(``await asyncio.to_thread(read_text_file, path)``).
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:
    from core.workspace.fileops import FileOperation, FileOperations
    from core.workspace.fuzzy import FuzzyIndex, Match, rank_paths
    from core.workspace.git import GitRepository, RepoStatus
    from core.workspace.ignore import IgnoreRules
    from core.workspace.languages import PLAIN_TEXT, detect_language, known_languages, language_label
    from core.workspace.listing import iter_workspace_files, iter_workspace_relpaths
    from core.workspace.search import SearchQuery, SearchResults, search_workspace
    from core.workspace.symbols import Symbol, outline
    from core.workspace.textfile import LoadedText, SavedText, read_text_file, save_like, save_text_file
    from core.workspace.tree import Entry, WorkspaceTree, natural_key
    from core.workspace.watcher import ChangeBatch, WorkspaceWatcher

# Submodules load on first use (PEP 562): the app's first frame needs only some of them, and pathspec and
# rapidfuzz are not free to import.
_LAZY = {
    name.strip(): module
    for module, names in (
        ("fileops", "FileOperation, FileOperations"),
        ("fuzzy", "FuzzyIndex, Match, rank_paths"),
        ("git", "GitRepository, RepoStatus"),
        ("ignore", "IgnoreRules"),
        ("languages", "PLAIN_TEXT, detect_language, known_languages, language_label"),
        ("listing", "iter_workspace_files, iter_workspace_relpaths"),
        ("search", "SearchQuery, SearchResults, search_workspace"),
        ("symbols", "Symbol, outline"),
        ("textfile", "LoadedText, SavedText, read_text_file, save_like, save_text_file"),
        ("tree", "Entry, WorkspaceTree, natural_key"),
        ("watcher", "ChangeBatch, WorkspaceWatcher"),
    )
    for name in names.split(",")
}


__getattr__ = lazy_exports("core.workspace", _LAZY)


__all__ = [
    "PLAIN_TEXT",
    "ChangeBatch",
    "Entry",
    "FileOperation",
    "FileOperations",
    "FuzzyIndex",
    "GitRepository",
    "IgnoreRules",
    "LoadedText",
    "Match",
    "RepoStatus",
    "SavedText",
    "SearchQuery",
    "SearchResults",
    "Symbol",
    "WorkspaceTree",
    "WorkspaceWatcher",
    "detect_language",
    "iter_workspace_files",
    "iter_workspace_relpaths",
    "known_languages",
    "language_label",
    "natural_key",
    "outline",
    "rank_paths",
    "read_text_file",
    "save_like",
    "save_text_file",
    "search_workspace",
]
