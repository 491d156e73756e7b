"""Looks tags up by name across a record's groups, in ExifTool's order of preference, as numbers or raw values."""

import math
from typing import Any

Groups = dict[str, dict[str, Any]]

# Where an input tag is looked for, first found wins (EXIF before the maker note's duplicates, then XMP).
_ORDER = ("EXIF", "MakerNotes", "XMP", "APP1")
# Kodak's maker-note exposure values are measured, where its EXIF ones are rounded: ExifTool prefers them.
_MAKER_NOTE_FIRST = ("KODAK", "EASTMAN KODAK")
_ORDER_MAKER_NOTE_FIRST = ("MakerNotes", "EXIF", "XMP", "APP1")


class Inputs:
    """Tags by name across the groups, in ExifTool's order of preference."""

    def __init__(self, groups: Groups):
        self.groups = groups
        make = groups.get("EXIF", {}).get("Make")
        maker_first = isinstance(make, str) and make.strip().upper().startswith(_MAKER_NOTE_FIRST)
        self.order = _ORDER_MAKER_NOTE_FIRST if maker_first else _ORDER

    def raw(self, name: str) -> Any:
        for group in self.order:
            value = self.groups.get(group, {}).get(name)
            if value is not None and value != "":
                return value
        return None

    def number(self, name: str) -> float | None:
        for group in self.order:
            value = number(self.groups.get(group, {}).get(name))
            if value is not None:
                return value
        return None


def number(value: Any) -> float | None:
    """A finite number from a stored value: the first of a list, a numeric string; None otherwise."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.split()[0]) if value.split() else None
        except ValueError:
            return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def digits15(value: float) -> float:
    # A value with the 15 significant digits ExifTool writes. The circle of confusion goes on to the
    # depth of field and hyperfocal distance with these digits: their last digits then agree with ExifTool's.
    return float(f"{value:.15g}")


def text15(value: float) -> str:
    # ExifTool writes computed numbers with 15 significant digits.
    return f"{value:.15g}"
