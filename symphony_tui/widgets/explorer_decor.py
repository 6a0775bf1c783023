"""What the explorer draws beside a name: git status letters and colours, and optional Nerd Font icons."""

from __future__ import annotations

from collections.abc import Mapping

KIND_ORDER = ("conflicted", "deleted", "modified", "renamed", "added", "untracked")
"""Git change kinds (``core.workspace.git.ChangeKind`` values), most important first: a folder shows its worst."""

KIND_CLASSES = {kind: f"explorer--git-{kind}" for kind in KIND_ORDER}
"""The component class that colours each kind."""

BADGES = {"conflicted": "!", "deleted": "D", "modified": "M", "renamed": "R", "added": "A", "untracked": "U"}
"""The letter shown after a changed file's name, as in VS Code."""


def folder_kinds(kinds: Mapping[str, str]) -> dict[str, str]:
    """``kinds`` plus every folder above a changed path, each folder taking the most important kind below it."""
    rank = {kind: index for index, kind in enumerate(KIND_ORDER)}
    result = {path: kind for path, kind in kinds.items() if kind in rank}
    for path, kind in list(result.items()):
        folder = path.rpartition("/")[0]
        while folder:
            current = result.get(folder)
            if current is not None and rank[current] <= rank[kind]:
                break
            result[folder] = kind
            folder = folder.rpartition("/")[0]
    return result


_FOLDER_CLOSED = "\uf07b"
_FOLDER_OPEN = "\uf07c"
_FILE = "\uf15b"
_BY_EXTENSION = {
    "py": "\ue73c",
    "js": "\ue74e",
    "mjs": "\ue74e",
    "ts": "\ue628",
    "tsx": "\ue7ba",
    "jsx": "\ue7ba",
    "json": "\ue60b",
    "toml": "\ue615",
    "yaml": "\ue615",
    "yml": "\ue615",
    "ini": "\ue615",
    "cfg": "\ue615",
    "md": "\ue73e",
    "rs": "\ue7a8",
    "go": "\ue626",
    "c": "\ue61e",
    "h": "\ue61e",
    "cpp": "\ue61d",
    "hpp": "\ue61d",
    "java": "\ue738",
    "rb": "\ue739",
    "sh": "\uf489",
    "bash": "\uf489",
    "html": "\ue736",
    "css": "\ue749",
    "txt": "\uf15c",
    "lock": "\uf023",
    "svg": "\uf1c5",
    "png": "\uf1c5",
    "jpg": "\uf1c5",
}
_BY_NAME = {".gitignore": "\ue702", "dockerfile": "\uf308", "makefile": "\ue779", "license": "\uf718"}


def icon_for(name: str, is_dir: bool, expanded: bool = False) -> str:
    """The Nerd Font glyph for a file or folder name."""
    if is_dir:
        return _FOLDER_OPEN if expanded else _FOLDER_CLOSED
    lowered = name.lower()
    if lowered in _BY_NAME:
        return _BY_NAME[lowered]
    return _BY_EXTENSION.get(lowered.rpartition(".")[2] if "." in lowered else "", _FILE)
