"""Reads FLIR's APP1 records (FFF): camera lens, capture time and GPS from thermal cameras."""

import struct
import time
from typing import Any

_CAMERA_INFO, _GPS_INFO = 0x20, 0x2B
_MAX_RECORDS = 256


def parse_flir(fff: bytes, warnings: list[str]) -> dict[str, Any]:
    """Return ExifTool's APP1 tags (LensModel, DateTimeOriginal, GPS*) from joined FLIR APP1 chunks."""
    if not fff.startswith(b"FFF\x00") or len(fff) < 64:
        return {}
    order = None
    for candidate in (">", "<"):
        if 100 <= struct.unpack_from(candidate + "I", fff, 0x14)[0] < 200:
            order = candidate
            break
    if order is None:
        warnings.append("FLIR: unsupported FFF version")
        return {}
    directory, count = struct.unpack_from(order + "II", fff, 0x18)
    tags: dict[str, Any] = {}
    for i in range(min(count, _MAX_RECORDS)):
        entry = directory + i * 0x20
        if entry + 0x20 > len(fff):
            warnings.append("FLIR: truncated record directory")
            break
        kind = struct.unpack_from(order + "H", fff, entry)[0]
        offset, length = struct.unpack_from(order + "II", fff, entry + 0x0C)
        record = fff[offset : offset + length]
        if len(record) < length:
            continue
        if kind == _CAMERA_INFO:
            tags.update(_camera_info(record))
        elif kind == _GPS_INFO:
            tags.update(_gps_info(record))
    return tags


def _camera_info(record: bytes) -> dict[str, Any]:
    if len(record) < 0x38E:
        return {}
    order = "<" if struct.unpack_from("<H", record)[0] == 2 else ">"
    tags: dict[str, Any] = {}
    lens = record[0x170 : 0x190].split(b"\x00", 1)[0].decode("latin-1").strip()
    if lens:
        tags["LensModel"] = lens
    seconds, sub = struct.unpack_from(order + "II", record, 0x384)
    zone = struct.unpack_from(order + "h", record, 0x38C)[0]
    if seconds:
        stamp = time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(seconds - zone * 60))
        sign, minutes = ("-", zone) if zone > 0 else ("+", -zone)
        tags["DateTimeOriginal"] = f"{stamp}.{sub & 0xFFFF:03d}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return tags


def _gps_info(record: bytes) -> dict[str, Any]:
    if len(record) < 0x24 or struct.unpack_from("<I", record)[0] != 1:  # GPSValid
        return {}
    latitude, longitude = struct.unpack_from("<dd", record, 0x10)
    altitude = struct.unpack_from("<f", record, 0x20)[0]
    return {"GPSLatitude": latitude, "GPSLongitude": longitude, "GPSAltitude": altitude}
