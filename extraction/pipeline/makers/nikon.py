"""Nikon maker notes under ExifTool's names: the three layouts Nikon has written, their preview IFD and unencrypted records.

Layouts (public Nikon maker-note documentation):
- "Nikon\\0\\x01\\0" (early Coolpix, E700-E950): an IFD at offset 8 of Nikon's first tag set, offsets from
  the EXIF block's TIFF header;
- no header (Coolpix E990/E5000 era): an IFD of the main tag set at the note's start, same offsets;
- "Nikon\\0\\x02.." + a TIFF header at offset 10 (D-series and later Coolpix): the main tag set, with
  offsets counting from that embedded header.
Records whose version is "02xx" or later are encrypted with the serial number and shutter count; only
their version is read.
"""

import re
import struct
from typing import Any

from .base import Entry, MakerNote, read_ifd
from .common import Field, binary, fixed, ifd_order, number, perl, put, read_fields, spaced

_ACRONYMS = {"AF", "AE", "TTL", "VR", "RAW", "WB", "ISO", "NR", "RGB", "HDR", "LCD", "JPEG", "TIFF", "NEF"}
_WORD = re.compile(r"[A-Z]{2,}")


def matches(note: MakerNote) -> bool:
    head = bytes(note.tiff[note.offset : note.offset + 6])
    return note.make.upper().startswith("NIKON") or head == b"Nikon\x00"


def format_string(value: Any) -> str:
    """Nikon's capitalised words as ExifTool prints them ("FINE" -> "Fine", "VR-ON" -> "VR-On"; acronyms kept)."""
    text = str(value).strip()
    return _WORD.sub(lambda m: m.group(0) if m.group(0) in _ACRONYMS else m.group(0).capitalize(), text)


def _version(value: Any) -> str:
    # "0210" prints as 2.10: the first two digits are the major number.
    text = str(value)
    return (text[:2] + "." + text[2:]).lstrip("0") if re.fullmatch(r"\d{4}", text) else text


def _iso_pair(value: Any) -> Any:
    parts = str(value).split() if not isinstance(value, list) else [str(v) for v in value]
    return " ".join(parts[1:]) if len(parts) > 1 and parts[0] == "0" else " ".join(parts)


def _fraction_pair(raw: bytes) -> float | None:
    """ExifTool's three-signed-byte values (a * b / c): program shift, exposure difference, flash comp."""
    if len(raw) < 3:
        return None
    a, b, c = struct.unpack("bbb", raw[:3])
    return number(a * (b / c)) if c else 0


def _fraction_pair_unsigned(raw: bytes) -> float | None:
    if len(raw) < 3:
        return None
    a, b, c = raw[0], raw[1], raw[2]
    return number(a * (b / c)) if c else 0


def _print_fraction(value: Any) -> str:
    number_ = float(value)
    if number_ == 0:
        return "0"
    for denominator in (1, 2, 3):
        if abs(number_ * denominator - round(number_ * denominator)) < 0.001:
            whole = round(number_ * denominator)
            text = f"{abs(whole)}" if denominator == 1 else f"{abs(whole)}/{denominator}"
            return ("+" if number_ > 0 else "-") + text
    return f"{number_:+.3g}"


def _lens(value: Any) -> str:
    parts = [float(v) for v in str(value).split()] if not isinstance(value, list) else [float(v) for v in value]
    if len(parts) != 4:
        return str(value)
    short, long_, wide, tele = (perl(number(p)) for p in parts)
    focal = short if short == long_ else f"{short}-{long_}"
    aperture = wide if wide == tele else f"{wide}-{tele}"
    return f"{focal}mm f/{aperture}"


def _spaced(value: Any) -> Any:
    return spaced(value) if isinstance(value, list) else value


_AF_POINTS = {0: "Center", 1: "Top", 2: "Bottom", 3: "Mid-left", 4: "Mid-right", 5: "Upper-left",
              6: "Upper-right", 7: "Lower-left", 8: "Lower-right", 9: "Far Left", 10: "Far Right"}


def _af_points_in_focus(value: Any) -> str:
    value = int(value)
    if value == 0:
        return "(none)"
    if value == 0x7FF:
        return "All"
    return ",".join(name for bit, name in _AF_POINTS.items() if value & (1 << bit))


