"""Reads a Canon CIFF heap (the metadata of old PowerShot JPEGs and of CRW raws) into `MakerNotes` tags.

Layout (Canon's CIFF 1.0 specification): a header (byte order "II"/"MM", a 32-bit header length, a
"HEAP" type and subtype) followed by the root heap. A heap ends with the 32-bit offset of its record
table; the table is a 16-bit count and 10-byte records (type u16, size u32, offset u32, offsets from the
heap's start). A record type's top two bits say where its data lives (0x0000 in the heap, 0x4000 in the
record's own 8 bytes), bits 11-13 its data type (byte, ASCII, word, dword, byte2, or a sub-heap), and
the low bits with the data type make its tag code. Old PowerShots (A5, A50, Pro70, S10, S20, ...) write
such a heap, signed "HEAPJPGM", in a second JPEG APP0 segment and no EXIF at all.
"""

import math
import struct
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from .makers.canon import CAMERA_SETTINGS, SENSOR_INFO, SHOT_INFO
from .makers.canon_models import MODEL_IDS
from .makers.common import binary, exposure_time, fixed, number, put, read_fields, spaced, unit

JPEG_SIGNATURE = b"HEAPJPGM"  # the subtype ExifTool reads in a JPEG APP0 segment
_MAX_DEPTH = 8  # the specification's heaps nest three deep; a deeper chain is a loop or junk
_MAX_RECORDS = 4096  # over all heaps of one file

_IN_RECORD = 0x4000
_HEAP_TYPES = (0x2800, 0x3000)
_DESCRIPTION_HEAP = 0x2804  # 0x0805 there is the file's description, elsewhere the user comment

Conversion = dict[int, str] | Callable[[Any], str] | None


def is_ciff(body: bytes) -> bool:
    """Whether a JPEG APP0 segment's body is a CIFF heap."""
    return len(body) >= 14 and body[:2] in (b"II", b"MM") and body[6:14] == JPEG_SIGNATURE


