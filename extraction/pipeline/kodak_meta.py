"""Reads Kodak's APP3 "Meta" segment (a TIFF IFD with effects and borders sub-IFDs) into ExifTool's Meta tags."""

import struct
from typing import Any

from .exif_names import binary_note
from .makers.base import Entry, read_ifd

META_ID = b"Meta\x00\x00"
_EFFECTS, _BORDERS = 0xC36E, 0xC36F
_NAMES = {
    0xC350: "FilmProductCode", 0xC351: "ImageSourceEK", 0xC352: "CaptureConditionsPAR", 0xC353: "CameraOwner",
    0xC354: "SerialNumber", 0xC355: "UserSelectGroupTitle", 0xC356: "DealerIDNumber",
    0xC357: "CaptureDeviceFID", 0xC358: "EnvelopeNumber", 0xC359: "FrameNumber", 0xC35A: "FilmCategory",
    0xC35B: "FilmGencode", 0xC35C: "ModelAndVersion", 0xC35D: "FilmSize", 0xC35E: "SBA_RGBShifts",
    0xC35F: "SBAInputImageColorspace", 0xC360: "SBAInputImageBitDepth", 0xC361: "SBAExposureRecord",
    0xC362: "UserAdjSBA_RGBShifts", 0xC363: "ImageRotationStatus", 0xC364: "RollGuidElements",
    0xC365: "MetadataNumber",
}
_EFFECTS_NAMES = {0x0000: "DigitalEffectsVersion", 0x0001: "DigitalEffectsName", 0x0002: "DigitalEffectsType"}
_BORDERS_NAMES = {0x0000: "BordersVersion", 0x0001: "BorderName", 0x0002: "BorderID", 0x0003: "BorderLocation",
                  0x0004: "BorderType", 0x0008: "WatermarkType"}
# Undefined-type tags ExifTool shows as blobs; for UserAdjSBA_RGBShifts it measures the numbers' text.
_BLOBS = {"SBAExposureRecord", "UserAdjSBA_RGBShifts"}
_UNICODE = b"UNICODE\x00"


def parse_kodak_meta(body: bytes, warnings: list[str] | None = None) -> dict[str, Any]:
    """Meta tags of one APP3 body starting "Meta\\0\\0"; never raises."""
    warnings = warnings if warnings is not None else []
    tiff = bytes(body[len(META_ID) :])
    if len(tiff) < 8 or tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        warnings.append("Meta: the Kodak APP3 segment has no TIFF header.")
        return {}
    order = tiff[:2].decode("ascii")
    (first,) = struct.unpack_from("<I" if order == "II" else ">I", tiff, 4)
    entries = read_ifd(tiff, first, order, warnings=warnings)
    tags: dict[str, Any] = {}
    for tag, entry in entries.items():
        name = _NAMES.get(tag)
        if name:
            tags[name] = _value(name, entry, order)
    for pointer, names in ((_EFFECTS, _EFFECTS_NAMES), (_BORDERS, _BORDERS_NAMES)):
        entry = entries.get(pointer)
        if entry is not None and isinstance(entry.value, int) and entry.value != first:
            for tag, sub in read_ifd(tiff, entry.value, order, warnings=warnings).items():
                if tag in names:
                    tags[names[tag]] = _value(names[tag], sub, order)
    return tags


def _value(name: str, entry: Entry, order: str) -> Any:
    value = entry.value
    if name in _BLOBS:
        text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        return binary_note(len(entry.raw) if isinstance(value, bytes) else len(text))
    if name == "CameraOwner" and entry.raw.startswith(_UNICODE):
        raw = entry.raw[len(_UNICODE) :]
        return raw.decode("utf-16-be" if order == "MM" else "utf-16-le", "replace").split("\x00", 1)[0].strip()
    if isinstance(value, bytes):  # undefined text: ExifTool shows the bytes with their NULs dropped
        return value.replace(b"\x00", b"").decode("latin-1").strip()
    return value
