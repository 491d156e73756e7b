"""Pentax (and Asahi) maker notes: "AOC\\0" + byte order + IFD (offsets from the EXIF TIFF header) and
"PENTAX \\0" + byte order + IFD (offsets from the note), with the binary records ExifTool unpacks:
CameraSettings, AEInfo, LensInfo/LensData, CameraInfo and BatteryInfo."""


import struct
from typing import Any

from .base import MakerNote, read_ifd
from .tags import Tag, decode_entries, directory_end, exposure, outside, put, shift

NO_YES = {0: "No", 1: "Yes"}
OFF_ON = {0: "Off", 1: "On"}
METERING = {0: "Multi-segment", 1: "Center-weighted average", 2: "Spot"}
AF_POINTS = {0: "Upper-left", 1: "Top", 2: "Upper-right", 3: "Left", 4: "Mid-left", 5: "Center", 6: "Mid-right",
             7: "Right", 8: "Lower-left", 9: "Bottom", 10: "Lower-right"}
CITIES = ["Pago Pago", "Honolulu", "Anchorage", "Vancouver", "San Francisco", "Los Angeles", "Calgary", "Denver",
          "Mexico City", "Chicago", "Miami", "Toronto", "New York", "Santiago", "Caracus", "Halifax",
          "Buenos Aires", "Sao Paulo", "Rio de Janeiro", "Madrid", "London", "Paris", "Milan", "Rome", "Berlin",
          "Johannesburg", "Istanbul", "Cairo", "Jerusalem", "Moscow", "Jeddah", "Tehran", "Dubai", "Karachi",
          "Kabul", "Male", "Delhi", "Colombo", "Kathmandu", "Dacca", "Yangon", "Bangkok", "Kuala Lumpur",
          "Vientiane", "Singapore", "Phnom Penh", "Ho Chi Minh", "Jakarta", "Hong Kong", "Perth", "Beijing",
          "Shanghai", "Manila", "Taipei", "Seoul", "Adelaide", "Tokyo", "Guam", "Sydney", "Noumea", "Wellington",
          "Auckland", "Lima", "Dakar", "Algiers", "Helsinki", "Athens", "Nairobi", "Amsterdam", "Stockholm",
          "Lisbon", "Copenhagen", "Warsaw", "Prague", "Budapest"]
ISO = {3: 50, 4: 64, 5: 80, 6: 100, 7: 125, 8: 160, 9: 200, 10: 250, 11: 320, 12: 400, 13: 500, 14: 640, 15: 800,
       16: 1000, 17: 1250, 18: 1600, 19: 2000, 20: 2500, 21: 3200, 22: 4000, 23: 5000, 24: 6400, 25: 8000,
       26: 10000, 27: 12800, 28: 16000, 29: 20000, 30: 25600, 31: 32000, 32: 40000, 33: 51200, 34: 64000,
       35: 80000, 36: 102400, 50: 50, 100: 100, 200: 200, 258: 50, 259: 70, 260: 100, 261: 140, 262: 200,
       263: 280, 264: 400, 265: 560, 266: 800, 267: 1100, 268: 1600, 269: 2200, 270: 3200, 271: 4500,
       272: 6400, 273: 9000, 274: 12800, 275: 18000, 276: 25600, 277: 36000, 278: 51200, 400: 400, 800: 800,
       1600: 1600, 3200: 3200}
IMAGE_SIZE = {0: "640x480", 1: "Full", 2: "1024x768", 3: "1280x960", 4: "1600x1200", 5: "2048x1536",
              8: "2560x1920 or 2304x1728", 9: "3072x2304", 10: "3264x2448", 19: "320x240", 20: "2288x1712",
              21: "2592x1944", 22: "2304x1728 or 2592x1944", 23: "3056x2296", 25: "2816x2212 or 2816x2112",
              27: "3648x2736", 29: "4000x3000", 30: "4288x3216", 31: "4608x3456", 129: "1920x1080",
              135: "4608x2592", 257: "3216x3216", "0 0": "2304x1728", "4 0": "1600x1200", "5 0": "2048x1536",
              "8 0": "2560x1920", "32 2": "960x640", "33 2": "1152x768", "34 2": "1536x1024", "35 1": "2400x1600",
              "36 0": "3008x2008 or 3040x2024", "37 0": "3008x2000"}