def read_ciff(block: bytes, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The heap's tags (`exiftool -n` values) and their printed forms; a broken heap gives warnings."""
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    if len(block) < 14 or block[:2] not in (b"II", b"MM"):
        return values, printed
    order = "<" if block[:2] == b"II" else ">"
    header = struct.unpack_from(order + "I", block, 2)[0]
    if not 14 <= header < len(block):
        warnings.append("MakerNotes: the CIFF header gives a length beyond the segment; its heap was not read.")
        return values, printed
    records: list[tuple[int, int, bytes]] = []
    _walk(block, header, len(block), order, 0, 0, records, warnings)
    # CameraSettings first: its FocalUnits scale the focal length record, wherever that comes in the heap
    for parent, code, data in sorted(records, key=lambda record: record[1] != 0x102D):
        try:
            _decode(parent, code, data, order, values, printed)
        except (ValueError, OverflowError, struct.error):
            warnings.append(f"MakerNotes: CIFF record 0x{code:04x} could not be read and was skipped.")
    return values, printed


def _walk(block: bytes, start: int, end: int, order: str, parent: int, depth: int,
          records: list[tuple[int, int, bytes]], warnings: list[str]) -> None:
    """Collect (parent heap code, tag code, data) of the heap in block[start:end] and its sub-heaps."""
    if end - start < 6:
        warnings.append("MakerNotes: a CIFF heap is too short to hold its record table.")
        return
    table = start + struct.unpack_from(order + "I", block, end - 4)[0]
    if not start <= table <= end - 6:
        warnings.append("MakerNotes: a CIFF heap's record table lies outside the heap; it was not read.")
        return
    count = struct.unpack_from(order + "H", block, table)[0]
    if table + 2 + 10 * count > end - 4:
        warnings.append("MakerNotes: a CIFF record table runs past its heap; the records beyond were not read.")
        count = max(0, (end - 4 - table - 2) // 10)
    for index in range(count):
        if len(records) >= _MAX_RECORDS:
            warnings.append("MakerNotes: the CIFF heap holds too many records; the rest were not read.")
            return
        at = table + 2 + 10 * index
        kind, size, offset = struct.unpack_from(order + "HII", block, at)
        code = kind & 0x3FFF
        location = kind & 0xC000
        if location == _IN_RECORD:
            records.append((parent, code, block[at + 2 : at + 10]))
            continue
        if location != 0:
            continue  # reserved storage classes: nothing the specification defines
        if offset + size > table - start:
            warnings.append(f"MakerNotes: CIFF record 0x{code:04x} points outside its heap and was skipped.")
            continue
        if kind & 0x3800 in _HEAP_TYPES:
            if depth + 1 >= _MAX_DEPTH:
                warnings.append("MakerNotes: CIFF heaps nest too deep; the innermost were not read.")
                continue
            _walk(block, start + offset, start + offset + size, order, code, depth + 1, records, warnings)
        else:
            records.append((parent, code, block[start + offset : start + offset + size]))


def _text(data: bytes) -> str:
    return data.split(b"\x00", 1)[0].decode("latin-1").strip()


def _numbers(data: bytes, order: str, kind: str) -> list[Any]:
    n = len(data) // struct.calcsize(kind)
    return list(struct.unpack_from(f"{order}{n}{kind}", data)) if n else []


def _float(value: float) -> int | float | None:
    if not math.isfinite(value):
        return None  # NaN or infinity: no reading to report
    return number(float(f"{value:.15g}"))  # a 32-bit float written with the 15 digits ExifTool shows


def _file_number(value: Any) -> str:
    text = str(value)
    return f"{text[:-4]}-{text[-4:]}" if len(text) > 4 else text  # directory-file, as "100-0042"


_STRINGS: dict[int, str] = {
    0x080B: "CanonFirmwareVersion", 0x080C: "ComponentVersion", 0x080D: "ROMOperationMode",
    0x0810: "OwnerName", 0x0815: "CanonImageType", 0x0816: "OriginalFileName", 0x0817: "ThumbnailFileName",
}
_WORDS: dict[int, tuple[str, Conversion]] = {
    0x100A: ("TargetImageType", {0: "Real-world Subject", 1: "Written Document"}),
    0x1010: ("ShutterReleaseMethod", {0: "Single Shot", 2: "Continuous Shooting"}),
    0x1011: ("ShutterReleaseTiming", {0: "Priority on shutter", 1: "Priority on focus"}),
    0x1016: ("ReleaseSetting", None),
    0x101C: ("BaseISO", None),
    0x10B4: ("ColorSpace", {1: "sRGB", 2: "Adobe RGB", 0xFFFF: "Uncalibrated"}),
}
_DWORDS: dict[int, tuple[str, Conversion]] = {
    0x1817: ("FileNumber", _file_number),
    0x1834: ("CanonModelID", MODEL_IDS),
    0x183B: ("SerialNumberFormat", {0x90000000: "Format 1", 0xA0000000: "Format 2"}),
}


def _decode(parent: int, code: int, data: bytes, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if code == 0x080A:  # make and model, two NUL-terminated strings
        parts = data.split(b"\x00")
        put(values, printed, "Make", parts[0].decode("latin-1").strip() or None)
        if len(parts) > 1:
            put(values, printed, "Model", parts[1].decode("latin-1").strip() or None)
    elif code == 0x0805:
        put(values, printed, "CanonFileDescription" if parent == _DESCRIPTION_HEAP else "UserComment", _text(data))
    elif code in _STRINGS:
        put(values, printed, _STRINGS[code], _text(data))
    elif code in _WORDS:
        words = _numbers(data, order, "H")
        if words:
            put(values, printed, _WORDS[code][0], words[0], _WORDS[code][1])
    elif code in _DWORDS:
        longs = _numbers(data, order, "I")
        if longs:
            put(values, printed, _DWORDS[code][0], longs[0], _DWORDS[code][1])
    elif code == 0x1029:  # focal length: type, length (mm), focal-plane size in mils
        words = _numbers(data, order, "H")
        if words:
            put(values, printed, "FocalType", words[0], {1: "Fixed", 2: "Zoom"})
        units = values.get("FocalUnits")
        if len(words) > 1:
            scale = units if isinstance(units, int) and units > 1 else 1
            put(values, printed, "FocalLength", number(words[1] / scale), unit("mm"))
        for index, name in ((2, "FocalPlaneXSize"), (3, "FocalPlaneYSize")):
            if len(words) > index:
                put(values, printed, name, number(round(words[index] * 25.4 / 1000, 10)), fixed("%.2f mm"))
    elif code == 0x1807:
        floats = _numbers(data, order, "f")
        if floats:
            put(values, printed, "TargetDistanceSetting", _float(floats[0]), unit("mm"))
    elif code == 0x1814:  # measured EV, stored 5 below ExifTool's scale
        floats = _numbers(data, order, "f")
        if floats:
            put(values, printed, "MeasuredEV", _float(floats[0] + 5))
    elif code == 0x180E:
        _time_stamp(data, order, values, printed)
    elif code == 0x1810:
        _image_info(data, order, values, printed)
    elif code == 0x1813:
        floats = _numbers(data, order, "f")
        for name, value in zip(("FlashGuideNumber", "FlashThreshold"), floats):
            put(values, printed, name, _float(value))
    elif code == 0x1818:
        _exposure_info(data, order, values, printed)
    elif code == 0x0032:  # bytes
        put(values, printed, "CanonColorInfo1", spaced(data) if len(data) > 1 else (data[0] if data else None))
    elif code == 0x102C:
        put(values, printed, "CanonColorInfo2", spaced(_numbers(data, order, "H")) or None)
    elif code == 0x1031:  # the same array as the EXIF maker note's SensorInfo (tag 0x00E0)
        read_fields(_numbers(data, order, "h"), SENSOR_INFO, values, printed)
    elif code == 0x10A9:  # white balance levels, four words (R, G, G, B) per setting after a first word
        words = _numbers(data, order, "H")
        for index, name in enumerate(_COLOR_BALANCE):
            levels = words[1 + 4 * index : 5 + 4 * index]
            if len(levels) == 4:
                put(values, printed, name, spaced(levels))
    elif code == 0x1835:
        longs = _numbers(data, order, "I")
        for index, name in ((0, "DecoderTableNumber"), (2, "CompressedDataOffset"), (3, "CompressedDataLength")):
            if index < len(longs):
                put(values, printed, name, longs[index])
    elif code in _BLOBS:
        put(values, printed, _BLOBS[code], binary(len(data)))
    elif code == 0x1038:
        _af_info(_numbers(data, order, "H"), values, printed)
    elif code == 0x102D:  # the same array as the EXIF maker note's CameraSettings (tag 0x0001)
        _camera_settings(_numbers(data, order, "h"), values, printed)
    elif code == 0x102A:  # the same array as the EXIF maker note's ShotInfo (tag 0x0004)
        shot = _numbers(data, order, "h")
        if shot and shot[0] == 2 * len(shot):
            read_fields(shot, SHOT_INFO, values, printed)


def _time_stamp(data: bytes, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """Seconds since 1970 (as UTC), the zone's offset in seconds and the zone's flags."""
    longs = _numbers(data, order, "I")
    if not longs:
        return
    if longs[0]:
        stamp = datetime.fromtimestamp(longs[0], tz=timezone.utc)
        put(values, printed, "DateTimeOriginal", stamp.strftime("%Y:%m:%d %H:%M:%S"))
    if len(longs) > 1:
        zone = struct.unpack(order + "i", struct.pack(order + "I", longs[1]))[0]
        put(values, printed, "TimeZoneCode", number(zone / 3600))
    if len(longs) > 2:
        put(values, printed, "TimeZoneInfo", longs[2])


def _image_info(data: bytes, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """Width, height, pixel aspect ratio (a float), rotation and bit depths."""
    if len(data) < 28:
        return
    width, height = struct.unpack_from(order + "II", data)
    aspect = struct.unpack_from(order + "f", data, 8)[0]
    rotation, component_bits, color_bits, color_bw = struct.unpack_from(order + "iIII", data, 12)
    for name, value in (("ImageWidth", width), ("ImageHeight", height), ("PixelAspectRatio", _float(aspect)),
                        ("Rotation", rotation), ("ComponentBitDepth", component_bits),
                        ("ColorBitDepth", color_bits), ("ColorBW", color_bw)):
        put(values, printed, name, value)


def _exposure_info(data: bytes, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """Exposure compensation (EV), and APEX shutter speed and aperture, given as seconds and f-number."""
    floats = _numbers(data, order, "f")
    if floats:
        put(values, printed, "ExposureCompensation", _float(floats[0]))
    if len(floats) > 1 and abs(floats[1]) < 100:
        put(values, printed, "ShutterSpeedValue", _float(2.0 ** -floats[1]), exposure_time)
    if len(floats) > 2 and abs(floats[2]) < 100:
        put(values, printed, "ApertureValue", _float(2.0 ** (floats[2] / 2)), fixed("%.1f"))


_COLOR_BALANCE = tuple(f"WB_RGGBLevels{name}" for name in (
    "Auto", "Daylight", "Shade", "Cloudy", "Tungsten", "Fluorescent", "Flash", "Custom", "Kelvin")) + (
    "WB_RGGBBlackLevels",)
_BLOBS = {0x2005: "RawData", 0x2007: "JpgFromRaw", 0x2008: "ThumbnailImage"}
_AF_INFO = ("NumAFPoints", "ValidAFPoints", "CanonImageWidth", "CanonImageHeight", "AFImageWidth", "AFImageHeight",
            "AFAreaWidth", "AFAreaHeight")


def _af_info(words: list[int], values: dict[str, Any], printed: dict[str, Any]) -> None:
    """The AF points: fixed sizes, then each point's X and Y position and the in-focus bits, per point."""
    for name, value in zip(_AF_INFO, words):
        put(values, printed, name, value)
    if len(words) <= len(_AF_INFO) or not 0 < words[0] <= 64:
        return
    points = words[0]
    at = len(_AF_INFO)
    signed = [v - 0x10000 if v & 0x8000 else v for v in words]
    for name in ("AFAreaXPositions", "AFAreaYPositions"):
        if at + points <= len(words):
            put(values, printed, name, signed[at] if points == 1 else spaced(signed[at : at + points]))
        at += points
    focus = words[at : at + (points + 15) // 16]
    if len(focus) == (points + 15) // 16:
        bits = ",".join(str(i) for i in range(16 * len(focus)) if focus[i // 16] >> (i % 16) & 1)
        put(values, printed, "AFPointsInFocus", focus[0] if len(focus) == 1 else spaced(focus), lambda _: bits)
    primary = at + 2 * ((points + 15) // 16)  # after the in-focus and the selected points' bits
    if primary < len(words):
        put(values, printed, "PrimaryAFPoint", words[primary])


def _camera_settings(settings: list[int], values: dict[str, Any], printed: dict[str, Any]) -> None:
    if not settings or settings[0] != 2 * len(settings):
        return  # the array starts with its own size in bytes: anything else is not the array
    read_fields(settings, CAMERA_SETTINGS, values, printed)
    units = settings[25] if len(settings) > 25 and settings[25] > 0 else 1
    for index, name in ((23, "MaxFocalLength"), (24, "MinFocalLength")):
        if len(settings) > index:
            put(values, printed, name, number((settings[index] & 0xFFFF) / units), unit("mm"))
