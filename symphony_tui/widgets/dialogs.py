"""Small modal dialogs: a choice among buttons (save/discard/cancel...) and a one-line text prompt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.widgets.input import Selection

_DIALOG_CSS = """
{name} {{
    align: center middle;
    background: $background 50%;
}}
{name} > Vertical {{
    width: auto;
    min-width: 50;
    max-width: 90;
    height: auto;
    background: $surface;
    border: thick $primary;
    padding: 1 2;
}}
{name} .dialog-title {{
    text-style: bold;
    margin-bottom: 1;
}}
{name} .dialog-body {{
    margin-bottom: 1;
    color: $text-muted;
}}
{name} Horizontal {{
    height: auto;
    width: auto;
}}
{name} Button {{
    margin-right: 1;
}}
"""


@dataclass(frozen=True)
class Choice:
    """A button: the value returned, its label, a single-key shortcut and the Textual button variant."""

    value: str
    label: str
    key: str = ""
    variant: str = "default"


def accelerated(label: str, key: str) -> Content:
    """The button label with its shortcut key underlined (or added in brackets): the keys answered the dialog but
    nothing on screen said which."""
    at = label.lower().find(key.lower()) if len(key) == 1 else -1
    if at < 0:
        return Content(f"{label} ({key})") if key else Content(label)
    return Content.assemble(label[:at], (label[at], "underline"), label[at + 1 :])


class ChoiceDialog(ModalScreen[str]):
    """Ask the user to pick one of a few choices. Escape returns the ``cancel`` value."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ChoiceDialog")

    def __init__(self, title: str, body: str, choices: Sequence[Choice], *, cancel: str = "cancel") -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._choices = list(choices)
        self._cancel = cancel
        self._keys = {c.key: c.value for c in self._choices if c.key}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title")
            if self._body:
                yield Static(self._body, classes="dialog-body")
            with Horizontal():
                for choice in self._choices:
                    yield Button(
                        accelerated(choice.label, choice.key),
                        id=f"choice-{choice.value}",
                        variant=choice.variant,  # type: ignore[arg-type]
                    )

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("choice-"))

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            self.dismiss(self._cancel)
        elif event.key in self._keys:
            self.dismiss(self._keys[event.key])
        elif event.key in ("left", "right"):
            # Arrows move between the buttons as in any dialog; only tab did, so right+enter pressed Save.
            buttons = list(self.query(Button))
            current = buttons.index(self.focused) if self.focused in buttons else 0
            buttons[(current + (1 if event.key == "right" else -1)) % len(buttons)].focus()
        else:
            return
        event.stop()


class InputDialog(ModalScreen[str | None]):
    """Ask for one line of text (e.g. a path for Save As). Escape returns None."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="InputDialog") + "InputDialog Input { width: 70; }"

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(
        self, title: str, *, value: str = "", placeholder: str = "", select: tuple[int, int] | None = None
    ) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._placeholder = placeholder
        self._select = select
        """The part of ``value`` selected at first (e.g. a file's name without its extension); None: all of it."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title")
            yield Input(value=self._value, placeholder=self._placeholder, select_on_focus=self._select is None)

    def on_mount(self) -> None:
        if self._select is not None:
            field = self.query_one(Input)
            field.focus()
            field.selection = Selection(*self._select)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
