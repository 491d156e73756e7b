"""Canon maker notes: the main IFD and its binary arrays (CameraSettings, ShotInfo, AFInfo, ...) under ExifTool's names.

Layout (public Canon maker-note documentation): a headerless TIFF IFD whose value offsets count from the
EXIF block's TIFF header; most tags are arrays of 16- or 32-bit words whose positions hold named fields.
Canon writes an 8-byte footer ("II*\\0" + the note's original offset): an editor that moved the note
leaves it behind, so offsets are shifted by how far the note moved.
"""

import re
import struct
from typing import Any

from exifread.tags.makernote import canon as exifread_canon

from ..printing.formats import fraction
from .base import Entry, MakerNote, int_array, read_ifd
from .canon_custom import FILTERS, read_custom_functions2
from .canon_models import MODEL_IDS
from .common import (Field, binary, bit_indices, bits, exposure_time, fixed, hex_bytes, ifd_order, number, perl, put,
                     read_fields, spaced, unit)

# exifread's Canon lens table says what ExifTool prints for the lens codes it holds.
_LENS_TYPES: dict[int, str] = {code & 0xFFFF: name for code, name in exifread_canon.OFFSET_TAGS[1][22][1].items()}
_LENS_TYPES[0xFFFF] = "n/a"


def matches(note: MakerNote) -> bool:
    return note.make.upper().startswith("CANON")


# --- value conversions -------------------------------------------------------------------------


def canon_ev(value: int) -> float:
    """Canon's EV in 1/32 steps, where fractions 0x0c and 0x14 stand for 1/3 and 2/3 of a stop."""
    sign = -1 if value < 0 else 1
    value = abs(value)
    frac = value & 0x1F
    value -= frac
    if frac == 0x0C:
        frac = 32 / 3
    elif frac == 0x14:
        frac = 64 / 3
    return sign * (value + frac) / 32


def _aperture(value: int) -> float:
    return 2 ** (canon_ev(value) / 2)


def _exposure(value: int) -> float:
    return 2 ** -canon_ev(value)


def _nonzero(convert=None):  # type: ignore[no-untyped-def]
    """ExifTool drops the field when the raw word is 0."""
    return lambda v: None if v == 0 else (convert(v) if convert else v)


def _not(*dropped: int):  # type: ignore[no-untyped-def]
    return lambda v: None if v in dropped else v


def _u16(v: int) -> int:
    return v & 0xFFFF


def _print_parameter(value: Any) -> str:
    if value == 0:
        return "Normal"
    return f"+{value}" if value > 0 else str(value)


def _self_timer(value: int) -> str:
    if not value:
        return "Off"
    return f"{perl((value & 0xFFF) / 10)} s" + (", Custom" if value & 0x4000 else "")


def _camera_iso(value: int) -> Any:
    if value == 0x7FFF:
        return None
    if value & 0x4000:
        return value & 0x3FFF
    return {0: "n/a", 14: "Auto High", 15: "Auto", 16: 50, 17: 100, 18: 200, 19: 400, 20: 800}.get(value, f"Unknown({value})")


def _distance(value: Any) -> str:
    return "inf" if value > 655.345 else f"{perl(value)} m"


def _two_g(value: Any) -> str:
    return "%.2g" % value


_QUALITY = {-1: "n/a", 0: "n/a", 1: "Economy", 2: "Normal", 3: "Fine", 4: "RAW", 5: "Superfine", 7: "CRAW",
            130: "Light (RAW)", 131: "Standard (RAW)"}
_IMAGE_SIZE = {-1: "n/a", 0: "Large", 1: "Medium", 2: "Small", 5: "Medium 1", 6: "Medium 2", 7: "Medium 3",
               8: "Postcard", 9: "Widescreen", 10: "Medium Widescreen", 14: "Small 1", 15: "Small 2", 16: "Small 3",
               128: "640x480 Movie", 129: "Medium Movie", 130: "Small Movie", 137: "1280x720 Movie",
               142: "1920x1080 Movie", 143: "4096x2160 Movie"}
_WHITE_BALANCE = {0: "Auto", 1: "Daylight", 2: "Cloudy", 3: "Tungsten", 4: "Fluorescent", 5: "Flash", 6: "Custom",
                  7: "Black & White", 8: "Shade", 9: "Manual Temperature (Kelvin)", 10: "PC Set1", 11: "PC Set2",
                  12: "PC Set3", 14: "Daylight Fluorescent", 15: "Custom 1", 16: "Custom 2", 17: "Underwater",
                  18: "Custom 3", 19: "Custom 4", 20: "PC Set4", 21: "PC Set5", 23: "Auto (ambience priority)"}
_PICTURE_STYLE = {0x00: "None", 0x01: "Standard", 0x02: "Portrait", 0x03: "High Saturation", 0x04: "Adobe RGB",
                  0x05: "Low Saturation", 0x06: "CM Set 1", 0x07: "CM Set 2", 0x21: "User Def. 1",
                  0x22: "User Def. 2", 0x23: "User Def. 3", 0x41: "PC 1", 0x42: "PC 2", 0x43: "PC 3",
                  0x81: "Standard", 0x82: "Portrait", 0x83: "Landscape", 0x84: "Neutral", 0x85: "Faithful",
                  0x86: "Monochrome", 0x87: "Auto", 0x88: "Fine Detail", 0xFF: "n/a", 0xFFFF: "n/a"}
