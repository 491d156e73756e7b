"""Olympus maker notes: the old "OLYMP\\0" IFD (offsets from the TIFF header) and the new "OLYMPUS\\0II" /
"OM SYSTEM" IFD (offsets from the note), with the Equipment, CameraSettings, RawDevelopment,
ImageProcessing and FocusInfo sub-directories. Epson and Sanyo reuse the old layout (see epson.py, sanyo.py).
"""

import re
import struct
from datetime import datetime, timezone
from typing import Any

from .base import TYPE_SIZES, MakerNote, read_ifd
from .tags import Tag, decode_entries, directory_end, exposure, hex4, outside, plain, put, shift, words_for

_SUBDIRS = {0x2010: "Equipment", 0x2020: "CameraSettings", 0x2030: "RawDevelopment",
            0x2031: "RawDevelopment2", 0x2040: "ImageProcessing", 0x2050: "FocusInfo"}


def matches(note: MakerNote) -> bool:
    return note.data[:10].startswith((b"OLYMP\x00", b"OLYMPUS\x00", b"OM SYSTEM\x00"))


def layout(note: MakerNote) -> tuple[int, int, str]:
    """(first IFD, offset base, byte order) for the note's header; both offsets index `note.tiff`."""
    head = bytes(note.tiff[note.offset : note.offset + 16])
    if head.startswith(b"OLYMPUS\x00"):
        return note.offset + 12, note.offset, "MM" if head[8:10] == b"MM" else "II"
    if head.startswith(b"OM SYSTEM\x00"):
        return note.offset + 16, note.offset, "MM" if head[12:14] == b"MM" else "II"
    return note.offset + 8, 0, _order(note, note.offset + 8)


def _order(note: MakerNote, start: int) -> str:
    """The EXIF byte order, unless the entry count only makes sense the other way round."""
    raw = bytes(note.tiff[start : start + 2])
    if len(raw) < 2:
        return note.byte_order
    count = struct.unpack("<H" if note.byte_order == "II" else ">H", raw)[0]
    if 0 < count < 512:
        return note.byte_order
    return "MM" if note.byte_order == "II" else "II"


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    return read_olympus_style(note, warnings, main_table(note))


def read_olympus_style(note: MakerNote, warnings: list[str], table: dict[int, Tag]) -> tuple[dict, dict]:
    """The main IFD by `table`, then each Olympus sub-directory it points to."""
    start, base, order = layout(note)
    endian = "<" if order == "II" else ">"
    entries = outside(read_ifd(note.tiff, start, order, base=base, warnings=warnings), start,
                      directory_end(note.tiff, start, order))
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    decode_entries(entries, table, endian, values, printed)
    sub_tables = _sub_tables(note)
    for number, name in _SUBDIRS.items():
        entry = entries.get(number)
        if entry is None:
            continue
        sub_base = base
        if entry.type == 7:  # the directory's bytes stored in place
            where = entry.value_offset
            sub_base = _sub_base(note, where, order, (base, where, note.offset))
        elif isinstance(entry.value, int):
            where = base + entry.value
        else:
            continue
        sub = read_ifd(note.tiff, where, order, base=sub_base, warnings=warnings)
        decode_entries(sub, sub_tables[name], endian, values, printed)
    shift(values, printed, ("PreviewImageStart",), base + note.file_offset)
    info = entries.get(0x0208)
    if info is not None:
        for name, value in picture_info(info.raw).items():
            put(values, printed, name, value)
    return values, printed


