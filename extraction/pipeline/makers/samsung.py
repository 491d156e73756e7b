"""Samsung maker notes ("type 2", an IFD with no header) under ExifTool's names.

Layout (community-documented): a TIFF IFD at the note's start in the EXIF byte order; values that do not
fit in an entry sit after it, at offsets counted from the note's start.
"""

from typing import Any

from .base import MakerNote, read_ifd
from .common import ifd_order, looks_like_ifd, number, put, spaced


def matches(note: MakerNote) -> bool:
    # Samsung also wrote other formats ("STMN" records, phone blobs): only a note that starts as an IFD is read.
    return note.make.upper().startswith("SAMSUNG") and looks_like_ifd(note.tiff, note.offset)


# id -> (name, printed conversion)
TAGS: dict[int, tuple[str, Any]] = {
    0x0002: ("DeviceType", {0x1000: "Compact Digital Camera", 0x2000: "High-end NX Camera",
                            0x3000: "HXM Video Camera", 0x12000: "Cell Phone", 0x300000: "SMX Video Camera"}),
    0x0003: ("SamsungModelID", None),
    0x0021: ("PictureWizard", None),
    0x0030: ("LocalLocationName", None),
    0x0031: ("LocationName", None),
    0x0040: ("RawDataByteOrder", {0: "Little-endian (Intel, II)", 1: "Big-endian (Motorola, MM)"}),
    0x0041: ("WhiteBalanceSetup", {0: "Auto", 1: "Manual"}),
    0x0043: ("CameraTemperature", None),
    0x0050: ("RawDataCFAPattern", {0: "Unchanged", 1: "Swap", 65535: "Roll"}),
    0x0100: ("FaceDetect", {0: "Off", 1: "On"}),
    0x0120: ("FaceRecognition", {0: "Off", 1: "On"}),
    0x0123: ("FaceName", None),
    0xA001: ("FirmwareName", None),
    0xA003: ("LensType", None),
    0xA004: ("LensFirmware", None),
    0xA005: ("InternalLensSerialNumber", None),
    0xA011: ("ColorSpace", {0: "sRGB", 1: "Adobe RGB"}),
    0xA012: ("SmartRange", {0: "Off", 1: "On"}),
    0xA013: ("ExposureCompensation", None),
    0xA014: ("ISO", None),
    0xA018: ("ExposureTime", None),
    0xA019: ("FNumber", None),
    0xA01A: ("FocalLengthIn35mmFormat", None),
}


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    data = memoryview(note.tiff)[note.offset :]
    order = ifd_order(data, 0, note.byte_order)
    entries = read_ifd(data, 0, order, warnings=warnings)
    entry = entries.get(0x0001)
    if entry is not None:
        put(values, printed, "MakerNoteVersion", entry.raw[:4].decode("latin-1"))
    for tag, (name, conversion) in TAGS.items():
        entry = entries.get(tag)
        if entry is None:
            continue
        value = entry.value
        if isinstance(value, bytes):
            value = value.split(b"\x00", 1)[0].decode("latin-1").strip()
        elif isinstance(value, list):
            value = spaced(value)
        elif isinstance(value, float):
            value = number(value)
        put(values, printed, name, value, conversion)
    return values, printed