_OFF_ON = {0: "Off", 1: "On"}
_EASY_MODE = {
    0: "Full auto", 1: "Manual", 2: "Landscape", 3: "Fast shutter", 4: "Slow shutter", 5: "Night", 6: "Gray Scale",
    7: "Sepia", 8: "Portrait", 9: "Sports", 10: "Macro", 11: "Black & White", 12: "Pan focus", 13: "Vivid",
    14: "Neutral", 15: "Flash Off", 16: "Long Shutter", 17: "Super Macro", 18: "Foliage", 19: "Indoor",
    20: "Fireworks", 21: "Beach", 22: "Underwater", 23: "Snow", 24: "Kids & Pets", 25: "Night Snapshot",
    26: "Digital Macro", 27: "My Colors", 28: "Movie Snap", 29: "Super Macro 2", 30: "Color Accent",
    31: "Color Swap", 32: "Aquarium", 33: "ISO 3200", 34: "ISO 6400", 35: "Creative Light Effect", 36: "Easy",
    37: "Quick Shot", 38: "Creative Auto", 39: "Zoom Blur", 40: "Low Light", 41: "Nostalgic", 42: "Super Vivid",
    43: "Poster Effect", 44: "Face Self-timer", 45: "Smile", 46: "Wink Self-timer", 47: "Fisheye Effect",
    48: "Miniature Effect", 49: "High-speed Burst", 50: "Best Image Selection", 51: "High Dynamic Range",
    52: "Handheld Night Scene", 53: "Movie Digest", 54: "Live View Control", 55: "Discreet",
    56: "Blur Reduction", 57: "Monochrome", 58: "Toy Camera Effect", 59: "Scene Intelligent Auto",
    60: "High-speed Burst HQ", 61: "Smooth Skin", 62: "Soft Focus", 68: "Food", 84: "HDR Art Standard",
    85: "HDR Art Vivid", 93: "HDR Art Bold", 257: "Spotlight", 258: "Night 2", 259: "Night+", 260: "Super Night",
    261: "Sunset", 263: "Night Scene", 264: "Surface", 265: "Low Light 2",
}

# CanonCameraSettings (tag 0x0001), signed 16-bit words.
CAMERA_SETTINGS: dict[int, Field] = {
    1: ("MacroMode", None, {1: "Macro", 2: "Normal"}),
    2: ("SelfTimer", None, _self_timer),
    3: ("Quality", None, _QUALITY),
    4: ("CanonFlashMode", None, {-1: "n/a", 0: "Off", 1: "Auto", 2: "On", 3: "Red-eye reduction", 4: "Slow-sync",
                                 5: "Red-eye reduction (Auto)", 6: "Red-eye reduction (On)", 16: "External flash"}),
    5: ("ContinuousDrive", None, {0: "Single", 1: "Continuous", 2: "Movie", 3: "Continuous, Speed Priority",
                                  4: "Continuous, Low", 5: "Continuous, High", 6: "Silent Single",
                                  8: "Continuous, High+", 9: "Single, Silent", 10: "Continuous, Silent"}),
    7: ("FocusMode", None, {0: "One-shot AF", 1: "AI Servo AF", 2: "AI Focus AF", 3: "Manual Focus (3)", 4: "Single",
                            5: "Continuous", 6: "Manual Focus (6)", 16: "Pan Focus", 256: "One-shot AF (Live View)",
                            257: "AI Servo AF (Live View)", 258: "AI Focus AF (Live View)", 512: "Movie Snap Focus",
                            519: "Movie Servo AF"}),
    9: ("RecordMode", None, {1: "JPEG", 2: "CRW+THM", 3: "AVI+THM", 4: "TIF", 5: "TIF+JPEG", 6: "CR2", 7: "CR2+JPEG",
                             9: "MOV", 10: "MP4", 11: "CRM", 12: "CR3", 13: "CR3+JPEG", 14: "HIF", 15: "CR3+HIF"}),
    10: ("CanonImageSize", None, _IMAGE_SIZE),
    11: ("EasyMode", None, _EASY_MODE),
    12: ("DigitalZoom", None, {0: "None", 1: "2x", 2: "4x", 3: "Other"}),
    13: ("Contrast", _not(0x7FFF), _print_parameter),
    14: ("Saturation", _not(0x7FFF), _print_parameter),
    15: ("Sharpness", _not(0x7FFF), None),
    16: ("CameraISO", _camera_iso, None),
    17: ("MeteringMode", None, {0: "Default", 1: "Spot", 2: "Average", 3: "Evaluative", 4: "Partial",
                               5: "Center-weighted average"}),
    18: ("FocusRange", None, {0: "Manual", 1: "Auto", 2: "Not Known", 3: "Macro", 4: "Very Close", 5: "Close",
                              6: "Middle Range", 7: "Far Range", 8: "Pan Focus", 9: "Super Macro", 10: "Infinity"}),
    20: ("CanonExposureMode", None, {0: "Easy", 1: "Program AE", 2: "Shutter speed priority AE",
                                     3: "Aperture-priority AE", 4: "Manual", 5: "Depth-of-field AE", 6: "M-Dep",
                                     7: "Bulb", 8: "Flexible-priority AE"}),
    22: ("LensType", lambda v: v & 0xFFFF or None, _LENS_TYPES),
    25: ("FocalUnits", None, lambda v: f"{v}/mm"),
    26: ("MaxAperture", _aperture, _two_g),
    27: ("MinAperture", _aperture, _two_g),
    28: ("FlashActivity", None, None),
    29: ("FlashBits", None, bits({0x0001: "Manual", 0x0002: "TTL", 0x0004: "A-TTL", 0x0008: "E-TTL",
                                  0x0010: "FP sync enabled", 0x0080: "2nd-curtain sync used",
                                  0x0800: "FP sync used", 0x2000: "Built-in", 0x4000: "External"})),
    32: ("FocusContinuous", None, {0: "Single", 1: "Continuous", 8: "Manual"}),
    33: ("AESetting", None, {0: "Normal AE", 1: "Exposure Compensation", 2: "AE Lock", 3: "AE Lock + Exposure Comp.",
                             4: "No AE"}),
    34: ("ImageStabilization", None, {0: "Off", 1: "On", 2: "Shoot Only", 3: "Panning", 4: "Dynamic",
                                      256: "Off (2)", 257: "On (2)", 258: "Shoot Only (2)", 259: "Panning (2)",
                                      260: "Dynamic (2)"}),
    35: ("DisplayAperture", _nonzero(lambda v: number(v / 10)), None),
    36: ("ZoomSourceWidth", None, None),
    37: ("ZoomTargetWidth", None, None),
    39: ("SpotMeteringMode", _not(-1), {0: "Center", 1: "AF Point"}),
    40: ("PhotoEffect", _not(-1), {0: "Off", 1: "Vivid", 2: "Neutral", 3: "Smooth", 4: "Sepia", 5: "B&W",
                                   6: "Custom", 100: "My Color Data"}),
    41: ("ManualFlashOutput", None, {0: "n/a", 0x500: "Full", 0x502: "Medium", 0x504: "Low", 0x7FFF: "n/a"}),
    42: ("ColorTone", _not(0x7FFF), _print_parameter),
    46: ("SRAWQuality", None, {0: "n/a", 1: "sRAW1 (mRAW)", 2: "sRAW2 (sRAW)"}),
}

