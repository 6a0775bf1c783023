"""Semver ranges: the forms authors write, and properties checked against Version ordering."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.types.version import Version
from extensions.kit.versions import VersionRange

versions = st.builds(Version, st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))


def allows(spec: str, version: str) -> bool:
    return VersionRange.parse(spec).allows(Version.parse(version))


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        ("^1.2", ["1.2.0", "1.9.9"], ["1.1.9", "2.0.0"]),
        ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]),
        ("^0.0.3", ["0.0.3"], ["0.0.4"]),
        ("~1.2.3", ["1.2.3", "1.2.9"], ["1.3.0", "1.2.2"]),
        ("~1", ["1.0.0", "1.9.0"], ["2.0.0"]),
        (">=1.0, <2", ["1.0.0", "1.5.0"], ["0.9.9", "2.0.0"]),
        (">=1.0 <2", ["1.5.0"], ["2.0.0"]),
        ("1.2.3", ["1.2.3"], ["1.2.4"]),
        ("=1.2", ["1.2.0", "1.2.7"], ["1.3.0"]),
        (">1.2", ["1.3.0"], ["1.2.9"]),
        ("<=1.2", ["1.2.9"], ["1.3.0"]),
        ("*", ["0.0.0", "99.1.2"], []),
        ("1.x", ["1.4.0"], ["2.0.0"]),
    ],
)
def test_range_forms_allow_exactly_their_versions(spec: str, inside: list[str], outside: list[str]) -> None:
    assert all(allows(spec, v) for v in inside)
    assert not any(allows(spec, v) for v in outside)


def test_prereleases_only_match_ranges_that_name_one() -> None:
    assert not allows("^1.0", "1.5.0-rc.1")
    assert not allows(">=1.0", "2.0.0-alpha")
    assert allows(">=1.0.0-rc.1", "1.0.0-rc.2")
    assert allows(">=1.0.0-rc.1", "1.0.0")


@pytest.mark.parametrize("bad", ["", "  ", "^", ">=one", "1.2.3.4", "~>1.0", "latest"])
def test_malformed_range_says_what_forms_are_accepted(bad: str) -> None:
    with pytest.raises(ValueError, match=r"\^1\.2"):
        VersionRange.parse(bad)


@given(versions)
def test_caret_range_of_a_version_contains_it_and_not_the_next_breaking_one(v: Version) -> None:
    caret = VersionRange.parse(f"^{v}")
    assert caret.allows(v)
    breaking = Version(v.major + 1) if v.major else (Version(0, v.minor + 1) if v.minor else Version(0, 0, v.patch + 1))
    assert not caret.allows(breaking)


@given(versions, versions)
def test_comparator_ranges_agree_with_version_ordering(low: Version, probe: Version) -> None:
    assert VersionRange.parse(f">={low}").allows(probe) == (probe >= low)
    assert VersionRange.parse(f"<{low}").allows(probe) == (probe < low)
    assert VersionRange.parse(f"{low}").allows(probe) == (probe == low)


@given(versions, versions, versions)
def test_tilde_range_is_within_caret_range(base: Version, probe: Version, _: Version) -> None:
    if VersionRange.parse(f"~{base}").allows(probe) and base.major > 0:
        assert VersionRange.parse(f"^{base}").allows(probe)
