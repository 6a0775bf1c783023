"""Import an extension's entry class from its folder, each extension under its own package name.

Two extensions may both have a ``main.py``; importing each folder as the private package
``_symphony_ext_<id>`` keeps their modules apart in one host process and lets ``unload`` drop them for a reload.
Extension code imports its sibling modules relatively (``from .util import x``).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import re
import sys
from pathlib import Path

from core.errors import ExtensionError
from extensions.sdk.extension import Extension

_PREFIX = "_symphony_ext_"


def package_name(extension_id: str) -> str:
    """The private package an extension's modules are imported under."""
    return _PREFIX + re.sub(r"\W", "_", extension_id)


def load_extension_class(folder: Path, entry: str, extension_id: str) -> type[Extension]:
    """The ``module:Class`` named by ``entry`` inside ``folder``; ExtensionError naming both if it cannot load."""
    module_name, _, class_name = entry.partition(":")
    package = package_name(extension_id)
    if package not in sys.modules:
        spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
        spec.submodule_search_locations = [str(folder.resolve())]
        sys.modules[package] = importlib.util.module_from_spec(spec)
    where = f"{folder}: entry {entry!r}"
    try:
        module = importlib.import_module(f"{package}.{module_name}")
    except ModuleNotFoundError as exc:
        unload(extension_id)
        raise ExtensionError(
            f"{where}: module {module_name!r} not found ({exc})",
            hint="`entry` in Symphony.toml is 'module:Class' with module relative to the extension folder.",
            data={"extension": extension_id, "entry": entry},
        ) from exc
    except Exception as exc:
        unload(extension_id)
        raise ExtensionError(
            f"{where}: importing {module_name!r} failed: {type(exc).__name__}: {exc}",
            data={"extension": extension_id, "entry": entry},
        ) from exc
    found = getattr(module, class_name, None)
    if not (isinstance(found, type) and issubclass(found, Extension)):
        raise ExtensionError(
            f"{where}: {class_name!r} is not an Extension subclass in {module_name}",
            hint="Point `entry` at a class derived from extensions.sdk.Extension.",
            data={"extension": extension_id, "entry": entry},
        )
    return found


def unload(extension_id: str) -> None:
    """Forget every module of an extension, so the next load reads its files again."""
    package = package_name(extension_id)
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


__all__ = ["load_extension_class", "package_name", "unload"]
