"""Reads Kodak's APP3 "Meta" segment (a TIFF IFD of film, scanner and camera-owner fields) into the `Meta` group.

Tag ids and names as ExifTool reports them for Kodak cameras and film scanners; the effects and borders
entries point to sub-IFDs of their own.
"""

from typing import Any

from .makers.base import read_ifd

META_TAGS = {
    0xC350: "FilmProductCode", 0xC351: "ImageSourceEK", 0xC353: "CameraOwner", 0xC359: "FrameNumber",
    0xC35A: "FilmCategory", 0xC35B: "FilmGencode", 0xC35C: "ModelAndVersion", 0xC35D: "FilmSize",
    0xC35E: "SBA_RGBShifts", 0xC35F: "SBAInputImageColorspace", 0xC360: "SBAInputImageBitDepth",
    0xC361: "SBAExposureRecord", 0xC362: "UserAdjSBA_RGBShifts", 0xC363: "ImageRotationStatus",
    0xC364: "RollGuidElements", 0xC365: "MetadataNumber",
}
EFFECTS_TAGS = {0: "DigitalEffectsVersion", 1: "DigitalEffectsName", 2: "DigitalEffectsType"}
BORDERS_TAGS = {0: "BordersVersion", 1: "BorderName", 2: "BorderID", 3: "BorderLocation", 4: "BorderType",
                8: "WatermarkType"}
_SUB_IFDS = {0xC36E: EFFECTS_TAGS, 0xC36F: BORDERS_TAGS}
# Blobs: ExifTool shows these as binary data, the shifts as the bytes of their text ("0 0 0").
_BINARY = {"SBAExposureRecord", "UserAdjSBA_RGBShifts"}
# Names whose value keeps the "UNICODE" marker before the text (ExifTool drops it only in the printed value).
_MARKED = {"DigitalEffectsName", "BorderName"}
_UNICODE = b"UNICODE\x00"


def parse_kodak_meta(block: bytes, warnings: list[str]) -> dict[str, Any]:
    """`block` is the segment after its "Meta\\0\\0" (or "META\\0\\0") identifier: a TIFF header and IFD."""
    if len(block) < 8 or block[:2] not in (b"II", b"MM"):
        return {}
    order = block[:2].decode()
    start = int.from_bytes(block[4:8], "little" if order == "II" else "big")
    tags: dict[str, Any] = {}
    entries = read_ifd(block, start, order, warnings=warnings)
    for tag, entry in entries.items():
        if tag in _SUB_IFDS and isinstance(entry.value, int):
            names = _SUB_IFDS[tag]
            for sub_tag, sub in read_ifd(block, entry.value, order, warnings=warnings).items():
                if sub_tag in names:
                    tags[names[sub_tag]] = _value(names[sub_tag], sub.value, order)
        elif tag in META_TAGS:
            tags[META_TAGS[tag]] = _value(META_TAGS[tag], entry.value, order)
    return {name: value for name, value in tags.items() if value is not None and value != ""}


def _value(name: str, value: Any, order: str) -> Any:
    if name in _BINARY:
        if isinstance(value, bytes):
            return value
        text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        return text.encode("ascii")
    if isinstance(value, bytes):
        if value.startswith(_UNICODE):
            text = value[len(_UNICODE):].decode("utf-16-le" if order == "II" else "utf-16-be", "replace")
            text = text.split("\x00", 1)[0].strip()
            return "UNICODE" + text if name in _MARKED else text
        return value.split(b"\x00", 1)[0].decode("latin-1").strip()
    return value