def _lens_type(value: Any) -> str:
    """Nikon's lens-type bits as ExifTool words them: "AF" for none, "G" standing for "D G", "E" and "1" first."""
    names = {0: "MF", 1: "D", 2: "G", 3: "VR", 4: "1", 5: "FT-1", 6: "E", 7: "AF-P"}
    value = int(value)
    if not value:
        return "AF"
    text = " ".join(name for bit, name in names.items() if value & (1 << bit))
    text = re.sub(r"\bD G\b", "G", text)
    if re.search(r" E\b", text):
        text = re.sub(r" E\b", "", text, count=1)
        text = re.sub(r"^(G )?", "E ", text, count=1)
    if " 1" in text:
        text = "1 " + text.replace(" 1", "", 1)
    if "FT-1 " in text:
        text = text.replace("FT-1 ", "", 1) + " FT-1"
    return text


def _shooting_mode(value: Any) -> str:
    """The release-mode bits; "Single-Frame" leads unless a continuous, delayed, remote or IR release is set."""
    names = {0: "Continuous", 1: "Delay", 2: "PC Control", 3: "Self-timer", 4: "Exposure Bracketing",
             5: "Auto ISO", 6: "White-Balance Bracketing", 7: "IR Control", 8: "D-Lighting Bracketing",
             11: "Pre-capture"}
    value = int(value)
    words = [name for bit, name in names.items() if value & (1 << bit)]
    if not value & 0x87:
        words.insert(0, "Single-Frame")
    return ", ".join(words)


# Main-IFD tags whose value is read as is: id -> (name, printed conversion).
MAIN: dict[int, tuple[str, Any]] = {
    0x0003: ("ColorMode", format_string),
    0x0004: ("Quality", format_string),
    0x0005: ("WhiteBalance", format_string),
    0x0006: ("Sharpness", format_string),
    0x0007: ("FocusMode", lambda v: str(v).strip()),
    0x0008: ("FlashSetting", format_string),
    0x0009: ("FlashType", format_string),
    0x000B: ("WhiteBalanceFineTune", None),
    0x000C: ("WB_RBLevels", None),
    0x000F: ("ISOSelection", format_string),
    0x0016: ("ImageBoundary", None),
    0x0019: ("ExposureBracketValue", _print_fraction),
    0x001A: ("ImageProcessing", format_string),
    0x001B: ("CropHiSpeed", None),
    0x001D: ("SerialNumber", format_string),
    0x001E: ("ColorSpace", {1: "sRGB", 2: "Adobe RGB"}),
    0x0020: ("ImageAuthentication", {0: "Off", 1: "On"}),
    0x0022: ("ActiveD-Lighting", {0: "Off", 1: "Low", 3: "Normal", 5: "High", 7: "Extra High", 8: "Extra High 1",
                                  9: "Extra High 2", 10: "Extra High 3", 11: "Extra High 4", 0xFFFF: "Auto"}),
    0x002A: ("VignetteControl", {0: "Off", 1: "Low", 3: "Normal", 5: "High"}),
    0x0080: ("ImageAdjustment", format_string),
    0x0081: ("ToneComp", format_string),
    0x0082: ("AuxiliaryLens", format_string),
    0x0083: ("LensType", _lens_type),
    0x0084: ("Lens", _lens),
    0x0085: ("ManualFocusDistance", lambda v: v if v == "undef" else f"{perl(v)} m"),
    0x0086: ("DigitalZoom", None),
    0x0087: ("FlashMode", {0: "Did Not Fire", 1: "Fired, Manual", 3: "Not Ready", 7: "Fired, External",
                           8: "Fired, Commander Mode", 9: "Fired, TTL Mode", 18: "LED Light"}),
    0x0089: ("ShootingMode", _shooting_mode),
    0x008C: ("ContrastCurve", None),
    0x008D: ("ColorHue", format_string),
    0x008F: ("SceneMode", format_string),
    0x0090: ("LightSource", format_string),
    0x0092: ("HueAdjustment", None),
    0x0093: ("NEFCompression", {1: "Lossy (type 1)", 2: "Uncompressed", 3: "Lossless", 4: "Lossy (type 2)",
                                5: "Striped packed 12 bits", 6: "Uncompressed (reduced to 12 bit)",
                                7: "Unpacked 12 bits", 8: "Small", 9: "Packed 12 bits", 10: "Packed 14 bits",
                                13: "High Efficiency", 14: "High Efficiency*"}),
    0x0094: ("SaturationAdj", None),
    0x0095: ("NoiseReduction", format_string),
    0x0099: ("RawImageCenter", None),
    0x009A: ("SensorPixelSize", lambda v: " x ".join(str(v).split()) + " um"),
    0x009C: ("SceneAssist", format_string),
    0x009D: ("DateStampMode", {0: "Off", 1: "On"}),
    0x009E: ("RetouchHistory", None),
    0x00A0: ("SerialNumber", format_string),
    0x00A2: ("ImageDataSize", None),
    0x00A5: ("ImageCount", None),
    0x00A6: ("DeletedImageCount", None),
    0x00A7: ("ShutterCount", None),
    0x00A9: ("ImageOptimization", format_string),
    0x00AA: ("Saturation", format_string),
    0x00AB: ("VariProgram", format_string),
    0x00AC: ("ImageStabilization", format_string),
    0x00AD: ("AFResponse", format_string),
    0x00B1: ("HighISONoiseReduction", {0: "Off", 1: "Minimal", 2: "Low", 3: "Medium Low", 4: "Normal",
                                       5: "Medium High", 6: "High"}),
    0x0E09: ("NikonCaptureVersion", None),
    0x0E22: ("NEFBitDepth", None),
}
_BLOBS = {0x0010: "DataDump", 0x008C: "ContrastCurve", 0x0E01: "NikonCaptureData"}
_THREE_BYTES = {0x000D: "ProgramShift", 0x000E: "ExposureDifference", 0x0012: "FlashExposureComp",
                0x0017: "ExternalFlashExposureComp", 0x0018: "FlashExposureBracketValue", 0x001C: "ExposureTuning"}
