"""Panasonic maker notes: "Panasonic\\0\\0\\0" and an IFD whose offsets count from the EXIF TIFF header."""

import re
from typing import Any

from .base import MakerNote, read_ifd
from .tags import Tag, decode_entries, directory_end, outside

OFF_ON = {1: "Off", 2: "On"}
NO_YES = {0: "No", 1: "Yes"}

SHOOTING_MODE = {
    1: "Normal", 2: "Portrait", 3: "Scenery", 4: "Sports", 5: "Night Portrait", 6: "Program",
    7: "Aperture Priority", 8: "Shutter Priority", 9: "Macro", 10: "Spot", 11: "Manual", 12: "Movie Preview",
    13: "Panning", 14: "Simple", 15: "Color Effects", 16: "Self Portrait", 17: "Economy", 18: "Fireworks",
    19: "Party", 20: "Snow", 21: "Night Scenery", 22: "Food", 23: "Baby", 24: "Soft Skin", 25: "Candlelight",
    26: "Starry Night", 27: "High Sensitivity", 28: "Panorama Assist", 29: "Underwater", 30: "Beach",
    31: "Aerial Photo", 32: "Sunset", 33: "Pet", 34: "Intelligent ISO", 35: "Clipboard",
    36: "High Speed Continuous Shooting", 37: "Intelligent Auto", 39: "Multi-aspect", 41: "Transform",
    42: "Flash Burst", 43: "Pin Hole", 44: "Film Grain", 45: "My Color", 46: "Photo Frame", 48: "Movie",
    51: "HDR", 52: "Peripheral Defocus", 55: "Handheld Night Shot", 57: "3D", 59: "Creative Control",
    60: "Intelligent Auto Plus", 62: "Panorama", 63: "Glass Through", 64: "HDR", 66: "Digital Filter",
    67: "Clear Portrait", 68: "Silky Skin", 69: "Backlit Softness", 70: "Clear in Backlight",
    71: "Relaxing Tone", 72: "Sweet Child's Face", 73: "Distinct Scenery", 74: "Bright Blue Sky",
    75: "Romantic Sunset Glow", 76: "Vivid Sunset Glow", 77: "Glistening Water", 78: "Clear Nightscape",
    79: "Cool Night Sky", 80: "Warm Glowing Nightscape", 81: "Artistic Nightscape",
    82: "Glittering Illuminations", 83: "Clear Night Portrait", 84: "Soft Image of a Flower",
    85: "Appetizing Food", 86: "Cute Dessert", 87: "Freeze Animal Motion", 88: "Clear Sports Shot",
    89: "Monochrome", 90: "Creative Control",
}

AF_AREA_MODE = {
    16: "Normal?", "0 1": "9-area", "0 16": "3-area (high speed)", "0 23": "23-area", "0 49": "49-area",
    "0 225": "225-area", "1 0": "Spot Focusing", "1 1": "5-area", "16 0": "1-area",
    "16 16": "1-area (high speed)", "32 0": "Tracking", "32 1": "3-area (left)?", "32 2": "3-area (center)?",
    "32 3": "3-area (right)?", "64 0": "Face Detect", "64 1": "Face Detect (animal detect on)",
    "64 2": "Face Detect (animal detect off)", "128 0": "Spot Focusing 2", "240 0": "Tracking",
}


def _firmware(value: Any) -> Any:
    return ".".join(str(v) for v in value) if isinstance(value, list) else value


def _serial(value: Any) -> Any:
    # "K020406110058": a 3-letter code, the manufacture date (yymmdd) and a number.
    match = re.fullmatch(r"([A-Z][0-9A-Z]{2})(\d{2})(\d{2})(\d{2})(\d{4})", str(value))
    if not match:
        return value
    code, year, month, day, number = match.groups()
    return f"({code}) 20{year}:{month}:{day} no. {number}"


def _duration(value: Any) -> str:
    seconds = float(value)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    text = f"{int(hours):02d}:{int(minutes):02d}:{rest:05.2f}"
    return f"{int(days)} days {text}" if days else text


def _thirds(value: Any) -> str:
    from fractions import Fraction

    number = Fraction(float(value)).limit_denominator(3)
    if number == 0:
        return "0"
    sign = "+" if number > 0 else "-"
    number = abs(number)
    return f"{sign}{number.numerator}" if number.denominator == 1 else f"{sign}{number.numerator}/{number.denominator}"



