"""The startup baseline: a bare Textual app showing one file in a plain code TextArea with Python highlighting."""

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import TextArea


class Baseline(App[None]):
    def compose(self) -> ComposeResult:
        yield TextArea.code_editor(Path(sys.argv[1]).read_text(encoding="utf-8"), language="python")


if __name__ == "__main__":
    Baseline().run()