_RETOUCH = {0: "None", 3: "B & W", 4: "Sepia", 5: "Trim", 6: "Small Picture", 7: "D-Lighting", 8: "Red Eye",
            9: "Cyanotype", 10: "Sky Light", 11: "Warm Tone", 12: "Color Custom", 13: "Image Overlay",
            14: "Red Intensifier", 15: "Green Intensifier", 16: "Blue Intensifier", 17: "Cross Screen",
            18: "Quick Retouch", 19: "NEF Processing", 23: "Distortion Control", 25: "Fisheye",
            26: "Straighten", 29: "Perspective Control", 30: "Color Outline", 31: "Soft Filter",
            32: "Resize", 33: "Miniature Effect", 34: "Skin Softening", 35: "Selected Frame", 37: "Color Sketch",
            38: "Selective Color", 39: "Glamour", 40: "Drawing", 44: "Pop", 45: "Toy Camera Effect 1",
            46: "Toy Camera Effect 2", 47: "Cross Process (red)", 48: "Cross Process (blue)",
            49: "Cross Process (green)", 50: "Cross Process (yellow)", 51: "Super Vivid", 52: "High-contrast Monochrome",
            53: "High Key", 54: "Low Key"}

# Nikon's first tag set ("Nikon\0\1" notes).
TYPE2: dict[int, tuple[str, Any]] = {
    0x0003: ("Quality", {1: "VGA Basic", 2: "VGA Normal", 3: "VGA Fine", 4: "SXGA Basic", 5: "SXGA Normal",
                         6: "SXGA Fine"}),
    0x0004: ("ColorMode", {1: "Color", 2: "Monochrome"}),
    0x0005: ("ImageAdjustment", {0: "Normal", 1: "Bright+", 2: "Bright-", 3: "Contrast+", 4: "Contrast-"}),
    0x0006: ("CCDSensitivity", {0: "ISO80", 2: "ISO160", 4: "ISO320", 5: "ISO100"}),
    0x0007: ("WhiteBalance", {0: "Auto", 1: "Preset", 2: "Daylight", 3: "Incandescent", 4: "Fluorescent",
                              5: "Cloudy", 6: "Speedlight"}),
    0x0008: ("Focus", None),
    0x000A: ("DigitalZoom", lambda v: "No digital zoom" if v == 0 else f"{perl(v)}x"),
    0x000B: ("Converter", {0: "Not used", 1: "Used"}),
}