# CanonShotInfo (tag 0x0004), signed 16-bit words.
SHOT_INFO: dict[int, Field] = {
    1: ("AutoISO", lambda v: number(2 ** (v / 32) * 100), fixed("%.0f")),
    2: ("BaseISO", lambda v: number(2 ** (v / 32) * 100 / 32), fixed("%.0f")),
    3: ("MeasuredEV", lambda v: number(v / 32 + 5), fixed("%.2f")),
    4: ("TargetAperture", lambda v: _aperture(v) if v > 0 else None, _two_g),
    5: ("TargetExposureTime", lambda v: _exposure(v) if v > -1000 else None, exposure_time),
    6: ("ExposureCompensation", lambda v: number(canon_ev(v)), fraction),
    7: ("WhiteBalance", None, _WHITE_BALANCE),
    8: ("SlowShutter", None, {-1: "n/a", 0: "Off", 1: "Night Scene", 2: "On", 3: "None"}),
    9: ("SequenceNumber", None, None),
    10: ("OpticalZoomCode", None, lambda v: "n/a" if v == 8 else v),
    13: ("FlashGuideNumber", lambda v: None if v == -1 else number(v / 32), None),
    15: ("FlashExposureComp", lambda v: number(canon_ev(v)), fraction),
    16: ("AutoExposureBracketing", None, {-1: "On", 0: "Off", 1: "On (shot 1)", 2: "On (shot 2)", 3: "On (shot 3)"}),
    17: ("AEBBracketValue", lambda v: number(canon_ev(v)), fraction),
    18: ("ControlMode", None, {0: "n/a", 1: "Camera Local Control", 3: "Computer Remote Control"}),
    19: ("FocusDistanceUpper", lambda v: number((v & 0xFFFF) / 100) if v else None, _distance),
    20: ("FocusDistanceLower", lambda v: number((v & 0xFFFF) / 100), _distance),
    21: ("FNumber", _nonzero(_aperture), _two_g),
    23: ("MeasuredEV2", _nonzero(lambda v: number(v / 8 - 6)), None),
    24: ("BulbDuration", lambda v: number(v / 10), None),
    26: ("CameraType", None, {0: "n/a", 248: "EOS High-end", 250: "Compact", 252: "EOS Mid-range", 255: "DV Camera"}),
    27: ("AutoRotate", lambda v: v if v >= 0 else None, {-1: "n/a", 0: "None", 1: "Rotate 90 CW", 2: "Rotate 180",
                                                         3: "Rotate 270 CW"}),
    28: ("NDFilter", None, {-1: "n/a", 0: "Off", 1: "On"}),
    29: ("SelfTimer2", lambda v: number(v / 10) if v >= 0 else None, None),
}

_AF_POINTS_IN_FOCUS = {0x3000: "None (MF)", 0x3001: "Right", 0x3002: "Center", 0x3003: "Center+Right",
                       0x3004: "Left", 0x3005: "Left+Right", 0x3006: "Left+Center", 0x3007: "All"}

# CanonFileInfo (tag 0x0093), signed 16-bit words (FileNumber/ShutterCount, at 1, are read apart).
FILE_INFO: dict[int, Field] = {
    3: ("BracketMode", None, {0: "Off", 1: "AEB", 2: "FEB", 3: "ISO", 4: "WB"}),
    4: ("BracketValue", None, None),
    5: ("BracketShotNumber", None, None),
    6: ("RawJpgQuality", lambda v: v if v > 0 else None, _QUALITY),
    7: ("RawJpgSize", lambda v: v if v >= 0 else None, _IMAGE_SIZE),
    8: ("LongExposureNoiseReduction2", None, {0: "Off", 1: "On (1D)", 3: "On", 4: "Auto"}),
    9: ("WBBracketMode", None, {0: "Off", 1: "On (shift AB)", 2: "On (shift GM)"}),
    12: ("WBBracketValueAB", None, None),
    13: ("WBBracketValueGM", None, None),
    14: ("FilterEffect", _not(-1), {0: "None", 1: "Yellow", 2: "Orange", 3: "Red", 4: "Green"}),
    15: ("ToningEffect", _not(-1), {0: "None", 1: "Sepia", 2: "Blue", 3: "Purple", 4: "Green"}),
    19: ("LiveViewShooting", None, _OFF_ON),
    23: ("ShutterMode", None, {0: "Mechanical", 1: "Electronic First Curtain", 2: "Electronic"}),
    25: ("FlashExposureLock", None, _OFF_ON),
    32: ("AntiFlicker", None, _OFF_ON),
}

