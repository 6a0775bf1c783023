"""The pure parts of the LSP UI: decoration marks through edits, completion word and snippet arithmetic,
workspace-edit previews, signature rendering."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types as lsp
from rich.style import Style

from core.lsp.edits import apply_text_edits, to_core_edits
from symphony_tui.lsp.completion_session import SnippetSession, _offset, word_start
from symphony_tui.lsp.decorations import EditorDecorations, Mark
from symphony_tui.lsp.hover import render_signature
from symphony_tui.lsp.status import format_counts
from symphony_tui.lsp.workspace_edit import FileChange, preview_text


def test_marks_below_an_edit_move_with_inserted_lines_and_marks_on_it_stay() -> None:
    decorations = EditorDecorations(
        diagnostics=[Mark((1, 0), (1, 3)), Mark((5, 2), (5, 4), severity=2)], lightbulb_line=5
    )
    decorations.shift(first=2, old_last=2, new_last=4)  # line 2 became lines 2..4
    assert [m.start for m in decorations.diagnostics] == [(1, 0), (7, 2)]
    assert decorations.lightbulb_line == 7
    decorations.shift(first=0, old_last=3, new_last=0)  # lines 0..3 joined into one
    assert [m.start for m in decorations.diagnostics] == [(1, 0), (4, 2)]
    assert decorations.line_severity(4) == 2 and decorations.line_severity(2) is None


def test_a_zero_width_diagnostic_covers_its_column_and_severity_orders_hover() -> None:
    decorations = EditorDecorations(diagnostics=[Mark((0, 4), (0, 4), severity=2), Mark((0, 0), (0, 9), severity=1)])
    assert [m.severity for m in decorations.diagnostics_at((0, 4))] == [1, 2]
    assert [m.severity for m in decorations.diagnostics_at((0, 6))] == [1]


def test_word_start_stops_at_non_identifier_characters() -> None:
    assert word_start("cfg.ho", 6) == 4
    assert word_start("x = snake_case1", 15) == 4
    assert word_start("a.", 2) == 2


def test_snippet_offsets_become_locations_across_lines() -> None:
    text = "for x in y:\n    pass"
    assert _offset(text, (3, 4), 4) == (3, 8)
    assert _offset(text, (3, 4), text.index("pass")) == (4, 4)


def test_typing_in_a_placeholder_grows_it_and_moves_the_later_stops() -> None:
    # greet(name, times) inserted at (0, 0): $1 = "name" (0,6)-(0,10), $2 = "times" (0,12)-(0,17), $0 at the end.
    session = SnippetSession(editor=None, stops=[[((0, 6), (0, 10))], [((0, 12), (0, 17))], [((0, 18), (0, 18))]])  # type: ignore[arg-type]
    session.map_edit((0, 6), (0, 10), (0, 8))  # "name" replaced by "nm"
    session.map_edit((0, 8), (0, 8), (0, 9))  # then "x" typed at the placeholder's end
    assert session.stops[0] == [((0, 6), (0, 9))]
    assert session.stops[1] == [((0, 11), (0, 16))]
    assert session.stops[2] == [((0, 17), (0, 17))]


_lines = st.lists(st.text(alphabet="ab é\t", max_size=6), min_size=1, max_size=4)


@st.composite
def _edited(draw: st.DrawFn) -> tuple[str, list[lsp.TextEdit]]:
    lines = draw(_lines)
    text = "\n".join(lines)
    points = sorted(
        draw(
            st.lists(
                st.tuples(st.integers(0, len(lines) - 1), st.integers(0, 6)).map(
                    lambda p: (p[0], min(p[1], len(lines[p[0]])))
                ),
                max_size=6,
            )
        )
    )
    edits = []
    for start, end in zip(points[::2], points[1::2], strict=False):
        edits.append(
            lsp.TextEdit(
                range=lsp.Range(start=lsp.Position(*start), end=lsp.Position(*end)),
                new_text=draw(st.text(alphabet="xy\n", max_size=3)),
            )
        )
    return text, edits


@given(_edited())
def test_a_planned_file_change_gives_the_same_text_as_applying_the_server_edits(case: tuple[str, list]) -> None:  # type: ignore[type-arg]
    text, edits = case
    change = FileChange(Path("f.py"), text, tuple(to_core_edits(text, edits, "utf-32")))
    assert change.after() == apply_text_edits(text, edits, "utf-32")


def test_the_rename_preview_lists_changed_lines_per_file() -> None:
    before = "def greet():\n    pass\n\ngreet()\n"
    edit = lsp.TextEdit(range=lsp.Range(start=lsp.Position(0, 4), end=lsp.Position(0, 9)), new_text="welcome")
    change = FileChange(Path("/ws/util.py"), before, tuple(to_core_edits(before, [edit], "utf-16")))
    shown = preview_text([change], lambda p: p.name).plain
    assert "util.py  1 change" in shown
    assert "   1 - def greet():" in shown and "   1 + def welcome():" in shown
    assert "greet()\n" not in shown.split("+ def welcome():")[1]  # unchanged lines are not listed


def test_the_active_parameter_is_emphasised_in_the_signature() -> None:
    help = lsp.SignatureHelp(
        signatures=[
            lsp.SignatureInformation(
                label="greet(name: str, times: int = 2)",
                parameters=[lsp.ParameterInformation(label="name: str"), lsp.ParameterInformation(label=(17, 31))],
            )
        ],
        active_signature=0,
        active_parameter=1,
    )
    rendered = render_signature(help)
    assert rendered is not None
    label = rendered.renderables[0]  # type: ignore[attr-defined]
    spans = [(span.start, span.end) for span in label.spans if "bold" in str(span.style)]
    assert spans == [(17, 31)] and label.plain[17:31] == "times: int = 2"


def test_status_counts_read_errors_then_warnings() -> None:
    from core.lsp.diagnostics import DiagnosticCounts

    assert format_counts(DiagnosticCounts(errors=2, warnings=1), "").plain == "✖ 2 ▲ 1"
    assert format_counts(None, "pylsp: restarting").plain == "pylsp: restarting"


def test_token_modifiers_add_emphasis_entries_after_the_colour() -> None:
    from core.lsp.features import SemanticToken
    from symphony_tui.lsp.semantic import by_line, span_style

    tokens = [
        SemanticToken(0, 0, 5, "function", ("deprecated",)),
        SemanticToken(0, 8, 3, "variable", ("readonly", "static")),
        SemanticToken(1, 2, 4, "class", ("defaultLibrary",)),
        SemanticToken(1, 9, 4, "parameter", ("readonly",)),
    ]
    assert by_line(tokens) == {
        0: [(0, 5, "function"), (0, 5, "~deprecated"), (8, 11, "constant.builtin"), (8, 11, "~static")],
        1: [(2, 6, "type.builtin")],
    }
    colours = {"function": Style(color="blue")}
    assert span_style("function", colours) == Style(color="blue")
    assert span_style("~deprecated", colours) == Style(strike=True)