def _sub_base(note: MakerNote, where: int, order: str, candidates: tuple[int, ...]) -> int:
    """The base that puts most of an in-place directory's values inside the note, after the directory.

    Olympus cameras that store a sub-directory's bytes in place count its offsets from the TIFF header,
    the note or the directory itself, depending on the generation; only the right base lands in the note.
    """
    endian = "<" if order == "II" else ">"
    if where + 2 > len(note.tiff):
        return candidates[0]
    (count,) = struct.unpack_from(endian + "H", note.tiff, where)
    count = min(count, 512, max(0, (len(note.tiff) - where - 2) // 12))
    offsets = []
    for index in range(count):
        pos = where + 2 + 12 * index
        kind, n = struct.unpack_from(endian + "HI", note.tiff, pos + 2)
        if TYPE_SIZES.get(kind, 0) * n > 4:
            offsets.append(struct.unpack_from(endian + "I", note.tiff, pos + 8)[0])
    end, note_end = where + 2 + 12 * count, note.offset + note.length

    def landed(base: int) -> int:
        return sum(1 for offset in offsets if end <= base + offset < note_end)

    return max(candidates, key=landed)  # ties keep the first: the layout's own base


def picture_info(raw: bytes) -> dict[str, Any]:
    """The "Key=value" words of Olympus' picture-info text ("[pictureInfo] Resolution=1 [Camera Info] Type=SX552")."""
    found: dict[str, Any] = {}
    text = raw[:4096].split(b"\x00", 1)[0].decode("latin-1")
    for word in text.replace("\r", " ").replace("\n", " ").split():
        name, sep, value = word.partition("=")
        if not sep or not name.isalnum() or not value:
            continue
        name = _PICTURE_INFO_NAMES.get(name, name)
        found.setdefault(name, int(value) if value.isdigit() else value)
    return found


# The picture-info keys whose tag name differs from the key.
_PICTURE_INFO_NAMES = {"Type": "CameraType"}


# --- conversions ---------------------------------------------------------------------------------


def _seq(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _first_then(table: dict[Any, str]) -> Any:
    """The first number by `table`, the others as they are, joined by "; "."""
    def convert(value: Any) -> str:
        items = _seq(value)
        head = table.get(items[0], f"Unknown ({items[0]})")
        return "; ".join([head] + [str(v) for v in items[1:]])
    return convert


def _bits(names: dict[int, str], none: str = "(none)") -> Any:
    def convert(value: Any) -> str:
        number = int(value)
        if number == 0:
            return none
        words = [names.get(bit, f"[{bit}]") for bit in range(32) if number >> bit & 1]
        return ", ".join(words)
    return convert


def _range3(value: Any) -> Any:
    items = _seq(value)
    if len(items) == 3:
        return f"{items[0]} (min {items[1]}, max {items[2]})"
    return " ".join(str(v) for v in items)


def _hex_version(value: Any) -> str:
    digits = f"{int(value):x}"
    return digits[:-3] + "." + digits[-3:] if len(digits) > 3 else digits


def _aperture(value: Any) -> float:
    return 2 ** (value / 512)  # stored as 512 * log2(f-number) (an APEX value times 256)


def _apex_aperture(value: Any) -> float:
    return 2 ** (value / 2)


def _mm(value: Any) -> str:
    return f"{plain(value, 4)} mm"


def _special_mode(value: Any) -> str:
    items = _seq(value) + [0, 0]
    mode = {0: "Normal", 1: "Unattended", 2: "Fast", 3: "Panorama"}.get(items[0], f"Unknown ({items[0]})")
    direction = {0: "(none)", 1: "Left to Right", 2: "Right to Left", 3: "Bottom to Top",
                 4: "Top to Bottom"}.get(items[2], f"Unknown ({items[2]})")
    return f"{mode}, Sequence: {items[1]}, Panorama: {direction}"


def _quality(note: MakerNote) -> dict[int, str]:
    # Olympus numbers SQ, HQ and SHQ in sequence; SX-type cameras (CameraType "SX...") start at 0, others at 1.
    start, base, order = layout(note)
    entries = read_ifd(note.tiff, start, order, base=base)
    camera = entries.get(0x0207)
    if camera is not None and isinstance(camera.value, str) and camera.value.startswith("SX"):
        return {0: "SQ (Low)", 1: "HQ (Normal)", 2: "SHQ (Fine)", 6: "RAW"}
    return {1: "SQ (Low)", 2: "HQ (Normal)", 3: "SHQ (Fine)", 4: "RAW", 5: "Medium-Fine", 6: "Small-Fine",
            33: "Uncompressed"}


def _camera_type(note: MakerNote) -> Any:
    # The type code names the camera EXIF's Model names; ExifTool prints the model for the codes it knows.
    model = note.model.strip()
    return (lambda code: model or code)


def _af_areas(value: Any) -> str:
    boxes = []
    for number in _seq(value):
        if number:
            n = int(number)
            boxes.append(f"({n >> 24},{n >> 16 & 0xFF})-({n >> 8 & 0xFF},{n & 0xFF})")
    return ", ".join(boxes) if boxes else "none"


def _af_point_selected(value: Any) -> Any:
    items = _seq(value)
    return items[1:] if len(items) == 5 else value


def _percent_pairs(value: Any) -> str:
    items = _seq(value)
    if any(isinstance(v, str) for v in items):
        return "n/a"
    pairs = [f"({int(items[i] * 100)}%,{int(items[i + 1] * 100)}%)" for i in range(0, len(items) - 1, 2)]
    return " ".join(pairs)


def _all_undef(value: Any) -> Any:
    items = _seq(value)
    if all(v == "undef" for v in items):
        return "n/a" if len(items) < 4 else f"n/a (x{len(items)})"
    return "; ".join(str(v) for v in items)


def _focus_mode(value: Any) -> str:
    items = _seq(value)
    head = {0: "Single AF", 1: "Sequential shooting AF", 2: "Continuous AF", 3: "Multi AF", 4: "Face detect",
            10: "MF"}.get(items[0], f"Unknown ({items[0]})")
    if len(items) < 2:
        return head
    bits = {0: "S-AF", 2: "C-AF", 4: "MF", 5: "Face detect", 6: "Imager AF", 7: "Live View Magnification Frame",
            8: "AF sensor"}
    words = [bits.get(bit, f"[{bit}]") for bit in range(16) if items[1] >> bit & 1]
    return f"{head}; {', '.join(words) if words else '(none)'}"


def _gradation(value: Any) -> str:
    items = _seq(value)
    key = " ".join(str(v) for v in items[:3])
    head = {"-1 -1 1": "Low Key", "0 -1 1": "Normal", "1 -1 1": "High Key"}.get(key, f"Unknown ({key})")
    if len(items) > 3:
        return f"{head}; " + {0: "User-Selected", 1: "Auto-Override"}.get(items[3], f"Unknown ({items[3]})")
    return head


def _tone_level(value: Any) -> str:
    names = {-31999: "Highlights", -31998: "Shadows", -31997: "Midtones"}
    return "; ".join(names.get(v, str(v)) for v in _seq(value))


def _drive_mode(value: Any) -> str:
    items = _seq(value)
    head = {0: "Single Shot", 1: "Continuous Shooting", 2: "Exposure Bracketing", 3: "White Balance Bracketing",
            4: "Exposure+WB Bracketing", 5: "Continuous Shooting"}.get(items[0], f"Unknown ({items[0]})")
    if len(items) > 1 and items[1]:
        head += f", Shot {items[1]}"
    return head


def _panorama(value: Any) -> str:
    items = _seq(value)
    return "Off" if not items[0] else f"On, Shot {items[1] if len(items) > 1 else 0}"


def _art_filter_effect(value: Any) -> str:
    items = _seq(value)
    words = [ART_FILTER.get(items[0], f"Unknown ({items[0]})")] + [str(v) for v in items[1:]]
    if len(items) > 3:
        words[3] = f"Partial Color {items[3]}"
    if len(items) > 4:
        words[4] = {0: "No Effect", 0x8010: "Star Light", 0x8020: "Pin Hole", 0x8030: "Frame",
                    0x8040: "Soft Focus", 0x8050: "White Edge", 0x8060: "B&W"}.get(items[4], f"Unknown ({items[4]})")
    if len(items) > 6:
        words[6] = {0: "No Color Filter", 1: "Yellow Color Filter", 2: "Orange Color Filter",
                    3: "Red Color Filter", 4: "Green Color Filter"}.get(items[6], f"Unknown ({items[6]})")
    return "; ".join(words)


def _focus_distance(value: Any) -> Any:
    items = _seq(value)
    if items[0] == 0xFFFFFFFF:
        return "inf"
    return items[0] / 1000


def _metres(value: Any) -> str:
    return "inf" if value == "inf" else f"{plain(value, 3)} m"


def _manual_flash(value: Any) -> str:
    items = _seq(value)
    return "Off" if not items[0] else f"On ({items[1] if len(items) > 1 else 0}/1 strength)"


def _manometer(value: Any) -> str:
    items = _seq(value) + [0]
    return f"{plain(items[0], 1)} m, {plain(items[1], 1)} ft"


ON_OFF = {0: "Off", 1: "On"}
ART_FILTER = {0: "Off", 1: "Soft Focus", 2: "Pop Art", 3: "Pale & Light Color", 4: "Light Tone", 5: "Pin Hole",
              6: "Grainy Film", 9: "Diorama", 10: "Cross Process", 12: "Fish Eye", 13: "Drawing",
              14: "Gentle Sepia", 15: "Pale & Light Color II", 16: "Pop Art II", 17: "Pin Hole II",
              18: "Pin Hole III", 19: "Grainy Film II", 20: "Dramatic Tone", 21: "Punk", 22: "Soft Focus 2",
              23: "Sparkle", 24: "Watercolor", 25: "Key Line", 26: "Key Line II", 27: "Miniature",
              28: "Reflection", 29: "Fragmented", 31: "Cross Process II", 32: "Dramatic Tone II",
              33: "Watercolor I", 34: "Watercolor II", 35: "Diorama II", 36: "Vintage", 37: "Vintage II",
              38: "Vintage III", 39: "Partial Color", 40: "Partial Color II", 41: "Partial Color III"}
_NOISE_BITS = {0: "Noise Reduction", 1: "Noise Filter", 2: "Noise Filter (ISO Boost)"}
COLOR_SPACE = {0: "sRGB", 1: "Adobe RGB", 2: "Pro Photo RGB"}


def _range(name: str) -> Tag:
    return Tag(name, _range3, form="int16s")


def main_table(note: MakerNote) -> dict[int, Tag]:
    table = dict(MAIN)
    table[0x0201] = Tag("Quality", _quality(note))
    table[0x0207] = Tag("CameraType", _camera_type(note), form="string")
    return table


def _sub_tables(note: MakerNote) -> dict[str, dict[int, Tag]]:
    tables = dict(SUB_TABLES)
    tables["Equipment"] = {**EQUIPMENT, 0x0100: Tag("CameraType2", _camera_type(note), form="string")}
    return tables


MAIN: dict[int, Tag] = {
    0x0000: Tag("MakerNoteVersion", form="string"),
    0x0100: Tag("ThumbnailImage", form="binary"),
    0x0104: Tag("BodyFirmwareVersion", _hex_version),
    0x0200: Tag("SpecialMode", _special_mode),
    0x0202: Tag("Macro", {0: "Off", 1: "On", 2: "Super Macro"}),
    0x0203: Tag("BWMode", {0: "Off", 1: "On", 6: "(none)"}),
    0x0204: Tag("DigitalZoom"),
    0x0205: Tag("FocalPlaneDiagonal", _mm),
    0x0206: Tag("LensDistortionParams", form="int16s"),
    0x0209: Tag("CameraID", form="string"),
    0x0300: Tag("PreCaptureFrames"),
    0x0301: Tag("WhiteBoard"),
    0x0302: Tag("OneTouchWB", {0: "Off", 1: "On", 2: "On (Preset)"}),
    0x0303: Tag("WhiteBalanceBracket"),
    0x0304: Tag("WhiteBalanceBias"),
    0x0404: Tag("SerialNumber", form="string"),
    0x0405: Tag("Firmware", form="string"),
    0x0f00: Tag("DataDump", form="binary"),
    0x0f01: Tag("DataDump2", form="binary"),
    0x1000: Tag("ShutterSpeedValue", exposure,
                value=lambda v: 2 ** -v),
    0x1001: Tag("ISOValue", lambda v: f"{v:.2f}".rstrip("0").rstrip("."), value=lambda v: 100 * 2 ** (v - 5)),
    0x1002: Tag("ApertureValue", lambda v: plain(v, 1), value=_apex_aperture),
    0x1003: Tag("BrightnessValue"),
    0x1004: Tag("FlashMode", {2: "On", 3: "Off"}),
    0x1005: Tag("FlashDevice", {0: "None", 1: "Internal", 4: "External", 5: "Internal + External"}),
    0x1006: Tag("ExposureCompensation"),
    0x1007: Tag("SensorTemperature"),
    0x1008: Tag("LensTemperature"),
    0x1009: Tag("LightCondition"),
    0x100a: Tag("FocusRange", {0: "Normal", 1: "Macro"}),
    0x100b: Tag("FocusMode", {0: "Auto", 1: "Manual"}),
    0x100c: Tag("ManualFocusDistance", _mm),
    0x100d: Tag("ZoomStepCount"),
    0x100e: Tag("FocusStepCount"),
    0x100f: Tag("Sharpness", {0: "Normal", 1: "Hard", 2: "Soft"}),
    0x1010: Tag("FlashChargeLevel"),
    0x1011: Tag("ColorMatrix", form="int16s"),
    0x1012: Tag("BlackLevel"),
    0x1015: Tag("WBMode", {"1": "Auto", "1 0": "Auto", "1 2": "Auto (2)", "1 4": "Auto (4)",
                           "2 2": "3000 Kelvin", "2 3": "3700 Kelvin", "2 4": "4000 Kelvin", "2 5": "4500 Kelvin",
                           "2 6": "5500 Kelvin", "2 7": "6500 Kelvin", "2 8": "7500 Kelvin", "3 0": "One-touch"}),
    0x1017: Tag("RedBalance", value=lambda v: _seq(v)[0] / 256),
    0x1018: Tag("BlueBalance", value=lambda v: _seq(v)[0] / 256),
    0x1019: Tag("ColorMatrixNumber"),
    0x101a: Tag("SerialNumber", form="string"),
    0x1023: Tag("FlashExposureComp"),
    0x1024: Tag("InternalFlashTable"),
    0x1025: Tag("ExternalFlashGValue"),
    0x1026: Tag("ExternalFlashBounce", {0: "No", 1: "Yes"}),
    0x1027: Tag("ExternalFlashZoom"),
    0x1028: Tag("ExternalFlashMode"),
    0x1029: Tag("Contrast", {0: "High", 1: "Normal", 2: "Low"}),
    0x102a: Tag("SharpnessFactor"),
    0x102b: Tag("ColorControl"),
    0x102c: Tag("ValidBits"),
    0x102d: Tag("CoringFilter"),
    0x102e: Tag("OlympusImageWidth"),
    0x102f: Tag("OlympusImageHeight"),
    0x1030: Tag("SceneDetect"),
    0x1034: Tag("CompressionRatio"),
    0x1035: Tag("PreviewImageValid", {0: "No", 1: "Yes"}),
    0x1036: Tag("PreviewImageStart"),
    0x1037: Tag("PreviewImageLength"),
    0x1038: Tag("AFResult"),
    0x1039: Tag("CCDScanMode", {0: "Interlaced", 1: "Progressive"}),
    0x103a: Tag("NoiseReduction", ON_OFF),
    0x103b: Tag("FocusStepInfinity"),
    0x103c: Tag("FocusStepNear"),
    0x103d: Tag("LightValueCenter"),
    0x103e: Tag("LightValuePeriphery"),
    0x103f: Tag("FieldCount"),
}


EQUIPMENT: dict[int, Tag] = {
    0x0000: Tag("EquipmentVersion", form="string"),
    0x0100: Tag("CameraType2", form="string"),  # printed words: see main_table
    0x0101: Tag("SerialNumber", form="string"),
    0x0102: Tag("InternalSerialNumber", form="string"),
    0x0103: Tag("FocalPlaneDiagonal", _mm),
    0x0104: Tag("BodyFirmwareVersion", _hex_version),
    0x0201: Tag("LensType", form="int8u", value=lambda v: _lens_code(v)),
    0x0202: Tag("LensSerialNumber", form="string"),
    0x0203: Tag("LensModel", form="string"),
    0x0204: Tag("LensFirmwareVersion", _hex_version),
    0x0205: Tag("MaxApertureAtMinFocal", lambda v: plain(v, 1), value=_aperture),
    0x0206: Tag("MaxApertureAtMaxFocal", lambda v: plain(v, 1), value=_aperture),
    0x0207: Tag("MinFocalLength"),
    0x0208: Tag("MaxFocalLength"),
    0x020a: Tag("MaxAperture", lambda v: plain(v, 1), value=_aperture),
    0x020b: Tag("LensProperties", hex4),
    0x0301: Tag("Extender", {"0 00": "None"}, form="int8u", value=lambda v: _extender_code(v)),
    0x0302: Tag("ExtenderSerialNumber", form="string"),
    0x0303: Tag("ExtenderModel", form="string"),
    0x0304: Tag("ExtenderFirmwareVersion", _hex_version),
    0x0403: Tag("ConversionLens", form="string"),
    0x1000: Tag("FlashType", {0: "None", 2: "Simple E-System", 3: "E-System", 4: "E-System (body powered)"}),
    0x1001: Tag("FlashModel", {0: "None", 1: "FL-20", 2: "FL-50", 3: "RF-11", 4: "TF-22", 5: "FL-36",
                               6: "FL-50R", 7: "FL-36R", 9: "FL-14", 11: "FL-600R", 13: "FL-LM3", 15: "FL-900R"}),
    0x1002: Tag("FlashFirmwareVersion", _hex_version),
    0x1003: Tag("FlashSerialNumber", form="string"),
}


def _lens_code(value: Any) -> str:
    b = _seq(value) + [0] * 6
    return f"{b[0]:x} {b[2]:02x} {b[3]:02x}"


def _extender_code(value: Any) -> str:
    b = _seq(value) + [0] * 6
    return f"{b[0]:x} {b[2]:02x}"


# Olympus' own lens codes (maker, type, sub-type as ExifTool writes them) for the commonest lenses.
LENSES = {
    "0 01 00": "Olympus Zuiko Digital ED 50mm F2.0 Macro", "0 02 00": "Olympus Zuiko Digital ED 150mm F2.0",
    "0 03 00": "Olympus Zuiko Digital ED 300mm F2.8", "0 05 00": "Olympus Zuiko Digital 14-54mm F2.8-3.5",
    "0 06 00": "Olympus Zuiko Digital ED 50-200mm F2.8-3.5", "0 07 00": "Olympus Zuiko Digital 11-22mm F2.8-3.5",
    "0 08 00": "Olympus Zuiko Digital 18-180mm F3.5-6.3", "0 23 00": "Olympus Zuiko Digital ED 14-42mm F3.5-5.6",
    "0 01 10": "Olympus M.Zuiko Digital ED 14-42mm F3.5-5.6", "0 02 10": "Olympus M.Zuiko Digital 17mm F2.8 Pancake",
    "0 16 10": "Olympus M.Zuiko Digital 17mm F1.8",
}
EQUIPMENT[0x0201] = Tag("LensType", LENSES, form="int8u", value=lambda v: _lens_code(v))

WHITE_BALANCE2 = {0: "Auto", 1: "Auto (Keep Warm Color Off)", 16: "7500K (Fine Weather with Shade)",
                  17: "6000K (Cloudy)", 18: "5300K (Fine Weather)", 20: "3000K (Tungsten light)",
                  21: "3600K (Tungsten light-like)", 22: "Auto Setup", 23: "5500K (Flash)",
                  33: "6600K (Daylight fluorescent)", 34: "4500K (Neutral white fluorescent)",
                  35: "4000K (Cool white fluorescent)", 36: "White Fluorescent", 48: "3600K (Tungsten light-like)",
                  67: "Underwater", 256: "One Touch WB 1", 257: "One Touch WB 2", 258: "One Touch WB 3",
                  259: "One Touch WB 4", 512: "Custom WB 1", 513: "Custom WB 2", 514: "Custom WB 3",
                  515: "Custom WB 4"}
SCENE_MODE = {0: "Standard", 6: "Auto", 7: "Sport", 8: "Portrait", 9: "Landscape+Portrait", 10: "Landscape",
              11: "Night Scene", 12: "Self Portrait", 13: "Panorama", 14: "2 in 1", 15: "Movie",
              16: "Landscape+Portrait", 17: "Night+Portrait", 18: "Indoor", 19: "Fireworks", 20: "Sunset",
              21: "Beauty Skin", 22: "Macro", 23: "Super Macro", 24: "Food", 25: "Documents", 26: "Museum",
              27: "Shoot & Select", 28: "Beach & Snow", 29: "Self Protrait+Timer", 30: "Candle",
              31: "Available Light", 32: "Behind Glass", 33: "My Mode", 34: "Pet", 35: "Underwater Wide1",
              36: "Underwater Macro", 37: "Shoot & Select1", 38: "Shoot & Select2", 39: "High Key",
              40: "Digital Image Stabilization", 41: "Auction", 42: "Beach", 43: "Snow", 44: "Underwater Wide2",
              45: "Low Key", 46: "Children", 47: "Vivid", 48: "Nature Macro", 49: "Underwater Snapshot",
              50: "Shooting Guide"}
PICTURE_MODE = {1: "Vivid", 2: "Natural", 3: "Muted", 4: "Portrait", 5: "i-Enhance", 6: "e-Portrait",
                7: "Color Creator", 9: "Color Profile 1", 10: "Color Profile 2", 11: "Color Profile 3",
                12: "Monochrome Profile 1", 13: "Monochrome Profile 2", 14: "Monochrome Profile 3",
                256: "Monotone", 512: "Sepia"}

CAMERA_SETTINGS: dict[int, Tag] = {
    0x0000: Tag("CameraSettingsVersion", form="string"),
    0x0100: Tag("PreviewImageValid", {0: "No", 1: "Yes"}),
    0x0101: Tag("PreviewImageStart"),
    0x0102: Tag("PreviewImageLength"),
    0x0200: Tag("ExposureMode", {1: "Manual", 2: "Program", 3: "Aperture-priority AE",
                                 4: "Shutter speed priority AE", 5: "Program-shift"}),
    0x0201: Tag("AELock", ON_OFF),
    0x0202: Tag("MeteringMode", {2: "Center-weighted average", 3: "Spot", 5: "ESP", 261: "Pattern+AF",
                                 515: "Spot+Highlight control", 1027: "Spot+Shadow control"}),
    0x0203: Tag("ExposureShift"),
    0x0300: Tag("MacroMode", {0: "Off", 1: "On", 2: "Super Macro"}),
    0x0301: Tag("FocusMode", _focus_mode),
    0x0302: Tag("FocusProcess", _first_then({0: "AF Not Used", 1: "AF Used"})),
    0x0303: Tag("AFSearch", {0: "Not Ready", 1: "Ready"}),
    0x0304: Tag("AFAreas", _af_areas),
    0x0305: Tag("AFPointSelected", _percent_pairs, value=_af_point_selected),
    0x0306: Tag("AFFineTune", ON_OFF),
    0x0307: Tag("AFFineTuneAdj", form="int16s"),
    0x0400: Tag("FlashMode", _bits({0: "On", 1: "Fill-in", 2: "Red-eye", 3: "Slow-sync", 4: "Forced On",
                                    5: "2nd Curtain"}, none="Off")),
    0x0401: Tag("FlashExposureComp"),
    0x0403: Tag("FlashRemoteControl", {0: "Off", 1: "Channel 1, Low", 2: "Channel 2, Low", 3: "Channel 3, Low",
                                       4: "Channel 4, Low", 9: "Channel 1, Mid", 10: "Channel 2, Mid",
                                       11: "Channel 3, Mid", 12: "Channel 4, Mid", 17: "Channel 1, High",
                                       18: "Channel 2, High", 19: "Channel 3, High", 20: "Channel 4, High"}),
    0x0404: Tag("FlashControlMode", _first_then({0: "Off", 3: "TTL", 4: "Auto", 5: "Manual"})),
    0x0405: Tag("FlashIntensity", _all_undef),
    0x0406: Tag("ManualFlashStrength", _all_undef),
    0x0500: Tag("WhiteBalance2", WHITE_BALANCE2),
    0x0501: Tag("WhiteBalanceTemperature"),
    0x0502: Tag("WhiteBalanceBracket", form="int16s"),
    0x0503: _range("CustomSaturation"),
    0x0504: Tag("ModifiedSaturation", {0: "Off", 1: "CM1 (Red Enhance)", 2: "CM2 (Green Enhance)",
                                       3: "CM3 (Blue Enhance)", 4: "CM4 (Skin Tones)"}),
    0x0505: _range("ContrastSetting"),
    0x0506: _range("SharpnessSetting"),
    0x0507: Tag("ColorSpace", COLOR_SPACE),
    0x0509: Tag("SceneMode", SCENE_MODE),
    0x050a: Tag("NoiseReduction", _bits({**_NOISE_BITS, 3: "Auto"})),
    0x050b: Tag("DistortionCorrection", ON_OFF),
    0x050c: Tag("ShadingCompensation", ON_OFF),
    0x050d: Tag("CompressionFactor"),
    0x050f: Tag("Gradation", _gradation, form="int16s"),
    0x0520: Tag("PictureMode", _first_then(PICTURE_MODE)),
    0x0521: _range("PictureModeSaturation"),
    0x0523: _range("PictureModeContrast"),
    0x0524: _range("PictureModeSharpness"),
    0x0525: Tag("PictureModeBWFilter", {0: "n/a", 1: "Neutral", 2: "Yellow", 3: "Orange", 4: "Red", 5: "Green"},
                form="int16s"),
    0x0526: Tag("PictureModeTone", {0: "n/a", 1: "Neutral", 2: "Sepia", 3: "Blue", 4: "Purple", 5: "Green"},
                form="int16s"),
    0x0527: Tag("NoiseFilter", {"0 0 0": "n/a", "-2 -2 1": "Off", "-1 -2 1": "Low", "0 -2 1": "Standard",
                                "1 -2 1": "High"}, form="int16s"),
    0x0529: Tag("ArtFilter", _first_then(ART_FILTER)),
    0x052d: Tag("PictureModeEffect", {"0 0 0": "n/a", "-1 -1 1": "Low", "0 -1 1": "Standard", "1 -1 1": "High"},
                form="int16s"),
    0x052e: Tag("ToneLevel", _tone_level, form="int16s"),
    0x052f: Tag("ArtFilterEffect", _art_filter_effect),
    0x0600: Tag("DriveMode", _drive_mode),
    0x0601: Tag("PanoramaMode", _panorama),
    0x0603: Tag("ImageQuality2", {1: "SQ", 2: "HQ", 3: "SHQ", 4: "RAW", 5: "SQ (5)"}),
    0x0308: Tag("FocusBracketStepSize"),
    0x0604: Tag("ImageStabilization", {0: "Off", 1: "On, Mode 1", 2: "On, Mode 2", 3: "On, Mode 3",
                                       4: "On, Mode 4"}),
    0x0804: Tag("StackedImage", lambda v: "No" if _seq(v)[0] == 0 else v),
    0x0900: Tag("ManometerPressure", lambda v: f"{plain(v, 1)} kPa", value=lambda v: v / 10),
    0x0901: Tag("ManometerReading", _manometer, form="int32s", value=lambda v: [x / 10 for x in _seq(v)]),
    0x0902: Tag("ExtendedWBDetect", ON_OFF),
    0x0903: Tag("RollAngle", form="int16s", value=lambda v: _level(v, -1)),
    0x0904: Tag("PitchAngle", form="int16s", value=lambda v: _level(v, 1)),
    0x0908: Tag("DateTimeUTC", form="string"),
}


def _level(value: Any, sign: int) -> Any:
    # (angle in tenths of a degree, 1 when valid)
    items = _seq(value)
    if len(items) == 2 and items[1] == 1:
        return sign * items[0] / 10
    return "n/a"

RAW_DEVELOPMENT: dict[int, Tag] = {
    0x0000: Tag("RawDevVersion", form="string"),
    0x0100: Tag("RawDevExposureBiasValue"),
    0x0101: Tag("RawDevWhiteBalanceValue"),
    0x0102: Tag("RawDevWBFineAdjustment"),
    0x0103: Tag("RawDevGrayPoint"),
    0x0104: Tag("RawDevSaturationEmphasis"),
    0x0105: Tag("RawDevMemoryColorEmphasis"),
    0x0106: Tag("RawDevContrastValue"),
    0x0107: Tag("RawDevSharpnessValue"),
    0x0108: Tag("RawDevColorSpace", COLOR_SPACE),
    0x0109: Tag("RawDevEngine", {0: "High Speed", 1: "High Function", 2: "Advanced High Speed",
                                 3: "Advanced High Function"}),
    0x010a: Tag("RawDevNoiseReduction", _bits(_NOISE_BITS)),
    0x010b: Tag("RawDevEditStatus", {0: "Original", 1: "Edited (Landscape)", 6: "Edited (Portrait)",
                                     8: "Edited (Portrait)"}),
    0x010c: Tag("RawDevSettings", _bits({0: "WB Color Temp", 1: "WB Gray Point", 2: "Saturation", 3: "Contrast",
                                         4: "Sharpness", 5: "Color Space", 6: "High Function",
                                         7: "Noise Reduction"})),
}

RAW_DEVELOPMENT2: dict[int, Tag] = {
    0x0000: Tag("RawDevVersion", form="string"),
    0x0100: Tag("RawDevExposureBiasValue"),
    0x0101: Tag("RawDevWhiteBalance", {1: "Color Temperature", 2: "Gray Point"}),
    0x0102: Tag("RawDevWhiteBalanceValue"),
    0x0103: Tag("RawDevWBFineAdjustment"),
    0x0104: Tag("RawDevGrayPoint"),
    0x0105: Tag("RawDevContrastValue"),
    0x0106: Tag("RawDevSharpnessValue"),
    0x0107: Tag("RawDevSaturationEmphasis"),
    0x0108: Tag("RawDevMemoryColorEmphasis"),
    0x0109: Tag("RawDevColorSpace", COLOR_SPACE),
    0x010a: Tag("RawDevNoiseReduction", _bits(_NOISE_BITS)),
    0x010b: Tag("RawDevEngine", {0: "High Speed", 1: "High Function"}),
    0x010c: Tag("RawDevPictureMode", {1: "Vivid", 2: "Natural", 3: "Muted", 256: "Monotone", 512: "Sepia"}),
    0x010d: Tag("RawDevPMSaturation"),
    0x010e: Tag("RawDevPMContrast"),
    0x010f: Tag("RawDevPMSharpness"),
    0x0110: Tag("RawDevPM_BWFilter", {1: "Neutral", 2: "Yellow", 3: "Orange", 4: "Red", 5: "Green"}),
    0x0111: Tag("RawDevPMPictureTone", {1: "Neutral", 2: "Sepia", 3: "Blue", 4: "Purple", 5: "Green"}),
    0x0112: Tag("RawDevGradation"),
    0x0113: Tag("RawDevSaturation3"),
    0x0119: Tag("RawDevAutoGradation", ON_OFF),
    0x0120: Tag("RawDevPMNoiseFilter"),
}

IMAGE_PROCESSING: dict[int, Tag] = {
    0x0000: Tag("ImageProcessingVersion", form="string"),
    0x0100: Tag("WB_RBLevels"),
    0x0200: Tag("ColorMatrix", form="int16s"),
    0x0300: Tag("Enhancer"),
    0x0301: Tag("EnhancerValues"),
    0x0310: Tag("CoringFilter"),
    0x0311: Tag("CoringValues"),
    0x0600: Tag("BlackLevel2"),
    0x0610: Tag("GainBase"),
    0x0611: Tag("ValidBits"),
    0x0612: Tag("CropLeft"),
    0x0613: Tag("CropTop"),
    0x0614: Tag("CropWidth"),
    0x0615: Tag("CropHeight"),
    0x0805: Tag("SensorCalibration", form="int16s"),
    0x1010: Tag("NoiseReduction2", _bits(_NOISE_BITS)),
    0x1011: Tag("DistortionCorrection2", ON_OFF),
    0x1012: Tag("ShadingCompensation2", ON_OFF),
    0x101c: Tag("MultipleExposureMode", _first_then({0: "Off", 2: "On (2 frames)", 3: "On (3 frames)"})),
    0x1112: Tag("AspectRatio", {"1 1": "4:3", "1 4": "1:1", "2 1": "3:2 (RAW)", "2 2": "3:2", "3 1": "16:9 (RAW)",
                                "3 3": "16:9", "4 1": "1:1 (RAW)", "4 4": "6:6", "5 5": "5:4", "6 6": "7:6",
                                "7 7": "6:5", "8 8": "7:5", "9 1": "3:4 (RAW)", "9 9": "3:4"}, form="int8u"),
    0x1113: Tag("AspectFrame"),
    0x1200: Tag("FacesDetected"),
    0x1201: Tag("FaceDetectArea", form="binary"),
    0x1202: Tag("MaxFaces"),
    0x1203: Tag("FaceDetectFrameSize"),
    0x1207: Tag("FaceDetectFrameCrop", form="int16s"),
}

FOCUS_INFO: dict[int, Tag] = {
    0x0000: Tag("FocusInfoVersion", form="string"),
    0x0210: Tag("SceneDetect"),
    0x0300: Tag("ZoomStepCount"),
    0x0301: Tag("FocusStepCount"),
    0x0303: Tag("FocusStepInfinity"),
    0x0304: Tag("FocusStepNear"),
    0x0305: Tag("FocusDistance", _metres, form="int32u", value=_focus_distance),
    0x0308: Tag("AFPoint", {0: "Left (or n/a)", 1: "Center (horizontal)", 2: "Right", 3: "Center (vertical)",
                            255: "None"}),
    0x1201: Tag("ExternalFlash", {"0 0": "Off", "1 0": "On"}),
    0x1204: Tag("ExternalFlashBounce", {0: "Bounce or Off", 1: "Direct"}),
    0x1205: Tag("ExternalFlashZoom"),
    0x1208: Tag("InternalFlash", ON_OFF),
    0x1209: Tag("ManualFlash", _manual_flash),
    0x120a: Tag("MacroLED", ON_OFF),
}

SUB_TABLES = {"Equipment": EQUIPMENT, "CameraSettings": CAMERA_SETTINGS, "RawDevelopment": RAW_DEVELOPMENT,
              "RawDevelopment2": RAW_DEVELOPMENT2, "ImageProcessing": IMAGE_PROCESSING, "FocusInfo": FOCUS_INFO}


# --- the camera information old Olympus cameras write in a JPEG APP12 segment --------------------

_APP12_LINE = re.compile(r"([\w#]+)=([^\r\n\x00]*)")
_APP12_NAMES = {"TimeDate": "DateTimeOriginal", "Shutter": "ExposureTime", "Type": "CameraType",
                "Serial#": "SerialNumber"}
_APP12_WORDS = {"Macro": {0: "Off", 1: "On"}, "Flash": {0: "Off", 1: "On"}, "ExposureTime": exposure}
MAX_APP12 = 65536  # one JPEG segment


def read_app12(data: bytes, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The APP12 group of an Olympus (or Agfa) "[picture info]" segment: its "Key=value" lines under
    ExifTool's names. `data` is the segment's payload (after the length); never raises."""
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    text = bytes(data[:MAX_APP12]).decode("latin-1")
    if "=" not in text:
        return values, printed
    for key, raw in _APP12_LINE.findall(text):
        name = _APP12_NAMES.get(key) or key[:1].upper() + key[1:]
        if not name.replace("_", "").isalnum() or name in values:
            continue
        value = _app12_value(name, raw.strip())
        if value is None:
            continue
        values[name] = value
        printed[name] = words_for(_APP12_WORDS.get(name), value)
    if not values:
        warnings.append("APP12: the picture-info segment holds no readable fields")
    return values, printed


def _app12_value(name: str, raw: str) -> Any:
    number = _number(raw)
    if name == "DateTimeOriginal":
        if number is None or number < 0 or number > 4102444800:
            return raw or None
        if number == 0:
            return "0000:00:00 00:00:00"
        return datetime.fromtimestamp(int(number), timezone.utc).strftime("%Y:%m:%d %H:%M:%S")
    if name == "ExposureTime":
        return number / 1e6 if number is not None else raw or None  # written in microseconds
    return number if number is not None else raw


def _number(raw: str) -> int | float | None:
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d+", raw):
        return float(raw)
    return None
