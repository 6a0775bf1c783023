"""Executed documentation: the fenced code blocks of a Markdown file, and running its Python ones in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def fenced_blocks(doc: Path, language: str) -> list[str]:
    """The bodies of ``doc``'s code blocks fenced as ``language``, in order."""
    return [body for lang, body in FENCE.findall(doc.read_text(encoding="utf-8")) if lang == language]


def run_python_blocks(doc: Path, module_name: str, *, at_least: int) -> None:
    """Run ``doc``'s Python blocks top to bottom in one namespace; a failing block fails the test, named."""
    namespace: dict[str, object] = {"__name__": module_name}
    code = fenced_blocks(doc, "python")
    assert len(code) >= at_least
    for number, block in enumerate(code, start=1):
        try:
            exec(compile(block, f"{doc.name} python block {number}", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"python block {number} of {doc.name} failed: {type(exc).__name__}: {exc}\n{block}")
