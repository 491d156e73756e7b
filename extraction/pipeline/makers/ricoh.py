"""Ricoh maker notes: the old text kind ("Rv0207;Rg76;Bg60;...") and the IFD kind ("RICOH\\0" or a bare IFD)."""

import re
from typing import Any

from .base import MakerNote, read_ifd
from .tags import Tag, decode_entries

# Two-letter keys of the text kind and their ExifTool names.
_TEXT_NAMES = {"Rv": "FirmwareVersion", "Rg": "RedGain", "Gg": "GreenGain", "Bg": "BlueGain"}
_TEXT = re.compile(rb"^Rv\d{4};")


def _version(value: Any) -> Any:
    text = str(value)
    return f"{int(text[:2])}.{text[2:]}" if len(text) == 4 and text.isdigit() else value


TABLE: dict[int, Tag] = {
    0x0001: Tag("MakerNoteType", form="string"),
    0x0002: Tag("FirmwareVersion", _version, form="string"),
    0x0005: Tag("SerialNumber", form="string"),
    0x1000: Tag("RecordingFormat", {2: "JPEG", 3: "TIFF"}),
    0x1001: Tag("ImageInfo", form="binary"),
    0x1002: Tag("DriveMode", {0: "Single Frame", 1: "Continuous", 8: "AF-priority Continuous"}),
    0x1003: Tag("Sharpness", {0: "Sharp", 1: "Normal", 2: "Soft"}),
    0x1006: Tag("FocusMode", {1: "Manual", 2: "Multi AF", 3: "Spot AF", 4: "Snap", 5: "Infinity",
                              7: "Face Detect", 8: "Subject Tracking", 9: "Pinpoint AF", 10: "Movie"}),
    0x1009: Tag("MacroMode", {0: "Off", 1: "On"}),
    0x100a: Tag("FlashMode", {0: "Off", 1: "Auto", 2: "On", 3: "Red-eye Reduction", 4: "Slow Sync",
                              5: "Manual"}),
    0x100d: Tag("FullPressSnap", {0: "Off", 1: "On"}),
}


def matches(note: MakerNote) -> bool:
    if not note.make.upper().startswith("RICOH"):
        return False
    head = note.data[:8]
    return bool(_TEXT.match(head)) or head.startswith((b"RICOH\x00", b"Ricoh\x00")) or head[:2] in (b"MM", b"II") \
        or _plausible_ifd(note)


def _plausible_ifd(note: MakerNote) -> bool:
    head = note.data[:2]
    if len(head) < 2:
        return False
    count = int.from_bytes(head, "little" if note.byte_order == "II" else "big")
    return 0 < count < 200


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    data = note.data
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    if _TEXT.match(data[:8]):
        text = data.split(b"\x00", 1)[0].decode("latin-1")
        for field in text.split(";"):
            name = _TEXT_NAMES.get(field[:2])
            raw = field[2:].rstrip(":")
            if name is None or not raw or name in values:
                continue
            value: Any = int(raw) if raw.isdigit() and name != "FirmwareVersion" else raw
            values[name] = value
            printed[name] = _version(value) if name == "FirmwareVersion" else value
        return values, printed
    start = note.offset + (8 if data[:6].upper() == b"RICOH\x00" else 0)
    entries = read_ifd(note.tiff, start, note.byte_order, warnings=warnings)
    decode_entries(entries, TABLE, "<" if note.byte_order == "II" else ">", values, printed)
    return values, printed
