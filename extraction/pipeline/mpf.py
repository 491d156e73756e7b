"""Reads the CIPA DC-007 Multi-Picture Format segment (JPEG APP2 "MPF") into ExifTool's MPF tags."""

import struct
from typing import Any

from .exif_names import binary_note
from .makers.base import read_ifd

MPF_ID = b"MPF\x00"
_MAX_IMAGES = 64
_ENTRY_SIZE = 16
# MP Index IFD and MP Attribute IFD tags (CIPA DC-007, section 5.2)
_NAMES = {
    0xB000: "MPFVersion", 0xB001: "NumberOfImages", 0xB003: "ImageUIDList", 0xB004: "TotalFrames",
    0xB101: "MPIndividualNum", 0xB201: "PanOrientation", 0xB202: "PanOverlapH", 0xB203: "PanOverlapV",
    0xB204: "BaseViewpointNum", 0xB205: "ConvergenceAngle", 0xB206: "BaselineLength",
    0xB207: "VerticalDivergence", 0xB208: "AxisDistanceX", 0xB209: "AxisDistanceY", 0xB20A: "AxisDistanceZ",
    0xB20B: "YawAngle", 0xB20C: "PitchAngle", 0xB20D: "RollAngle",
}
_MP_ENTRY = 0xB002
_PREVIEW_TYPES = {0x010001, 0x010002}  # large thumbnails (VGA, full-HD equivalent)


def parse_mpf(body: bytes, body_offset: int, file_size: int, warnings: list[str] | None = None) -> dict[str, Any]:
    """MPF tags from one APP2 body (starting "MPF\\0") found `body_offset` bytes into a file of `file_size` bytes.

    As in `exiftool -j`, where each image repeats a tag the last image's value stands; offsets are the file's.
    """
    warnings = warnings if warnings is not None else []
    tiff = bytes(body[len(MPF_ID) :])
    base = body_offset + len(MPF_ID)  # image offsets count from the MP header's TIFF byte-order mark
    if len(tiff) < 8 or tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        warnings.append("MPF: the segment has no TIFF header.")
        return {}
    order = tiff[:2].decode("ascii")
    endian = "<" if order == "II" else ">"
    (first,) = struct.unpack_from(endian + "I", tiff, 4)
    index = read_ifd(tiff, first, order, warnings=warnings)
    tags: dict[str, Any] = {}
    for tag, entry in index.items():
        name = _NAMES.get(tag)
        if name:
            tags[name] = _value(name, entry.value, entry.raw)
    if _MP_ENTRY in index:
        tags.update(_entries(index[_MP_ENTRY].raw, endian, base, file_size, warnings))
    # the MP Attribute IFD follows the index IFD (its offset ends the index IFD)
    count = struct.unpack_from(endian + "H", tiff, first)[0] if first + 2 <= len(tiff) else 0
    next_at = first + 2 + 12 * count
    if 0 < count <= 1000 and next_at + 4 <= len(tiff):
        (attributes,) = struct.unpack_from(endian + "I", tiff, next_at)
        if attributes and attributes != first:
            for tag, entry in read_ifd(tiff, attributes, order, warnings=warnings).items():
                name = _NAMES.get(tag)
                if name:
                    tags[name] = _value(name, entry.value, entry.raw)
    return tags


def _value(name: str, value: Any, raw: bytes) -> Any:
    if name == "MPFVersion":
        return raw.decode("latin-1").rstrip("\x00")
    if name == "ImageUIDList":
        return binary_note(len(raw))
    return value


def _entries(raw: bytes, endian: str, base: int, file_size: int, warnings: list[str]) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    count = len(raw) // _ENTRY_SIZE
    if count > _MAX_IMAGES:
        warnings.append(f"MPF: {count} image entries; only the first {_MAX_IMAGES} are read.")
        count = _MAX_IMAGES
    for number in range(1, count + 1):
        attributes, length, offset, dependent1, dependent2 = struct.unpack_from(
            endian + "IIIHH", raw, (number - 1) * _ENTRY_SIZE)
        start = offset + base if offset else 0  # the first image (offset 0) is the file itself
        kind = attributes & 0xFFFFFF
        tags.update({
            "MPImageFlags": attributes >> 27, "MPImageFormat": (attributes >> 24) & 7, "MPImageType": kind,
            "MPImageLength": length, "MPImageStart": start,
            "DependentImage1EntryNumber": dependent1, "DependentImage2EntryNumber": dependent2,
        })
        if number > 1 and length and start + length <= file_size:
            tags["PreviewImage" if kind in _PREVIEW_TYPES else f"MPImage{number}"] = binary_note(length)
    return tags