PANORAMA: dict[int, Field] = {
    2: ("PanoramaFrameNumber", None, None),
    5: ("PanoramaDirection", None, {0: "Left to Right", 1: "Right to Left", 2: "Bottom to Top", 3: "Top to Bottom",
                                    4: "2x2 Matrix (Clockwise)"}),
}

MY_COLORS: dict[int, Field] = {
    2: ("MyColorMode", None, {0: "Off", 1: "Positive Film", 2: "Light Skin Tone", 3: "Dark Skin Tone",
                              4: "Vivid Blue", 5: "Vivid Green", 6: "Vivid Red", 7: "Color Accent",
                              8: "Color Swap", 9: "Custom", 12: "Vivid", 13: "Neutral", 14: "Sepia", 15: "B&W"}),
}

# CanonProcessingInfo (tag 0x00a0), signed 16-bit words.
PROCESSING: dict[int, Field] = {
    1: ("ToneCurve", None, {0: "Standard", 1: "Manual", 2: "Custom"}),
    2: ("Sharpness", None, None),
    3: ("SharpnessFrequency", None, {0: "n/a", 1: "Lowest", 2: "Low", 3: "Standard", 4: "High", 5: "Highest"}),
    4: ("SensorRedLevel", None, None),
    5: ("SensorBlueLevel", None, None),
    6: ("WhiteBalanceRed", None, None),
    7: ("WhiteBalanceBlue", None, None),
    8: ("WhiteBalance", None, _WHITE_BALANCE),
    9: ("ColorTemperature", None, None),
    10: ("PictureStyle", None, _PICTURE_STYLE),
    11: ("DigitalGain", None, None),
    12: ("WBShiftAB", None, None),
    13: ("WBShiftGM", None, None),
}

MODIFIED: dict[int, Field] = {
    1: ("ModifiedToneCurve", None, {0: "Standard", 1: "Manual", 2: "Custom"}),
    2: ("ModifiedSharpness", None, None),
    3: ("ModifiedSharpnessFreq", None, {0: "n/a", 1: "Lowest", 2: "Low", 3: "Standard", 4: "High", 5: "Highest"}),
    4: ("ModifiedSensorRedLevel", None, None),
    5: ("ModifiedSensorBlueLevel", None, None),
    6: ("ModifiedWhiteBalanceRed", None, None),
    7: ("ModifiedWhiteBalanceBlue", None, None),
    8: ("ModifiedWhiteBalance", None, _WHITE_BALANCE),
    9: ("ModifiedColorTemp", None, None),
    10: ("ModifiedPictureStyle", None, _PICTURE_STYLE),
    11: ("ModifiedDigitalGain", None, None),
}

SENSOR_INFO: dict[int, Field] = {
    1: ("SensorWidth", None, None),
    2: ("SensorHeight", None, None),
    5: ("SensorLeftBorder", None, None),
    6: ("SensorTopBorder", None, None),
    7: ("SensorRightBorder", None, None),
    8: ("SensorBottomBorder", None, None),
    9: ("BlackMaskLeftBorder", None, None),
    10: ("BlackMaskTopBorder", None, None),
    11: ("BlackMaskRightBorder", None, None),
    12: ("BlackMaskBottomBorder", None, None),
}

CROP_INFO: dict[int, Field] = {
    0: ("CropLeftMargin", _u16, None),
    1: ("CropRightMargin", _u16, None),
    2: ("CropTopMargin", _u16, None),
    3: ("CropBottomMargin", _u16, None),
}

# 32-bit word arrays.
ASPECT_INFO: dict[int, Field] = {
    0: ("AspectRatio", None, {0: "3:2", 1: "1:1", 2: "4:3", 7: "16:9", 8: "4:5", 12: "3:2 (APS-H crop)",
                              13: "3:2 (APS-C crop)", 258: "4:3 crop"}),
    1: ("CroppedImageWidth", None, None),
    2: ("CroppedImageHeight", None, None),
    3: ("CroppedImageLeft", None, None),
    4: ("CroppedImageTop", None, None),
}

_TIME_ZONE_CITY = {
    0: "n/a", 1: "Chatham Islands", 2: "Wellington", 3: "Solomon Islands", 4: "Sydney", 5: "Adelaide", 6: "Tokyo",
    7: "Hong Kong", 8: "Bangkok", 9: "Yangon", 10: "Dhaka", 11: "Kathmandu", 12: "Delhi", 13: "Karachi",
    14: "Kabul", 15: "Dubai", 16: "Tehran", 17: "Moscow", 18: "Cairo", 19: "Paris", 20: "London", 21: "Azores",
    22: "Fernando de Noronha", 23: "Sao Paulo", 24: "Newfoundland", 25: "Santiago", 26: "Caracas", 27: "New York",
    28: "Chicago", 29: "Denver", 30: "Los Angeles", 31: "Anchorage", 32: "Honolulu", 33: "Samoa",
    32766: "(not set)",
}


