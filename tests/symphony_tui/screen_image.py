"""A terminal image built from the updates an app sends, to compare with a full render of its screen."""

from __future__ import annotations

from collections.abc import Iterator

from rich.segment import Segment
from rich.style import Style
from textual.app import App

Cell = tuple[str, Style | None]


class TerminalImage:
    """What a terminal of ``width`` x ``height`` shows after every update ``app`` sent (installed on creation)."""

    def __init__(self, app: App[object], width: int, height: int) -> None:
        self.app = app
        self.resize(width, height)
        original = app._display

        def display(screen: object, renderable: object) -> None:
            if renderable is not None and not app._batch_count:
                console = app.console
                options = console.options.update(width=self.width, height=self.height)
                self._paint(iter(console.render(renderable, options)))  # type: ignore[arg-type]
            original(screen, renderable)  # type: ignore[arg-type]

        app._display = display  # type: ignore[method-assign]

    def resize(self, width: int, height: int) -> None:
        """A blank terminal of the new size (repaint the whole screen after this)."""
        self.width, self.height = width, height
        self.cells: list[list[Cell]] = [[(" ", None)] * width for _ in range(height)]

    def _paint(self, segments: Iterator[Segment]) -> None:
        """Apply an update's segments (cursor moves and text)."""
        image = self.cells
        x = y = 0
        for segment in segments:
            if segment.control:
                for control in segment.control:
                    if control[0].name == "CURSOR_MOVE_TO":
                        x, y = int(control[1]), int(control[2])  # type: ignore[misc]
                continue
            for char in segment.text:
                if char == "\n":
                    x, y = 0, y + 1
                    continue
                if 0 <= y < len(image) and 0 <= x < len(image[y]):
                    image[y][x] = (char, segment.style)
                x += 1

    def full_render(self) -> list[list[Cell]]:
        """The screen as a full render of the app's compositor draws it now."""
        compositor = self.app.screen._compositor
        image = [[(" ", None)] * compositor.size.width for _ in range(compositor.size.height)]
        for y, strip in enumerate(compositor.render_strips()):
            x = 0
            for segment in strip:
                for char in segment.text:
                    image[y][x] = (char, segment.style)
                    x += 1
        return image
