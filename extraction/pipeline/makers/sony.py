"""Sony maker notes under ExifTool's names: the main IFD's plain tags and the ShotInfo record.

Layout (community-documented): "SONY DSC \\0\\0\\0" or "SONY CAM \\0\\0\\0" (12 bytes) then a TIFF IFD, or,
on later cameras, the IFD at the note's start; value offsets count from the EXIF block's TIFF header.
The enciphered records (0x9050, 0x94xx) are not read.
"""

import struct
from typing import Any

from .base import MakerNote, read_ifd
from .common import ifd_order, looks_like_ifd, number, put, spaced

_HEADERS = (b"SONY DSC \x00\x00\x00", b"SONY CAM \x00\x00\x00")


def matches(note: MakerNote) -> bool:
    head = bytes(note.tiff[note.offset : note.offset + 12])
    # Headerless notes are Sony cameras' own (Make "SONY"); Sony Ericsson phones write another format.
    return head in _HEADERS or note.make.upper() == "SONY" and looks_like_ifd(note.tiff, note.offset)


def _na(table: dict[int, str]) -> dict[int, str]:
    return {**table, 65535: "n/a"}


_HDR_LEVEL = {0: "Off", 1: "Auto", 0x10: "1.0 EV", 0x11: "1.5 EV", 0x12: "2.0 EV", 0x13: "2.5 EV", 0x14: "3.0 EV",
              0x15: "3.5 EV", 0x16: "4.0 EV", 0x17: "4.5 EV", 0x18: "5.0 EV", 0x19: "5.5 EV", 0x1A: "6.0 EV"}
_HDR_RESULT = {0: "Uncorrected image", 1: "HDR image (good)", 2: "HDR image (fail 1)", 3: "HDR image (fail 2)"}


def _hdr(value: Any) -> str:
    level, result = (int(v) for v in str(value).split())
    return f"{_HDR_LEVEL.get(level, f'Unknown ({level})')}; {_HDR_RESULT.get(result, f'Unknown ({result})')}"


def _flash_level(value: Any) -> str:
    names = {-32768: "Low", 0: "Normal", 128: "n/a", 32767: "High"}
    if value in names:
        return names[value]
    return f"{value:+d}/3" if -9 <= value <= 9 else str(value)


