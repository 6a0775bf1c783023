"""Lazy package exports (PEP 562): names resolve to their submodule on first use.

Packages on the start-up path re-export their API without importing every submodule up front (pydantic models,
lsprotocol, pathspec and rapidfuzz are not free to import).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` mapping each exported name to its submodule (relative name)."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{home}"), name)

    return __getattr__
