"""UI-free text model: changes as retain/delete/insert data, multi-range selections, a buffer with undo."""

from core.text.buffer import TextBuffer, UndoStep
from core.text.change import Assoc, Change, Delete, Insert, Retain, Step
from core.text.selection import Selection, SelRange

__all__ = [
    "Assoc",
    "Change",
    "Delete",
    "Insert",
    "Retain",
    "SelRange",
    "Selection",
    "Step",
    "TextBuffer",
    "UndoStep",
]
