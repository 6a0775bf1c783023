"""Check a workflow before it runs: every problem names the node and says how to fix it."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from core.errors import ValidationError
from core.orchestration.graph import topological_order
from core.orchestration.model import NodeKind, NodeSpec, Workflow, accepts

_CALL = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_KIND_FIELDS: dict[NodeKind, str] = {
    NodeKind.SHELL: "command",
    NodeKind.PYTHON: "call",
    NodeKind.INSTRUMENT: "target",
    NodeKind.OPERATOR: "target",
}


@dataclass(frozen=True, slots=True)
class WorkflowProblem:
    """One thing wrong with a workflow, tied to a node."""

    node: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"node {self.node!r}: {self.message}; fix: {self.fix}"


class WorkflowValidationError(ValidationError):
    """A workflow cannot run; ``problems`` lists every reason found, not just the first."""

    default_hint = "Fix the listed nodes in the workflow file, then run it again."

    def __init__(self, workflow: str, problems: list[WorkflowProblem], *, source: str | None = None) -> None:
        where = f" ({source})" if source else ""
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"workflow {workflow!r}{where} has {len(problems)} problem(s):\n{lines}",
            data={"workflow": workflow, "problems": _dicts(problems)},
        )
        self.problems = problems


def _dicts(problems: list[WorkflowProblem]) -> list[dict[str, str]]:
    return [{"node": p.node, "message": p.message, "fix": p.fix} for p in problems]


def find_problems(workflow: Workflow, *, targets: Collection[str] | None = None) -> list[WorkflowProblem]:
    """Every problem in ``workflow``; ``targets`` are the registered instrument/operator names, if known."""
    problems: list[WorkflowProblem] = []
    nodes: dict[str, NodeSpec] = {}
    for node in workflow.nodes:
        if node.id in nodes:
            problems.append(
                WorkflowProblem(node.id, "the id is used by more than one node", "give each node its own id")
            )
        nodes[node.id] = node
    for node in nodes.values():
        problems.extend(_kind_problems(node, targets))
        problems.extend(_link_problems(node, nodes))
    if not problems:
        problems.extend(_cycle_problems(nodes))
    return problems


def validate_workflow(
    workflow: Workflow, *, targets: Collection[str] | None = None, source: str | None = None
) -> Workflow:
    """Return ``workflow`` unchanged if it can run; raise WorkflowValidationError listing all problems if not."""
    problems = find_problems(workflow, targets=targets)
    if problems:
        raise WorkflowValidationError(workflow.name, problems, source=source)
    return workflow


def _kind_problems(node: NodeSpec, targets: Collection[str] | None) -> list[WorkflowProblem]:
    try:
        kind = NodeKind(node.kind)
    except ValueError:
        known = ", ".join(k.value for k in NodeKind)
        return [WorkflowProblem(node.id, f"unknown node kind {node.kind!r}", f"use one of: {known}")]
    problems = []
    needed = _KIND_FIELDS.get(kind)
    if needed and not getattr(node, needed):
        problems.append(WorkflowProblem(node.id, f"a {kind} node needs {needed!r}", f"add {needed} = ... to the node"))
    for field in set(_KIND_FIELDS.values()) - {needed}:
        if getattr(node, field):
            problems.append(
                WorkflowProblem(
                    node.id, f"{field!r} has no meaning for a {kind} node", f"remove {field} or change kind"
                )
            )
    if kind is NodeKind.PYTHON and node.call and not _CALL.match(node.call):
        problems.append(
            WorkflowProblem(node.id, f"call {node.call!r} is not 'module:function'", "write e.g. call = 'pkg.mod:func'")
        )
    registered = targets is None or node.target in targets
    if kind in (NodeKind.INSTRUMENT, NodeKind.OPERATOR) and node.target and not registered:
        problems.append(
            WorkflowProblem(
                node.id,
                f"no {kind} named {node.target!r} is registered",
                "install the extension that provides it, or correct the name",
            )
        )
    return problems


def _link_problems(node: NodeSpec, nodes: dict[str, NodeSpec]) -> list[WorkflowProblem]:
    problems = []
    for name, spec in node.inputs.items():
        producer = nodes.get(spec.node)
        if not spec.node or not spec.output:
            problems.append(
                WorkflowProblem(node.id, f"input {name!r} has source {spec.source!r}", "write it as 'node_id.output'")
            )
        elif producer is None:
            problems.append(
                WorkflowProblem(
                    node.id,
                    f"input {name!r} comes from missing node {spec.node!r}",
                    "add that node or correct the source",
                )
            )
        elif spec.node == node.id:
            problems.append(WorkflowProblem(node.id, f"input {name!r} reads the node's own output", "remove it"))
        else:
            outputs = producer.all_outputs()
            if spec.output not in outputs:
                have = ", ".join(sorted(outputs)) or "none"
                problems.append(
                    WorkflowProblem(
                        node.id,
                        f"input {name!r} needs output {spec.output!r} that node {spec.node!r} does not declare"
                        f" (it has: {have})",
                        f"declare it in {spec.node}'s outputs or pick one it has",
                    )
                )
            elif not accepts(spec.type, outputs[spec.output]):
                problems.append(
                    WorkflowProblem(
                        node.id,
                        f"input {name!r} expects {spec.type} but {spec.source} is {outputs[spec.output]}",
                        "convert the value in between, or change one of the two types",
                    )
                )
    for dep in node.after:
        if dep not in nodes:
            problems.append(WorkflowProblem(node.id, f"'after' names missing node {dep!r}", "correct or remove it"))
        elif dep == node.id:
            problems.append(WorkflowProblem(node.id, "'after' names the node itself", "remove it"))
    return problems


def _cycle_problems(nodes: dict[str, NodeSpec]) -> list[WorkflowProblem]:
    _, cycle = topological_order({n.id: n.dependencies() for n in nodes.values()})
    if not cycle:
        return []
    # The cycle is listed consumer -> dependency; show it in the direction data flows.
    path = " -> ".join(reversed(cycle))
    return [
        WorkflowProblem(
            cycle[0], f"the nodes form a cycle: {path}", "remove one of these dependencies so the graph is a DAG"
        )
    ]


__all__ = ["WorkflowProblem", "WorkflowValidationError", "find_problems", "validate_workflow"]
