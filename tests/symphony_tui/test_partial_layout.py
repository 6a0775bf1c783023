"""A layout asked from inside a widget whose size does not follow its content arranges only that widget's
subtree, and must leave exactly the map and the picture a full layout gives."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from symphony_tui import compositor, partial_layout
from tests.symphony_tui.screen_image import TerminalImage
from tests.symphony_tui.test_compositor import _lines


class Demo(App[None]):
    CSS = """
    #side { width: 14; }
    #side Static { height: auto; }
    #main { background: $surface; }
    #status { dock: bottom; height: 1; background: blue; }
    #status Static { width: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="side"):
                yield Static("one", id="one")
                yield Static("two", id="two")
            yield Static(_lines("main", 0), id="main")
        with Horizontal(id="status"):
            yield Static("left", id="left")
            yield Static("middle", id="middle")
            yield Static("right", id="right")


async def test_partial_layouts_match_full_layouts() -> None:
    assert compositor.install() and partial_layout.install()
    app = Demo()
    width, height = 60, 20
    image = TerminalImage(app, width, height)
    done: list[bool] = []
    rearrange = partial_layout.rearrange

    def counting(screen, root):  # type: ignore[no-untyped-def]
        done.append(rearrange(screen, root))
        return done[-1]

    partial_layout.rearrange = counting  # type: ignore[assignment]
    rng = random.Random(5)
    try:
        async with app.run_test(size=(width, height)) as pilot:
            await pilot.pause()
            screen = app.screen
            screen._compositor._dirty_regions.add(screen.region)
            screen.refresh()
            await pilot.pause()
            for step in range(120):
                action = rng.choice(["status", "status", "toggle", "side", "main", "mount", "resize"])
                if action == "status":
                    app.query_one(f"#{rng.choice(['left', 'middle', 'right'])}", Static).update(
                        "x" * rng.randint(0, 12)
                    )
                elif action == "toggle":
                    field = app.query_one(f"#{rng.choice(['left', 'middle'])}", Static)
                    field.display = not field.display
                elif action == "side":
                    app.query_one(f"#{rng.choice(['one', 'two'])}", Static).update("s\n" * rng.randint(1, 5))
                elif action == "main":
                    app.query_one("#main", Static).update(_lines("main", step))
                elif action == "mount":
                    await app.query_one("#status").mount(Static(f"m{step}", classes="extra"))
                    for extra in list(app.query(".extra"))[:-2]:
                        await extra.remove()
                else:
                    await pilot.resize_terminal(rng.choice([58, 60]), height)
                    width = app.size.width
                    image.resize(width, height)
                    screen._compositor._dirty_regions.add(screen.region)
                    screen.refresh()
                await pilot.pause()
                assert image.cells == image.full_render(), f"step {step} {action}: the screen is stale"
                fresh, _ = screen._compositor._arrange_root(screen, screen._compositor.size, visible_only=False)
                assert list(screen._compositor._full_map.items()) == list(fresh.items()), f"step {step} {action}"
    finally:
        partial_layout.rearrange = rearrange  # type: ignore[assignment]
        partial_layout.uninstall()
    assert done.count(True) > 30, "hardly any layout was partial"