def _zone(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


TIME_INFO: dict[int, Field] = {
    1: ("TimeZone", None, _zone),
    2: ("TimeZoneCity", None, _TIME_ZONE_CITY),
    3: ("DaylightSavings", None, {0: "Off", 60: "On"}),
}

LIGHTING_OPT: dict[int, Field] = {
    1: ("PeripheralIlluminationCorr", None, _OFF_ON),
    2: ("AutoLightingOptimizer", None, {0: "Standard", 1: "Low", 2: "Strong", 3: "Off"}),
    3: ("HighlightTonePriority", None, {0: "Off", 1: "On", 2: "Enhanced"}),
    4: ("LongExposureNoiseReduction", None, {0: "Off", 1: "Auto", 2: "On"}),
    5: ("HighISONoiseReduction", None, {0: "Standard", 1: "Low", 2: "Strong", 3: "Off"}),
}

VIGNETTING_CORR2: dict[int, Field] = {
    5: ("PeripheralLightingSetting", None, _OFF_ON),
    6: ("ChromaticAberrationSetting", None, _OFF_ON),
    7: ("DistortionCorrectionSetting", None, _OFF_ON),
    8: ("DigitalLensOptimizerSetting", None, {0: "Off", 1: "Standard", 2: "High"}),
}

AMBIENCE: dict[int, Field] = {
    1: ("AmbienceSelection", None, {0: "Standard", 1: "Vivid", 2: "Warm", 3: "Soft", 4: "Cool", 5: "Intense",
                                    6: "Brighter", 7: "Darker", 8: "Monochrome"}),
}

MULTI_EXPOSURE: dict[int, Field] = {
    1: ("MultiExposure", None, {0: "Off", 1: "On", 2: "On (RAW)"}),
    2: ("MultiExposureControl", None, {0: "Additive", 1: "Average", 2: "Bright", 3: "Dark"}),
    3: ("MultiExposureShots", None, None),
}

HDR_INFO: dict[int, Field] = {
    1: ("HDR", None, {0: "Off", 1: "On", 2: "On (RAW)"}),
    2: ("HDREffect", None, {0: "Natural", 1: "Art (standard)", 2: "Art (vivid)", 3: "Art (bold)",
                            4: "Art (embossed)"}),
}

_CATEGORIES = bits({0x01: "People", 0x02: "Scenery", 0x04: "Events", 0x08: "User 1", 0x10: "User 2",
                    0x20: "User 3", 0x40: "To Do"})

# Plain main-IFD tags: id -> (name, printed conversion).
MAIN: dict[int, tuple[str, Any]] = {
    0x0006: ("CanonImageType", None),
    0x0007: ("CanonFirmwareVersion", None),
    0x0009: ("OwnerName", None),
    0x000E: ("CanonFileLength", None),
    0x0013: ("ThumbnailImageValidArea", None),
    0x0015: ("SerialNumberFormat", {0x90000000: "Format 1", 0xA0000000: "Format 2"}),
    0x001A: ("SuperMacro", {0: "Off", 1: "On (1)", 2: "On (2)"}),
    0x001C: ("DateStampMode", {0: "Off", 1: "Date", 2: "Date & Time"}),
    0x0038: ("BatteryType", None),
    0x0081: ("RawDataOffset", None),
    0x0083: ("OriginalDecisionDataOffset", None),
    0x0095: ("LensModel", None),
    0x00AE: ("ColorTemperature", None),
    0x00B4: ("ColorSpace", {1: "sRGB", 2: "Adobe RGB"}),
    0x00D0: ("VRDOffset", None),
    0x4010: ("CustomPictureStyleFileName", None),
}
_BLOBS = {0x0097: "DustRemovalData", 0x00A1: "ToneCurveTable", 0x00A4: "WhiteBalanceTable",
          0x00B2: "ToneCurveMatching"}
_LISTS = {0x00A2: "SharpnessTable", 0x00A3: "SharpnessFreqTable", 0x00B3: "WhiteBalanceMatching"}


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    base = _base(note)
    order = ifd_order(note.tiff, note.offset, note.byte_order)
    entries = read_ifd(note.tiff, note.offset, order, base=base, warnings=warnings)
    model = note.model
    eos = "EOS" in model.upper()

    def words(tag: int, *, signed: bool = True, sized: bool = False) -> list[int]:
        found = int_array(entries.get(tag), order, signed=signed)
        if sized and found and found[0] != 2 * len(found):
            return []  # these arrays start with their own size in bytes: anything else is not the array
        return found

    def longs(tag: int) -> list[int]:
        entry = entries.get(tag)
        if entry is None:
            return []
        n = len(entry.raw) // 4
        return list(struct.unpack(("<" if order == "II" else ">") + "i" * n, entry.raw[: 4 * n]))

    for tag, (name, conversion) in MAIN.items():
        entry = entries.get(tag)
        if entry is not None:
            put(values, printed, name, _plain(entry), conversion)

    settings = words(0x0001, sized=True)
    units = settings[25] if len(settings) > 25 and settings[25] > 0 else 1
    read_fields(settings, CAMERA_SETTINGS, values, printed)
    if len(settings) > 19 and not eos:
        put(values, printed, "AFPoint", settings[19] & 0xFFFF,
            {0x2005: "Manual AF point selection", 0x3000: "None (MF)", 0x3001: "Auto AF point selection",
             0x3002: "Right", 0x3003: "Center", 0x3004: "Left", 0x4001: "Auto AF point selection",
             0x4006: "Face Detect"})
    for index, name in ((23, "MaxFocalLength"), (24, "MinFocalLength")):
        if len(settings) > index:
            put(values, printed, name, number((settings[index] & 0xFFFF) / units), unit("mm"))

    focal = words(0x0002, signed=False)
    if focal:
        put(values, printed, "FocalType", focal[0], {1: "Fixed", 2: "Zoom"})
    if len(focal) > 1:
        put(values, printed, "FocalLength", number(focal[1] / units), unit("mm"))
    for index, name in ((2, "FocalPlaneXSize"), (3, "FocalPlaneYSize")):
        # EOS bodies other than the 1D line leave numbers here that are not the sensor's size.
        if len(focal) > index and focal[index] and (not eos or "EOS-1D" in model):
            put(values, printed, name, number(round(focal[index] * 25.4 / 1000, 10)), fixed("%.2f mm"))

    shot = words(0x0004, sized=True)
    read_fields(shot, SHOT_INFO, values, printed)
    if len(shot) > 12 and eos and 0 < shot[12] < 256:  # degrees C + 128 in one byte; other words are not it
        put(values, printed, "CameraTemperature", shot[12] - 128, unit("C"))
    if len(shot) > 14:
        put(values, printed, "AFPointsInFocus", shot[14], _AF_POINTS_IN_FOCUS)
    if len(shot) > 22 and shot[22]:
        seconds = _exposure(shot[22])
        if any(name in model for name in ("20D", "350D", "REBEL XT", "Kiss Digital N")):
            seconds *= 1000 / 32
        put(values, printed, "ExposureTime", seconds, exposure_time)
    if len(shot) > 33 and re_powershot(model):
        put(values, printed, "FlashOutput", shot[33], None)

    read_fields(words(0x0005), PANORAMA, values, printed)
    read_fields(words(0x001D, signed=False), MY_COLORS, values, printed)
    read_fields(words(0x00A0), PROCESSING, values, printed)
    read_fields(words(0x00B1), MODIFIED, values, printed)
    read_fields(words(0x00E0), SENSOR_INFO, values, printed)
    read_fields(words(0x0098, signed=False), CROP_INFO, values, printed)
    read_fields(longs(0x009A), ASPECT_INFO, values, printed)
    read_fields(longs(0x0035), TIME_INFO, values, printed)
    entry = entries.get(0x0099)
    if entry is not None:
        read_custom_functions2(entry.raw, order, values, printed)
    lighting = longs(0x4018)
    if len(lighting) > 5:  # LightingOpt comes after the custom functions: its readings of the same names are kept
        for name in ("LongExposureNoiseReduction", "HighISONoiseReduction", "HighlightTonePriority",
                     "AutoLightingOptimizer"):
            values.pop(name, None)
            printed.pop(name, None)
    read_fields(lighting, LIGHTING_OPT, values, printed)
    read_fields(longs(0x4016), VIGNETTING_CORR2, values, printed)
    read_fields(longs(0x4020), AMBIENCE, values, printed)
    read_fields(longs(0x4021), MULTI_EXPOSURE, values, printed)
    read_fields(longs(0x4025), HDR_INFO, values, printed)
    flags = words(0x00B0)
    if len(flags) > 1:
        put(values, printed, "ModifiedParamFlag", flags[1], None)

    _file_info(words(0x0093), model, values, printed)
    _main_specials(entries, model, eos, order, values, printed)
    _af_info(words(0x0012), words(0x0026), words(0x003C), eos, values, printed)
    _faces(entries, order, values, printed)
    _vignetting(entries.get(0x4015), order, values, printed)
    _micro_adjust(longs(0x4013), values, printed)
    _color_data(entries.get(0x4001), order, values, printed)
    _camera_info(entries.get(0x000D), model, values, printed)
    entry = entries.get(0x4024)
    if entry is not None:
        read_custom_functions2(entry.raw, order, values, printed, FILTERS)
    for tag, name in ((0x4008, "PictureStyleUserDef"), (0x4009, "PictureStylePC")):
        styles = words(tag, signed=False)
        if styles:
            put(values, printed, name, spaced(styles),
                lambda v: "; ".join(_PICTURE_STYLE.get(int(x), f"Unknown ({x})") for x in str(v).split()))
    for tag, name in _BLOBS.items():
        entry = entries.get(tag)
        if entry is not None:
            # ExifTool sizes a numeric array it shows as binary by its text ("0 0 1 ..."), bytes by their count.
            size = len(entry.raw) if entry.type == 7 or isinstance(entry.value, bytes) else len(str(_plain(entry)))
            put(values, printed, name, binary(size))
    for tag, name in _LISTS.items():
        entry = entries.get(tag)
        if entry is not None:
            value = entry.value
            put(values, printed, name, spaced(value) if isinstance(value, list) else value)
    return values, printed


_WB_NAMES = ("AsShot", "Auto", "Measured", "Daylight", "Shade", "Cloudy", "Tungsten", "Fluorescent", "Kelvin", "Flash")


def _color_data_layout(first_preset: int, average_black: int, raw_measured: int, per_channel_black: int,
                       white_levels: int) -> dict[str, int]:
    """Where a ColorData version keeps its fields: WB levels + colour temperature come in 5-word records."""
    layout = {name: 0x3F + 5 * index for index, name in enumerate(_WB_NAMES[:3])}
    layout.update({name: first_preset + 5 * index for index, name in enumerate(_WB_NAMES[3:])})
    layout.update(AverageBlackLevel=average_black, RawMeasuredRGGB=raw_measured,
                  PerChannelBlackLevel=per_channel_black, NormalWhiteLevel=white_levels,
                  SpecularWhiteLevel=white_levels + 1, LinearityUpperMargin=white_levels + 2)
    return layout


# ColorData (tag 0x4001): the layout follows the array's length, as Canon changed it per camera generation.
_COLOR_DATA = {
    # 600D/1200D
    (1273, 1275): (_color_data_layout(0x67, 0xFB, 0x194, 0x1DF, 0x1E3), {10: "10 (600D/1200D)"}),
    # 1DX/5DmkIII/6D/70D/100D/650D/700D/M/M2, 7DmkII/750D/760D
    (1312, 1313, 1316, 1506): (_color_data_layout(0x80, 0x114, 0x1AD, 0x1F8, 0x1FC),
                               {10: "10 (1DX/5DmkIII/6D/70D/100D/650D/700D/M/M2)", 11: "11 (7DmkII/750D/760D/8000D)"}),
}


def _color_data(entry: Entry | None, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if entry is None:
        return
    words = int_array(entry, order, signed=False)
    for counts, (layout, versions) in _COLOR_DATA.items():
        if len(words) in counts:
            break
    else:
        return
    version = words[0]
    if version not in versions:
        return
    put(values, printed, "ColorDataVersion", version, versions)
    for name in _WB_NAMES:
        at = layout[name]
        put(values, printed, f"WB_RGGBLevels{name}", spaced(words[at : at + 4]))
        put(values, printed, f"ColorTemp{name}", words[at + 4])
    for name in ("AverageBlackLevel", "PerChannelBlackLevel"):
        at = layout[name]
        put(values, printed, name, spaced(words[at : at + 4]))
    at = layout["RawMeasuredRGGB"]
    # Four 32-bit numbers stored as 16-bit words, low word last.
    put(values, printed, "RawMeasuredRGGB", spaced(words[at + 2 * i] << 16 | words[at + 2 * i + 1] for i in range(4)))
    for name in ("NormalWhiteLevel", "SpecularWhiteLevel", "LinearityUpperMargin"):
        if words[layout[name]]:
            put(values, printed, name, words[layout[name]])


# CameraInfo of the 2006-2008 PowerShots: 32-bit words, 138 or 148 of them (the temperature's place differs).
_POWERSHOT_TEMPERATURE = {138: 0x87, 148: 0x91}


def _camera_info(entry: Entry | None, model: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    """CameraInfo (tag 0x000d) is laid out per model: exifread's offsets for the models it maps."""
    if entry is None:
        return
    if (entry.type in (4, 9) and entry.count in _POWERSHOT_TEMPERATURE and isinstance(entry.value, list)
            and "EOS" not in model.upper()):
        words = [v - (1 << 32) if v >= 1 << 31 else v for v in entry.value]
        put(values, printed, "ISO", number(100 * 2 ** ((words[0] - 411) / 96)), fixed("%.0f"))
        put(values, printed, "Rotation", words[0x17])
        put(values, printed, "CameraTemperature", words[_POWERSHOT_TEMPERATURE[entry.count]], unit("C"))
        return
    for pattern, fields in exifread_canon.CAMERA_INFO_MODEL_MAP.items():
        if re.search(pattern, model):
            break
    else:
        return
    raw = entry.raw
    for offset, (name, code, _convert) in fields.items():
        if offset + struct.calcsize(code) > len(raw):
            continue
        (value,) = struct.unpack_from(code, raw, offset)
        if name == "CameraTemperature":
            put(values, printed, name, value - 128, unit("C"))
        elif name.startswith("FileIndex"):
            put(values, printed, name, value + 1)
        elif name.startswith("DirectoryIndex"):
            put(values, printed, name, value - 1)


def re_powershot(model: str) -> bool:
    upper = model.upper()
    return "POWERSHOT" in upper or "IXUS" in upper or "IXY" in upper


def _base(note: MakerNote) -> int:
    """How far the note's offsets are shifted: 0 unless an editor moved the note (its footer says where it was)."""
    if note.length < 8:
        return 0
    footer = bytes(note.tiff[note.offset + note.length - 8 : note.offset + note.length])
    if footer[:4] in (b"II*\x00", b"MM\x00*"):
        original = struct.unpack_from("<I" if footer[:2] == b"II" else ">I", footer, 4)[0]
        return note.offset - original
    return 0


def _plain(entry: Entry) -> Any:
    value = entry.value
    if isinstance(value, bytes):
        return value.split(b"\x00", 1)[0].decode("utf-8", "replace").strip()
    if isinstance(value, list):
        return spaced(value)
    if isinstance(value, float):
        return number(value)
    return value


def _main_specials(entries: dict[int, Entry], model: str, eos: bool, order: str, values: dict[str, Any],
                   printed: dict[str, Any]) -> None:
    entry = entries.get(0x0008)
    if isinstance(entry and entry.value, int):
        number_ = entry.value  # type: ignore[union-attr]
        put(values, printed, "FileNumber", number_, lambda v: f"{v // 10000:03d}-{v % 10000:04d}")
    entry = entries.get(0x000C)
    if entry is not None and isinstance(entry.value, int):
        serial = entry.value
        if "EOS D30" in model:
            put(values, printed, "SerialNumber", serial, lambda v: f"{v >> 16:x}-{v & 0xFFFF:05d}")
        elif "EOS-1D" in model:
            put(values, printed, "SerialNumber", serial, lambda v: f"{v:06d}")
        else:
            put(values, printed, "SerialNumber", serial, lambda v: f"{v:010d}")
    entry = entries.get(0x0010)
    if entry is not None and isinstance(entry.value, int):
        put(values, printed, "CanonModelID", entry.value, lambda v: MODEL_IDS.get(v, f"Unknown (0x{v:x})"))
    entry = entries.get(0x001E)
    if entry is not None and isinstance(entry.value, int):
        v = entry.value
        put(values, printed, "FirmwareRevision", v,
            lambda v: f"{v >> 24:x}.{v >> 16 & 0xFF:02x} rev {v >> 8 & 0xFF:x}.{v & 0xFF:02x}")
    entry = entries.get(0x0023)
    if entry is not None and isinstance(entry.value, list) and len(entry.value) == 2:
        put(values, printed, "Categories", entry.value[1], _CATEGORIES)
    entry = entries.get(0x0028)
    if entry is not None and len(entry.raw) == 16:
        put(values, printed, "ImageUniqueID", hex_bytes(entry.raw))
    entry = entries.get(0x0096)
    if entry is not None:
        raw = entry.raw[9:] if model.endswith("EOS 5D") else entry.raw  # the 5D keeps it inside a SerialInfo record
        put(values, printed, "InternalSerialNumber", raw.split(b"\x00", 1)[0].rstrip(b"\xff").decode("latin-1").strip())
    entry = entries.get(0x4019)
    if entry is not None and len(entry.raw) >= 5:
        put(values, printed, "LensSerialNumber", hex_bytes(entry.raw[:5]))
    entry = entries.get(0x00AA)
    if entry is not None:
        measured = int_array(entry, order, signed=False)
        if len(measured) >= 5:
            put(values, printed, "MeasuredRGGB", spaced(measured[1:5]))


def _file_info(info: list[int], model: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if len(info) > 2 and "EOS-1D" in model:  # the 1D line keeps a shutter count here, its halves swapped
        raw = (info[1] & 0xFFFF) | (info[2] & 0xFFFF) << 16
        put(values, printed, "ShutterCount", (raw >> 16) | ((raw & 0xFFFF) << 16) & 0xFFFFFFFF)
    read_fields(info, FILE_INFO, values, printed)
    if "EOS" in model and len(info) > 21 and info[20]:
        # FileInfo comes after ShotInfo, so its focus distances are the ones ExifTool keeps.
        for index, name in ((20, "FocusDistanceUpper"), (21, "FocusDistanceLower")):
            values.pop(name, None)
            put(values, printed, name, number((info[index] & 0xFFFF) / 100), _distance)


def _af_info(old: list[int], new: list[int], third: list[int], eos: bool, values: dict[str, Any],
             printed: dict[str, Any]) -> None:
    if new or third:
        words = new or third
        if len(words) < 8:
            return
        put(values, printed, "AFAreaMode", words[1], {0: "Off (Manual Focus)", 1: "AF Point Expansion (surround)",
                                                      2: "Single-point AF", 4: "Auto", 5: "Face Detect AF",
                                                      6: "Face + Tracking", 7: "Zone AF", 8: "AF Point Expansion (4 point)",
                                                      9: "Spot AF", 10: "AF Point Expansion (8 point)",
                                                      11: "Flexizone Multi (49 point)", 12: "Flexizone Multi (9 point)",
                                                      13: "Flexizone Single", 14: "Large Zone AF"})
        count = words[2]
        for index, name in ((2, "NumAFPoints"), (3, "ValidAFPoints"), (4, "CanonImageWidth"), (5, "CanonImageHeight"),
                            (6, "AFImageWidth"), (7, "AFImageHeight")):
            put(values, printed, name, words[index] & 0xFFFF if index >= 4 else words[index])
        position = 8
        names = ("AFAreaWidths", "AFAreaHeights", "AFAreaXPositions", "AFAreaYPositions")
    else:
        words = old
        if len(words) < 8:
            return
        count = words[0]
        for index, name in ((0, "NumAFPoints"), (1, "ValidAFPoints"), (2, "CanonImageWidth"), (3, "CanonImageHeight"),
                            (4, "AFImageWidth"), (5, "AFImageHeight"), (6, "AFAreaWidth"), (7, "AFAreaHeight")):
            put(values, printed, name, words[index] & 0xFFFF if index >= 2 else words[index])
        position = 8
        names = ("AFAreaXPositions", "AFAreaYPositions")
    if count <= 0 or count > 1000:
        return
    for name in names:
        part = words[position : position + count]
        if len(part) < count:
            return
        put(values, printed, name, spaced(part))
        position += count
    flags = (count + 15) // 16
    in_focus = words[position : position + flags]
    if len(in_focus) < flags:
        return
    # AFInfo2 comes after ShotInfo in the note; of two readings of a tag, ExifTool keeps the later one.
    values.pop("AFPointsInFocus", None)
    printed.pop("AFPointsInFocus", None)
    put(values, printed, "AFPointsInFocus", spaced(in_focus), lambda _v: bit_indices(in_focus))
    position += flags
    if new or third:
        if eos:
            selected = words[position : position + flags]
            if len(selected) == flags:
                put(values, printed, "AFPointsSelected", spaced(selected),
                    lambda _v: bit_indices(selected))
            position += flags
        if not eos and position < len(words):
            put(values, printed, "PrimaryAFPoint", words[position])
    elif len(words) == 36 and not eos:  # this layout keeps 8 more words before it
        put(values, printed, "PrimaryAFPoint", words[35])
    elif position < len(words) and not eos:
        put(values, printed, "PrimaryAFPoint", words[position])
    elif position + 1 < len(words) and eos:
        put(values, printed, "PrimaryAFPoint", words[position + 1])


def _faces(entries: dict[int, Entry], order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    first = int_array(entries.get(0x0024), order, signed=False)
    if len(first) > 4:
        faces = first[2]
        put(values, printed, "FacesDetected", faces)
        put(values, printed, "FaceDetectFrameSize", spaced(first[3:5]))
        signed = int_array(entries.get(0x0024), order)
        for face in range(1, min(faces, 9) + 1):
            at = 8 + 2 * (face - 1)
            if at + 1 < len(signed):
                put(values, printed, f"Face{face}Position", spaced(signed[at : at + 2]))
    second = entries.get(0x0025)
    if second is not None and len(second.raw) > 2:
        put(values, printed, "FaceWidth", second.raw[1])
        put(values, printed, "FacesDetected", second.raw[2])


def _vignetting(entry: Entry | None, order: str, values: dict[str, Any], printed: dict[str, Any]) -> None:
    if entry is None or len(entry.raw) < 26:
        return
    version = entry.raw[0]
    put(values, printed, "VignettingCorrVersion", version)
    words = int_array(entry, order)
    if len(words) < 13:
        return
    fields: dict[int, Field] = {
        2: ("PeripheralLighting", None, _OFF_ON),
        3: ("DistortionCorrection", None, _OFF_ON),
        4: ("ChromaticAberrationCorr", None, _OFF_ON),
        6: ("PeripheralLightingValue", None, None),
        9: ("DistortionCorrectionValue", None, None),
        11: ("OriginalImageWidth", None, None),
        12: ("OriginalImageHeight", None, None),
    }
    read_fields(words, fields, values, printed)


def _micro_adjust(words: list[int], values: dict[str, Any], printed: dict[str, Any]) -> None:
    if len(words) > 1:
        put(values, printed, "AFMicroAdjMode", words[1], {0: "Disable", 1: "Adjust all by the same amount",
                                                          2: "Adjust by lens"})
    if len(words) > 3 and words[3]:
        put(values, printed, "AFMicroAdjValue", number(words[2] / words[3]))