_PREVIEW: dict[int, tuple[str, Any]] = {
    0x0103: ("Compression", {1: "Uncompressed", 6: "JPEG (old-style)", 7: "JPEG"}),
    0x011A: ("XResolution", None),
    0x011B: ("YResolution", None),
    0x0128: ("ResolutionUnit", {1: "None", 2: "inches", 3: "cm"}),
    0x0213: ("YCbCrPositioning", {1: "Centered", 2: "Co-sited"}),
}


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    head = bytes(note.tiff[note.offset : note.offset + 18])
    if head.startswith(b"Nikon\x00\x01"):
        start = note.offset + 8
        order = ifd_order(note.tiff, start, note.byte_order)
        entries = read_ifd(note.tiff, start, order, warnings=warnings)
        _main(entries, TYPE2, values, printed)
        return values, printed
    if head.startswith(b"Nikon\x00") and head[10:12] in (b"II", b"MM"):
        # An embedded TIFF block: offsets count from its header, 10 bytes into the note. Values may lie past
        # the note's declared length (editors append to it), so the rest of the EXIF block is kept in reach.
        buffer = memoryview(note.tiff)[note.offset + 10 :]
        base_in_file = note.file_offset + note.offset + 10
        order = head[10:12].decode("ascii")
        first = struct.unpack_from("<I" if order == "II" else ">I", buffer, 4)[0]
        entries = read_ifd(buffer, first, order, warnings=warnings)
    else:
        buffer = note.tiff
        base_in_file = note.file_offset
        order = ifd_order(note.tiff, note.offset, note.byte_order)
        entries = read_ifd(note.tiff, note.offset, order, warnings=warnings)
    _main(entries, MAIN, values, printed)
    _special(entries, buffer, order, values, printed, warnings)
    if "PreviewImageStart" in values:
        values["PreviewImageStart"] += base_in_file  # ExifTool reports where the preview is in the file
    return values, printed


def _value(entry: Entry) -> Any:
    value = entry.value
    if isinstance(value, bytes):
        return value.split(b"\x00", 1)[0].decode("latin-1").strip()
    if isinstance(value, list):
        return [number(v) if isinstance(v, float) else v for v in value]
    if isinstance(value, float):
        return number(value)
    return value


def _main(entries: dict[int, Entry], table: dict[int, tuple[str, Any]], values: dict[str, Any],
          printed: dict[str, Any]) -> None:
    for tag, (name, conversion) in table.items():
        entry = entries.get(tag)
        if entry is None or tag in _BLOBS and table is MAIN:
            continue
        value = _value(entry)
        if isinstance(value, list):
            value = _spaced(value)
        put(values, printed, name, value, conversion)


def _special(entries: dict[int, Entry], buffer: Any, order: str, values: dict[str, Any], printed: dict[str, Any],
             warnings: list[str]) -> None:
    entry = entries.get(0x0001)
    if entry is not None:
        raw = entry.raw[:4]
        # Usually ASCII digits ("0210"); early Coolpix notes store the digits as bytes (0, 1, 0, 0).
        version = raw.decode("ascii") if raw.isdigit() else "".join(str(b) for b in raw)
        put(values, printed, "MakerNoteVersion", version, _version)
    for tag, name in ((0x0002, "ISO"), (0x0013, "ISOSetting")):
        entry = entries.get(tag)
        if entry is not None and isinstance(entry.value, list):
            put(values, printed, name, spaced(entry.value), _iso_pair)
    for tag, name in _THREE_BYTES.items():
        entry = entries.get(tag)
        if entry is not None and entry.type == 7:
            conv = {0x0018: fixed("%.1f"), 0x000E: fixed("%+.1f")}.get(tag, _print_fraction)
            put(values, printed, name, _fraction_pair(entry.raw), conv)
    entry = entries.get(0x008B)
    if entry is not None and entry.type == 7:
        put(values, printed, "LensFStops", _fraction_pair_unsigned(entry.raw), fixed("%.2f"))
    entry = entries.get(0x0088)
    if entry is not None and len(entry.raw) >= 4:
        raw = entry.raw
        put(values, printed, "AFAreaMode", raw[0], {0: "Single Area", 1: "Dynamic Area",
                                                    2: "Dynamic Area (closest subject)", 3: "Group Dynamic",
                                                    4: "Single Area (wide)", 5: "Dynamic Area (wide)"})
        put(values, printed, "AFPoint", raw[1], _AF_POINTS)
        in_focus = struct.unpack_from(">H", raw, 2)[0]  # big-endian whatever the note's order
        put(values, printed, "AFPointsInFocus", in_focus, _af_points_in_focus)
    entry = entries.get(0x009E)
    if entry is not None and isinstance(entry.value, (int, list)):
        first = entry.value if isinstance(entry.value, int) else entry.value[0]
        values.pop("RetouchHistory", None)
        printed.pop("RetouchHistory", None)
        put(values, printed, "RetouchHistory", first, _RETOUCH)
    for tag, name in _BLOBS.items():
        entry = entries.get(tag)
        if entry is not None:
            put(values, printed, name, binary(len(entry.raw)))
    for tag, name in ((0x0091, "ShotInfoVersion"), (0x0098, "LensDataVersion"), (0x00A8, "FlashInfoVersion"),
                      (0x0023, "PictureControlVersion"), (0x00BD, "PictureControlVersion")):
        entry = entries.get(tag)
        if entry is not None and len(entry.raw) >= 4 and entry.raw[:4].isdigit():
            put(values, printed, name, entry.raw[:4].decode("ascii"))
    _lens_data(entries.get(0x0098), values, printed)
    entry = entries.get(0x0097)
    if entry is not None and entry.raw[:4] == b"0103" and len(entry.raw) >= 28:  # D70-family ColorBalance
        levels = struct.unpack_from(("<" if order == "II" else ">") + "4H", entry.raw, 20)
        put(values, printed, "WB_RGBGLevels", spaced(levels))
    _picture_control(entries.get(0x0023) or entries.get(0x00BD), values, printed)
    _world_time(entries.get(0x0024), order, values, printed)
    _flash_info(entries.get(0x00A8), values, printed)
    _iso_info(entries.get(0x0025), order, values, printed)
    _vr_info(entries.get(0x001F), values, printed)
    _small_records(entries, order, values, printed)
    _face_detect(entries.get(0x0021), order, values, printed)
    _capture_offsets(entries.get(0x0E0E), order, values, printed)
    _preview(entries.get(0x0011), buffer, order, values, printed, warnings)


