"""Kodak maker notes: the binary records of the DX/LS/EasyShare cameras ("KDK INFO", "KDK0101I"...), of the
DC240-DC5000 ("Type 3"), of the DC200-DC215 (file name only) and of Kodak-built cameras sold by others
(maker and model at 8 and 40); and the Kodak IFD of pro backs (IFD0 tag 0x8290), with its text record."""

import re
import struct
from typing import Any

from .base import MakerNote, read_ifd
from .tags import Tag, decode_entries, exposure, put, version_dots

_COLOR_MODE = {1: "B&W", 2: "Sepia", 3: "B&W Yellow Filter", 4: "B&W Red Filter", 32: "Saturated Color",
               64: "Neutral Color", 256: "Saturated Color", 512: "Neutral Color", 8192: "B&W"}
_SHARPNESS = {-1: "Soft", 0: "Normal", 1: "Sharp"}
_FILE_NAME = re.compile(rb"[A-Z0-9_]{3,8}\.JPG")


def matches(note: MakerNote) -> bool:
    return _kind(note) is not None


def _kind(note: MakerNote) -> str | None:
    data = note.data[:0x80]
    make = note.make.upper()
    if data.startswith(b"KDK"):
        return "main"
    if make.startswith(("EASTMAN KODAK", "KODAK")) and len(data) >= 0x2C and data[:2] not in (b"MM", b"II"):
        year = struct.unpack_from(">H", data, 0x0C)[0]
        if len(data) >= 0x50 and 1990 <= year <= 2030:
            return "type3"
        if _FILE_NAME.fullmatch(data[0x20:0x2C]):
            return "filename"
    maker = data[8:40].split(b"\x00", 1)[0].decode("latin-1").strip()
    if len(data) >= 0x76 and maker and note.make.strip() and maker == note.make.strip():
        return "built"
    return None


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    data = note.data
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    kind = _kind(note)
    if kind == "main":
        _main(data, values, printed, warnings)
    elif kind == "type3":
        _type3(data, values, printed)
    elif kind == "filename":
        put(values, printed, "OriginalFileName", data[0x20:0x2C].decode("ascii"))
    elif kind == "built":
        put(values, printed, "KodakMaker", _text(data[8:40]))
        put(values, printed, "KodakModel", _text(data[40:72]))
        put(values, printed, "KodakImageWidth", struct.unpack_from(">H", data, 0x6E)[0])
        put(values, printed, "KodakImageHeight", struct.unpack_from(">H", data, 0x72)[0])
    return values, printed


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("latin-1").rstrip()


def _main(data: bytes, values: dict, printed: dict, warnings: list[str]) -> None:
    body = data[8:]
    if len(body) < 0x6C:
        warnings.append("MakerNotes: the Kodak record is shorter than its layout")
        return
    # The record has no byte-order mark: the one that makes the capture year plausible is right.
    endian = ">" if 1990 <= struct.unpack_from(">H", body, 0x10)[0] <= 2100 else "<"

    def u16(at: int) -> int:
        return struct.unpack_from(endian + "H", body, at)[0]

    put(values, printed, "KodakModel", body[0:8].decode("latin-1"))
    put(values, printed, "Quality", body[0x09], {1: "Fine", 2: "Normal"})
    put(values, printed, "BurstMode", body[0x0A], {0: "Off", 1: "On"})
    put(values, printed, "KodakImageWidth", u16(0x0C))
    put(values, printed, "KodakImageHeight", u16(0x0E))
    put(values, printed, "YearCreated", u16(0x10))
    put(values, printed, "MonthDayCreated", f"{body[0x12]:02d}:{body[0x13]:02d}")
    put(values, printed, "TimeCreated", f"{body[0x14]:02d}:{body[0x15]:02d}:{body[0x16]:02d}.{body[0x17]:02d}")
    put(values, printed, "ShutterMode", body[0x1B], {0: "Auto", 32: "Manual"})
    put(values, printed, "MeteringMode", body[0x1C], {0: "Multi-segment", 1: "Center-weighted average", 2: "Spot"})
    put(values, printed, "SequenceNumber", body[0x1D])
    put(values, printed, "FNumber", u16(0x1E) / 100)
    put(values, printed, "ExposureTime", struct.unpack_from(endian + "I", body, 0x20)[0] / 1e5, exposure)
    put(values, printed, "ExposureCompensation", struct.unpack_from(endian + "h", body, 0x24)[0] / 1000)
    put(values, printed, "FocusMode", body[0x38], {0: "Normal", 2: "Macro"})
    put(values, printed, "WhiteBalance", body[0x40], {0: "Auto", 1: "Flash", 2: "Tungsten", 3: "Daylight"})
    put(values, printed, "FlashMode", body[0x5C], {0: "Auto", 1: "Fill Flash", 2: "Off", 3: "Red-Eye",
                                                    16: "Fill Flash", 32: "Off", 64: "Red-Eye"})
    put(values, printed, "FlashFired", body[0x5D], {0: "No", 1: "Yes"})
    put(values, printed, "ISOSetting", u16(0x5E), lambda v: "Auto" if v == 0 else v)
    put(values, printed, "ISO", u16(0x60))
    put(values, printed, "TotalZoom", u16(0x62) / 100)
    put(values, printed, "DateTimeStamp", u16(0x64), {0: "Off", 1: "On"})
    put(values, printed, "ColorMode", u16(0x66), _COLOR_MODE)
    put(values, printed, "DigitalZoom", u16(0x68) / 100)
    put(values, printed, "Sharpness", struct.unpack_from("b", body, 0x6B)[0], _SHARPNESS)


