"""Which server serves a document, and where its program is: settings first, then defaults found on PATH."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.lsp.settings import LspSettings, ServerSpec

Which = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class ServerChoice:
    """The server picked for a document; ``argv`` is None when its program is not installed."""

    name: str
    spec: ServerSpec
    argv: list[str] | None


def candidates(settings: LspSettings, *, language: str, file_name: str) -> list[tuple[str, ServerSpec]]:
    """Enabled servers for a document, best first: those naming the file, then those serving the language."""
    servers = [(name, spec) for name, spec in settings.resolved_servers().items() if spec.enabled]
    by_file = [(name, spec) for name, spec in servers if file_name in spec.file_names]
    by_language = [(name, spec) for name, spec in servers if language in spec.languages]
    return by_file + [entry for entry in by_language if entry not in by_file]


def resolve_argv(spec: ServerSpec, which: Which = shutil.which) -> list[str] | None:
    """The command with its program found on PATH or beside Symphony's interpreter (``python`` is that interpreter)."""
    program, *args = spec.command
    if program == "python":
        return [sys.executable, *args]
    # Also look beside Symphony's interpreter: a server installed into Symphony's virtualenv is not on PATH
    # unless that environment is activated.
    found = which(program) or which(str(Path(sys.executable).parent / program))
    return [found, *args] if found else None


def choose_server(
    settings: LspSettings, *, language: str, file_name: str, which: Which = shutil.which
) -> ServerChoice | None:
    """The first installed candidate; if none is installed, the first candidate with ``argv=None``."""
    options = candidates(settings, language=language, file_name=file_name)
    for name, spec in options:
        argv = resolve_argv(spec, which)
        if argv is not None:
            return ServerChoice(name=name, spec=spec, argv=argv)
    if options:
        name, spec = options[0]
        return ServerChoice(name=name, spec=spec, argv=None)
    return None


__all__ = ["ServerChoice", "candidates", "choose_server", "resolve_argv"]
