"""An overlay shown, moved or resized is arranged alone, and must leave exactly the map and the picture a full
layout gives."""

from __future__ import annotations

import random

from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.widgets import Static

from symphony_tui import compositor, partial_layout
from tests.symphony_tui.screen_image import TerminalImage
from tests.symphony_tui.test_compositor import Demo as Base
from tests.symphony_tui.test_compositor import _lines


class Floating(Container):
    DEFAULT_CSS = """
    Floating { overlay: screen; position: absolute; constrain: inside inflect; width: auto; height: auto;
               background: red; border: round blue; }
    Floating > Horizontal { width: auto; height: auto; }
    Floating Static { width: 8; height: 3; }
    Floating #docs { width: 12; border-left: solid green; }
    """


class Demo(Base):
    """The banded-repaint demo with two overlays, the first holding a list and a docs pane."""

    def compose(self) -> ComposeResult:
        yield from (widget for widget in super().compose() if not isinstance(widget, Static) or widget.id)
        with Floating(id="first"), Horizontal():
            yield Static("list", id="list")
            yield Static("docs", id="docs")
        yield Floating(Static("hover"), id="second")


async def test_an_overlay_placed_alone_matches_a_full_layout() -> None:
    assert compositor.install() and partial_layout.install()
    app = Demo()
    width, height = 60, 20
    image = TerminalImage(app, width, height)
    placed: list[bool] = []
    rearrange, full_layout = partial_layout.rearrange, partial_layout._original_refresh_layout

    def counting(screen, root):  # type: ignore[no-untyped-def]
        placed.append(rearrange(screen, root))
        return placed[-1]

    def counting_full(screen, size=None, scroll=False):  # type: ignore[no-untyped-def]
        placed.append(False)
        return full_layout(screen, size, scroll)

    partial_layout.rearrange = counting  # type: ignore[assignment]
    partial_layout._original_refresh_layout = counting_full  # type: ignore[assignment]
    rng = random.Random(11)
    try:
        async with app.run_test(size=(width, height)) as pilot:
            await pilot.pause()
            screen = app.screen
            layout = screen._compositor
            app.screen._compositor._dirty_regions.add(app.screen.region)
            app.screen.refresh()
            await pilot.pause()
            first, second = app.query_one("#first", Floating), app.query_one("#second", Floating)
            listing, docs = app.query_one("#list", Static), app.query_one("#docs", Static)
            for step in range(160):
                action = rng.choice(["move", "move", "toggle", "width", "docs", "text", "main", "both", "status"])
                target = rng.choice([first, second])

                def change(action: str = action, target: Floating = target, step: int = step) -> None:
                    if action in ("move", "both", "status"):
                        target.styles.offset = (rng.randint(-2, width), rng.randint(-2, height))
                    if action in ("toggle", "both"):
                        target.display = not target.display
                    if action == "width":
                        listing.styles.width = rng.randint(3, 20)
                    if action == "docs":
                        docs.display = not docs.display
                    if action == "text":
                        docs.update(f"docs {step}\n" * rng.randint(1, 4))

                if action == "main":
                    app.query_one("#main", Static).update(_lines("main", step))
                elif action == "status":  # an ordinary layout elsewhere on the screen at the same time
                    app.query_one("#status", Static).update(f"status {step} " * rng.randint(1, 4))
                    screen.refresh(layout=True, repaint=False)  # as a resize or a mount asks
                    change(target=first)
                else:
                    change(target=target if action in ("move", "toggle", "both") else first)
                await pilot.pause()
                assert image.cells == image.full_render(), f"step {step} {action}: the screen is stale"
                fresh, _ = layout._arrange_root(screen, layout.size, visible_only=False)
                assert list(layout._full_map.items()) == list(fresh.items()), f"step {step} {action}: map differs"
                assert first.region == layout.find_widget(first).region if first.display else True
    finally:
        partial_layout.rearrange = rearrange  # type: ignore[assignment]
        partial_layout._original_refresh_layout = full_layout  # type: ignore[assignment]
        partial_layout.uninstall()
    assert placed.count(True) > 60, "the overlay was hardly ever placed without a layout"
    assert False in placed, "a pending layout elsewhere must fall back to Textual's layout"


