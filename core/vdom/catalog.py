"""Which node types exist, which props and events each accepts, and which children it may hold.

The catalog is the contract between extensions (which describe UI as data) and the reconciler (which maps each
type onto one Textual widget): anything not listed here is rejected by validation, so a reconciler never meets a
type or prop it cannot render. Colours are theme variables only (``$primary``), never raw values, so Motifs follow
the user's theme.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

PropCheck = Callable[[Any], str | None]
"""Returns None when the value is acceptable, else what is wrong with it ("expected ...")."""

_SIZE = re.compile(r"^(auto|\d+(\.\d+)?(%|fr|w|h|vw|vh)?)$")
_THEME_VAR = re.compile(r"^\$[a-z][a-z0-9-]*$")
_TEXT_STYLES: Final = frozenset({"bold", "italic", "underline", "dim", "reverse", "strike", "none"})
_H_ALIGN: Final = ("left", "center", "right")
_V_ALIGN: Final = ("top", "middle", "bottom")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def string(value: Any) -> str | None:
    """Any string."""
    return None if isinstance(value, str) else "expected a string"


def boolean(value: Any) -> str | None:
    """True or False."""
    return None if isinstance(value, bool) else "expected true or false"


def non_negative_int(value: Any) -> str | None:
    """0, 1, 2 ..."""
    return None if _is_int(value) and value >= 0 else "expected an integer >= 0"


def number(value: Any) -> str | None:
    """An int or a float (not a bool)."""
    return None if _is_number(value) else "expected a number"


def optional(check: PropCheck) -> PropCheck:
    """``check`` or None."""

    def run(value: Any) -> str | None:
        if value is None:
            return None
        problem = check(value)
        return None if problem is None else f"{problem} or null"

    return run


def one_of(*choices: str) -> PropCheck:
    """One of a fixed set of strings."""

    def run(value: Any) -> str | None:
        return None if value in choices else "expected one of " + ", ".join(repr(c) for c in choices)

    return run


def list_of(check: PropCheck, what: str) -> PropCheck:
    """A list whose every item passes ``check``."""

    def run(value: Any) -> str | None:
        if not isinstance(value, list):
            return f"expected a list of {what}"
        for index, item in enumerate(value):
            if check(item) is not None:
                return f"expected a list of {what}; item {index} is {item!r}"
        return None

    return run


def size(value: Any) -> str | None:
    """Cells (int) or a CSS-like scalar string: ``auto``, ``50%``, ``1fr``, ``10``."""
    if _is_int(value) and value >= 0:
        return None
    if isinstance(value, str) and _SIZE.match(value):
        return None
    return "expected cells (int >= 0) or 'auto', 'N%', 'Nfr', 'Nw', 'Nh', 'Nvw', 'Nvh'"


def spacing(value: Any) -> str | None:
    """Padding/margin: one int, or a list of 1, 2 or 4 ints >= 0 (CSS order)."""
    if _is_int(value) and value >= 0:
        return None
    if isinstance(value, list) and len(value) in (1, 2, 4) and all(_is_int(v) and v >= 0 for v in value):
        return None
    return "expected an int >= 0 or a list of 1, 2 or 4 ints >= 0"


def theme_colour(value: Any) -> str | None:
    """A theme variable such as ``$primary`` or ``$text-muted``: raw colours would ignore the user's theme."""
    if isinstance(value, str) and _THEME_VAR.match(value):
        return None
    return "expected a theme variable such as '$primary', '$accent' or '$text-muted'"


def text_style(value: Any) -> str | None:
    """Space-separated text styles (``bold italic``)."""
    if isinstance(value, str) and value.split() and set(value.split()) <= _TEXT_STYLES:
        return None
    return "expected space-separated styles from " + ", ".join(sorted(_TEXT_STYLES))


def align(value: Any) -> str | None:
    """``'<horizontal> <vertical>'``, e.g. ``'center middle'``."""
    parts = value.split() if isinstance(value, str) else []
    if len(parts) == 2 and parts[0] in _H_ALIGN and parts[1] in _V_ALIGN:
        return None
    return "expected '<left|center|right> <top|middle|bottom>'"


def _span(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
        return text_style(value[1]) if value[1] is not None else None
    return "expected [text, style]"


def _option(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], str):
        return None
    return "expected [label, value]"


def _cell(value: Any) -> str | None:
    return None if isinstance(value, str) or _is_number(value) or value is None else "expected a cell"


def _row(value: Any) -> str | None:
    return list_of(_cell, "cells (strings, numbers or null)")(value)


LAYOUT_PROPS: Final[Mapping[str, PropCheck]] = {
    "id": string,
    "classes": string,
    "width": size,
    "height": size,
    "min_width": size,
    "max_width": size,
    "min_height": size,
    "max_height": size,
    "padding": spacing,
    "margin": spacing,
    "border": one_of("none", "round", "solid", "heavy", "double", "tall", "wide", "ascii", "dashed", "panel"),
    "border_title": string,
    "align": align,
    "dock": one_of("top", "bottom", "left", "right"),
    "display": boolean,
    "color": theme_colour,
    "background": theme_colour,
    "border_color": theme_colour,
    "text_style": text_style,
    "tooltip": string,
    "disabled": boolean,
}
"""Props every node type accepts: layout and the safe style subset."""

ANY_CHILD: Final = "*"
"""``children`` value meaning any node type may be a child."""


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """What one node type accepts."""

    widget: str
    """The Textual widget the reconciler renders it with (documentation for reconciler authors)."""
    props: Mapping[str, PropCheck] = field(default_factory=dict)
    """Type-specific props (on top of LAYOUT_PROPS)."""
    events: frozenset[str] = frozenset()
    """Events a handler may be attached to."""
    children: frozenset[str] = frozenset()
    """Allowed child types; ``{"*"}`` for any; empty for a leaf."""
    text: bool = False
    """Whether the node carries text (label, button caption, markdown source ...)."""


_CONTAINER: Final = frozenset({ANY_CHILD})

NODE_TYPES: Final[Mapping[str, NodeSpec]] = {
    # containers
    "vertical": NodeSpec("Vertical", children=_CONTAINER),
    "horizontal": NodeSpec("Horizontal", children=_CONTAINER),
    "grid": NodeSpec(
        "Grid",
        {"columns": non_negative_int, "rows": non_negative_int, "gutter": non_negative_int},
        children=_CONTAINER,
    ),
    "scroll": NodeSpec("VerticalScroll", {"horizontal": boolean}, children=_CONTAINER),
    "tabs": NodeSpec("TabbedContent", {"active": optional(string)}, frozenset({"changed"}), frozenset({"tab"})),
    "tab": NodeSpec("TabPane", children=_CONTAINER, text=True),
    # text
    "static": NodeSpec("Static", text=True),
    "label": NodeSpec("Label", {"variant": optional(one_of("success", "error", "warning", "primary"))}, text=True),
    "markdown": NodeSpec("Markdown", text=True),
    "rich_text": NodeSpec("Static", {"spans": list_of(_span, "[text, style] pairs")}),
    # inputs
    "button": NodeSpec(
        "Button",
        {"variant": one_of("default", "primary", "success", "warning", "error")},
        frozenset({"press"}),
        text=True,
    ),
    "input": NodeSpec(
        "Input",
        {"value": string, "placeholder": string, "password": boolean, "restrict": optional(string)},
        frozenset({"changed", "submitted"}),
    ),
    "text_area": NodeSpec(
        "TextArea",
        {"value": string, "language": optional(string), "read_only": boolean, "soft_wrap": boolean},
        frozenset({"changed"}),
    ),
    "checkbox": NodeSpec("Checkbox", {"value": boolean}, frozenset({"changed"}), text=True),
    "switch": NodeSpec("Switch", {"value": boolean}, frozenset({"changed"})),
    "radio_set": NodeSpec(
        "RadioSet",
        {"options": list_of(string, "strings"), "selected": optional(non_negative_int)},
        frozenset({"changed"}),
    ),
    "select": NodeSpec(
        "Select",
        {"options": list_of(_option, "[label, value] pairs"), "value": optional(string), "prompt": string},
        frozenset({"changed"}),
    ),
    "option_list": NodeSpec(
        "OptionList",
        {"options": list_of(string, "strings"), "highlighted": optional(non_negative_int)},
        frozenset({"selected", "highlighted"}),
    ),
    # data
    "list_view": NodeSpec(
        "ListView", {"index": optional(non_negative_int)}, frozenset({"selected"}), frozenset({"list_item"})
    ),
    "list_item": NodeSpec("ListItem", children=_CONTAINER),
    "data_table": NodeSpec(
        "DataTable",
        {
            "columns": list_of(string, "strings"),
            "rows": list_of(_row, "rows"),
            "cursor_type": one_of("cell", "row", "column", "none"),
            "zebra_stripes": boolean,
        },
        frozenset({"row_selected", "cell_selected"}),
    ),
    "tree": NodeSpec(
        "Tree",
        {"show_root": boolean},
        frozenset({"selected", "expanded", "collapsed"}),
        frozenset({"tree_node"}),
        text=True,
    ),
    "tree_node": NodeSpec(
        "TreeNode", {"expanded": boolean, "data": optional(string)}, children=frozenset({"tree_node"}), text=True
    ),
    "progress_bar": NodeSpec(
        "ProgressBar",
        {"total": optional(number), "progress": number, "show_eta": boolean, "show_percentage": boolean},
    ),
    "sparkline": NodeSpec("Sparkline", {"data": list_of(number, "numbers"), "summary": one_of("max", "min", "mean")}),
    "log": NodeSpec("Log", {"lines": list_of(string, "strings"), "max_lines": optional(non_negative_int)}),
    "loading_indicator": NodeSpec("LoadingIndicator"),
}
"""Every node type a Motif may use."""

__all__ = [
    "ANY_CHILD",
    "LAYOUT_PROPS",
    "NODE_TYPES",
    "NodeSpec",
    "PropCheck",
    "align",
    "boolean",
    "list_of",
    "non_negative_int",
    "number",
    "one_of",
    "optional",
    "size",
    "spacing",
    "string",
    "text_style",
    "theme_colour",
]
