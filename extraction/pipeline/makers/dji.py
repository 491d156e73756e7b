"""DJI maker notes under ExifTool's names: a headerless IFD of flight and gimbal readings.

Layout (community-documented): a TIFF IFD at the note's start in the EXIF byte order, value offsets from
the EXIF block's TIFF header; speeds in m/s and angles in degrees as 32-bit floats.
"""

from typing import Any

from .base import MakerNote, read_ifd
from .common import ifd_order, looks_like_ifd, put

TAGS = {0x01: "Make", 0x03: "SpeedX", 0x04: "SpeedY", 0x05: "SpeedZ", 0x06: "Pitch", 0x07: "Yaw", 0x08: "Roll",
        0x09: "CameraPitch", 0x0A: "CameraYaw", 0x0B: "CameraRoll"}


def matches(note: MakerNote) -> bool:
    return note.make.upper().startswith("DJI") and looks_like_ifd(note.tiff, note.offset)


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    order = ifd_order(note.tiff, note.offset, note.byte_order)
    entries = read_ifd(note.tiff, note.offset, order, warnings=warnings)
    for tag, name in TAGS.items():
        entry = entries.get(tag)
        if entry is None:
            continue
        value = entry.value
        if isinstance(value, float):
            value = float(f"{value:.7g}")  # a 32-bit float holds about 7 significant digits
            put(values, printed, name, value, lambda v: f"{v:+.2f}")
        elif isinstance(value, str):
            put(values, printed, name, value)
    return values, printed