FLASH_MODE = {0x000: "Auto, Did not fire", 0x001: "Off, Did not fire", 0x002: "On, Did not fire",
              0x003: "Auto, Did not fire, Red-eye reduction", 0x005: "On, Did not fire, Wireless (Master)",
              0x100: "Auto, Fired", 0x102: "On, Fired", 0x103: "Auto, Fired, Red-eye reduction",
              0x104: "On, Red-eye reduction", 0x105: "On, Wireless (Master)", 0x106: "On, Wireless (Control)",
              0x108: "On, Soft", 0x109: "On, Slow-sync", 0x10a: "On, Slow-sync, Red-eye reduction",
              0x10b: "On, Trailing-curtain Sync"}
FOCUS_MODE = {0: "Normal", 1: "Macro", 2: "Infinity", 3: "Manual", 4: "Super Macro", 5: "Pan Focus",
              16: "AF-S (Focus-priority)", 17: "AF-C (Focus-priority)", 18: "AF-A (Focus-priority)",
              32: "Contrast-detect (Focus-priority)", 33: "Tracking Contrast-detect (Focus-priority)",
              272: "AF-S (Release-priority)", 273: "AF-C (Release-priority)", 274: "AF-A (Release-priority)",
              288: "Contrast-detect (Release-priority)"}
AF_POINT_SELECTED = {0: "None", 1: "Upper-left", 2: "Top", 3: "Upper-right", 4: "Left", 5: "Mid-left", 6: "Center",
                     7: "Mid-right", 8: "Right", 9: "Lower-left", 10: "Bottom", 11: "Lower-right",
                     65531: "AF Select", 65532: "Face Detect AF", 65533: "Automatic Tracking AF",
                     65534: "Fixed Center", 65535: "Auto"}
WHITE_BALANCE = {0: "Auto", 1: "Daylight", 2: "Shade", 3: "Fluorescent", 4: "Tungsten", 5: "Manual",
                 6: "Daylight Fluorescent", 7: "Day White Fluorescent", 8: "White Fluorescent", 9: "Flash",
                 10: "Cloudy", 11: "Warm White Fluorescent", 14: "Multi Auto", 15: "Color Temperature Enhancement",
                 17: "Kelvin", 65534: "Unknown", 65535: "User-Selected"}
WHITE_BALANCE_MODE = {1: "Auto (Daylight)", 2: "Auto (Shade)", 3: "Auto (Flash)", 4: "Auto (Tungsten)",
                      6: "Auto (Daylight Fluorescent)", 7: "Auto (Day White Fluorescent)",
                      8: "Auto (White Fluorescent)", 10: "Auto (Cloudy)", 65534: "Unknown", 65535: "User-Selected"}
LEVEL2 = {0: "-1 (medium low)", 1: "0 (normal)", 2: "+1 (medium high)", 3: "-2 (low)", 4: "+2 (high)",
          5: "-3 (very low)", 6: "+3 (very high)", 7: "-4 (minimum)", 8: "+4 (maximum)", 65535: "None"}
SHARP2 = {0: "-1 (medium soft)", 1: "0 (normal)", 2: "+1 (medium hard)", 3: "-2 (soft)", 4: "+2 (hard)",
          5: "-3 (very soft)", 6: "+3 (very hard)", 7: "-4 (minimum)", 8: "+4 (maximum)"}