TABLE: dict[int, Tag] = {
    0x0001: Tag("ImageQuality", {1: "TIFF", 2: "High", 3: "Normal", 6: "Very High", 7: "Raw", 9: "Motion Picture",
                                 11: "Full HD Movie", 12: "4k Movie"}),
    0x0002: Tag("FirmwareVersion", _firmware),
    0x0003: Tag("WhiteBalance", {1: "Auto", 2: "Daylight", 3: "Cloudy", 4: "Incandescent", 5: "Manual",
                                 8: "Flash", 10: "Black & White", 11: "Manual", 12: "Shade", 13: "Kelvin",
                                 14: "Manual 2", 15: "Manual 3", 16: "Manual 4", 18: "Auto (cool)",
                                 19: "Auto (warm)"}),
    0x0007: Tag("FocusMode", {1: "Auto", 2: "Manual", 4: "Auto, Focus button", 5: "Auto, Continuous", 6: "AF-S",
                              7: "AF-C", 8: "AF-F"}),
    0x000f: Tag("AFAreaMode", AF_AREA_MODE, form="int8u"),
    0x001a: Tag("ImageStabilization", {2: "On, Optical", 3: "Off", 4: "On, Mode 2", 5: "On, Optical Panning",
                                       6: "On, Body-only", 7: "On, Body-only Panning", 9: "Dual IS",
                                       10: "Dual IS Panning", 11: "Dual2 IS", 12: "Dual2 IS Panning"}),
    0x001c: Tag("MacroMode", {1: "On", 2: "Off", 257: "Tele-Macro", 513: "Macro Zoom"}),
    0x001f: Tag("ShootingMode", SHOOTING_MODE),
    0x0020: Tag("Audio", {1: "Yes", 2: "No", 3: "Stereo"}),
    0x0021: Tag("DataDump", form="binary"),
    0x0023: Tag("WhiteBalanceBias", _thirds, form="int16s", value=lambda v: v / 3),
    0x0024: Tag("FlashBias", _thirds, form="int16s", value=lambda v: v / 3),
    0x0025: Tag("InternalSerialNumber", _serial, form="string"),
    0x0026: Tag("PanasonicExifVersion", form="string"),
    0x0027: Tag("VideoFrameRate", lambda v: "n/a" if v == 0 else v),
    0x0028: Tag("ColorEffect", {1: "Off", 2: "Warm", 3: "Cool", 4: "Black & White", 5: "Sepia", 6: "Happy",
                                8: "Vivid"}),
    0x0029: Tag("TimeSincePowerOn", _duration, value=lambda v: v / 100),
    0x002a: Tag("BurstMode", {0: "Off", 1: "On", 2: "Auto Exposure Bracketing (AEB)", 3: "Focus Bracketing",
                              4: "Unlimited", 8: "White Balance Bracketing", 17: "On (with flash)"}),
    0x002b: Tag("SequenceNumber"),
    0x002c: Tag("ContrastMode", {0: "Normal", 1: "Low", 2: "High", 6: "Medium Low", 7: "Medium High",
                                 13: "High Dynamic", 256: "Low", 272: "Standard", 288: "High"}),
    0x002d: Tag("NoiseReduction", {0: "Standard", 1: "Low (-1)", 2: "High (+1)", 3: "Lowest (-2)",
                                   4: "Highest (+2)"}),
    0x002e: Tag("SelfTimer", {0: "Off (0)", 1: "Off", 2: "10 s", 3: "2 s", 4: "10 s / 3 pictures"}),
    0x0030: Tag("Rotation", {1: "Horizontal (normal)", 3: "Rotate 180", 6: "Rotate 90 CW", 8: "Rotate 270 CW"}),
    0x0031: Tag("AFAssistLamp", {1: "Fired", 2: "Enabled but Not Used", 3: "Disabled but Required",
                                 4: "Disabled and Not Required"}),
    0x0032: Tag("ColorMode", {0: "Normal", 1: "Natural", 2: "Vivid"}),
    0x0033: Tag("BabyAge", form="string"),
    0x0034: Tag("OpticalZoomMode", {1: "Standard", 2: "Extended"}),
    0x0035: Tag("ConversionLens", {1: "Off", 2: "Wide", 3: "Telephoto", 4: "Macro"}),
    0x0036: Tag("TravelDay", lambda v: "n/a" if v == 65535 else v),
    0x0039: Tag("Contrast", form="int16s"),
    0x003a: Tag("WorldTimeLocation", {1: "Home", 2: "Destination"}),
    0x003b: Tag("TextStamp", OFF_ON),
    0x003c: Tag("ProgramISO", lambda v: {65534: "Intelligent ISO", 65535: "n/a"}.get(v, v)),
    0x003d: Tag("AdvancedSceneType"),
    0x003e: Tag("TextStamp", OFF_ON),
    0x003f: Tag("FacesDetected"),
    0x0040: Tag("Saturation", form="int16s"),
    0x0041: Tag("Sharpness", form="int16s"),
    0x0042: Tag("FilmMode", {0: "n/a", 1: "Standard (color)", 2: "Dynamic (color)", 3: "Nature (color)",
                             4: "Smooth (color)", 5: "Standard (B&W)", 6: "Dynamic (B&W)", 7: "Smooth (B&W)",
                             10: "Nostalgic", 11: "Vibrant"}),
    0x0044: Tag("ColorTempKelvin"),
    0x0045: Tag("BracketSettings", {0: "No Bracket", 1: "3 Images, Sequence 0/-/+", 2: "3 Images, Sequence -/0/+",
                                    3: "5 Images, Sequence 0/-/+", 4: "5 Images, Sequence -/0/+",
                                    5: "7 Images, Sequence 0/-/+", 6: "7 Images, Sequence -/0/+"}),
    0x0046: Tag("WBShiftAB", form="int16s"),
    0x0047: Tag("WBShiftGM", form="int16s"),
    0x0048: Tag("FlashCurtain", {0: "n/a", 1: "1st", 2: "2nd"}),
    0x0049: Tag("LongExposureNoiseReduction", OFF_ON),
    0x004b: Tag("PanasonicImageWidth"),
    0x004c: Tag("PanasonicImageHeight"),
    0x0051: Tag("LensType", form="string"),
    0x0052: Tag("LensSerialNumber", form="string"),
    0x0053: Tag("AccessoryType", form="string"),
    0x0054: Tag("AccessorySerialNumber", form="string"),
    0x005d: Tag("IntelligentExposure", {0: "Off", 1: "Low", 2: "Standard", 3: "High"}),
    0x0062: Tag("FlashWarning", {0: "No", 1: "Yes (flash required but disabled)"}),
    0x0065: Tag("Title", form="string"),
    0x0066: Tag("BabyName", form="string"),
    0x0067: Tag("Location", form="string"),
    0x0069: Tag("Country", form="string"),
    0x006b: Tag("State", form="string"),
    0x006d: Tag("City", form="string"),
    0x006f: Tag("Landmark", form="string"),
    0x0070: Tag("IntelligentResolution", {0: "Off", 2: "Auto", 3: "On", 4: "Extended"}),
    0x0077: Tag("BurstSpeed"),
    0x0079: Tag("IntelligentD-Range", {0: "Off", 1: "Low", 2: "Standard", 3: "High"}),
    0x007c: Tag("ClearRetouch", {0: "Off", 1: "On"}),
    0x0080: Tag("City2", form="string"),
    0x0089: Tag("PhotoStyle", {0: "Auto", 1: "Standard or Custom", 2: "Vivid", 3: "Natural", 4: "Monochrome",
                               5: "Scenery", 6: "Portrait", 8: "Cinelike D", 9: "Cinelike V",
                               11: "L. Monochrome", 12: "Like709", 15: "L. Monochrome D", 17: "V-Log",
                               18: "Cinelike D2"}),
    0x008a: Tag("ShadingCompensation", {0: "Off", 1: "On"}),
    0x008c: Tag("AccelerometerZ", form="int16s"),
    0x008d: Tag("AccelerometerX", form="int16s"),
    0x008e: Tag("AccelerometerY", form="int16s"),
    0x008f: Tag("CameraOrientation", {0: "Normal", 1: "Rotate CW", 2: "Rotate 180", 3: "Rotate CCW",
                                      4: "Tilt Upwards", 5: "Tilt Downwards"}),
    0x0090: Tag("RollAngle", form="int16s", value=lambda v: v / 10),
    0x0091: Tag("PitchAngle", form="int16s", value=lambda v: -v / 10),
    0x0093: Tag("SweepPanoramaDirection", {0: "Off", 1: "Left to Right", 2: "Right to Left", 3: "Top to Bottom",
                                           4: "Bottom to Top"}),
    0x0094: Tag("SweepPanoramaFieldOfView"),
    0x0096: Tag("TimerRecording", {0: "Off", 1: "Time Lapse", 2: "Stop-motion Animation"}),
    0x009e: Tag("HDR", {0: "Off", 100: "1 EV", 200: "2 EV", 300: "3 EV", 32868: "1 EV (Auto)",
                        32968: "2 EV (Auto)", 33068: "3 EV (Auto)"}),
    0x009f: Tag("ShutterType", {0: "Mechanical", 1: "Electronic", 2: "Hybrid"}),
    0x00ab: Tag("TouchAE", {0: "Off", 1: "On"}),
    0x8000: Tag("MakerNoteVersion", form="string"),
    0x8001: Tag("SceneMode", {0: "Off", **SHOOTING_MODE}),
    0x8004: Tag("WBRedLevel"),
    0x8005: Tag("WBGreenLevel"),
    0x8006: Tag("WBBlueLevel"),
    0x8007: Tag("FlashFired", {1: "No", 2: "Yes"}),
    0x8008: Tag("TextStamp", OFF_ON),
    0x8009: Tag("TextStamp", OFF_ON),
    0x8010: Tag("BabyAge", form="string"),
    0x8012: Tag("Transform", form="string"),
}


def matches(note: MakerNote) -> bool:
    return note.data[:10] == b"Panasonic\x00"


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    start = note.offset + 12
    entries = outside(read_ifd(note.tiff, start, note.byte_order, warnings=warnings), start,
                      directory_end(note.tiff, start, note.byte_order))
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    decode_entries(entries, TABLE, "<" if note.byte_order == "II" else ">", values, printed)
    return values, printed
