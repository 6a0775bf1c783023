"""Semantic versions (semver 2.0.0), used for extension manifests, the API level and the protocol."""

from __future__ import annotations

import re
from functools import total_ordering
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


@total_ordering
class Version:
    """An immutable semver value with correct precedence (pre-releases sort before the release)."""

    __slots__ = ("build", "major", "minor", "patch", "prerelease")

    def __init__(self, major: int, minor: int = 0, patch: int = 0, prerelease: str = "", build: str = "") -> None:
        if min(major, minor, patch) < 0:
            raise ValueError("version numbers must be non-negative")
        self.major, self.minor, self.patch = major, minor, patch
        self.prerelease, self.build = prerelease, build

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``1.2.3-rc.1+build``; raises ValueError naming the bad text."""
        match = _SEMVER.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"{text!r} is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.0.0)")
        major, minor, patch, pre, build = match.groups()
        return cls(int(major), int(minor), int(patch), pre or "", build or "")

    def _pre_key(self) -> tuple[Any, ...]:
        if not self.prerelease:
            return (1,)
        parts: list[tuple[int, int | str]] = []
        for ident in self.prerelease.split("."):
            parts.append((0, int(ident)) if ident.isdigit() else (1, ident))
        return (0, *parts)

    def _key(self) -> tuple[Any, ...]:
        return (self.major, self.minor, self.patch, self._pre_key())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __lt__(self, other: Version) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += f"-{self.prerelease}"
        if self.build:
            text += f"+{self.build}"
        return text

    def __repr__(self) -> str:
        return f"Version('{self}')"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> Version:
            if isinstance(value, Version):
                return value
            if isinstance(value, str):
                return cls.parse(value)
            raise ValueError(f"expected a version string like '1.2.3', got {type(value).__name__}")

        return core_schema.no_info_plain_validator_function(
            validate,
            json_schema_input_schema=core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )
