"""Layout and style props (``core.vdom.LAYOUT_PROPS``) applied to a live widget's inline styles.

Colours are theme variables (``$primary``): inline styles cannot hold a CSS variable, so each is resolved against
the app's current variables when applied, and :func:`colour_props` tells the reconciler which props to re-apply
when the theme changes. Unset props clear the inline rule, so the widget's CSS default shows again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Final

from textual.color import Color, ColorParseError
from textual.widget import Widget

log = logging.getLogger("symphony.motif")

_SIZE_RULES: Final = ("width", "height", "min_width", "max_width", "min_height", "max_height")
COLOUR_PROPS: Final = frozenset({"color", "background", "border_color"})
"""Props holding a theme variable: re-applied on a theme change."""
STYLE_PROPS: Final = frozenset(
    {
        *_SIZE_RULES,
        "padding",
        "margin",
        "border",
        "border_title",
        "align",
        "dock",
        "display",
        "color",
        "background",
        "border_color",
        "text_style",
        "tooltip",
        "disabled",
        "id",
        "classes",
    }
)
"""Every prop this module handles (the catalog's LAYOUT_PROPS)."""

_CLASS_PREFIX: Final = "motif-id-"
_CLASS_NAME: Final = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")


def resolve_colour(value: str, variables: Mapping[str, str]) -> tuple[Color, bool] | None:
    """``$name`` -> (the theme's colour, whether it is ``auto``: a contrast colour such as ``$text-muted``);
    None when the theme has no such variable or it is not a colour (the prop is then ignored)."""
    raw = variables.get(value.removeprefix("$"))
    if raw is None:
        return None
    colour: Color | None = None
    alpha: float | None = None
    auto = False
    try:
        for token in raw.split():
            if token == "auto":
                auto = True
            elif token.endswith("%"):
                alpha = float(token[:-1]) / 100
            else:
                colour = Color.parse(token)
    except (ColorParseError, ValueError):
        return None
    if colour is None and alpha is None:
        return None
    base = colour or Color(255, 255, 255)
    return (base.multiply_alpha(alpha) if alpha is not None else base), auto


def _spacing(value: Any) -> tuple[int, ...]:
    return (value,) if isinstance(value, int) else tuple(value)


def apply_style_props(
    widget: Widget, props: Mapping[str, Any], changed: Mapping[str, Any], unset: list[str], variables: Mapping[str, str]
) -> None:
    """Apply ``changed`` and clear ``unset`` style props; ``props`` is the node's whole new prop map."""
    styles = widget.styles
    for name in unset:
        if name == "color":
            styles.clear_rule("auto_color")
        if name in _SIZE_RULES or name in ("padding", "margin", "align", "dock", "color", "background", "text_style"):
            styles.clear_rule(name)
        elif name in ("border", "border_color"):
            _apply_border(widget, props, variables)
        elif name == "border_title":
            widget.border_title = None
        elif name == "tooltip":
            widget.tooltip = None
        elif name == "disabled":
            widget.disabled = False
        elif name == "display":
            widget.display = True
    for name, value in changed.items():
        if name in _SIZE_RULES:
            setattr(styles, name, value)
        elif name in ("padding", "margin"):
            setattr(styles, name, _spacing(value))
        elif name in ("border", "border_color"):
            _apply_border(widget, props, variables)
        elif name == "border_title":
            widget.border_title = value
        elif name == "align":
            horizontal, vertical = value.split()
            styles.align = (horizontal, vertical)
        elif name == "dock":
            styles.dock = value
        elif name in ("color", "background"):
            resolved = resolve_colour(value, variables)
            if resolved is None:
                log.warning("Motif prop %s=%s: the theme has no such colour variable", name, value)
                styles.clear_rule(name)
            else:
                setattr(styles, name, resolved[0])
                if name == "color":
                    styles.auto_color = resolved[1]
        elif name == "text_style":
            styles.text_style = value
        elif name == "tooltip":
            widget.tooltip = value
        elif name == "disabled":
            widget.disabled = value
        elif name == "display":
            widget.display = value
    if "id" in changed or "id" in unset or "classes" in changed or "classes" in unset:
        _apply_classes(widget, props)


def _apply_border(widget: Widget, props: Mapping[str, Any], variables: Mapping[str, str]) -> None:
    kind = props.get("border")
    if kind is None:
        widget.styles.clear_rule("border")
        return
    resolved = resolve_colour(props["border_color"], variables) if "border_color" in props else None
    resolved = resolved or resolve_colour("$border", variables)
    widget.styles.border = (kind, resolved[0] if resolved is not None else Color(128, 128, 128))


def _apply_classes(widget: Widget, props: Mapping[str, Any]) -> None:
    """``classes`` and ``id`` (as class ``motif-id-<id>``: a Textual id cannot change once mounted)."""
    previous: set[str] = getattr(widget, "_motif_classes", set())
    wanted = {name for name in str(props.get("classes", "")).split() if _CLASS_NAME.match(name)}
    if "id" in props and _CLASS_NAME.match(_CLASS_PREFIX + str(props["id"])):
        wanted.add(_CLASS_PREFIX + str(props["id"]))
    widget.remove_class(*(previous - wanted))
    widget.add_class(*(wanted - previous))
    widget._motif_classes = wanted  # type: ignore[attr-defined]


__all__ = ["COLOUR_PROPS", "STYLE_PROPS", "apply_style_props", "resolve_colour"]
