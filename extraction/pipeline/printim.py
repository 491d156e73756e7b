"""Reads Epson's Print Image Matching block (EXIF IFD0 tag 0xC4A5, or inside a maker note) into ExifTool's PrintIM tags."""

import struct
from typing import Any

from .makers.base import read_ifd

PRINTIM_ID = b"PrintIM\x00"
PRINTIM_TAG = 0xC4A5
_MAX_MAKER_NOTE = 1 << 20


def parse_printim(block: bytes) -> dict[str, Any]:
    """PrintIMVersion of one block starting "PrintIM\\0"; its numbered entries have no public names (ExifTool
    shows them only as unknown tags), so they are not reported."""
    if not block.startswith(PRINTIM_ID) or len(block) < 16:
        return {}
    version = block[8:12].decode("latin-1").strip("\x00")
    return {"PrintIMVersion": version} if version.isprintable() else {}


def find_printim(tiff: Any, maker_note: tuple[int, int] | None = None) -> bytes | None:
    """The PrintIM block of one EXIF TIFF structure: IFD0's tag 0xC4A5, else the one a maker note embeds."""
    head = bytes(tiff[:8])
    if len(head) < 8 or head[:2] not in (b"II", b"MM"):
        return None
    order = head[:2].decode("ascii")
    (ifd0,) = struct.unpack_from("<I" if order == "II" else ">I", head, 4)
    entry = read_ifd(tiff, ifd0, order).get(PRINTIM_TAG)
    if entry is not None and entry.raw.startswith(PRINTIM_ID):
        return entry.raw
    if maker_note is not None:
        offset, size = maker_note
        note = bytes(tiff[offset : offset + min(size, _MAX_MAKER_NOTE)])
        at = note.find(PRINTIM_ID)
        if at >= 0:
            return note[at:]
    return None
