"""Errors particular to language-server requests."""

from __future__ import annotations

from core.errors import CancelledError


class StaleResponseError(CancelledError):
    """An answer arrived (or would arrive) for text the user has since changed, so it was dropped.

    Callers ignore it: a newer request for the current text is on its way or will be made.
    """

    default_hint = "Nothing to do: a newer edit superseded this request."


__all__ = ["StaleResponseError"]