_LENS_DATA_0100: dict[int, Field] = {
    0x06: ("LensIDNumber", None, None),
    0x07: ("LensFStops", lambda v: number(v / 12), fixed("%.2f")),
    0x08: ("MinFocalLength", lambda v: number(5 * 2 ** (v / 24)), fixed("%.1f mm")),
    0x09: ("MaxFocalLength", lambda v: number(5 * 2 ** (v / 24)), fixed("%.1f mm")),
    0x0A: ("MaxApertureAtMinFocal", lambda v: number(2 ** (v / 24)), fixed("%.1f")),
    0x0B: ("MaxApertureAtMaxFocal", lambda v: number(2 ** (v / 24)), fixed("%.1f")),
    0x0C: ("MCUVersion", None, None),
}
_LENS_DATA_0101: dict[int, Field] = {
    0x04: ("ExitPupilPosition", lambda v: number(2048 / v) if v else 0, fixed("%.1f mm")),
    0x05: ("AFAperture", lambda v: number(2 ** (v / 24)), fixed("%.1f")),
    0x08: ("FocusPosition", None, lambda v: f"0x{v:02x}"),
    0x09: ("FocusDistance", lambda v: number(0.01 * 10 ** (v / 40)), fixed("%.2f m")),
    0x0A: ("FocalLength", lambda v: number(5 * 2 ** (v / 24)), fixed("%.1f mm")),
    0x0B: ("LensIDNumber", None, None),
    0x0C: ("LensFStops", lambda v: number(v / 12), fixed("%.2f")),
    0x0D: ("MinFocalLength", lambda v: number(5 * 2 ** (v / 24)), fixed("%.1f mm")),
    0x0E: ("MaxFocalLength", lambda v: number(5 * 2 ** (v / 24)), fixed("%.1f mm")),
    0x0F: ("MaxApertureAtMinFocal", lambda v: number(2 ** (v / 24)), fixed("%.1f")),
    0x10: ("MaxApertureAtMaxFocal", lambda v: number(2 ** (v / 24)), fixed("%.1f")),
    0x11: ("MCUVersion", None, None),
    0x12: ("EffectiveMaxAperture", lambda v: number(2 ** (v / 24)), fixed("%.1f")),
}


