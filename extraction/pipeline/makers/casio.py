"""Casio maker notes: type 1 (a bare IFD, older QV cameras) and type 2 ("QVC\\0" or "DCI\\0" and an IFD);
both count offsets from the EXIF TIFF header."""

from typing import Any

from .base import MakerNote, read_ifd
from .tags import Tag, decode_entries, directory_end, outside, shift

OFF = {0: "Off"}


def _size(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    return "x".join(str(v) for v in items)


def _firmware_date(value: Any) -> Any:
    # "0205260056": yymmddHHMM
    text = str(value)
    if len(text) == 10 and text.isdigit():
        return f"20{text[:2]}:{text[2:4]}:{text[4:6]} {text[6:8]}:{text[8:]}"
    return value


def _af_point(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    if all(v == 65535 for v in items):
        return "n/a"
    return " ".join(str(v) for v in items)


def _distance(value: Any) -> Any:
    return "inf" if value == 0x20000000 else value / 1000


def _metres(value: Any) -> Any:
    return value if value == "inf" else f"{value} m"


def _or_number(table: dict[int, str]) -> Any:
    return lambda value: table.get(value, value)


TYPE1: dict[int, Tag] = {
    0x0001: Tag("RecordingMode", {1: "Single Shutter", 2: "Panorama", 3: "Night Scene", 4: "Portrait",
                                  5: "Landscape", 7: "Panorama", 10: "Night Scene", 15: "Portrait",
                                  16: "Landscape"}),
    0x0002: Tag("Quality", {1: "Economy", 2: "Normal", 3: "Fine"}),
    0x0003: Tag("FocusMode", {2: "Macro", 3: "Auto", 4: "Manual", 5: "Infinity", 7: "Spot AF"}),
    0x0004: Tag("FlashMode", {1: "Auto", 2: "On", 3: "Off", 4: "Off", 5: "Red-eye Reduction"}),
    0x0005: Tag("FlashIntensity", {11: "Weak", 12: "Low", 13: "Normal", 14: "High", 15: "Strong"}),
    0x0006: Tag("ObjectDistance", lambda v: f"{v} m", value=lambda v: v / 1000),
    0x0007: Tag("WhiteBalance", {1: "Auto", 2: "Tungsten", 3: "Daylight", 4: "Fluorescent", 5: "Shade",
                                 129: "Manual"}),
    0x000a: Tag("DigitalZoom", {0x10000: "Off", 0x10001: "2x", 0x19999: "1.6x", 0x20000: "2x", 0x33333: "3.2x",
                                0x40000: "4x"}),
    0x000b: Tag("Sharpness", {0: "Normal", 1: "Soft", 2: "Hard", 16: "Normal", 17: "+1", 18: "-1"}),
    0x000c: Tag("Contrast", {0: "Normal", 1: "Low", 2: "High", 16: "Normal", 17: "+1", 18: "-1"}),
    0x000d: Tag("Saturation", {0: "Normal", 1: "Low", 2: "High", 16: "Normal", 17: "+1", 18: "-1"}),
    0x0014: Tag("ISO"),
    0x0016: Tag("Enhancement", {1: "Off", 2: "Red", 3: "Green", 4: "Blue", 5: "Flesh Tones"}),
    0x0017: Tag("ColorFilter", {1: "Off", 2: "Black & White", 3: "Sepia", 4: "Red", 5: "Green", 6: "Blue",
                                7: "Yellow", 8: "Pink", 9: "Purple"}),
    0x0018: Tag("AFPoint", {1: "Center", 2: "Upper Left", 3: "Upper Right", 4: "Near Left/Right of Center",
                            5: "Far Left/Right of Center", 6: "Far Left/Right of Center/Bottom", 7: "Top Near Left",
                            8: "Near Upper/Left", 9: "Top Near Right", 10: "Top Left", 11: "Top Center",
                            12: "Top Right", 13: "Center Left", 14: "Center Right", 15: "Bottom Left",
                            16: "Bottom Center", 17: "Bottom Right"}),
    0x0019: Tag("FlashIntensity", {1: "Normal", 2: "Weak", 3: "Strong"}),
}

TYPE2: dict[int, Tag] = {
    0x0002: Tag("PreviewImageSize", _size),
    0x0003: Tag("PreviewImageLength"),
    0x0004: Tag("PreviewImageStart"),
    0x0008: Tag("QualityMode", {0: "Economy", 1: "Normal", 2: "Fine"}),
    0x0009: Tag("CasioImageSize", {0: "640x480", 4: "1600x1200", 5: "2048x1536", 20: "2288x1712",
                                   21: "2592x1944", 22: "2304x1728", 36: "3008x2008"}),
    0x000d: Tag("FocusMode", {0: "Normal", 1: "Macro"}),
    0x0014: Tag("ISO", {3: 50, 4: 64, 6: 100, 9: 200}),
    0x0019: Tag("WhiteBalance", {0: "Auto", 1: "Daylight", 2: "Shade", 3: "Tungsten", 4: "Fluorescent",
                                 5: "Manual"}),
    0x001d: Tag("FocalLength", lambda v: f"{v:.1f} mm"),
    0x001f: Tag("Saturation", {0: "Low", 1: "Normal", 2: "High"}),
    0x0020: Tag("Contrast", {0: "Low", 1: "Normal", 2: "High"}),
    0x0021: Tag("Sharpness", {0: "Soft", 1: "Normal", 2: "Hard"}),
    0x2000: Tag("PreviewImage", form="binary"),
    0x2001: Tag("FirmwareDate", _firmware_date, form="digits"),
    0x2011: Tag("WhiteBalanceBias"),
    0x2012: Tag("WhiteBalance", {0: "Manual", 1: "Daylight", 2: "Cloudy", 3: "Shade", 4: "Flash?",
                                 6: "Fluorescent", 9: "Tungsten?", 10: "Tungsten", 12: "Flash"}),
    0x2021: Tag("AFPointPosition", _af_point),
    0x2022: Tag("ObjectDistance", _metres, value=_distance),
    0x2034: Tag("FlashDistance"),
    0x3000: Tag("RecordMode", {2: "Program AE", 3: "Shutter Priority", 4: "Aperture Priority", 5: "Manual",
                               6: "Best Shot", 17: "Movie", 19: "Movie (19)", 20: "YouTube Movie"}),
    0x3001: Tag("ReleaseMode", {1: "Normal", 3: "AE Bracketing", 11: "WB Bracketing", 13: "Contrast Bracketing",
                                19: "High Speed Burst"}),
    0x3002: Tag("Quality", {1: "Economy", 2: "Normal", 3: "Fine"}),
    0x3003: Tag("FocusMode", {0: "Manual", 1: "Focus Lock", 2: "Macro", 3: "Single-Area Auto Focus",
                              5: "Infinity", 6: "Multi-Area Auto Focus", 8: "Super Macro"}),
    0x3006: Tag("HometownCity", form="string"),
    0x3007: Tag("BestShotMode", _or_number(OFF)),  # the scene names differ per model; 0 is always Off
    0x3008: Tag("AutoISO", {1: "On", 2: "Off", 7: "On (high sensitivity)", 8: "On (anti-shake)",
                            10: "High Speed"}),
    0x3009: Tag("AFMode", {0: "Off", 1: "Spot", 2: "Multi", 3: "Face Detection", 4: "Tracking",
                           5: "Intelligent"}),
    0x3011: Tag("Sharpness", form="int16s"),
    0x3012: Tag("Contrast", form="int16s"),
    0x3013: Tag("Saturation", form="int16s"),
    0x3014: Tag("ISO"),
    0x3015: Tag("ColorMode", {0: "Off", 2: "Black & White", 3: "Sepia"}),
    0x3016: Tag("Enhancement", {0: "Off", 1: "Scenery", 3: "Green", 5: "Underwater", 9: "Flesh Tones"}),
    0x3017: Tag("ColorFilter", {0: "Off", 1: "Blue", 3: "Green", 4: "Yellow", 5: "Red", 6: "Purple", 7: "Pink"}),
    0x301b: Tag("ArtMode", {0: "Normal", 8: "Silent Movie", 39: "HDR", 45: "Premium Auto", 47: "Painting",
                            49: "Crayon Drawing", 51: "Panorama", 52: "Art HDR", 62: "High Speed Night Shot",
                            64: "Monochrome", 67: "Toy Camera", 68: "Pop Art", 69: "Light Tone"}),
    0x301c: Tag("SequenceNumber"),
    0x301d: Tag("BracketSequence"),
    0x3020: Tag("ImageStabilization", {0: "Off", 1: "On", 2: "Best Shot", 3: "Movie Anti-Shake"}),
    0x302a: Tag("LightingMode", {0: "Off", 1: "High Dynamic Range", 5: "Shadow Enhance Low",
                                 6: "Shadow Enhance High"}),
    0x302b: Tag("PortraitRefiner", {0: "Off", 1: "+1", 2: "+2"}),
    0x3030: Tag("SpecialEffectLevel"),
    0x3031: Tag("SpecialEffectSetting", {0: "Off", 1: "Makeup", 2: "Mist Removal", 3: "Vivid Landscape",
                                         16: "Art Shot"}),
    0x3103: Tag("DriveMode", {0: "Single Shot", 1: "Continuous Shooting", 2: "Continuous (2 fps)",
                              3: "Continuous (3 fps)", 4: "Continuous (4 fps)", 5: "Continuous (5 fps)",
                              6: "Continuous (6 fps)", 7: "Continuous (7 fps)", 10: "Continuous (10 fps)",
                              12: "Continuous (12 fps)", 15: "Continuous (15 fps)", 20: "Continuous (20 fps)",
                              30: "Continuous (30 fps)", 40: "Continuous (40 fps)", 60: "Continuous (60 fps)",
                              240: "Auto-N"}),
    0x4001: Tag("CaptureFrameRate"),
    0x4003: Tag("VideoQuality", {1: "Standard", 3: "HD (720p)", 4: "Full HD (1080p)", 5: "Low"}),
}


def matches(note: MakerNote) -> bool:
    if note.make.upper().startswith(("PENTAX", "ASAHI")):
        return False  # Casio-built Optios write "QVC" too, but their tags are Pentax's
    head = note.data[:4]
    return head in (b"QVC\x00", b"DCI\x00") or note.make.upper().startswith("CASIO") and head[:2] not in (b"MM", b"II")


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    type2 = note.data[:4] in (b"QVC\x00", b"DCI\x00")
    start = note.offset + (6 if type2 else 0)
    entries = outside(read_ifd(note.tiff, start, note.byte_order, warnings=warnings), start,
                      directory_end(note.tiff, start, note.byte_order))
    if not type2 and any(tag >= 0x2000 for tag in entries):
        type2 = True  # a headerless note in the type-2 numbering
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    decode_entries(entries, TYPE2 if type2 else TYPE1, "<" if note.byte_order == "II" else ">", values, printed)
    shift(values, printed, ("PreviewImageStart",), note.file_offset)
    return values, printed
