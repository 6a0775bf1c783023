"""Dependency resolution for extensions with resolvelib (the resolver pip uses), over semver ranges.

The pool of candidates is what is already installed plus the packages offered for this install; a conflict
becomes an ExtensionError that names who needs what, so the user can see which extension to update or remove.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resolvelib import AbstractProvider, BaseReporter, ResolutionImpossible, ResolutionTooDeep, Resolver
from resolvelib.structs import RequirementInformation

from core.errors import ExtensionError
from core.types.version import Version
from extensions.kit.manifest import Manifest
from extensions.kit.versions import VersionRange


@dataclass(frozen=True, slots=True)
class Candidate:
    """One concrete version of an extension that could be chosen."""

    manifest: Manifest
    package: Path | None = None
    """The .symph it would be installed from; None if it is the version already installed."""

    @property
    def id(self) -> str:
        """The extension id."""
        return self.manifest.id

    @property
    def version(self) -> Version:
        """The candidate's version."""
        return self.manifest.version


@dataclass(frozen=True, slots=True)
class Requirement:
    """``id`` at a version in ``range``; ``required_by`` is None for what the user asked for."""

    id: str
    range: VersionRange
    required_by: str | None = None

    def __str__(self) -> str:
        return f"{self.id} {self.range}"


class _Provider(AbstractProvider[Requirement, Candidate, str]):
    def __init__(self, pool: Mapping[str, Sequence[Candidate]]) -> None:
        self._pool = pool

    def identify(self, requirement_or_candidate: Requirement | Candidate) -> str:
        return requirement_or_candidate.id

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, Candidate],
        candidates: Mapping[str, Iterator[Candidate]],
        information: Mapping[str, Iterator[RequirementInformation[Requirement, Candidate]]],
        backtrack_causes: Sequence[RequirementInformation[Requirement, Candidate]],
    ) -> Any:
        # Decide the most constrained extensions first: fewest candidates, which fails fast on conflicts.
        return sum(1 for _ in candidates[identifier])

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[Requirement]],
        incompatibilities: Mapping[str, Iterator[Candidate]],
    ) -> Iterable[Candidate]:
        wanted = list(requirements[identifier])
        bad = {c.version for c in incompatibilities[identifier]}
        matches = [
            c
            for c in self._pool.get(identifier, ())
            if c.version not in bad and all(r.range.allows(c.version) for r in wanted)
        ]
        # Newest first; at equal versions prefer what is installed (no needless reinstall).
        return sorted(matches, key=lambda c: (c.version, c.package is None), reverse=True)

    def is_satisfied_by(self, requirement: Requirement, candidate: Candidate) -> bool:
        return requirement.range.allows(candidate.version)

    def get_dependencies(self, candidate: Candidate) -> Iterable[Requirement]:
        return [Requirement(dep, rng, candidate.id) for dep, rng in candidate.manifest.dependencies.items()]


def resolve(requirements: Iterable[Requirement], pool: Iterable[Candidate]) -> dict[str, Candidate]:
    """Choose one candidate per needed extension so that every range holds; raises ExtensionError on conflict."""
    by_id: dict[str, list[Candidate]] = {}
    for candidate in pool:
        by_id.setdefault(candidate.id, []).append(candidate)
    wanted = list(requirements)
    resolver: Resolver[Requirement, Candidate, str] = Resolver(_Provider(by_id), BaseReporter())
    try:
        result = resolver.resolve(wanted, max_rounds=2000)
    except ResolutionImpossible as exc:
        raise _conflict(exc.causes, by_id) from None
    except ResolutionTooDeep:
        raise ExtensionError(
            "the extension dependencies are too tangled to resolve",
            hint="Install the dependencies one by one to find the one that conflicts.",
        ) from None
    return dict(result.mapping)


def _conflict(
    causes: Iterable[RequirementInformation[Requirement, Candidate]], pool: Mapping[str, Sequence[Candidate]]
) -> ExtensionError:
    lines: list[str] = []
    ids: set[str] = set()
    for cause in causes:
        req = cause.requirement
        ids.add(req.id)
        if cause.parent is not None:
            who = f"{cause.parent.id} {cause.parent.version}"
        else:
            who = "the installed extensions keep" if req.required_by == "installed" else "you asked for"
            lines.append(f"{who} {req.id} {req.range}")
            continue
        lines.append(f"{who} requires {req.id} {req.range}")
    available = {
        ext: ", ".join(str(v) for v in sorted({c.version for c in pool.get(ext, ())})) or "none" for ext in sorted(ids)
    }
    found = "; ".join(f"{ext} available: {versions}" for ext, versions in available.items())
    return ExtensionError(
        "cannot satisfy extension dependencies: " + "; ".join(dict.fromkeys(lines)) + f" ({found})",
        hint="Install a version of the named extension that fits every range (add its .symph to the install "
        "command), or update the extension whose range is too narrow.",
        data={"conflicts": list(dict.fromkeys(lines)), "available": available},
    )


__all__ = ["Candidate", "Requirement", "resolve"]