def _type3(data: bytes, values: dict, printed: dict) -> None:
    put(values, printed, "YearCreated", struct.unpack_from(">H", data, 0x0C)[0])
    put(values, printed, "MonthDayCreated", f"{data[0x0E]:02d}:{data[0x0F]:02d}")
    put(values, printed, "TimeCreated", f"{data[0x10]:02d}:{data[0x11]:02d}:{data[0x12]:02d}.{data[0x13]:02d}")
    put(values, printed, "OpticalZoom", struct.unpack_from(">H", data, 0x1E)[0] / 100)
    put(values, printed, "Sharpness", struct.unpack_from("b", data, 0x37)[0], _SHARPNESS)
    put(values, printed, "ExposureTime", struct.unpack_from(">I", data, 0x38)[0] / 1e5, exposure)
    put(values, printed, "FNumber", struct.unpack_from(">H", data, 0x3C)[0] / 100)
    put(values, printed, "ISO", struct.unpack_from(">H", data, 0x4E)[0])


# --- the Kodak IFD of pro backs ------------------------------------------------------------------

IFD_TABLE: dict[int, Tag] = {
    0x0000: Tag("KodakVersion", version_dots, form="int8u"),
    0x0003: Tag("ExposureValue"),
    0x03e9: Tag("OriginalFileName", form="string"),
    0x03eb: Tag("SensorLeftBorder"),
    0x03ec: Tag("SensorTopBorder"),
    0x03ed: Tag("SensorImageWidth"),
    0x03ee: Tag("SensorImageHeight"),
    0x03fc: Tag("WhiteBalance", {0: "Auto", 1: "Flash", 2: "Tungsten", 3: "Daylight"}),
    0x03fd: Tag("Processing"),
    0x0401: Tag("Time", form="string"),
    0x0846: Tag("ColorTemperature"),
    0x0ce5: Tag("FirmwareVersion", form="string"),
    0x0ce6: Tag("HostSoftwareExportVersion"),
    0x0ce7: Tag("HostSoftwareRendering", {1: "Normal (sRGB)", 2: "Linear (camera RGB)", 3: "Pro Photo RGB",
                                          4: "Unknown", 5: "Other Profile"}),
}
# "Key: value" lines of the text record (tag 0x03F1); a key's words joined make its name, except these.
_TEXT_NAMES = {"Shutter": "ShutterSpeed"}
_TEXT_LINE = re.compile(r"^([A-Za-z][A-Za-z ]*):\s*(.*?)\s*$", re.M)


def read_kodak_ifd(tiff: Any, offset: int, byte_order: str, warnings: list[str]) -> tuple[dict, dict]:
    """The Kodak IFD at `offset` in the EXIF block (ExifTool files its tags under MakerNotes)."""
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    entries = read_ifd(tiff, offset, byte_order, warnings=warnings)
    decode_entries(entries, IFD_TABLE, "<" if byte_order == "II" else ">", values, printed)
    text = entries.get(0x03F1)
    if text is not None:
        for key, raw in _TEXT_LINE.findall(text.raw[:4096].decode("latin-1")):
            name = _TEXT_NAMES.get(key.strip()) or "".join(word[:1].upper() + word[1:] for word in key.split())
            put(values, printed, name, int(raw) if raw.isdigit() else raw)
    return values, printed
