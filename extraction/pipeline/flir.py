"""Reads FLIR's APP1 records (FFF): camera and lens, calibration constants, palette, picture-in-picture, GPS.

The FFF block is a directory of typed records; each record is a fixed binary layout (FLIR's FFF format as
published by its SDKs and documented by ExifTool's FLIR tag tables). Temperatures are stored in kelvin and
reported in degrees Celsius, as `exiftool -n` does. Bounded: every field is read only when it lies inside its
record.
"""

import struct
import time
from typing import Any

from .exif_names import binary_note

_RAW_DATA, _EMBEDDED_IMAGE, _CAMERA_INFO, _PALETTE_INFO, _PIP, _GPS_INFO = 0x01, 0x0E, 0x20, 0x22, 0x2A, 0x2B
_MAX_RECORDS = 256
_KELVIN = 273.15
# ExifTool wraps raw 16-bit thermal data in a TIFF whose header (IFD and its values) is always this long.
_TIFF_WRAPPER = 204

# (offset, name, kind): "f" float32, "K" float32 kelvin read as Celsius, "i" int32, "H"/"h" 16-bit,
# "sN" a NUL-padded string of N bytes.
_CAMERA_FIELDS = [
    (0x20, "Emissivity", "f"), (0x24, "ObjectDistance", "f"), (0x28, "ReflectedApparentTemperature", "K"),
    (0x2C, "AtmosphericTemperature", "K"), (0x30, "IRWindowTemperature", "K"),
    (0x34, "IRWindowTransmission", "f"), (0x3C, "RelativeHumidity", "f"), (0x58, "PlanckR1", "f"),
    (0x5C, "PlanckB", "f"), (0x60, "PlanckF", "f"), (0x70, "AtmosphericTransAlpha1", "f"),
    (0x74, "AtmosphericTransAlpha2", "f"), (0x78, "AtmosphericTransBeta1", "f"),
    (0x7C, "AtmosphericTransBeta2", "f"), (0x80, "AtmosphericTransX", "f"),
    (0x90, "CameraTemperatureRangeMax", "K"), (0x94, "CameraTemperatureRangeMin", "K"),
    (0x98, "CameraTemperatureMaxClip", "K"), (0x9C, "CameraTemperatureMinClip", "K"),
    (0xA0, "CameraTemperatureMaxWarn", "K"), (0xA4, "CameraTemperatureMinWarn", "K"),
    (0xA8, "CameraTemperatureMaxSaturated", "K"), (0xAC, "CameraTemperatureMinSaturated", "K"),
    (0xD4, "CameraModel", "s32"), (0xF4, "CameraPartNumber", "s16"), (0x104, "CameraSerialNumber", "s16"),
    (0x114, "CameraSoftware", "s16"), (0x170, "LensModel", "s32"), (0x190, "LensPartNumber", "s16"),
    (0x1A0, "LensSerialNumber", "s16"), (0x1B4, "FieldOfView", "f"), (0x1EC, "FilterModel", "s16"),
    (0x1FC, "FilterPartNumber", "s32"), (0x21C, "FilterSerialNumber", "s32"), (0x308, "PlanckO", "i"),
    (0x30C, "PlanckR2", "f"), (0x310, "RawValueRangeMin", "H"), (0x312, "RawValueRangeMax", "H"),
    (0x338, "RawValueMedian", "H"), (0x33C, "RawValueRange", "H"), (0x390, "FocusStepCount", "H"),
    (0x45C, "FocusDistance", "f"), (0x464, "FrameRate", "H"),
]
_PALETTE_COLORS = [(0x06, "AboveColor"), (0x09, "BelowColor"), (0x0C, "OverflowColor"), (0x0F, "UnderflowColor"),
                   (0x12, "Isotherm1Color"), (0x15, "Isotherm2Color")]
_PIP_FIELDS = [(0x04, "OffsetX"), (0x06, "OffsetY"), (0x08, "PiPX1"), (0x0A, "PiPX2"), (0x0C, "PiPY1"),
               (0x0E, "PiPY2")]
# GPS fields; an empty string or an unset dilution is left out, as ExifTool does.
_GPS_FIELDS = [
    (0x00, "GPSValid", "I"), (0x04, "GPSVersionID", "s4"), (0x08, "GPSLatitudeRef", "s2"),
    (0x0A, "GPSLongitudeRef", "s2"), (0x10, "GPSLatitude", "d"), (0x18, "GPSLongitude", "d"),
    (0x20, "GPSAltitude", "f"), (0x40, "GPSDOP", "f"), (0x44, "GPSSpeedRef", "s2"), (0x46, "GPSTrackRef", "s2"),
    (0x48, "GPSImgDirectionRef", "s2"), (0x4C, "GPSSpeed", "f"), (0x50, "GPSTrack", "f"),
    (0x54, "GPSImgDirection", "f"), (0x58, "GPSMapDatum", "s16"),
]