PICTURE_MODE = {"0 0": "Program", "0 1": "Hi-speed Program", "0 2": "DOF Program", "0 3": "MTF Program",
                "0 4": "Standard", "0 5": "Portrait", "0 6": "Landscape", "0 7": "Macro", "0 8": "Sport",
                "0 9": "Night Scene Portrait", "0 10": "No Flash", "0 11": "Night Scene", "0 12": "Surf & Snow",
                "0 13": "Text", "0 14": "Sunset", "0 15": "Kids", "0 16": "Pet", "0 17": "Candlelight",
                "0 18": "Museum", "0 19": "Food", "0 20": "Stage Lighting", "0 21": "Night Snap",
                "0 23": "Blue Sky", "0 24": "Sunset", "0 26": "Night Scene HDR", "0 27": "HDR",
                "0 28": "Quick Macro", "0 29": "Forest", "0 30": "Backlight Silhouette",
                "1 4": "Auto PICT (Standard)", "1 5": "Auto PICT (Portrait)", "1 6": "Auto PICT (Landscape)",
                "1 7": "Auto PICT (Macro)", "1 8": "Auto PICT (Sport)", "2 0": "Program (HyP)",
                "2 1": "Program AE (Hi-speed)", "2 2": "Program AE (DOF)", "2 3": "Program AE (MTF)",
                "2 22": "Shallow DOF", "3 0": "Green Mode", "4 0": "Shutter Speed Priority",
                "5 0": "Aperture Priority", "6 0": "Program Tv Shift", "7 0": "Program Av Shift", "8 0": "Manual",
                "9 0": "Bulb", "10 0": "Aperture Priority, Off-Auto-Aperture",
                "11 0": "Manual, Off-Auto-Aperture", "12 0": "Bulb, Off-Auto-Aperture",
                "13 0": "Shutter & Aperture Priority AE", "15 0": "Sensitivity Priority AE",
                "16 0": "Flash X-Sync Speed AE", "18 0": "Auto Program (Normal)", "19 0": "Auto Program (Hi-speed)",
                "20 0": "Auto Program (DOF)", "21 0": "Auto Program (MTF)", "22 0": "Auto Program (Shallow DOF)",
                "23 0": "Blur Control", "24 0": "Shutter and Aperture Priority (TAv)", "26 0": "Shutter Speed Priority",
                "254 0": "Video", "255 0": "Video (Auto Aperture)", "255 4": "Video (4)"}


