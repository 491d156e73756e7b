"""Maker-note decoders, one module per make: each `read(note, warnings) -> (values, printed)` under ExifTool's names.

`DECODERS` is tried in order; the first whose `matches(note)` is true decodes the note. A decoder never
raises for hostile bytes: the caller turns an exception into a warning and keeps the rest of the file.
"""

from collections.abc import Callable
from typing import Any

from . import apple, canon, casio, dji, epson, fujifilm, jvc, kodak, minolta, nikon, olympus, panasonic, pentax, reconyx, ricoh, samsung, sanyo, sony
from .base import MakerNote

Decoded = tuple[dict[str, Any], dict[str, Any]]
# (matches, read) pairs; each make's module adds its own line. Notes known by their own header come
# before those known by the file's Make, since some makers' files carry another maker's note format.
DECODERS: list[tuple[Callable[[MakerNote], bool], Callable[[MakerNote, list[str]], Decoded]]] = [
    (fujifilm.matches, fujifilm.read),
    (apple.matches, apple.read),
    (nikon.matches, nikon.read),
    (sony.matches, sony.read),
    (olympus.matches, olympus.read),
    (epson.matches, epson.read),
    (sanyo.matches, sanyo.read),
    (ricoh.matches, ricoh.read),
    (jvc.matches, jvc.read),
    (casio.matches, casio.read),
    (panasonic.matches, panasonic.read),
    (reconyx.matches, reconyx.read),
    (kodak.matches, kodak.read),
    (pentax.matches, pentax.read),
    (minolta.matches, minolta.read),
    (canon.matches, canon.read),
    (samsung.matches, samsung.read),
    (dji.matches, dji.read),
]


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
