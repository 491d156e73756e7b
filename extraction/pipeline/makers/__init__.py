"""Maker-note decoders, one module per make: each `read(note, warnings) -> (values, printed)` under ExifTool's names.

`DECODERS` is tried in order; the first whose `matches(note)` is true decodes the note. A decoder never
raises for hostile bytes: the caller turns an exception into a warning and keeps the rest of the file.
"""

from collections.abc import Callable
from typing import Any

from . import apple, canon, dji, fujifilm, nikon, samsung, sony
from .base import MakerNote

Decoded = tuple[dict[str, Any], dict[str, Any]]
# (matches, read) pairs; each make's module adds its own line.
DECODERS: list[tuple[Callable[[MakerNote], bool], Callable[[MakerNote, list[str]], Decoded]]] = [
    (canon.matches, canon.read),
    (nikon.matches, nikon.read),
    (fujifilm.matches, fujifilm.read),
    (apple.matches, apple.read),
    (sony.matches, sony.read),
    (samsung.matches, samsung.read),
    (dji.matches, dji.read),
]


def has_decoder(note: MakerNote) -> bool:
    """Whether one of `DECODERS` reads this note (the rest fall back to `makernotes.py`'s key fields)."""
    return any(matches(note) for matches, _read in DECODERS)


def decode_maker_note(note: MakerNote, warnings: list[str]) -> Decoded:
    """The note's tags (numeric, ExifTool names) and their printed words; ({}, {}) for a make we do not read."""
    for matches, read in DECODERS:
        if matches(note):
            try:
                return read(note, warnings)
            except Exception as exc:  # hostile maker notes raise many types: keep the file, say what broke
                warnings.append(f"MakerNotes: the {note.make or 'maker'} note could not be read ({type(exc).__name__})")
                return {}, {}
    return {}, {}
