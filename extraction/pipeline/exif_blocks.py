"""Blocks other specs keep inside an EXIF/TIFF structure, read into their own ExifTool groups: Photoshop's image
resources (IFD0 tag 0x8649) and Print Image Matching (IFD0 tag 0xC4A5, or inside a maker note)."""

import struct
from dataclasses import dataclass, field
from typing import Any

from .makers.base import TYPE_SIZES
from .photoshop import parse_photoshop
from .printim import PRINTIM_ID, parse_printim

IMAGE_RESOURCES = 0x8649
PRINTIM_TAG = 0xC4A5
_MAX_MAKER_NOTE = 1 << 20
_MAX_ENTRIES = 1000


@dataclass
class ExifBlocks:
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    iptc: bytes | None = None  # the IPTC record inside the image resources


def read_exif_blocks(tiff: Any, maker_note: tuple[int, int] | None, warnings: list[str]) -> ExifBlocks:
    """The Photoshop and PrintIM groups of one TIFF structure (bytes or mmap); never raises."""
    result = ExifBlocks()
    ifd0 = _ifd0_values(tiff, (IMAGE_RESOURCES, PRINTIM_TAG))
    resources = ifd0.get(IMAGE_RESOURCES)
    if resources is not None:
        photoshop = parse_photoshop(resources, warnings)
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
                 ifd0: dict[int, bytes] | None = None) -> bytes | None:
    """The PrintIM block of one TIFF structure: IFD0's tag 0xC4A5, else the one a maker note embeds."""
    raw = (ifd0 if ifd0 is not None else _ifd0_values(tiff, (PRINTIM_TAG,))).get(PRINTIM_TAG)
    if raw is not None and raw.startswith(PRINTIM_ID):
        return raw
    if maker_note is not None:
        offset, size = maker_note
        note = bytes(tiff[offset : offset + min(size, _MAX_MAKER_NOTE)])
        at = note.find(PRINTIM_ID)
        if at >= 0:
            return note[at:]
    return None


def _ifd0_values(tiff: Any, wanted: tuple[int, ...]) -> dict[int, bytes]:
    """The value bytes of the `wanted` tags of IFD0, the other entries left undecoded."""
    head = bytes(tiff[:8])
    if len(head) < 8 or head[:2] not in (b"II", b"MM"):
        return {}
    endian = "<" if head[:2] == b"II" else ">"
    (start,) = struct.unpack_from(endian + "I", head, 4)
    count_bytes = bytes(tiff[start : start + 2])
    if len(count_bytes) < 2:
        return {}
    (count,) = struct.unpack_from(endian + "H", count_bytes)
    table = bytes(tiff[start + 2 : start + 2 + 12 * min(count, _MAX_ENTRIES)])
    found: dict[int, bytes] = {}
    for pos in range(0, len(table) - 11, 12):
        tag, kind, n = struct.unpack_from(endian + "HHI", table, pos)
        if tag not in wanted or kind not in TYPE_SIZES:
            continue
        length = TYPE_SIZES[kind] * n
        if length <= 4:
            found[tag] = table[pos + 8 : pos + 8 + length]
            continue
        (offset,) = struct.unpack_from(endian + "I", table, pos + 8)
        raw = bytes(tiff[offset : offset + length])
        if len(raw) == length:
            found[tag] = raw
    return found