def _lens_data(entry: Entry | None, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if entry is None or len(entry.raw) < 4:
        return
    version = entry.raw[:4]
    table = {b"0100": _LENS_DATA_0100, b"0101": _LENS_DATA_0101}.get(version)
    if table is None:
        return  # 0201 and later are encrypted
    for name in ("LensFStops", "FocalLength"):  # LensData comes after the main tags: its reading is the one kept
        if any(field[0] == name for field in table.values()):
            values.pop(name, None)
            printed.pop(name, None)
    read_fields(list(entry.raw), table, values, printed)


def _print_pc(value: int) -> str:
    if value == 0:
        return "Normal"
    if value == 0x7F:
        return "n/a"
    if value == -128:
        return "Auto"
    return f"{value:+d}"


def _picture_control(entry: Entry | None, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if entry is None or len(entry.raw) < 58 or not entry.raw[:2] == b"01":
        return
    raw = entry.raw
    text = lambda part: part.split(b"\x00", 1)[0].decode("latin-1")  # noqa: E731
    put(values, printed, "PictureControlName", text(raw[4:24]), format_string)
    put(values, printed, "PictureControlBase", text(raw[24:44]), format_string)
    put(values, printed, "PictureControlAdjust", raw[48], {0: "Default Settings", 1: "Quick Adjust", 2: "Full Control"})
    signed = lambda b: b - 0x80  # noqa: E731
    put(values, printed, "PictureControlQuickAdjust", signed(raw[49]), _print_pc)
    for index, name in ((50, "Sharpness"), (51, "Contrast"), (52, "Brightness"), (53, "Saturation"),
                        (54, "HueAdjustment")):
        put(values, printed, name, signed(raw[index]), _print_pc)
    put(values, printed, "FilterEffect", raw[55], {0x80: "Off", 0x81: "Yellow", 0x82: "Orange", 0x83: "Red",
                                                   0x84: "Green", 0xFF: "n/a"})
    put(values, printed, "ToningEffect", raw[56], {0x80: "B&W", 0x81: "Sepia", 0x82: "Cyanotype", 0x83: "Red",
                                                   0x84: "Yellow", 0x85: "Green", 0x86: "Blue-green", 0x87: "Blue",
                                                   0x88: "Purple-blue", 0x89: "Red-purple", 0xFF: "n/a"})
    put(values, printed, "ToningSaturation", signed(raw[57]), _print_pc)


_FLASH_CONTROL = {0: "Off", 1: "iTTL-BL", 2: "iTTL", 3: "Auto Aperture", 4: "Automatic",
                  5: "GN (distance priority)", 6: "Manual", 7: "Repeating Flash"}


def _comp(raw: int) -> float:
    """A flash compensation byte: signed, in -1/6 EV steps."""
    return number(-(raw - 256 if raw > 127 else raw) / 6)


def _flash_info(entry: Entry | None, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """FlashInfo versions 0103-0105 (unencrypted): flash source, modes and compensations by position."""
    if entry is None or entry.raw[:4] not in (b"0103", b"0104", b"0105") or len(entry.raw) < 30:
        return
    raw = entry.raw
    put(values, printed, "FlashSource", raw[4], {0: "None", 1: "External", 2: "Internal"})
    put(values, printed, "ExternalFlashFirmware", spaced(raw[6:8]),
        lambda v: "n/a" if v == "0 0" else v.replace(" ", "."))
    put(values, printed, "ExternalFlashFlags", raw[8], lambda v: "(none)" if v == 0 else ", ".join(
        name for bit, name in ((0, "Fired"), (2, "Bounce Flash"), (4, "Wide Flash Adapter"), (5, "Dome Diffuser"))
        if v & (1 << bit)))
    put(values, printed, "FlashCommanderMode", raw[9] >> 7, {0: "Off", 1: "On"})
    mode = raw[9] & 0x7F
    put(values, printed, "FlashControlMode", mode, _FLASH_CONTROL)
    if mode < 6:
        put(values, printed, "FlashCompensation", _comp(raw[10]), _print_fraction)
    if raw[12]:
        put(values, printed, "FlashFocalLength", raw[12], lambda v: f"{v} mm")
    put(values, printed, "FlashGNDistance", raw[15], None)
    put(values, printed, "FlashColorFilter", raw[16], {0: "None", 1: "FL-GL1 or SZ-2FL Fluorescent", 2: "FL-GL2",
                                                       9: "TN-A1 or SZ-2TN Incandescent", 10: "TN-A2", 65: "Red",
                                                       66: "Blue", 67: "Yellow", 68: "Amber"})
    put(values, printed, "FlashGroupAControlMode", raw[17] & 0x0F, _FLASH_CONTROL)
    put(values, printed, "FlashGroupBControlMode", raw[18] >> 4, _FLASH_CONTROL)
    put(values, printed, "FlashGroupCControlMode", raw[18] & 0x0F, _FLASH_CONTROL)
    for index, group in ((19, "A"), (20, "B"), (21, "C")):
        put(values, printed, f"FlashGroup{group}Compensation", _comp(raw[index]), _print_fraction)
    put(values, printed, "ExternalFlashCompensation", _comp(raw[27]), _print_fraction)
    put(values, printed, "FlashExposureComp3", _comp(raw[28]), _print_fraction)
    put(values, printed, "FlashExposureComp4", _comp(raw[29]), _print_fraction)


def _iso(raw: int) -> float:
    return number(100 * 2 ** (raw / 12 - 5))


def _iso_info(entry: Entry | None, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """ISOInfo (unencrypted): ISO as a byte (100 * 2^(n/12 - 5)) and its expansion flags."""
    if entry is None or len(entry.raw) < 12:
        return
    raw = entry.raw
    expansion = {0: "Off", 0x101: "Hi 0.3", 0x102: "Hi 0.5", 0x103: "Hi 0.7", 0x104: "Hi 1.0", 0x105: "Hi 1.3",
                 0x106: "Hi 1.5", 0x107: "Hi 1.7", 0x108: "Hi 2.0", 0x109: "Hi 2.3", 0x10A: "Hi 2.5",
                 0x10B: "Hi 2.7", 0x10C: "Hi 3.0", 0x10D: "Hi 3.3", 0x10E: "Hi 3.5", 0x10F: "Hi 3.7",
                 0x110: "Hi 4.0", 0x111: "Hi 4.3", 0x112: "Hi 4.5", 0x113: "Hi 4.7", 0x114: "Hi 5.0",
                 0x201: "Lo 0.3", 0x202: "Lo 0.5", 0x203: "Lo 0.7", 0x204: "Lo 1.0"}
    word = lambda at: struct.unpack_from("<H" if order == "II" else ">H", raw, at)[0]  # noqa: E731
    if raw[0]:
        put(values, printed, "ISO", _iso(raw[0]), fixed("%.0f"))
    put(values, printed, "ISOExpansion", word(4), expansion)
    if raw[6]:
        put(values, printed, "ISO2", _iso(raw[6]), fixed("%.0f"))
    put(values, printed, "ISOExpansion2", word(10), expansion)


def _vr_info(entry: Entry | None, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if entry is None or len(entry.raw) < 7 or not entry.raw[:4].isdigit():
        return
    put(values, printed, "VRInfoVersion", entry.raw[:4].decode("ascii"))
    put(values, printed, "VibrationReduction", entry.raw[4], {0: "n/a", 1: "On", 2: "Off"})
    put(values, printed, "VRMode", entry.raw[6], {0: "Normal", 1: "On (1)", 2: "Active", 3: "Sport"})


def _small_records(entries: dict[int, Entry], order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """Short unencrypted records: DistortInfo, MultiExposure, PowerUpTime, AFInfo2's header, AFTune."""
    entry = entries.get(0x002B)
    if entry is not None and len(entry.raw) >= 5 and entry.raw[:4].isdigit():
        put(values, printed, "DistortionVersion", entry.raw[:4].decode("ascii"))
        put(values, printed, "AutoDistortionControl", entry.raw[4], {0: "Off", 1: "On", 2: "On (underwater)"})
    entry = entries.get(0x00B0)
    if entry is not None and len(entry.raw) >= 16 and entry.raw[:4].isdigit():
        endian = "<" if order == "II" else ">"
        mode, shots, gain = struct.unpack_from(endian + "3I", entry.raw, 4)
        put(values, printed, "MultiExposureVersion", entry.raw[:4].decode("ascii"))
        put(values, printed, "MultiExposureMode", mode, {0: "Off", 1: "Multiple Exposure", 2: "Image Overlay",
                                                         3: "HDR"})
        put(values, printed, "MultiExposureShots", shots)
        put(values, printed, "MultiExposureAutoGain", gain, {0: "Off", 1: "On"})
    entry = entries.get(0x00B6)
    if entry is not None and len(entry.raw) >= 7:
        year = struct.unpack_from(">H", entry.raw, 0)[0]  # big-endian in every note
        month, day, hour, minute, second = entry.raw[2:7]
        if year and 1 <= month <= 12 and 1 <= day <= 31:
            put(values, printed, "PowerUpTime",
                f"{year:04d}:{month:02d}:{day:02d} {hour:02d}:{minute:02d}:{second:02d}")
    entry = entries.get(0x00B7)
    if entry is not None and len(entry.raw) >= 7 and entry.raw[:4].isdigit():
        put(values, printed, "AFInfo2Version", entry.raw[:4].decode("ascii"))
        if entry.raw[:4] == b"0100":
            put(values, printed, "ContrastDetectAF", entry.raw[4], {0: "Off", 1: "On", 2: "On (2)"})
            put(values, printed, "PhaseDetectAF", entry.raw[6], {0: "Off", 1: "On (51-point)", 2: "On (11-point)",
                                                                 3: "On (39-point)", 4: "On (73-point)",
                                                                 5: "On (5)", 6: "On (105-point)",
                                                                 7: "On (153-point)", 8: "On (81-point)",
                                                                 9: "On (105-point)"})
    entry = entries.get(0x00B9)
    if entry is not None and len(entry.raw) >= 4:
        raw = entry.raw
        put(values, printed, "AFFineTune", raw[0], {0: "Off", 1: "On (1)", 2: "On (2)", 3: "On (Zoom)"})
        put(values, printed, "AFFineTuneIndex", raw[1], lambda v: "n/a" if v == 255 else v)
        put(values, printed, "AFFineTuneAdj", raw[2] - 256 if raw[2] > 127 else raw[2])
        put(values, printed, "AFFineTuneAdjTele", raw[3] - 256 if raw[3] > 127 else raw[3])


def _world_time(entry: Entry | None, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if entry is None or len(entry.raw) < 4:
        return
    minutes = struct.unpack_from("<h" if order == "II" else ">h", entry.raw, 0)[0]
    sign = "-" if minutes < 0 else "+"
    put(values, printed, "TimeZone", minutes, lambda v: f"{sign}{abs(v) // 60:02d}:{abs(v) % 60:02d}")
    put(values, printed, "DaylightSavings", entry.raw[2], {0: "No", 1: "Yes"})
    put(values, printed, "DateDisplayFormat", entry.raw[3], {0: "Y/M/D", 1: "M/D/Y", 2: "D/M/Y"})


def _face_detect(entry: Entry | None, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if entry is None or len(entry.raw) < 8:
        return
    words = list(struct.unpack_from(("<" if order == "II" else ">") + "4H", entry.raw, 0))
    put(values, printed, "FaceDetectFrameSize", spaced(words[1:3]))
    put(values, printed, "FacesDetected", words[3])


def _capture_offsets(entry: Entry | None, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """Nikon Capture's record of where it put things: a 4-byte version, a count, then (key, offset, flags) triples."""
    if entry is None or len(entry.raw) < 6:
        return
    raw = entry.raw
    endian = "<" if order == "II" else ">"
    count = struct.unpack_from(endian + "H", raw, 4)[0]
    names = {1: "IFD0_Offset", 2: "PreviewIFD_Offset", 3: "SubIFD_Offset"}
    for index in range(min(count, 16)):
        at = 6 + 12 * index
        if at + 8 > len(raw):
            break
        key, offset = struct.unpack_from(endian + "II", raw, at)
        if key in names:
            put(values, printed, names[key], offset)


def _preview(entry: Entry | None, buffer: Any, order: str, values: dict[str, Any], printed: dict[str, Any],
             warnings: list[str]) -> None:
    if entry is None or not isinstance(entry.value, int):
        return
    preview = read_ifd(buffer, entry.value, order, warnings=warnings)
    for tag, (name, conversion) in _PREVIEW.items():
        item = preview.get(tag)
        if item is not None:
            put(values, printed, name, _value(item), conversion)
    start, length = preview.get(0x0201), preview.get(0x0202)
    if start is not None and length is not None and isinstance(start.value, int) and isinstance(length.value, int):
        put(values, printed, "PreviewImageStart", start.value)
        put(values, printed, "PreviewImageLength", length.value)
        if 0 < start.value and start.value + length.value <= len(buffer):
            put(values, printed, "PreviewImage", binary(length.value))

