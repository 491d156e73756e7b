"""Fujifilm maker notes under ExifTool's names.

Layout (public Fujifilm maker-note documentation): "FUJIFILM", then the IFD's offset (4 bytes, little-endian)
counted from the note's start; the IFD is always little-endian and its value offsets also count from the
note's start, whatever the EXIF block's byte order.
"""

from typing import Any

from .base import MakerNote, read_ifd
from .common import number, put, spaced

_HEADER = b"FUJIFILM"


def matches(note: MakerNote) -> bool:
    return bytes(note.tiff[note.offset : note.offset + 8]) == _HEADER


_SHARPNESS = {0: "-4 (softest)", 1: "-3 (very soft)", 2: "-2 (soft)", 3: "0 (normal)", 4: "+2 (hard)",
              5: "+3 (very hard)", 6: "+4 (hardest)", 0x82: "-1 (medium soft)", 0x84: "+1 (medium hard)",
              0x8000: "Film Simulation", 0xFFFF: "n/a"}
_WHITE_BALANCE = {0: "Auto", 1: "Auto (white priority)", 2: "Auto (ambiance priority)", 0x100: "Daylight",
                  0x200: "Cloudy", 0x300: "Daylight Fluorescent", 0x301: "Day White Fluorescent",
                  0x302: "White Fluorescent", 0x303: "Warm White Fluorescent",
                  0x304: "Living Room Warm White Fluorescent", 0x400: "Incandescent", 0x500: "Flash",
                  0x600: "Underwater", 0xF00: "Custom", 0xF01: "Custom2", 0xF02: "Custom3", 0xF03: "Custom4",
                  0xF04: "Custom5", 0xFF0: "Kelvin"}
_SATURATION = {0: "0 (normal)", 0x80: "+1 (medium high)", 0x100: "+2 (high)", 0xC0: "+3 (very high)",
               0xE0: "+4 (highest)", 0x180: "-1 (medium low)", 0x200: "Low", 0x300: "None (B&W)",
               0x301: "B&W Red Filter", 0x302: "B&W Yellow Filter", 0x303: "B&W Green Filter",
               0x310: "B&W Sepia", 0x400: "-2 (low)", 0x4C0: "-3 (very low)", 0x4E0: "-4 (lowest)",
               0x500: "Acros", 0x501: "Acros Red Filter", 0x502: "Acros Yellow Filter",
               0x503: "Acros Green Filter", 0x8000: "Film Simulation"}
_CONTRAST = {0: "0 (normal)", 0x80: "+1 (medium high)", 0x100: "+2 (high)", 0x180: "-1 (medium low)",
             0x200: "-2 (low)", 0x8000: "Film Simulation"}
_OFF_ON = {0: "Off", 1: "On"}
_TONE = {-64: "+4 (hardest)", -48: "+3 (very hard)", -32: "+2 (hard)", -16: "+1 (medium hard)", 0: "0 (normal)",
         16: "-1 (medium soft)", 32: "-2 (soft)"}
_STRENGTH = {0: "Off", 32: "Weak", 64: "Strong"}
_PICTURE_MODE = {0: "Auto", 1: "Portrait", 2: "Landscape", 3: "Macro", 4: "Sports", 5: "Night Scene",
                 6: "Program AE", 7: "Natural Light", 8: "Anti-blur", 9: "Beach & Snow", 10: "Sunset",
                 11: "Museum", 12: "Party", 13: "Flower", 14: "Text", 15: "Natural Light & Flash", 16: "Beach",
                 17: "Snow", 18: "Fireworks", 19: "Underwater", 20: "Portrait with Skin Correction",
                 22: "Panorama", 23: "Night (tripod)", 24: "Pro Low-light", 25: "Pro Focus", 26: "Portrait 2",
                 27: "Dog Face Detection", 28: "Cat Face Detection", 48: "HDR", 64: "Advanced Filter",
                 0x100: "Aperture-priority AE", 0x200: "Shutter speed priority AE", 0x300: "Manual"}
_FILM_MODE = {0: "F0/Standard (Provia)", 0x100: "F1/Studio Portrait",
              0x110: "F1a/Studio Portrait Enhanced Saturation", 0x120: "F1b/Studio Portrait Smooth Skin Tone (Astia)",
              0x130: "F1c/Studio Portrait Increased Sharpness", 0x200: "F2/Fujichrome (Velvia)",
              0x300: "F3/Studio Portrait Ex", 0x400: "F4/Velvia", 0x500: "Pro Neg. Std", 0x501: "Pro Neg. Hi",
              0x600: "Classic Chrome", 0x700: "Eterna", 0x800: "Classic Negative", 0x900: "Bleach Bypass",
              0xA00: "Nostalgic Neg", 0xB00: "Reala ACE"}

