"""Minolta and Konica Minolta maker notes: a bare IFD (offsets from the EXIF TIFF header) whose
CameraSettings record (tag 0x0001 or 0x0003) is an array of big-endian 32-bit words; it holds the
exposure, aperture and ISO that old DiMAGE files keep nowhere else."""

import struct
from typing import Any

from .base import MakerNote, read_ifd
from .tags import Tag, decode_entries, directory_end, exposure, outside, put, shift

NO_YES = {0: "No", 1: "Yes"}
OFF_ON = {0: "Off", 1: "On"}
QUALITY = {0: "Raw", 1: "Super Fine", 2: "Fine", 3: "Standard", 4: "Economy", 5: "Extra Fine", 6: "RAW+JPEG",
           7: "Compressed RAW", 8: "Compressed RAW+JPEG"}
COLOR_MODE = {0: "Natural color", 1: "Black & White", 2: "Vivid color", 3: "Solarization", 4: "Adobe RGB",
              5: "Sepia", 9: "Natural", 12: "Portrait", 13: "Natural sRGB", 14: "Natural+ sRGB", 15: "Landscape",
              16: "Evening", 17: "Night Scene", 18: "Night Portrait", 132: "Embed Adobe RGB"}


def _fnumber(value: Any) -> str:
    number = float(value)
    return f"{number:.1f}" if number < 10 else f"{number:.0f}"


def _ymd(value: int) -> str:
    return f"{value >> 16:4d}:{value >> 8 & 0xFF:02d}:{value & 0xFF:02d}"


def _hms(value: int) -> str:
    return f"{value >> 16:02d}:{value >> 8 & 0xFF:02d}:{value & 0xFF:02d}"


# (index in the word array, name, value function, printed words)
SETTINGS: list[tuple[int, str, Any, Any]] = [
    (1, "ExposureMode", None, {0: "Program", 1: "Aperture Priority", 2: "Shutter Priority", 3: "Manual"}),
    (2, "FlashMode", None, {0: "Fill flash", 1: "Red-eye reduction", 2: "Rear flash sync", 3: "Wireless",
                            4: "Off?"}),
    (3, "WhiteBalance", None, {0: "Auto", 1: "Daylight", 2: "Cloudy", 3: "Tungsten", 5: "Custom",
                               7: "Fluorescent", 8: "Fluorescent 2", 11: "Custom 2", 12: "Custom 3"}),
    (4, "MinoltaImageSize", None, {0: "Full", 1: "1600x1200", 2: "1280x960", 3: "640x480", 6: "2080x1560",
                                   7: "2560x1920", 8: "3264x2176"}),
    (5, "MinoltaQuality", None, {0: "Raw", 1: "Super Fine", 2: "Fine", 3: "Standard", 4: "Economy",
                                 5: "Extra fine"}),
    (6, "DriveMode", None, {0: "Single", 1: "Continuous", 2: "Self-timer", 4: "Bracketing", 5: "Interval",
                            6: "UHS continuous", 7: "HS continuous"}),
    (7, "MeteringMode", None, {0: "Multi-segment", 1: "Center-weighted average", 2: "Spot"}),
    (8, "ISO", lambda v: 2 ** ((v - 48) / 8) * 100, lambda v: f"{v:.0f}"),
    (9, "ExposureTime", lambda v: 2 ** ((48 - v) / 8), exposure),
    (10, "FNumber", lambda v: 2 ** ((v - 8) / 16), _fnumber),
    (11, "MacroMode", None, OFF_ON),
    (12, "DigitalZoom", None, {0: "Off", 1: "Electronic magnification", 2: "2x"}),
    (13, "ExposureCompensation", lambda v: v / 3 - 2, None),
    (14, "BracketStep", None, {0: "1/3 EV", 1: "2/3 EV", 2: "1 EV"}),
    (16, "IntervalLength", lambda v: v + 1, None),
    (17, "IntervalNumber", None, None),
    (18, "FocalLength", lambda v: v / 256, lambda v: f"{v:.1f} mm"),
    (19, "FocusDistance", lambda v: v / 1000, lambda v: "Infinity" if v == 0 else f"{v:g} m"),
    (20, "FlashFired", None, NO_YES),
    (21, "MinoltaDate", _ymd, None),
    (22, "MinoltaTime", _hms, None),
    (23, "MaxAperture", lambda v: 2 ** ((v - 8) / 16), _fnumber),
    (26, "FileNumberMemory", None, OFF_ON),
    (27, "LastFileNumber", None, None),
    (28, "ColorBalanceRed", lambda v: v / 256, None),
    (29, "ColorBalanceGreen", lambda v: v / 256, None),
    (30, "ColorBalanceBlue", lambda v: v / 256, None),
    (31, "Saturation", lambda v: v - 3, None),
    (32, "Contrast", lambda v: v - 3, None),
    (33, "Sharpness", None, {0: "Hard", 1: "Normal", 2: "Soft"}),
    (34, "SubjectProgram", None, {0: "None", 1: "Portrait", 2: "Text", 3: "Night portrait", 4: "Sunset",
                                  5: "Sports action"}),
    (35, "FlashExposureComp", lambda v: (v - 6) / 3, None),
    (36, "ISOSetting", None, {0: 100, 1: 200, 2: 400, 3: 800, 4: "Auto", 5: 64}),
    (37, "MinoltaModelID", None, {0: "DiMAGE 7, X1, X21 or X31", 1: "DiMAGE 5", 2: "DiMAGE S304",
                                  3: "DiMAGE S404", 4: "DiMAGE 7i", 5: "DiMAGE 7Hi", 6: "DiMAGE A1",
                                  7: "DiMAGE A2 or S414"}),
    (38, "IntervalMode", None, {0: "Still Image", 1: "Time-lapse Movie"}),
    (39, "FolderName", None, {0: "Standard Form", 1: "Data Form"}),
    (40, "ColorMode", None, {0: "Natural color", 1: "Black & White", 2: "Vivid color", 3: "Solarization",
                             4: "Adobe RGB"}),
    (41, "ColorFilter", lambda v: v - 3, None),
    (42, "BWFilter", None, None),
    (43, "InternalFlash", None, {0: "No", 1: "Fired"}),
    (44, "Brightness", lambda v: v / 8 - 6, None),
    (45, "SpotFocusPointX", None, None),
    (46, "SpotFocusPointY", None, None),
    (47, "WideFocusZone", None, {0: "No zone", 1: "Center zone (horizontal orientation)",
                                 2: "Center zone (vertical orientation)", 3: "Left zone", 4: "Right zone"}),
    (48, "FocusMode", None, {0: "AF", 1: "MF"}),
    (49, "FocusArea", None, {0: "Wide Focus (normal)", 1: "Spot Focus"}),
    (50, "DECPosition", None, {0: "Exposure", 1: "Contrast", 2: "Saturation", 3: "Filter"}),
    (51, "ColorProfile", None, {0: "Not Embedded", 1: "Embedded"}),
    (52, "DataImprint", None, {0: "None", 1: "YYYY/MM/DD", 2: "MM/DD/HH:MM", 3: "Text", 4: "Text + ID#"}),
    (63, "FlashMetering", None, {0: "ADI (Advanced Distance Integration)", 1: "Pre-flash TTL",
                                 2: "Manual flash control"}),
]