def parse_flir(fff: bytes, warnings: list[str]) -> dict[str, Any]:
    """ExifTool's APP1 tags from the joined FLIR APP1 chunks (an FFF block); never raises."""
    if not fff.startswith(b"FFF\x00") or len(fff) < 64:
        return {}
    order = None
    for candidate in (">", "<"):
        if 100 <= struct.unpack_from(candidate + "I", fff, 0x14)[0] < 200:
            order = candidate
            break
    if order is None:
        warnings.append("FLIR: the FFF block has a version we do not know.")
        return {}
    tags: dict[str, Any] = {"CreatorSoftware": _text(fff[4:20])}
    directory, count = struct.unpack_from(order + "II", fff, 0x18)
    records_order = order
    for index in range(min(count, _MAX_RECORDS)):
        entry = directory + index * 0x20
        if entry + 0x20 > len(fff):
            warnings.append("FLIR: the record directory runs past the end of the block.")
            break
        kind = struct.unpack_from(order + "H", fff, entry)[0]
        offset, length = struct.unpack_from(order + "II", fff, entry + 0x0C)
        record = fff[offset : offset + length]
        if kind == 0 or len(record) < length:
            continue
        try:
            if kind == _CAMERA_INFO:
                records_order = _record_order(record)
                tags.update(_camera_info(record, records_order))
            elif kind in (_RAW_DATA, _EMBEDDED_IMAGE):
                records_order = _record_order(record)
                tags.update(_image(record, kind))
            elif kind == _PALETTE_INFO:
                tags.update(_palette(record))
            elif kind == _PIP:
                tags.update(_pip(record, records_order))
            elif kind == _GPS_INFO:
                tags.update(_fields(record, records_order, _GPS_FIELDS, drop_empty=True))
        except (struct.error, ValueError, IndexError):
            warnings.append(f"FLIR: record 0x{kind:02x} is malformed.")
    return tags


def _record_order(record: bytes) -> str:
    """Image and camera records start with a small 16-bit format number (2, 3), which tells their byte order;
    the records without one (GPS, picture-in-picture) are written in the same order as those."""
    return "<" if 0 < struct.unpack_from("<H", record)[0] < 0x100 else ">"


def _camera_info(record: bytes, order: str) -> dict[str, Any]:
    tags = _fields(record, order, _CAMERA_FIELDS)
    if len(record) >= 0x38E:
        seconds, sub = struct.unpack_from(order + "II", record, 0x384)
        zone = struct.unpack_from(order + "h", record, 0x38C)[0]
        if seconds:
            stamp = time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(seconds - zone * 60))
            sign, minutes = ("-", zone) if zone > 0 else ("+", -zone)
            tags["DateTimeOriginal"] = f"{stamp}.{sub & 0xFFFF:03d}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return tags


def _image(record: bytes, kind: int) -> dict[str, Any]:
    """A raw thermal image or an embedded visible-light image: its size, type and a binary note."""
    if len(record) < 0x20:
        return {}
    order = _record_order(record)
    width, height = struct.unpack_from(order + "HH", record, 2)
    data = record[0x20:]
    prefix = "RawThermalImage" if kind == _RAW_DATA else "EmbeddedImage"
    if data.startswith(b"\x89PNG"):
        image_type, size = "PNG", len(data)
    elif data.startswith(b"\xff\xd8"):
        image_type, size = "JPG", len(data)
    elif kind == _RAW_DATA:
        image_type, size = "TIFF", len(data) + _TIFF_WRAPPER
    else:
        image_type, size = "DAT", len(data)
    return {f"{prefix}Width": width, f"{prefix}Height": height, f"{prefix}Type": image_type,
            prefix: binary_note(size)}


def _palette(record: bytes) -> dict[str, Any]:
    if len(record) < 0x70:
        return {}
    colors = record[0]
    tags: dict[str, Any] = {"PaletteColors": colors}
    for offset, name in _PALETTE_COLORS:
        tags[name] = list(record[offset : offset + 3])
    tags["PaletteMethod"], tags["PaletteStretch"] = record[0x1A], record[0x1B]
    for offset, name in ((0x30, "PaletteFileName"), (0x50, "PaletteName")):
        text = _text(record[offset : offset + 32])
        if text:
            tags[name] = text
    if len(record) >= 0x70 + 3 * colors:
        tags["Palette"] = binary_note(3 * colors)
    return tags


def _pip(record: bytes, order: str) -> dict[str, Any]:
    if len(record) < 0x10:
        return {}
    tags: dict[str, Any] = {"Real2IR": struct.unpack_from(order + "f", record)[0]}
    for offset, name in _PIP_FIELDS:
        tags[name] = struct.unpack_from(order + "h", record, offset)[0]
    return tags


def _fields(record: bytes, order: str, fields: list[tuple[int, str, str]], drop_empty: bool = False) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    for offset, name, kind in fields:
        size = int(kind[1:]) if kind.startswith("s") else struct.calcsize(kind.replace("K", "f"))
        if offset + size > len(record):
            continue
        if kind.startswith("s"):
            value: Any = _text(record[offset : offset + size])
        else:
            value = struct.unpack_from(order + kind.replace("K", "f"), record, offset)[0]
            if kind == "K":
                value = value - _KELVIN  # a float32 widened to a double, as exiftool -n computes it
        if drop_empty and (value == "" or (name == "GPSDOP" and not value)):
            continue
        tags[name] = value
    return tags


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("latin-1").strip()
