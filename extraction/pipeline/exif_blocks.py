"""Blocks other specs keep inside an EXIF/TIFF structure, read into their own ExifTool groups: Photoshop's image
resources (IFD0 tag 0x8649) and Print Image Matching (IFD0 tag 0xC4A5, or inside a maker note)."""

import struct
from dataclasses import dataclass, field
from typing import Any

from .makers.base import Entry, read_ifd
from .photoshop import parse_photoshop
from .printim import PRINTIM_ID, parse_printim

IMAGE_RESOURCES = 0x8649
PRINTIM_TAG = 0xC4A5
_MAX_MAKER_NOTE = 1 << 20


@dataclass
class ExifBlocks:
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    iptc: bytes | None = None  # the IPTC record inside the image resources


def read_exif_blocks(tiff: Any, maker_note: tuple[int, int] | None, warnings: list[str]) -> ExifBlocks:
    """The Photoshop and PrintIM groups of one TIFF structure (bytes or mmap); never raises."""
    result = ExifBlocks()
    ifd0 = _ifd0(tiff)
    resources = ifd0.get(IMAGE_RESOURCES)
    if resources is not None:
        photoshop = parse_photoshop(resources.raw, warnings)
        if photoshop.tags:
            result.groups["Photoshop"] = photoshop.tags
        result.iptc = photoshop.iptc
    printim = find_printim(tiff, maker_note, ifd0)
    if printim:
        tags = parse_printim(printim)
        if tags:
            result.groups["PrintIM"] = tags
    return result


def find_printim(tiff: Any, maker_note: tuple[int, int] | None = None,
                 ifd0: dict[int, Entry] | None = None) -> bytes | None:
    """The PrintIM block of one TIFF structure: IFD0's tag 0xC4A5, else the one a maker note embeds."""
    entry = (ifd0 if ifd0 is not None else _ifd0(tiff)).get(PRINTIM_TAG)
    if entry is not None and entry.raw.startswith(PRINTIM_ID):
        return entry.raw
    if maker_note is not None:
        offset, size = maker_note
        note = bytes(tiff[offset : offset + min(size, _MAX_MAKER_NOTE)])
        at = note.find(PRINTIM_ID)
        if at >= 0:
            return note[at:]
    return None


def _ifd0(tiff: Any) -> dict[int, Entry]:
    head = bytes(tiff[:8])
    if len(head) < 8 or head[:2] not in (b"II", b"MM"):
        return {}
    order = head[:2].decode("ascii")
    (start,) = struct.unpack_from("<I" if order == "II" else ">I", head, 4)
    return read_ifd(tiff, start, order)