# id -> (name, printed conversion)
TAGS: dict[int, tuple[str, Any]] = {
    0x0102: ("Quality", {0: "RAW", 1: "Super Fine", 2: "Fine", 3: "Standard", 4: "Economy", 5: "Extra Fine",
                         6: "RAW + JPEG/HEIF", 7: "Compressed RAW", 8: "Compressed RAW + JPEG", 9: "Light",
                         0xFFFFFFFF: "n/a"}),
    0x0104: ("FlashExposureComp", None),
    0x0105: ("Teleconverter", {0: "None", 72: "Minolta/Sony AF 2x APO (D)", 80: "Minolta AF 2x APO II",
                               136: "Minolta/Sony AF 1.4x APO (D)", 144: "Minolta AF 1.4x APO II"}),
    0x0112: ("WhiteBalanceFineTune", None),
    0x1000: ("MultiBurstMode", {0: "Off", 1: "On"}),
    0x1001: ("MultiBurstImageWidth", None),
    0x1002: ("MultiBurstImageHeight", None),
    0x2002: ("Rating", None),
    0x2004: ("Contrast", None),
    0x2005: ("Saturation", None),
    0x2006: ("Sharpness", None),
    0x2007: ("Brightness", None),
    0x2008: ("LongExposureNoiseReduction", {0: "Off", 1: "On (unused)", 0x10001: "On (dark subtracted)",
                                            0xFFFF0000: "Off (65535)", 0xFFFF0001: "On (65535)",
                                            0xFFFFFFFF: "n/a"}),
    0x2009: ("HighISONoiseReduction", {0: "Off", 1: "Low", 2: "Normal", 3: "High", 256: "Auto", 65535: "n/a"}),
    0x200B: ("MultiFrameNoiseReduction", {0: "Off", 1: "On", 255: "n/a"}),
    0x2011: ("VignettingCorrection", {0: "Off", 2: "Auto", 0xFFFFFFFF: "n/a"}),
    0x2012: ("LateralChromaticAberration", {0: "Off", 2: "Auto", 0xFFFFFFFF: "n/a"}),
    0x2013: ("DistortionCorrectionSetting", {0: "Off", 2: "Auto", 0xFFFFFFFF: "n/a"}),
    0x2016: ("AutoPortraitFramed", {0: "No", 1: "Yes"}),
    0x201A: ("ElectronicFrontCurtainShutter", {0: "Off", 1: "On"}),
    0x2031: ("SerialNumber", None),
    0xB000: ("FileFormat", None),
    0xB001: ("SonyModelID", None),
    0xB020: ("CreativeStyle", None),
    0xB021: ("ColorTemperature", lambda v: "Auto" if v == 0 else ("n/a" if v == 0xFFFFFFFF else v)),
    0xB023: ("SceneMode", None),
    0xB025: ("DynamicRangeOptimizer", {0: "Off", 1: "Standard", 2: "Advanced Auto", 3: "Auto", 8: "Advanced Lv1",
                                       9: "Advanced Lv2", 10: "Advanced Lv3", 11: "Advanced Lv4",
                                       12: "Advanced Lv5", 16: "Lv1", 17: "Lv2", 18: "Lv3", 19: "Lv4", 20: "Lv5"}),
    0xB026: ("ImageStabilization", {0: "Off", 1: "On", 0xFFFFFFFF: "n/a"}),
    0xB029: ("ColorMode", None),
    0xB040: ("Macro", _na({0: "Off", 1: "On", 2: "Close Focus"})),
    0xB041: ("ExposureMode", _na({0: "Program AE", 1: "Portrait", 2: "Beach", 3: "Sports", 4: "Snow",
                                  5: "Landscape", 6: "Auto", 7: "Aperture-priority AE",
                                  8: "Shutter speed priority AE", 9: "Night Scene / Twilight",
                                  10: "Hi-Speed Shutter", 11: "Twilight Portrait", 12: "Soft Snap/Portrait",
                                  13: "Fireworks", 14: "Smile Shutter", 15: "Manual", 18: "High Sensitivity",
                                  19: "Macro", 20: "Advanced Sports Shooting", 29: "Underwater", 33: "Food",
                                  34: "Sweep Panorama", 35: "Handheld Night Shot", 36: "Anti Motion Blur",
                                  37: "Pet", 38: "Backlight Correction HDR", 39: "Superior Auto",
                                  40: "Background Defocus", 41: "Soft Skin", 42: "3D Image"})),
    0xB042: ("FocusMode", _na({1: "AF-S", 2: "AF-C", 4: "Permanent-AF"})),
    0xB043: ("AFAreaMode", _na({0: "Default", 1: "Multi", 2: "Center", 3: "Spot", 4: "Flexible Spot", 6: "Touch",
                                8: "Zone", 9: "Tracking", 10: "Face Tracking"})),
    0xB044: ("AFIlluminator", _na({0: "Off", 1: "Auto"})),
    0xB047: ("JPEGQuality", _na({0: "Standard", 1: "Fine", 2: "Extra Fine"})),
    0xB048: ("FlashLevel", _flash_level),
    0xB049: ("ReleaseMode", _na({0: "Normal", 2: "Continuous", 5: "Exposure Bracketing",
                                 6: "White Balance Bracketing", 8: "DRO Bracketing"})),
    0xB04A: ("SequenceNumber", lambda v: {0: "Single", 65535: "n/a"}.get(v, v)),
    0xB04B: ("Anti-Blur", _na({0: "Off", 1: "On (Continuous)", 2: "On (Shooting)"})),
    0xB04F: ("DynamicRangeOptimizer", {0: "Off", 1: "Standard", 2: "Plus"}),
    0xB050: ("HighISONoiseReduction2", _na({0: "Normal", 1: "High", 2: "Low", 3: "Off"})),
    0xB052: ("IntelligentAuto", {0: "Off", 1: "On", 2: "Advanced"}),
    0xB054: ("WhiteBalance", {0: "Auto", 4: "Custom", 5: "Daylight", 6: "Cloudy", 7: "Cool White Fluorescent",
                              8: "Day White Fluorescent", 9: "Daylight Fluorescent", 10: "Incandescent2",
                              11: "Warm White Fluorescent", 14: "Incandescent", 15: "Flash",
                              17: "Underwater 1 (Blue Water)", 18: "Underwater 2 (Green Water)",
                              19: "Underwater Auto"}),
}


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    head = bytes(note.tiff[note.offset : note.offset + 12])
    start = note.offset + (12 if head in _HEADERS else 0)
    order = ifd_order(note.tiff, start, note.byte_order)
    entries = read_ifd(note.tiff, start, order, warnings=warnings)
    for tag, (name, conversion) in TAGS.items():
        entry = entries.get(tag)
        if entry is None:
            continue
        value = entry.value
        if isinstance(value, bytes):
            continue
        if isinstance(value, list):
            value = spaced(value)
        elif isinstance(value, float):
            value = number(value)
        if tag == 0xB048 and isinstance(value, int) and value >= 0x8000:
            value -= 0x10000  # a signed 16-bit level
        put(values, printed, name, value, conversion)
    entry = entries.get(0x200A)
    if entry is not None and isinstance(entry.value, int):
        put(values, printed, "HDR", spaced([entry.value & 0xFFFF, entry.value >> 16]), _hdr)
    _shot_info(entries.get(0x3000), values, printed)
    return values, printed


def _shot_info(entry: Any, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """ShotInfo: a little-endian record that starts "II" (its own byte order mark)."""
    if entry is None or len(entry.raw) < 0x44 or entry.raw[:2] != b"II":
        return
    raw = entry.raw
    word = lambda at: struct.unpack_from("<H", raw, at)[0]  # noqa: E731
    text = lambda at, n: raw[at : at + n].split(b"\x00", 1)[0].decode("latin-1")  # noqa: E731
    put(values, printed, "FaceInfoOffset", word(0x02))
    put(values, printed, "SonyDateTime", text(0x06, 20))
    put(values, printed, "SonyImageHeight", word(0x1A))
    put(values, printed, "SonyImageWidth", word(0x1C))
    put(values, printed, "FacesDetected", word(0x30))
    put(values, printed, "FaceInfoLength", word(0x32))
    put(values, printed, "MetaVersion", text(0x34, 16))
