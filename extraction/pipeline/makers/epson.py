"""Epson maker notes: Olympus' old layout ("EPSON\\0", an IFD whose offsets count from the TIFF header)."""

from typing import Any

from .base import MakerNote
from .olympus import MAIN, read_olympus_style
from .tags import Tag

TABLE: dict[int, Tag] = {
    **MAIN,
    0x0201: Tag("Quality", {1: "SQ (Low)", 2: "HQ (Normal)", 3: "SHQ (Fine)", 4: "RAW", 5: "Medium-Fine",
                            6: "Small-Fine", 33: "Uncompressed"}),
    0x020b: Tag("EpsonImageWidth"),
    0x020c: Tag("EpsonImageHeight"),
    0x020d: Tag("EpsonSoftware", form="string"),
}


def matches(note: MakerNote) -> bool:
    return note.data[:6] == b"EPSON\x00"


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    return read_olympus_style(note, warnings, TABLE)
