"""JVC maker notes: the text kind ("VER:0100QTY:FINE")."""

import re
from typing import Any

from .base import MakerNote

_FIELDS = re.compile(rb"(VER):(\d{4})|(QTY):([A-Z]+)")
_QUALITY = {"STND": "Normal", "STD": "Normal", "FINE": "Fine"}


def matches(note: MakerNote) -> bool:
    return note.make.upper().startswith("JVC") and note.data[:4] == b"VER:"


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    for version, number, _quality, word in _FIELDS.findall(note.data[:256]):
        text = (number or word).decode("ascii")
        if version:
            values.setdefault("MakerNoteVersion", text)
            printed.setdefault("MakerNoteVersion", text)
        else:
            values.setdefault("Quality", text)
            printed.setdefault("Quality", _QUALITY.get(text, f"Unknown ({text})"))
    return values, printed
