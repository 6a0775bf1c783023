"""Every updatable prop reaches its live widget in place (same widget object), through one patch."""

from __future__ import annotations

from typing import Any

from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    Log,
    OptionList,
    ProgressBar,
    RadioSet,
    Select,
    Sparkline,
    Switch,
    TabbedContent,
    TextArea,
)

from core.vdom import Node
from extensions.sdk.motif import Motif, h
from symphony_tui.vdom.local import MotifApp

BEFORE: dict[str, Any] = {
    "rows": [["a", 1], ["b", 2]],
    "columns": ["name", "n"],
    "lines": ["one"],
    "value": "1",
    "options": ["x", "y"],
    "selected": 0,
    "progress": 1,
    "data": [1, 2],
    "on": False,
    "text": "before",
    "variant": "default",
    "tab": "first",
    "placeholder": "type",
}
AFTER: dict[str, Any] = {
    "rows": [["a", 10], ["b", 2]],
    "columns": ["name", "n"],
    "lines": ["one", "two", "three"],
    "value": "2",
    "options": ["x", "y"],
    "selected": 1,
    "progress": 7,
    "data": [5, 1, 3],
    "on": True,
    "text": "after",
    "variant": "error",
    "tab": "second",
    "placeholder": "search",
}


class Everything(Motif):
    id = "test.everything"

    def initial_state(self) -> dict[str, Any]:
        return dict(BEFORE)

    def render(self) -> Node:
        s = self.state
        return h.vertical(
            h.data_table(columns=s["columns"], rows=s["rows"], key="table", height=4),
            h.log(lines=s["lines"], key="log", height=4),
            h.select(options=[["One", "1"], ["Two", "2"]], value=s["value"], key="select"),
            h.radio_set(options=s["options"], selected=s["selected"], key="radio"),
            h.option_list(options=[*s["options"], s["text"]], highlighted=s["selected"], key="options"),
            h.progress_bar(total=10, progress=s["progress"], key="progress"),
            h.sparkline(data=s["data"], key="spark"),
            h.switch(value=s["on"], key="switch"),
            h.checkbox("check", value=s["on"], key="check"),
            h.text_area(value=s["text"], key="area", height=3),
            h.input(placeholder=s["placeholder"], key="input"),
            h.button(s["text"], variant=s["variant"], key="button"),
            h.label(s["text"], variant="success" if s["on"] else None, key="label"),
            h.tabs(
                h.tab("First", h.label("1"), key="first"),
                h.tab("Second", h.label("2"), key="second"),
                active=s["tab"],
                key="tabs",
                height=4,
            ),
        )


def widgets(app: MotifApp) -> dict[str, Any]:
    motif = app.binding.motif
    assert motif.mounted is not None
    return {m.node.key: app.binding.view.reconciler.widget(m.id) for m in motif.mounted.children}


async def test_each_prop_change_updates_the_same_widget() -> None:
    motif = Everything()
    app = MotifApp(motif)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        before = widgets(app)
        motif.set_state(**AFTER)
        await motif.flush()
        await pilot.pause()
        after = widgets(app)
        assert after == before  # nothing rebuilt
        table: DataTable[Any] = after["table"]
        assert table.get_cell_at((0, 1)) == 10 and table.row_count == 2
        assert list(after["log"].lines) == ["one", "two", "three"] and isinstance(after["log"], Log)
        assert isinstance(after["select"], Select) and after["select"].value == "2"
        assert isinstance(after["radio"], RadioSet) and after["radio"].pressed_index == 1
        assert isinstance(after["options"], OptionList) and after["options"].highlighted == 1
        assert after["options"].option_count == 3
        assert isinstance(after["progress"], ProgressBar) and after["progress"].progress == 7
        assert isinstance(after["spark"], Sparkline) and list(after["spark"].data) == [5, 1, 3]
        assert isinstance(after["switch"], Switch) and after["switch"].value is True
        assert isinstance(after["check"], Checkbox) and after["check"].value is True
        assert isinstance(after["area"], TextArea) and after["area"].text == "after"
        assert isinstance(after["input"], Input) and after["input"].placeholder == "search"
        assert isinstance(after["button"], Button) and after["button"].variant == "error"
        assert str(after["button"].label) == "after"
        assert isinstance(after["label"], Label) and after["label"].has_class("success")
        assert isinstance(after["tabs"], TabbedContent) and after["tabs"].active.endswith(
            str(motif.mounted.children[-1].children[1].id)  # type: ignore[union-attr]
        )


async def test_a_table_whose_shape_changes_keeps_its_cursor_row() -> None:
    motif = Everything()
    app = MotifApp(motif)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        table: DataTable[Any] = widgets(app)["table"]
        table.move_cursor(row=1)
        motif.set_state(rows=[["a", 1], ["b", 2], ["c", 3]])
        await motif.flush()
        await pilot.pause()
        assert table.row_count == 3 and table.cursor_row == 1


async def test_new_radio_options_rebuild_only_that_widget_and_its_events_still_arrive() -> None:
    motif = Everything()
    app = MotifApp(motif)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        before = widgets(app)
        motif.set_state(options=["p", "q", "r"], selected=2)
        await motif.flush()
        await pilot.pause()
        after = widgets(app)
        assert after["radio"] is not before["radio"] and after["table"] is before["table"]
        labels = [str(b.label) for b in after["radio"].query("RadioButton")]
        assert labels == ["p", "q", "r"] and after["radio"].pressed_index == 2
        assert app.binding.view.reconciler.node_of(after["radio"]) is not None
