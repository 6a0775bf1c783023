"""Column conversion between code points and the server's code units."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.lsp.positions import from_units, normalize_encoding, split_lines, to_units

ENCODINGS = st.sampled_from(["utf-8", "utf-16", "utf-32"])
LINE = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=30)


def test_astral_character_counts_two_utf16_units_and_four_utf8_bytes() -> None:
    line = "a😀b"
    assert to_units(line, 2, "utf-16") == 3
    assert to_units(line, 2, "utf-8") == 5
    assert to_units(line, 2, "utf-32") == 2


def test_unit_inside_a_surrogate_pair_rounds_down_to_the_character_start() -> None:
    assert from_units("a😀b", 2, "utf-16") == 1


def test_missing_position_encoding_means_utf16() -> None:
    assert normalize_encoding(None) == "utf-16"
    assert normalize_encoding("utf-32") == "utf-32"


def test_split_lines_breaks_only_at_lsp_line_ends() -> None:
    assert split_lines("a\r\nb\rc\nd\x0be\u2028") == ["a\r\n", "b\r", "c\n", "d\x0be\u2028"]
    assert split_lines("") == [""]
    assert split_lines("x\n") == ["x\n", ""]


@given(line=LINE, data=st.data(), encoding=ENCODINGS)
def test_code_point_column_round_trips_through_server_units(line: str, data: st.DataObject, encoding: str) -> None:
    column = data.draw(st.integers(min_value=0, max_value=len(line) + 3))
    units = to_units(line, column, encoding)  # type: ignore[arg-type]
    assert from_units(line, units, encoding) == column  # type: ignore[arg-type]


@given(line=LINE, data=st.data())
def test_utf16_units_match_python_encoder(line: str, data: st.DataObject) -> None:
    column = data.draw(st.integers(min_value=0, max_value=len(line)))
    assert to_units(line, column, "utf-16") == len(line[:column].encode("utf-16-le")) // 2


@given(st.text(alphabet=st.sampled_from(["a", "é", " ", "\n", "\r", "\x0b", "\x1c", "\x85", "\u2028"])))
def test_split_lines_fast_path_agrees_with_the_lsp_definition(text: str) -> None:
    # The reference: a break is CRLF, CR or LF; each line keeps it; a final break starts one more, empty line.
    import re

    parts = re.split(r"(\r\n|\r|\n)", text)
    expected = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)] + [parts[-1]]
    assert split_lines(text) == expected
    assert "".join(split_lines(text)) == text
