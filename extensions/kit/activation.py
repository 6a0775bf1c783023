"""Which extensions an activation event wakes, and in which order: dependencies before dependents.

The host asks this before loading anything, so an extension's code is only imported when one of its
activation events happens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pathspec import GitIgnoreSpec

from core.errors import ExtensionError
from extensions.kit.manifest import ActivationEvent, Manifest


def wakes(manifest: Manifest, event: ActivationEvent) -> bool:
    """Whether ``event`` (e.g. ``onCommand:x.run`` as a command is invoked) activates ``manifest``'s extension.

    ``workspaceContains`` is decided once per workspace by :func:`startup_set`, not by events.
    """
    for wanted in manifest.activation:
        if wanted.kind != event.kind:
            continue
        if wanted.kind == "onStartup" or wanted.argument == event.argument:
            return True
    return False


def startup_set(manifests: Iterable[Manifest], workspace_files: Iterable[str]) -> list[str]:
    """Ids to activate when a workspace opens: ``onStartup`` and matching ``workspaceContains:GLOB`` events."""
    manifests = list(manifests)
    globs = {
        m.id: GitIgnoreSpec.from_lines([e.argument for e in m.activation if e.kind == "workspaceContains"])
        for m in manifests
    }
    pending = {m.id for m in manifests if any(e.kind == "workspaceContains" for e in m.activation)}
    chosen = {m.id for m in manifests if any(e.kind == "onStartup" for e in m.activation)}
    pending -= chosen
    if pending:
        for path in workspace_files:
            for ext_id in [i for i in pending if globs[i].match_file(path)]:
                chosen.add(ext_id)
                pending.discard(ext_id)
            if not pending:
                break
    return sorted(chosen)


def activation_order(wanted: Iterable[str], manifests: Mapping[str, Manifest]) -> list[str]:
    """``wanted`` plus everything they depend on, each after its dependencies; ExtensionError on a cycle or
    a dependency that is not available."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(ext_id: str, path: tuple[str, ...]) -> None:
        if state.get(ext_id) == 2:
            return
        if state.get(ext_id) == 1:
            cycle = " -> ".join((*path[path.index(ext_id) :], ext_id))
            raise ExtensionError(
                f"extension dependencies form a cycle: {cycle}",
                hint="One of these extensions must stop depending on the others.",
                data={"cycle": list((*path[path.index(ext_id) :], ext_id))},
            )
        manifest = manifests.get(ext_id)
        if manifest is None:
            needed_by = path[-1] if path else "you"
            raise ExtensionError(
                f"extension {ext_id!r}, needed by {needed_by}, is not installed or not enabled",
                hint=f"Install or enable {ext_id}.",
                data={"extension": ext_id, "needed_by": needed_by},
            )
        state[ext_id] = 1
        for dependency in sorted(manifest.dependencies):
            visit(dependency, (*path, ext_id))
        state[ext_id] = 2
        order.append(ext_id)

    for ext_id in sorted(set(wanted)):
        visit(ext_id, ())
    return order


__all__ = ["activation_order", "startup_set", "wakes"]
