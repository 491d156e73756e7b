"""Reads the FotoWare FotoStation trailer (records appended after a JPEG's image data) into ExifTool's FotoStation tags.

Each record ends with a 10-byte footer: its tag (2 bytes), the record's whole size (4) and the signature
0xA1B2C3D4, so the trailer is walked backwards from the end of the file.
"""

import struct
from dataclasses import dataclass, field
from typing import Any

from .exif_names import binary_note

SIGNATURE = b"\xa1\xb2\xc3\xd4"
_FOOTER = 10
_MAX_RECORDS = 32
_IPTC, _SOFT_EDIT, _THUMBNAIL, _PREVIEW = 1, 2, 3, 4
# SoftEdit: signed 32-bit fields; (name, divisor) by index, as the editor stores them.
_SOFT_EDIT_FIELDS = {
    0: ("OriginalImageWidth", 1), 1: ("OriginalImageHeight", 1), 2: ("ColorPlanes", 1),
    3: ("XYResolution", 1000), 4: ("Rotation", 100), 6: ("CropLeft", 1000), 7: ("CropTop", 1000),
    8: ("CropRight", 1000), 9: ("CropBottom", 1000),
}


@dataclass
class FotoStationData:
    tags: dict[str, Any] = field(default_factory=dict)
    iptc: bytes | None = None
    start: int | None = None  # where the trailer begins in the file


def parse_fotostation(data: bytes, warnings: list[str] | None = None) -> FotoStationData:
    """The FotoStation records at the end of `data` (a whole file); empty when the file has no such trailer."""
    warnings = warnings if warnings is not None else []
    result = FotoStationData()
    end = len(data)
    for _ in range(_MAX_RECORDS):
        if end < _FOOTER or data[end - 4 : end] != SIGNATURE:
            break
        tag, size = struct.unpack_from(">HI", data, end - _FOOTER)
        start = end - size
        if size < _FOOTER or start < 0:
            warnings.append("FotoStation: a trailer record's size runs before the start of the file.")
            break
        record = data[start : end - _FOOTER]
        if tag == _IPTC:
            result.iptc = bytes(record)
        elif tag == _SOFT_EDIT:
            result.tags.update(_soft_edit(record))
        elif tag == _THUMBNAIL:
            result.tags["ThumbnailImage"] = binary_note(len(record))
        elif tag == _PREVIEW:
            result.tags["PreviewImage"] = binary_note(len(record))
        end = start
        result.start = start
    return result


def _soft_edit(record: bytes) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    for index, (name, divisor) in _SOFT_EDIT_FIELDS.items():
        if 4 * index + 4 <= len(record):
            value = struct.unpack_from(">i", record, 4 * index)[0]
            tags[name] = value // divisor if value % divisor == 0 else value / divisor
    return tags
