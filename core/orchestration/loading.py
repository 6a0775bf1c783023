"""Read workflow files (TOML, YAML or JSON) into a validated Workflow, with errors that point at the line."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import pydantic

from core.config.formats import ConfigFormat, SyntaxProblem, format_for, parse_document
from core.config.locate import find_key_line
from core.errors import ConfigError, NotFoundError, SymphonyIOError
from core.orchestration.model import Workflow
from core.orchestration.validation import validate_workflow

MAX_WORKFLOW_BYTES = 16 * 1024 * 1024
"""Largest workflow file read; 10,000 nodes fit in about 2 MB."""


def load_workflow(path: Path, *, targets: Collection[str] | None = None) -> Workflow:
    """Parse and validate the workflow in ``path``.

    Nodes are written either as a list (``[[nodes]]`` with ``id = ...``) or as a table keyed by id
    (``[nodes.fetch]``). Raises ConfigError for syntax and schema errors, WorkflowValidationError for a graph
    that cannot run.
    """
    fmt = format_for(path)
    if fmt is None:
        raise ConfigError(
            f"{path}: unknown workflow file type {path.suffix!r}",
            hint="Name the file *.toml, *.yaml, *.yml or *.json.",
            data={"path": str(path)},
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_WORKFLOW_BYTES + 1)
    except FileNotFoundError:
        raise NotFoundError(f"workflow file {path} does not exist", data={"path": str(path)}) from None
    except OSError as exc:
        raise SymphonyIOError(f"cannot read workflow file {path}: {exc.strerror}", data={"path": str(path)}) from exc
    if len(raw) > MAX_WORKFLOW_BYTES:
        raise ConfigError(f"{path}: workflow file is larger than {MAX_WORKFLOW_BYTES} bytes", data={"path": str(path)})
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start})", hint="Save the file as UTF-8.", data={"path": str(path)}
        ) from None
    workflow = parse_workflow_text(text, fmt, source=path)
    return validate_workflow(workflow, targets=targets, source=str(path))


def parse_workflow_text(text: str, fmt: ConfigFormat, *, source: Path | None = None) -> Workflow:
    """Parse workflow text without graph validation (``load_workflow`` adds that)."""
    where = str(source) if source else "<workflow>"
    try:
        document = parse_document(text, fmt)
    except SyntaxProblem as problem:
        at_line = f":{problem.line}" if problem.line else ""
        raise ConfigError(
            f"{where}{at_line}: {problem}", data={"path": where, "line": problem.line, "column": problem.column}
        ) from None
    if not isinstance(document, dict):
        raise ConfigError(f"{where}: a workflow file must be a table/mapping at the top", data={"path": where})
    nodes_by_id = isinstance(document.get("nodes"), dict)
    header = isinstance(document.get("workflow"), dict)
    document = _normalise(document)
    try:
        return Workflow.model_validate(document)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        key_path = _key_path(document, error["loc"])
        # Locate with the file's own spelling: a list index for [[nodes]], the node id for [nodes.ID].
        written: tuple[str | int, ...] = key_path if nodes_by_id else tuple(error["loc"])
        if header and written and written[0] != "nodes":
            written = ("workflow", *written)
        line = find_key_line(text, fmt, written)
        at = f":{line}" if line else ""
        dotted = ".".join(str(part) for part in key_path)
        raise ConfigError(
            f"{where}{at}: {dotted}: {error['msg']} (got {error.get('input')!r})",
            hint="Correct the named key; the node fields are those of NodeSpec in core/orchestration/model.py.",
            data={"path": where, "line": line, "key": dotted},
        ) from None


def _normalise(document: dict[str, Any]) -> dict[str, Any]:
    """Accept ``[workflow]`` header tables and nodes keyed by id."""
    document = dict(document)
    header = document.pop("workflow", None)
    if isinstance(header, dict):
        document = {**header, **document}
    nodes = document.get("nodes")
    if isinstance(nodes, dict):
        document["nodes"] = [{"id": key, **value} if isinstance(value, dict) else value for key, value in nodes.items()]
    return document


def _key_path(document: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    """Translate a pydantic location into the key path written in the file (node index -> node id)."""
    path: list[str | int] = list(loc)
    if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
        nodes = document.get("nodes") or []
        if path[1] < len(nodes) and isinstance(nodes[path[1]], dict):
            node_id = nodes[path[1]].get("id")
            if isinstance(node_id, str):
                path[1] = node_id
    return tuple(path)


__all__ = ["MAX_WORKFLOW_BYTES", "load_workflow", "parse_workflow_text"]
