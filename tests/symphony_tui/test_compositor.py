"""Banded partial repaints must leave the terminal exactly as a full repaint would.

Every update the app sends is applied to an image of the terminal; after each change (text in a side panel,
the main area, a status bar, an overlay popup moving, appearing and disappearing) the image must equal a full
render of the screen. Textual's own repaint path passes the same test, so the two paths agree.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.widgets import Static

from symphony_tui import compositor
from tests.symphony_tui.screen_image import TerminalImage


class Popup(Static):
    DEFAULT_CSS = """
    Popup { overlay: screen; position: absolute; width: 14; height: 4; background: red; border: round blue; }
    """


class Demo(App[None]):
    CSS = """
    #side { width: 12; background: green; }
    #main { background: $surface; }
    #status { dock: bottom; height: 1; background: blue; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static(_lines("side", 0), id="side")
            yield Static(_lines("main", 0), id="main")
        yield Static("status", id="status")
        yield Popup("popup")


def _lines(name: str, version: int) -> str:
    return "\n".join(f"{name} {version} line {index}" for index in range(30))


@pytest.fixture(params=["banded", "textual"])
def repaint_path(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "banded":
        compositor.install()
    else:
        compositor.uninstall()
    yield request.param
    compositor.install()


async def test_incremental_repaints_match_a_full_render(repaint_path: str) -> None:
    app = Demo()
    width, height = 60, 20
    image = TerminalImage(app, width, height)
    rng = random.Random(7)
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.pause()
        app.screen._compositor._dirty_regions.add(app.screen.region)
        app.screen.refresh()
        await pilot.pause()
        popup = app.query_one(Popup)
        for step in range(160):
            actions = rng.sample(["side", "main", "status", "move", "toggle", "popup"], rng.randint(1, 3))
            for action in actions:  # several at once: one frame with dirty regions far apart
                if action in ("side", "main"):
                    app.query_one(f"#{action}", Static).update(_lines(action, step))
                elif action == "status":
                    app.query_one("#status", Static).update(f"status {step} " * rng.randint(1, 4))
                elif action == "move":
                    popup.styles.offset = (rng.randint(0, width - 14), rng.randint(0, height - 5))
                elif action == "toggle":
                    popup.display = not popup.display
                else:
                    popup.update(f"popup {step}")
            await pilot.pause()
            assert image.cells == image.full_render(), f"{repaint_path}: step {step} {actions} left the screen stale"


def test_banded_repaints_are_only_installed_on_the_tested_textual_line() -> None:
    """They replace private compositor methods: another Textual release keeps its own repaint path."""
    assert compositor.supported()  # the pinned Textual in this environment
    assert not compositor.supported("9.0.0")
    assert not compositor.supported("8.3.0")


@settings(max_examples=300, deadline=None)
@given(
    target=st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(1, 8), st.integers(1, 8)),
    in_front=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(0, 8), st.integers(0, 8))),
)
def test_occlusion_matches_a_cell_by_cell_count(
    target: tuple[int, int, int, int], in_front: list[tuple[int, int, int, int]]
) -> None:
    """A widget is skipped only when the widgets in front of it cover every one of its cells."""
    regions = [Region(*region) for region in in_front]
    cells = {
        (x, y) for region in regions for x in range(region.x, region.right) for y in range(region.y, region.bottom)
    }
    box = Region(*target)
    expected = all((x, y) in cells for x in range(box.x, box.right) for y in range(box.y, box.bottom))
    assert compositor._covered(box, regions) == expected


async def test_a_layout_leaves_the_full_map_valid_so_the_next_region_query_does_not_arrange_again() -> None:
    assert compositor.install()
    app = Demo()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        screen = app.screen
        layout = screen._compositor
        popup = app.query_one(Popup)
        arranged: list[bool] = []
        arrange = layout._arrange_root

        def counting(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            if sys._getframe(1).f_code.co_name not in ("reflow", "_arrange_path", "check"):
                arranged.append(True)  # a re-arrangement outside a (full or partial) layout: the map was stale
            return arrange(*args, **kwargs)  # type: ignore[arg-type]

        layout._arrange_root = counting  # type: ignore[method-assign]
        for step in range(4):
            popup.display = False
            await pilot.pause()
            arranged.clear()
            # As the completion popup is shown: its content replaced while hidden (which invalidates the full
            # map), then shown and placed, then asked where it is.
            popup.update(f"popup {step}")
            popup.display = True
            popup.styles.offset = (step, step)
            await pilot.pause()
            main = app.query_one("#main")
            assert main.region == layout.find_widget(main).region
            popup.region  # noqa: B018
            assert not arranged, f"step {step}: the screen was arranged again after its layout"
            fresh, _ = arrange(screen, layout.size, visible_only=False)
            assert layout._full_map == fresh


async def test_repainting_a_hidden_widget_keeps_the_full_map() -> None:
    """Textual re-arranged the whole screen on the next region query after a hidden widget refreshed (the
    closed completion popup's contents); a newly mounted widget still invalidates the map."""
    assert compositor.install()
    app = Demo()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        layout = app.screen._compositor
        popup = app.query_one(Popup)
        popup.display = False
        await pilot.pause()
        assert not layout._full_map_invalidated
        popup.update("changed while hidden")
        layout.update_widgets({popup})
        assert not layout._full_map_invalidated
        newcomer = Static("new")
        await app.query_one("#main").mount(newcomer)
        layout.update_widgets({newcomer})
        # Not on the map yet: the map is thrown away, unless the layout its mounting asked for is on its way.
        pending = compositor._pending_layout(app.screen)
        assert (
            layout._full_map_invalidated
            or newcomer in layout.visible_widgets
            or compositor._placed_by_pending_layout(newcomer, pending)
        )
        await pilot.pause()
        assert newcomer in layout.visible_widgets
        screen = app.screen
        fresh, _ = layout._arrange_root(screen, layout.size, visible_only=False)
        assert layout._full_map == fresh
