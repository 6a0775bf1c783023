"""Semver version ranges for extension dependencies (``^1.2``, ``~1.4.0``, ``>=1.0, <2``, ``*``).

PEP 440 specifiers (``packaging``) order pre-releases and local versions differently from semver, and extension
versions are semver (``core.types.Version``), so ranges are parsed here, over that type, in the style authors know
from npm and Cargo. A bare version means exactly that version.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from core.types.version import Version

_COMPARATOR = re.compile(r"^(\^|~|>=|<=|>|<|=|==)?\s*v?(\S+)$")
_PARTIAL = re.compile(r"^(0|[1-9]\d*)(?:\.(0|[1-9]\d*|[xX*]))?(?:\.(0|[1-9]\d*|[xX*]))?$")

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}

RANGE_HELP = "write e.g. '^1.2' (compatible), '~1.2.3' (patch updates), '>=1.0, <2', '1.2.3' (exact) or '*'"


@dataclass(frozen=True, slots=True)
class Bound:
    """One primitive comparison, e.g. ``>= 1.2.0``."""

    op: str
    version: Version

    def allows(self, version: Version) -> bool:
        """Whether ``version`` satisfies this comparison."""
        return _OPS[self.op](version, self.version)

    def __str__(self) -> str:
        return f"{self.op}{self.version}"


class VersionRange:
    """An immutable set of versions: every bound must hold (an AND of comparisons)."""

    __slots__ = ("_bounds", "_text")

    def __init__(self, text: str, bounds: tuple[Bound, ...]) -> None:
        self._text = text
        self._bounds = bounds

    @classmethod
    def parse(cls, text: str) -> VersionRange:
        """Parse a range; raises ValueError saying what is wrong and what is accepted."""
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{text!r} is not a version range: {RANGE_HELP}")
        bounds: list[Bound] = []
        for part in re.split(r"\s*,\s*|\s+(?=[\^~<>=])", text.strip()):
            bounds.extend(_comparator(part, text))
        return cls(text.strip(), tuple(bounds))

    @property
    def bounds(self) -> tuple[Bound, ...]:
        """The primitive comparisons, all of which must hold."""
        return self._bounds

    def allows(self, version: Version) -> bool:
        """Whether ``version`` is in the range.

        Pre-releases are only in a range that names a pre-release of the same major.minor.patch, as in npm:
        asking for ``^1.0`` must never install ``2.0.0-alpha`` or ``1.5.0-rc.1`` by accident.
        """
        if not all(bound.allows(version) for bound in self._bounds):
            return False
        if version.prerelease:
            core = (version.major, version.minor, version.patch)
            return any(
                b.version.prerelease and (b.version.major, b.version.minor, b.version.patch) == core
                for b in self._bounds
            )
        return True

    def __contains__(self, version: object) -> bool:
        return isinstance(version, Version) and self.allows(version)

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"VersionRange({self._text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VersionRange) and self._bounds == other._bounds

    def __hash__(self) -> int:
        return hash(self._bounds)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> VersionRange:
            if isinstance(value, VersionRange):
                return value
            if isinstance(value, str):
                return cls.parse(value)
            raise ValueError(f"expected a version range string, got {type(value).__name__}: {RANGE_HELP}")

        return core_schema.no_info_plain_validator_function(
            validate,
            json_schema_input_schema=core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def _comparator(part: str, whole: str) -> list[Bound]:
    if part in ("*", "x", "X"):
        return [Bound(">=", Version(0))]
    match = _COMPARATOR.match(part)
    if match is None:
        raise ValueError(f"{whole!r} is not a version range ({part!r} is not understood): {RANGE_HELP}")
    op, spec = match.group(1) or "=", match.group(2)
    if op == "==":
        op = "="
    partial = _PARTIAL.match(spec)
    if partial is None:
        try:
            version = Version.parse(spec)
        except ValueError:
            raise ValueError(f"{whole!r} is not a version range ({spec!r} is not a version): {RANGE_HELP}") from None
        return _exact_bounds(op, version, (version.major, version.minor, version.patch), 3)
    numbers = [int(g) for g in partial.groups() if g is not None and g not in ("x", "X", "*")]
    given = len(numbers)
    major, minor, patch = (*numbers, 0, 0, 0)[:3]
    return _exact_bounds(op, Version(major, minor, patch), (major, minor, patch), given)


def _exact_bounds(op: str, low: Version, parts: tuple[int, int, int], given: int) -> list[Bound]:
    major, minor, patch = parts
    if op == "^":
        if major > 0 or given == 1:
            upper = Version(major + 1)
        elif minor > 0 or given == 2:
            upper = Version(0, minor + 1)
        else:
            upper = Version(0, 0, patch + 1)
        return [Bound(">=", low), Bound("<", upper)]
    if op == "~":
        upper = Version(major + 1) if given == 1 else Version(major, minor + 1)
        return [Bound(">=", low), Bound("<", upper)]
    if op == "=":
        if given == 3:
            return [Bound("==", low)]
        upper = Version(major + 1) if given == 1 else Version(major, minor + 1)
        return [Bound(">=", low), Bound("<", upper)]
    if op in (">", "<="):
        if given == 3:
            return [Bound(op, low)]
        # ">1.2" means above every 1.2.x; "<=1.2" includes every 1.2.x.
        upper = Version(major + 1) if given == 1 else Version(major, minor + 1)
        return [Bound(">=" if op == ">" else "<", upper)]
    return [Bound(op, low)]


__all__ = ["RANGE_HELP", "Bound", "VersionRange"]
