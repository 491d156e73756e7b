"""Reads APP12 segments: Photoshop's "Save for Web" Ducky block (Ducky) and cameras' "[picture info]" text (APP12)."""

import re
import struct
import time
from typing import Any

DUCKY_ID = b"Ducky"
_DUCKY_NAMES = {1: "Quality", 2: "Comment", 3: "Copyright"}
_MAX_FIELDS = 200
_PICTURE_INFO = re.compile(rb"\[(picture info|camera info)\]", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]{1,11}")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_#]{0,63}$")
# Keys whose meaning ExifTool names after its EXIF twin; any other key keeps its own name.
_RENAMED = {"TimeDate": "DateTimeOriginal", "Shutter": "ExposureTime", "Type": "CameraType",
            "Serial#": "SerialNumber"}


def parse_ducky(body: bytes) -> dict[str, Any]:
    """Ducky tags: Quality (a percentage), then the comment and copyright as UTF-16 strings."""
    tags: dict[str, Any] = {}
    pos, end = len(DUCKY_ID), len(body)
    while pos + 4 <= end:
        tag, size = struct.unpack_from(">HH", body, pos)
        pos += 4
        if tag == 0 or pos + size > end:
            break
        data = body[pos : pos + size]
        pos += size
        name = _DUCKY_NAMES.get(tag)
        if name == "Quality" and size >= 4:
            tags[name] = struct.unpack_from(">I", data)[0]
        elif name and size >= 4:
            count = struct.unpack_from(">I", data)[0]
            tags[name] = data[4 : 4 + 2 * count].decode("utf-16-be", "replace").rstrip("\x00")
    return tags


def is_picture_info(body: bytes) -> bool:
    return _PICTURE_INFO.match(body[:32].lstrip(b"\x00")) is not None


def parse_picture_info(body: bytes) -> dict[str, Any]:
    """The "Key=Value" lines of a "[picture info]" APP12 text, each under its key (as ExifTool names them)."""
    tags: dict[str, Any] = {}
    text = body.split(b"\x00", 1)[0].decode("latin-1")
    for line in text.replace("\r", "\n").split("\n")[:_MAX_FIELDS]:
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not (sep and _KEY.match(key) and value):
            continue
        number = int(value) if _DIGITS.fullmatch(value) else None
        name = _RENAMED.get(key, key.replace("#", ""))
        if key == "TimeDate" and number is not None:
            tags[name] = _unix_time(number)
        elif key == "Shutter" and number is not None:
            tags[name] = number / 1_000_000  # microseconds
        else:
            tags[name] = number if number is not None else value
    return tags


def _unix_time(seconds: int) -> str:
    if not 0 < seconds < 2**32:
        return "0000:00:00 00:00:00"
    return time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(seconds))