def _seq(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _fnumber(value: Any) -> str:
    # ExifTool prints f-numbers with one decimal below 10 and none from 10 up.
    number = float(value)
    return f"{number:.1f}" if number < 10 else f"{number:.0f}"


def _levels(two: dict[int, str], one: dict[int, str]) -> Any:
    def convert(value: Any) -> str:
        items = _seq(value)
        if len(items) == 1:
            return one.get(items[0], f"Unknown ({items[0]})")
        return "; ".join([two.get(items[0], f"Unknown ({items[0]})")] + [str(v) for v in items[1:]])
    return convert


def _picture_mode(value: Any) -> str:
    items = _seq(value)
    if len(items) < 2:
        return str(value)
    key = f"{items[0]} {items[1]}"
    words = PICTURE_MODE.get(key, f"Unknown ({key})")
    if len(items) > 2:
        words += "; " + ("1/3 EV steps" if items[2] & 1 else "1/2 EV steps")
    return words


def _drive_mode(value: Any) -> str:
    items = _seq(value) + [0, 0, 0, 0]
    tables = ({0: "Single-frame", 1: "Continuous", 2: "Continuous (Lo)", 3: "Burst", 4: "Continuous (Medium)",
               5: "Continuous (Low)", 255: "Video"},
              {0: "No Timer", 1: "Self-timer (12 s)", 2: "Self-timer (2 s)", 15: "Video", 16: "Mirror Lock-up",
               255: "n/a"},
              {0: "Shutter Button", 1: "Remote Control (3 s delay)", 2: "Remote Control",
               4: "Remote Continuous Shooting"},
              {0: "Single Exposure", 1: "Multiple Exposure", 2: "HDR", 4: "Auto Bracket", 8: "HDR Auto Bracket",
               16: "Interval", 255: "Video"})
    return "; ".join(table.get(v, f"Unknown ({v})") for table, v in zip(tables, items[:4]))


def _af_points(value: Any) -> str:
    number = int(value)
    if number == 0:
        return "(none)"
    return ", ".join(AF_POINTS.get(bit, f"[{bit}]") for bit in range(16) if number >> bit & 1)


def _inverted_version(value: Any) -> Any:
    items = [b ^ 0xFF for b in _seq(value)]
    return f"{items[0]} " + " ".join(f"{v:02d}" for v in items[1:]) if len(items) == 4 else value


def _date(value: Any) -> Any:
    b = _seq(value)
    return f"{b[0] << 8 | b[1]:04d}:{b[2]:02d}:{b[3]:02d}" if len(b) == 4 else value


def _time(value: Any) -> Any:
    b = _seq(value)
    return f"{b[0]:02d}:{b[1]:02d}:{b[2]:02d}" if len(b) >= 3 else value


def _segments(value: Any) -> str:
    return " ".join(f"{v / 8 - 6:.1f}" for v in _seq(value))


def _matrix(value: Any) -> str:
    return " ".join(f"{v:.5f}" for v in _seq(value))


def _blob_text(value: Any) -> str:
    text = " ".join(str(v) for v in _seq(value))
    return f"(Binary data {len(text)} bytes, use -b option to extract)"


def _model_words(note: MakerNote) -> Any:
    # The model ID names the camera EXIF's Model names ("PENTAX *ist D" is "*ist D").
    model = note.model.strip()
    for prefix in ("PENTAX ", "Pentax ", "RICOH "):
        if model.startswith(prefix):
            model = model[len(prefix):]
    return lambda code: model or code


TABLE: dict[int, Tag] = {
    0x0000: Tag("PentaxVersion", lambda v: ".".join(str(x) for x in _seq(v)), form="int8u"),
    0x0001: Tag("PentaxModelType"),
    0x0002: Tag("PreviewImageSize", lambda v: "x".join(str(x) for x in _seq(v))),
    0x0003: Tag("PreviewImageLength"),
    0x0004: Tag("PreviewImageStart"),
    0x0006: Tag("Date", form="int8u", value=_date),
    0x0007: Tag("Time", form="int8u", value=_time),
    0x0008: Tag("Quality", {0: "Good", 1: "Better", 2: "Best", 3: "TIFF", 4: "RAW", 5: "Premium",
                            7: "RAW (pixel shift enabled)", 8: "Dynamic Pixel Shift", 65535: "n/a"}),
    0x0009: Tag("PentaxImageSize", IMAGE_SIZE),
    0x000c: Tag("FlashMode", lambda v: "; ".join(FLASH_MODE.get(x, f"Unknown ({x})") for x in _seq(v))),
    0x000d: Tag("FocusMode", FOCUS_MODE),
    0x000e: Tag("AFPointSelected", AF_POINT_SELECTED),
    0x0012: Tag("ExposureTime", exposure, value=lambda v: v / 1e5),
    0x0013: Tag("FNumber", _fnumber, value=lambda v: v / 10),
    0x0014: Tag("ISO", ISO),
    0x0016: Tag("ExposureCompensation", value=lambda v: (_seq(v)[0] - 50) / 10),
    0x0017: Tag("MeteringMode", METERING),
    0x0018: Tag("AutoBracketing"),
    0x0019: Tag("WhiteBalance", WHITE_BALANCE),
    0x001a: Tag("WhiteBalanceMode", WHITE_BALANCE_MODE),
    0x001d: Tag("FocalLength", lambda v: f"{v:.1f} mm", value=lambda v: v / 100),
    0x001e: Tag("DigitalZoom", value=lambda v: v / 100),
    0x001f: Tag("Saturation", _levels(LEVEL2, {0: "Normal", 1: "Low", 2: "High", 3: "Med Low", 4: "Med High",
                                               5: "Very Low", 6: "Very High"})),
    0x0020: Tag("Contrast", _levels(LEVEL2, {0: "Normal", 1: "Low", 2: "High", 3: "Med Low", 4: "Med High",
                                             5: "Very Low", 6: "Very High"})),
    0x0021: Tag("Sharpness", _levels(SHARP2, {0: "Normal", 1: "Soft", 2: "Hard", 3: "Med Soft", 4: "Med Hard",
                                              5: "Very Soft", 6: "Very Hard"})),
    0x0022: Tag("WorldTimeLocation", {0: "Hometown", 1: "Destination"}),
    0x0023: Tag("HometownCity", dict(enumerate(CITIES))),
    0x0024: Tag("DestinationCity", dict(enumerate(CITIES))),
    0x0025: Tag("HometownDST", NO_YES),
    0x0026: Tag("DestinationDST", NO_YES),
    0x0027: Tag("DSPFirmwareVersion", lambda v: str(v).replace(" ", "."), form="int8u", value=_inverted_version),
    0x0028: Tag("CPUFirmwareVersion", lambda v: str(v).replace(" ", "."), form="int8u", value=_inverted_version),
    0x0029: Tag("FrameNumber"),
    0x002d: Tag("EffectiveLV", lambda v: f"{v:.1f}", form="int16s", value=lambda v: v / 1024),
    0x0033: Tag("PictureMode", _picture_mode, form="int8u"),
    0x0034: Tag("DriveMode", _drive_mode, form="int8u"),
    0x0035: Tag("SensorSize", lambda v: f"{v[0]:g} x {v[1]:g} mm", value=lambda v: [x / 500 for x in _seq(v)]),
    0x0037: Tag("ColorSpace", {0: "sRGB", 1: "Adobe RGB"}),
    0x003c: Tag("AFPointsInFocus", _af_points, form="int32u", value=lambda v: _seq(v)[0] & 0x7FF),
    0x003d: Tag("DataScaling"),
    0x003e: Tag("PreviewImageBorders", form="int8u"),
    0x003f: Tag("LensType", form="int8u"),
    0x0047: Tag("CameraTemperature", lambda v: f"{v} C", form="int8s"),
    0x0048: Tag("AELock", OFF_ON),
    0x0049: Tag("NoiseReduction", OFF_ON),
    0x004d: Tag("FlashExposureComp", form="int32s", value=lambda v: v / 256),
    0x004f: Tag("ImageTone", {0: "Natural", 1: "Bright", 2: "Portrait", 3: "Landscape", 4: "Vibrant",
                              5: "Monochrome", 6: "Muted", 7: "Reversal Film", 8: "Bleach Bypass", 9: "Radiant",
                              10: "Cross Processing", 11: "Flat", 256: "Standard", 32768: "n/a"}),
    0x0050: Tag("ColorTemperature"),
    0x0200: Tag("BlackPoint"),
    0x0201: Tag("WhitePoint"),
    0x0203: Tag("ColorMatrixA", _matrix, form="int16s", value=lambda v: [x / 8192 for x in _seq(v)]),
    0x0204: Tag("ColorMatrixB", _matrix, form="int16s", value=lambda v: [x / 8192 for x in _seq(v)]),
    0x0209: Tag("AEMeteringSegments", _segments, form="int8u"),
    0x020a: Tag("FlashMeteringSegments", form="int8u"),
    0x020b: Tag("SlaveFlashMeteringSegments", form="int8u"),
    0x020d: Tag("WB_RGGBLevelsDaylight"),
    0x020e: Tag("WB_RGGBLevelsShade"),
    0x020f: Tag("WB_RGGBLevelsCloudy"),
    0x0210: Tag("WB_RGGBLevelsTungsten"),
    0x0211: Tag("WB_RGGBLevelsFluorescentD"),
    0x0212: Tag("WB_RGGBLevelsFluorescentN"),
    0x0213: Tag("WB_RGGBLevelsFluorescentW"),
    0x0214: Tag("WB_RGGBLevelsFlash"),
    0x0402: Tag("ToneCurve", _blob_text),
    0x0403: Tag("ToneCurves", _blob_text),
}


def matches(note: MakerNote) -> bool:
    return note.data[:4] == b"AOC\x00" or note.data[:8] == b"PENTAX \x00"


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    head = bytes(note.tiff[note.offset : note.offset + 10])
    if head.startswith(b"PENTAX \x00"):
        order, start, base = ("MM" if head[8:10] == b"MM" else "II"), note.offset + 10, note.offset
    else:
        mark = head[4:6]
        order = "MM" if mark == b"MM" else "II" if mark == b"II" else note.byte_order
        start, base = note.offset + 6, 0
    entries = outside(read_ifd(note.tiff, start, order, base=base, warnings=warnings), start,
                      directory_end(note.tiff, start, order))
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    table = {**TABLE, 0x0005: Tag("PentaxModelID", _model_words(note))}
    decode_entries(entries, table, "<" if order == "II" else ">", values, printed)
    shift(values, printed, ("PreviewImageStart",), base + note.file_offset)
    if "PreviewImageLength" in values and "PreviewImageStart" in values:
        put(values, printed, "PreviewImage", f"(Binary data {values['PreviewImageLength']} bytes, use -b option to extract)")
    endian = "<" if order == "II" else ">"
    for number, unpack in ((0x0205, _camera_settings), (0x0206, _ae_info), (0x0207, _lens_info),
                           (0x0215, _camera_info), (0x0216, _battery_info)):
        entry = entries.get(number)
        if entry is not None:
            try:
                unpack(entry.raw, endian, values, printed)
            except (IndexError, struct.error, ValueError, OverflowError):
                warnings.append(f"MakerNotes: the Pentax record 0x{number:04x} is shorter than its layout")
    return values, printed


def _ev(value: int) -> float:
    # Pentax writes EV in eighths, rounding thirds to 3/8 and 5/8.
    sign = -1 if value < 0 else 1
    value = abs(value)
    whole, frac = divmod(value, 8)
    part = {3: 1 / 3, 5: 2 / 3}.get(frac, frac / 8)
    return sign * (whole + part)


def _camera_settings(raw: bytes, endian: str, values: dict, printed: dict) -> None:
    if len(raw) < 11:
        return
    put(values, printed, "PictureMode2", raw[0], {0: "Scene Mode", 1: "Auto PICT", 2: "Program AE", 3: "Green Mode",
                                                  4: "Shutter Speed Priority", 5: "Aperture Priority",
                                                  6: "Program Tv Shift", 7: "Program Av Shift", 8: "Manual",
                                                  9: "Bulb", 10: "Aperture Priority, Off-Auto-Aperture",
                                                  11: "Manual, Off-Auto-Aperture", 12: "Bulb, Off-Auto-Aperture",
                                                  13: "Shutter & Aperture Priority AE",
                                                  15: "Sensitivity Priority AE", 16: "Flash X-Sync Speed AE"})
    put(values, printed, "ProgramLine", raw[1] & 0x03, {0: "Normal", 1: "Hi Speed", 2: "Depth", 3: "MTF"})
    put(values, printed, "EVSteps", raw[1] >> 5 & 1, {0: "1/2 EV Steps", 1: "1/3 EV Steps"})
    put(values, printed, "E-DialInProgram", raw[1] >> 6 & 1, {0: "Tv or Av", 1: "P Shift"})
    put(values, printed, "ApertureRingUse", raw[1] >> 7 & 1, {0: "Prohibited", 1: "Permitted"})
    put(values, printed, "FlashOptions", raw[2] >> 4, {0: "Normal", 1: "Red-eye reduction", 2: "Auto",
                                                       3: "Auto, Red-eye reduction", 5: "Wireless (Master)",
                                                       6: "Wireless (Control)", 8: "Slow-sync",
                                                       9: "Slow-sync, Red-eye reduction",
                                                       10: "Trailing-curtain Sync"})
    put(values, printed, "MeteringMode2", raw[2] & 0x0F, {0: "Multi-segment", 1: "Center-weighted average",
                                                          2: "Spot"})
    put(values, printed, "AFPointMode", raw[3] >> 4, {0: "Auto", 1: "Select", 2: "Fixed Center"})
    put(values, printed, "FocusMode2", raw[3] & 0x0F, {0: "Manual", 1: "AF-S", 2: "AF-C", 3: "AF-A"})
    point = struct.unpack_from(endian + "H", raw, 4)[0]
    put(values, printed, "AFPointSelected2", point, lambda v: "Auto" if v == 0 else _af_points(v))
    put(values, printed, "ISOFloor", int(100 * 2 ** _ev(raw[6] - 32) + 0.5))
    drive = raw[7]
    put(values, printed, "DriveMode2", drive, lambda v: "Single-frame" if v == 0 else ", ".join(
        name for bit, name in ((0, "Continuous"), (1, "Continuous (Lo)"), (2, "Self-timer (12 s)"),
                               (3, "Self-timer (2 s)"), (4, "Remote Control (3 s delay)"), (5, "Remote Control"),
                               (6, "Exposure Bracket"), (7, "Multiple Exposure")) if v >> bit & 1))
    put(values, printed, "ExposureBracketStepSize", raw[8], {3: "0.3", 4: "0.5", 5: "0.7", 8: "1.0", 11: "1.3",
                                                             12: "1.5", 13: "1.7", 16: "2.0"})
    put(values, printed, "BracketShotNumber", raw[9], {0: "n/a", 0x02: "1 of 2", 0x12: "2 of 2", 0x03: "1 of 3",
                                                       0x13: "2 of 3", 0x23: "3 of 3", 0x05: "1 of 5",
                                                       0x15: "2 of 5", 0x25: "3 of 5", 0x35: "4 of 5",
                                                       0x45: "5 of 5"})
    put(values, printed, "WhiteBalanceSet", raw[10] & 0xF0, {0: "Auto", 16: "Daylight", 32: "Shade", 48: "Cloudy",
                                                             64: "Daylight Fluorescent", 80: "Day White Fluorescent",
                                                             96: "White Fluorescent", 112: "Tungsten", 128: "Flash",
                                                             144: "Manual", 192: "Set Color Temperature 1",
                                                             208: "Set Color Temperature 2",
                                                             224: "Set Color Temperature 3"})
    put(values, printed, "MultipleExposureSet", raw[10] & 0x0F, OFF_ON)


def _time_ae(value: int) -> float:
    return 24 * 2 ** (-(value - 32) / 8)


def _aperture_ae(value: int) -> float:
    return 2 ** ((value - 68) / 16)


def _ae_info(raw: bytes, endian: str, values: dict, printed: dict) -> None:
    if len(raw) not in (14, 16):  # the first layout; later cameras write longer, rearranged records
        return
    put(values, printed, "AEExposureTime", _time_ae(raw[0]), exposure)
    put(values, printed, "AEAperture", _aperture_ae(raw[1]), _fnumber)
    put(values, printed, "AE_ISO", int(100 * 2 ** ((raw[2] - 32) / 8) + 0.5))
    put(values, printed, "AEXv", (raw[3] - 64) / 8)
    put(values, printed, "AEBXv", struct.unpack_from("b", raw, 4)[0] / 8)
    put(values, printed, "AEMinExposureTime", _time_ae(raw[5]), exposure)
    put(values, printed, "AEProgramMode", raw[6], {0: "M, P or TAv", 1: "Av, B or X", 2: "Tv", 3: "Sv or Green Mode",
                                                   8: "Hi-speed Program", 11: "Hi-speed Program (P-Shift)",
                                                   16: "DOF Program", 19: "DOF Program (P-Shift)",
                                                   24: "MTF Program", 27: "MTF Program (P-Shift)", 35: "Standard",
                                                   43: "Portrait", 51: "Landscape", 59: "Macro", 67: "Sport",
                                                   75: "Night Scene Portrait", 83: "No Flash", 91: "Night Scene",
                                                   99: "Surf & Snow", 104: "Night Snap", 107: "Text",
                                                   115: "Sunset", 123: "Kids", 131: "Pet", 139: "Candlelight",
                                                   144: "SCN", 147: "Museum", 160: "Program",
                                                   184: "Shallow DOF Program", 216: "HDR"})
    put(values, printed, "AEApertureSteps", raw[8])
    put(values, printed, "AEMaxAperture", _aperture_ae(raw[9]), _fnumber)
    put(values, printed, "AEMaxAperture2", _aperture_ae(raw[10]), _fnumber)
    put(values, printed, "AEMinAperture", _aperture_ae(raw[11]), _fnumber)
    put(values, printed, "AEMeteringMode", raw[12], {0: "Multi-segment", 16: "Center-weighted average", 32: "Spot"})


_MIN_FOCUS = {0: "0.13-0.19 m", 1: "0.20-0.24 m", 2: "0.25-0.28 m", 3: "0.28-0.30 m", 4: "0.35-0.38 m",
              5: "0.40-0.45 m", 6: "0.49-0.50 m", 7: "0.6 m", 8: "0.7 m", 9: "0.8-0.9 m", 10: "1.0 m",
              11: "1.1-1.2 m", 12: "1.4-1.5 m", 13: "1.5 m", 14: "2.0 m", 15: "2.0-2.1 m", 16: "2.1 m",
              17: "2.2-2.9 m", 18: "3.0 m", 19: "4-5 m", 20: "5.6 m"}
_FOCUS_RANGE = {7: "0 (very close)", 6: "1 (close)", 4: "2", 5: "3", 1: "4", 0: "5", 2: "6 (far)", 3: "7 (very far)"}


def _lens_info(raw: bytes, endian: str, values: dict, printed: dict) -> None:
    # Where the lens data starts depends on the record's length (the camera generation).
    start = {36: 3, 21: 4}.get(len(raw))
    if start is None or len(raw) < start + 15:
        return
    put(values, printed, "LensType", list(raw[:2]) if start == 3 else list(raw[:4]))
    data = raw[start:]
    put(values, printed, "AutoAperture", data[0] & 1, {0: "On", 1: "Off"})
    put(values, printed, "MinAperture", data[0] >> 1 & 3, {0: 22, 1: 32, 2: 45, 3: 16})
    put(values, printed, "LensFStops", 5 + ((data[0] >> 4 & 7) ^ 7) / 2)
    put(values, printed, "MinFocusDistance", data[3] >> 3, _MIN_FOCUS)
    put(values, printed, "FocusRangeIndex", data[3] & 7, _FOCUS_RANGE)
    focal = data[9]
    put(values, printed, "LensFocalLength", 10 * (focal >> 2) * 4 ** ((focal & 3) - 2),
        lambda v: f"{v:.1f} mm")
    put(values, printed, "NominalMaxAperture", 2 ** ((data[10] >> 4) / 4), _fnumber)
    put(values, printed, "NominalMinAperture", 2 ** (((data[10] & 0x0F) + 10) / 4), _fnumber)
    put(values, printed, "MaxAperture", 2 ** (((data[14] & 0x7F) - 1) / 32), _fnumber)


def _camera_info(raw: bytes, endian: str, values: dict, printed: dict) -> None:
    if len(raw) < 20:
        return
    words = struct.unpack(endian + "5I", raw[:20])
    date = str(words[1])
    if len(date) == 8:
        put(values, printed, "ManufactureDate", f"{date[:4]}:{date[4:6]}:{date[6:]}")
    put(values, printed, "ProductionCode", float(f"{words[2]}.{words[3]}"))
    put(values, printed, "InternalSerialNumber", words[4])


def _battery_info(raw: bytes, endian: str, values: dict, printed: dict) -> None:
    if len(raw) != 6:  # the layout of the first generation (*ist D): others differ
        return
    put(values, printed, "PowerSource", raw[0] & 0x0F, {1: "Camera Battery", 2: "Body Battery", 3: "Grip Battery",
                                                        4: "External Power Supply"})
    put(values, printed, "BodyBatteryState", raw[1] >> 4, {1: "Empty or Missing", 2: "Almost Empty",
                                                           3: "Running Low", 4: "Full"})
    for index, name in ((2, "BodyBatteryADNoLoad"), (3, "BodyBatteryADLoad"), (4, "GripBatteryADNoLoad"),
                        (5, "GripBatteryADLoad")):
        put(values, printed, name, raw[index])