# id -> (name, printed conversion)
TAGS: dict[int, tuple[str, Any]] = {
    0x0010: ("InternalSerialNumber", None),
    0x1000: ("Quality", None),
    0x1001: ("Sharpness", _SHARPNESS),
    0x1002: ("WhiteBalance", _WHITE_BALANCE),
    0x1003: ("Saturation", _SATURATION),
    0x1004: ("Contrast", _CONTRAST),
    0x1005: ("ColorTemperature", None),
    0x1006: ("Contrast", {0: "Normal", 0x100: "High", 0x300: "Low"}),
    0x100A: ("WhiteBalanceFineTune", lambda v: "Red %+d, Blue %+d" % tuple(int(x) // 20 for x in str(v).split()[:2])),
    0x100B: ("NoiseReduction", {0x40: "Low", 0x80: "Normal", 0x100: "n/a"}),
    0x100E: ("HighISONoiseReduction", {0: "0 (normal)", 0x100: "+2 (strong)", 0x180: "+1 (medium strong)",
                                       0x1C0: "+3 (very strong)", 0x1E0: "+4 (strongest)", 0x200: "-2 (weak)",
                                       0x280: "-1 (medium weak)", 0x2C0: "-3 (very weak)", 0x2E0: "-4 (weakest)"}),
    0x100F: ("Clarity", lambda v: f"{v / 1000:g}" if v % 1000 == 0 else v),
    0x1010: ("FujiFlashMode", {0: "Auto", 1: "On", 2: "Off", 3: "Red-eye reduction", 4: "External",
                               16: "Commander", 0x8000: "Not Attached", 0x8120: "TTL", 0x8320: "TTL Auto - Did not fire",
                               0x9840: "Manual", 0x9860: "Flash Commander", 0x9880: "Multi-flash"}),
    0x1011: ("FlashExposureComp", None),
    0x1020: ("Macro", _OFF_ON),
    0x1021: ("FocusMode", {0: "Auto", 1: "Manual", 65535: "Movie"}),
    0x1022: ("AFMode", {0: "No", 1: "Single Point", 256: "Zone", 512: "Wide/Tracking"}),
    0x1023: ("FocusPixel", None),
    0x1030: ("SlowSync", _OFF_ON),
    0x1031: ("PictureMode", _PICTURE_MODE),
    0x1032: ("ExposureCount", None),
    0x1033: ("EXRAuto", {0: "Auto", 1: "Manual"}),
    0x1034: ("EXRMode", {0x100: "HR (High Resolution)", 0x200: "SN (Signal to Noise priority)",
                         0x300: "DR (Dynamic Range priority)"}),
    0x1040: ("ShadowTone", _TONE),
    0x1041: ("HighlightTone", _TONE),
    0x1045: ("LensModulationOptimizer", _OFF_ON),
    0x1047: ("GrainEffectRoughness", _STRENGTH),
    0x1048: ("ColorChromeEffect", _STRENGTH),
    0x104C: ("GrainEffectSize", {0: "Off", 16: "Small", 32: "Large"}),
    0x104E: ("ColorChromeFXBlue", _STRENGTH),
    0x1050: ("ShutterType", {0: "Mechanical", 1: "Electronic", 2: "Electronic (long shutter speed)",
                             3: "Electronic Front Curtain"}),
    0x1100: ("AutoBracketing", {0: "Off", 1: "On", 2: "No flash & flash", 6: "Pixel Shift"}),
    0x1101: ("SequenceNumber", None),
    0x1210: ("ColorMode", {0: "Standard", 0x10: "Chrome", 0x30: "B & W"}),
    0x1300: ("BlurWarning", {0: "None", 1: "Blur Warning"}),
    0x1301: ("FocusWarning", {0: "Good", 1: "Out of focus"}),
    0x1302: ("ExposureWarning", {0: "Good", 1: "Bad exposure"}),
    0x1400: ("DynamicRange", {1: "Standard", 3: "Wide"}),
    0x1401: ("FilmMode", _FILM_MODE),
    0x1402: ("DynamicRangeSetting", {0: "Auto", 1: "Manual", 0x100: "Standard (100%)", 0x200: "Wide1 (230%)",
                                     0x201: "Wide2 (400%)", 0x8000: "Film Simulation"}),
    0x1403: ("DevelopmentDynamicRange", None),
    0x1404: ("MinFocalLength", None),
    0x1405: ("MaxFocalLength", None),
    0x1406: ("MaxApertureAtMinFocal", None),
    0x1407: ("MaxApertureAtMaxFocal", None),
    0x140B: ("AutoDynamicRange", lambda v: f"{v}%"),
    0x1431: ("Rating", None),
    0x1436: ("ImageGeneration", {0: "Original Image", 1: "Re-developed from RAW"}),
    0x1438: ("ImageCount", None),
    0x4100: ("FacesDetected", None),
    0x8000: ("FileSource", None),
    0x8002: ("OrderNumber", None),
    0x8003: ("FrameNumber", None),
}


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    data = memoryview(note.tiff)[note.offset :]  # offsets count from the note's start
    if len(data) < 12:
        return values, printed
    start = int.from_bytes(bytes(data[8:12]), "little")
    entries = read_ifd(data, start, "II", warnings=warnings)
    entry = entries.get(0x0000)
    if entry is not None:
        put(values, printed, "Version", entry.raw[:4].decode("latin-1"))
    for tag, (name, conversion) in TAGS.items():
        entry = entries.get(tag)
        if entry is None:
            continue
        value = entry.value
        if isinstance(value, bytes):
            value = value.split(b"\x00", 1)[0].decode("latin-1")
        elif isinstance(value, list):
            value = spaced(value)
        elif isinstance(value, float):
            value = number(value)
        put(values, printed, name, value, conversion)
    return values, printed
