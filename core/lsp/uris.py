"""file:// URIs for paths and back, the way servers expect them (percent-encoded, absolute)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from core.errors import ValidationError


def path_to_uri(path: Path | str) -> str:
    """An absolute ``file://`` URI for ``path``."""
    return Path(path).absolute().as_uri()


def uri_to_path(uri: str) -> Path:
    """The local path of a ``file://`` URI; other schemes are refused."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise ValidationError(
            f"{uri!r} is not a file URI", hint="Only file:// documents can be mapped to paths on this machine."
        )
    path = unquote(parsed.path)
    if parsed.netloc:
        path = f"//{parsed.netloc}{path}"
    # Windows: file:///C:/x -> /C:/x; drop the leading slash before a drive letter.
    if len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return Path(path)


__all__ = ["path_to_uri", "uri_to_path"]
