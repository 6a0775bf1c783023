"""TextRange: what a drag or a match covers, whichever way the mouse went."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from terminal.selection import ScreenPoint, TextRange

COLS = 12
points = st.builds(ScreenPoint, y=st.integers(0, 20), x=st.integers(0, COLS - 1))


@given(points, points)
def test_a_drag_covers_the_same_range_in_either_direction(anchor: ScreenPoint, head: ScreenPoint) -> None:
    forward, backward = TextRange.between(anchor, head), TextRange.between(head, anchor)
    assert forward == backward
    assert forward.start <= forward.end
    assert forward.contains(anchor) and forward.contains(head)


@given(points, points, points)
def test_columns_on_each_row_are_exactly_the_contained_cells(
    a: ScreenPoint, b: ScreenPoint, probe: ScreenPoint
) -> None:
    span = TextRange.between(a, b)
    assert (probe.x in span.columns_on(probe.y, COLS)) == span.contains(probe)


def test_a_range_over_three_rows_runs_to_the_line_ends_between() -> None:
    span = TextRange(ScreenPoint(1, 8), ScreenPoint(3, 2))
    assert span.columns_on(0, COLS) == range(0)
    assert span.columns_on(1, COLS) == range(8, COLS)
    assert span.columns_on(2, COLS) == range(0, COLS)
    assert span.columns_on(3, COLS) == range(0, 3)