TABLE: dict[int, Tag] = {
    0x0000: Tag("MakerNoteVersion", form="string"),
    0x0040: Tag("CompressedImageSize"),
    0x0081: Tag("PreviewImage", form="binary"),
    0x0088: Tag("PreviewImageStart"),
    0x0089: Tag("PreviewImageLength"),
    0x0100: Tag("SceneMode", {0: "Standard", 1: "Portrait", 2: "Text", 3: "Night Scene", 4: "Sunset", 5: "Sports",
                              6: "Landscape", 7: "Night Portrait", 8: "Macro", 9: "Super Macro", 16: "Auto",
                              17: "Night View/Portrait", 18: "Sweep Panorama", 19: "Handheld Night Shot",
                              20: "Anti Motion Blur", 21: "Cont. Priority AE", 22: "Auto+",
                              23: "3D Sweep Panorama", 24: "Superior Auto", 25: "High Sensitivity",
                              26: "Fireworks", 27: "Food", 28: "Pet", 33: "HDR", 65535: "n/a"}),
    0x0101: Tag("ColorMode", COLOR_MODE),
    0x0102: Tag("MinoltaQuality", QUALITY),
    0x0104: Tag("FlashExposureComp"),
    0x0105: Tag("Teleconverter", {0: "None", 72: "Minolta/Sony AF 2x APO (D)", 80: "Minolta AF 2x APO II",
                                  136: "Minolta AF 1.4x APO (D)", 144: "Minolta AF 1.4x APO II"}),
    0x0107: Tag("ImageStabilization", {1: "Off", 5: "On"}),
    0x0109: Tag("RawAndJpgRecording", OFF_ON),
    0x010a: Tag("ZoneMatching", {0: "ISO Setting Used", 1: "High Key", 2: "Low Key"}),
    0x010b: Tag("ColorTemperature"),
    0x010c: Tag("LensType"),
    0x0111: Tag("ColorCompensationFilter", form="int32s"),
    0x0112: Tag("WhiteBalanceFineTune", form="int32s"),
    0x0113: Tag("ImageStabilization", {0: "Off", 1: "On", 5: "On"}),
    0x0115: Tag("WhiteBalance", {0x00: "Auto", 0x01: "Color Temperature/Color Filter", 0x10: "Daylight",
                                 0x20: "Cloudy", 0x30: "Shade", 0x40: "Tungsten", 0x50: "Flash",
                                 0x60: "Fluorescent", 0x70: "Custom"}),
    0x0f00: Tag("MinoltaCameraSettings2", form="binary"),
}


def matches(note: MakerNote) -> bool:
    make = note.make.upper()
    if not make.startswith(("MINOLTA", "KONICA MINOLTA")):
        return False
    head = note.data[:2]
    if len(head) < 2:
        return False
    count = int.from_bytes(head, "little" if note.byte_order == "II" else "big")
    return 0 < count < 500


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    start = note.offset
    entries = outside(read_ifd(note.tiff, start, note.byte_order, warnings=warnings), start,
                      directory_end(note.tiff, start, note.byte_order))
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    decode_entries(entries, TABLE, "<" if note.byte_order == "II" else ">", values, printed)
    shift(values, printed, ("PreviewImageStart",), note.file_offset)
    settings = entries.get(0x0003) or entries.get(0x0001)
    if settings is not None:
        _settings(settings.raw, values, printed)
    return values, printed


def _settings(raw: bytes, values: dict[str, Any], printed: dict[str, Any]) -> None:
    # Always big-endian, whatever the EXIF block's byte order.
    words = struct.unpack(f">{len(raw) // 4}I", raw[: len(raw) // 4 * 4])
    for index, name, convert, words_of in SETTINGS:
        if index >= len(words):
            break
        value = convert(words[index]) if convert else words[index]
        put(values, printed, name, float(f"{value:.10g}") if isinstance(value, float) else value, words_of)