async def test_an_overlay_shown_again_with_new_contents_is_arranged_alone() -> None:
    """The completion popup's case: its list changes while it is hidden, then it is shown. Textual records that
    request on the screen without naming the overlay, and counts the shown widgets as new to the map; neither
    may turn it into a layout of the whole screen."""
    assert compositor.install() and partial_layout.install()
    app = Demo()
    full_layouts: list[bool] = []
    full_layout = partial_layout._original_refresh_layout

    def counting_full(screen, size=None, scroll=False):  # type: ignore[no-untyped-def]
        full_layouts.append(True)
        return full_layout(screen, size, scroll)

    try:
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            screen, first = app.screen, app.query_one("#first", Floating)
            image = TerminalImage(app, 60, 20)
            screen._compositor._dirty_regions.add(screen.region)  # the image starts blank: paint it all once
            screen.refresh()
            await pilot.pause()
            listing = app.query_one("#list", Static)
            partial_layout._original_refresh_layout = counting_full  # type: ignore[assignment]
            for width in (12, 5, 17):
                first.display = False
                await pilot.pause()
                listing.styles.width = width
                listing.update(f"w{width}")
                first.display = True
                first.styles.offset = (width, 3)
                await pilot.pause()
                assert first.region.width == width + 12 + 2  # list, docs pane, border
                assert image.cells == image.full_render(), f"width {width}: the screen is stale"
                fresh, _ = screen._compositor._arrange_root(screen, screen._compositor.size, visible_only=False)
                assert list(screen._compositor._full_map.items()) == list(fresh.items())
    finally:
        partial_layout._original_refresh_layout = full_layout  # type: ignore[assignment]
        partial_layout.uninstall()
    assert not full_layouts, f"{len(full_layouts)} layouts of the whole screen"


async def test_refreshes_handed_over_are_painted_in_the_very_next_frame() -> None:
    """What the completion popup does before painting its held frame: an overlay shown and a list changed just
    now must be in that frame, without waiting for each widget to pass its requests on when it goes idle."""
    assert compositor.install() and partial_layout.install()
    app = Demo()
    try:
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            screen, first = app.screen, app.query_one("#first", Floating)
            listing = app.query_one("#list", Static)
            first.display = False
            await pilot.pause()
            image = TerminalImage(app, 60, 20)
            screen._compositor._dirty_regions.add(screen.region)
            screen.refresh()
            await pilot.pause()
            for step in range(3):
                # No await between the change and the paint: the requests have not travelled yet.
                listing.update(f"item {step}")
                first.display = True
                first.styles.offset = (2 + step, 4)
                partial_layout.hand_over_refreshes(screen, first)
                assert screen._layout_required and listing in screen._dirty_widgets
                screen._on_timer_update()
                assert first.region.offset == (2 + step, 4)
                assert any(f"item {step}" in "".join(char for char, _ in row) for row in image.cells)
                assert image.cells == image.full_render()
                first.display = False
                await pilot.pause()
                assert not listing._repaint_required and not listing._layout_required  # nothing left to pass on
    finally:
        partial_layout.uninstall()


async def test_two_overlays_changed_in_the_same_moment_are_both_arranged() -> None:
    """Textual lets any queued layout request replace another (its layout arranges everything); arranging only
    what asked, the second request must not erase the first (the completion popup hidden with its docs pane)."""
    assert compositor.install() and partial_layout.install()
    app = Demo()
    try:
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            screen, layout = app.screen, app.screen._compositor
            first, second = app.query_one("#first", Floating), app.query_one("#second", Floating)
            for shown in (False, True, False):
                first.display = second.display = shown
                if shown:
                    first.styles.offset, second.styles.offset = (3, 2), (30, 9)
                await pilot.pause()
                fresh, _ = layout._arrange_root(screen, layout.size, visible_only=False)
                assert list(layout._full_map.items()) == list(fresh.items()), f"shown={shown}: the map is stale"
                assert (first in layout._full_map) is shown and (second in layout._full_map) is shown
    finally:
        partial_layout.uninstall()
