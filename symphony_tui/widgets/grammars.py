"""The tree-sitter grammars the editor highlights with, all from installed wheels (never downloaded at run time).

Textual's ``textual[syntax]`` extra brings 15 grammars with its own highlight queries; the per-language
``tree-sitter-<lang>`` wheels below add more, each with the ``highlights.scm`` it ships. Some grammars extend
another (C++ extends C, TypeScript extends JavaScript) and their query only holds the additions, so the base
query is prepended, as editors do for ``; inherits:``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

from tree_sitter import Language, Query

log = logging.getLogger(__name__)

_TEXTUAL_BUILTIN = (
    "bash",
    "css",
    "go",
    "html",
    "java",
    "javascript",
    "json",
    "markdown",
    "python",
    "regex",
    "rust",
    "sql",
    "toml",
    "xml",
    "yaml",
)
"""Languages whose grammar and highlight query come with Textual's syntax extra."""


@dataclass(frozen=True)
class _WheelGrammar:
    module: str
    function: str = "language"
    inherits: tuple[str, ...] = ()


_WHEELS: dict[str, _WheelGrammar] = {
    "c": _WheelGrammar("tree_sitter_c"),
    "cpp": _WheelGrammar("tree_sitter_cpp", inherits=("c",)),
    "haskell": _WheelGrammar("tree_sitter_haskell"),
    "lua": _WheelGrammar("tree_sitter_lua"),
    "make": _WheelGrammar("tree_sitter_make"),
    "php": _WheelGrammar("tree_sitter_php", "language_php"),
    "ruby": _WheelGrammar("tree_sitter_ruby"),
    "scala": _WheelGrammar("tree_sitter_scala"),
    "tsx": _WheelGrammar("tree_sitter_typescript", "language_tsx", inherits=("javascript",)),
    "typescript": _WheelGrammar("tree_sitter_typescript", "language_typescript", inherits=("javascript",)),
}
"""Language id -> the wheel holding its grammar and ``HIGHLIGHTS_QUERY``."""


@dataclass(frozen=True)
class Grammar:
    """A compiled grammar and the highlight query to run over its trees."""

    language_id: str
    language: Language
    highlight_query: str


def highlightable_languages() -> list[str]:
    """Every language id a grammar is known for (installed or not), sorted."""
    return sorted({*_TEXTUAL_BUILTIN, *_WHEELS})


@cache
def grammar_for(language_id: str) -> Grammar | None:
    """The grammar for ``language_id``, or None when there is none (or its wheel is missing or broken)."""
    try:
        if language_id in _WHEELS:
            return _wheel_grammar(language_id, _WHEELS[language_id])
        if language_id in _TEXTUAL_BUILTIN:
            return _textual_grammar(language_id)
    except Exception as exc:  # a broken grammar wheel must only cost its language its colours
        log.warning("grammar for %s unavailable: %s", language_id, exc)
    return None


def _textual_grammar(language_id: str) -> Grammar | None:
    from textual._tree_sitter import get_language
    from textual.widgets._text_area import _HIGHLIGHTS_PATH

    language = get_language(language_id)
    query_path = Path(_HIGHLIGHTS_PATH) / f"{language_id}.scm"
    if language is None or not query_path.is_file():
        return None
    return Grammar(language_id, language, query_path.read_text(encoding="utf-8"))


def _wheel_grammar(language_id: str, wheel: _WheelGrammar) -> Grammar | None:
    try:
        module = import_module(wheel.module)
    except ImportError:
        return None
    language = Language(getattr(module, wheel.function)())
    own = getattr(module, "HIGHLIGHTS_QUERY", None) or ""
    if not own:
        return None
    query = own
    for base_id in wheel.inherits:
        base = grammar_for(base_id)
        if base is None:
            continue
        combined = base.highlight_query + "\n" + query
        try:
            Query(language, combined)
        except Exception:  # the base query names nodes this grammar lacks: use the grammar's own query only
            continue
        query = combined
    Query(language, query)  # fail here, not on first paint
    return Grammar(language_id, language, query)


__all__ = ["Grammar", "grammar_for", "highlightable_languages"]
