"""Canon's custom functions record (maker-note tag 0x0099, CustomFunctions2) under ExifTool's names.

Layout (public Canon maker-note documentation): 32-bit words: the record's size, the number of groups;
then per group its number, its size in bytes (from the size word on) and its entry count, then entries of (function id, value
count, values...). The ids are Canon's: 0x01xx exposure, 0x02xx image, 0x03xx flash, 0x04xx display,
0x05xx autofocus, 0x06xx drive, 0x07xx operation, 0x08xx others. Only the functions whose meaning is
documented the same across bodies are named here; the others are skipped.
"""

import struct
from typing import Any

from .common import put, spaced


def _shots(value: Any) -> str:
    first = int(str(value).split()[0])
    return {2: "2 shots", 3: "3 shots", 5: "5 shots", 7: "7 shots"}.get(first, str(value))


def _area_select(value: Any) -> str:
    parts = [int(v) for v in str(value).split()]
    mode = {0: "Disable", 1: "Enable", 2: "Register", 3: "Select AF-modes"}.get(parts[0], str(parts[0]))
    return f"{mode}; Flags 0x{parts[1]:x}" if len(parts) > 1 else mode


def _micro(value: Any) -> str:
    parts = str(value).split()
    mode = {"0": "Disable", "1": "Adjust all by same amount", "2": "Adjust by lens"}.get(parts[0], parts[0])
    return "; ".join([mode] + parts[1:])


def _multi_lock(value: Any) -> str:
    parts = [int(v) for v in str(value).split()]
    state = {0: "Off", 1: "On"}.get(parts[0], str(parts[0]))
    if len(parts) < 2:
        return state
    dials = [name for bit, name in ((1, "Main dial"), (2, "Quick control dial"), (4, "Multi-controller"))
             if parts[1] & bit]
    return f"{state}; {', '.join(dials) if dials else '(none)'}"


def _warnings(value: Any) -> str:
    value = int(value)
    names = [name for bit, name in ((1, "Monochrome"), (2, "WB corrected"), (4, "One-touch image quality"),
                                    (8, "ISO expansion"), (16, "Spot metering")) if value & bit]
    return ", ".join(names) if names else "(none)"


def _partial(table: dict[int, str]):  # type: ignore[no-untyped-def]
    """Words for the settings that mean the same on every body; other settings print as their number."""
    return lambda value: table.get(value, value)


_ON_OFF = {0: "On", 1: "Off"}
_DISABLE_ENABLE = {0: "Disable", 1: "Enable"}
_OFF_ON = {0: "Off", 1: "On"}

FUNCTIONS: dict[int, tuple[str, Any]] = {
    0x0101: ("ExposureLevelIncrements", {0: "1/3 Stop", 1: "1/2 Stop"}),
    0x0102: ("ISOSpeedIncrements", {0: "1/3 Stop", 1: "1 Stop"}),
    0x0103: ("ISOExpansion", _OFF_ON),
    0x0104: ("AEBAutoCancel", _ON_OFF),
    0x0105: ("AEBSequence", {0: "0,-,+", 1: "-,0,+", 2: "+,0,-"}),
    0x0106: ("AEBShotCount", _shots),
    0x0107: ("SpotMeterLinkToAFPoint", {0: "Disable (use center AF point)", 1: "Enable (use active AF point)"}),
    0x0108: ("SafetyShift", {0: "Disable", 1: "Enable (Tv/Av values)", 2: "Enable (ISO speed)"}),
    0x010F: ("FlashSyncSpeedAv", _partial({0: "Auto"})),
    0x0201: ("LongExposureNoiseReduction", {0: "Off", 1: "Auto", 2: "On"}),
    0x0202: ("HighISONoiseReduction", {0: "Standard", 1: "Low", 2: "Strong", 3: "Off"}),
    0x0203: ("HighlightTonePriority", _DISABLE_ENABLE),
    0x0204: ("AutoLightingOptimizer", {0: "Standard", 1: "Low", 2: "Strong", 3: "Disable"}),
    0x0304: ("ETTLII", {0: "Evaluative", 1: "Average"}),
    0x0305: ("ShutterCurtainSync", {0: "1st-curtain sync", 1: "2nd-curtain sync"}),
    0x0306: ("FlashFiring", {0: "Fires", 1: "Does not fire"}),
    0x0407: ("ViewInfoDuringExposure", _DISABLE_ENABLE),
    0x0408: ("LCDIlluminationDuringBulb", _OFF_ON),
    0x0409: ("InfoButtonWhenShooting", {0: "Displays camera settings", 1: "Displays shooting functions"}),
    0x040A: ("ViewfinderWarnings", _warnings),
    0x0501: ("USMLensElectronicMF", {0: "Enable after one-shot AF", 1: "Disable after one-shot AF",
                                     2: "Disable in AF mode"}),
    0x0502: ("AIServoTrackingSensitivity", {-2: "Slow", -1: "Medium Slow", 0: "Standard", 1: "Medium Fast",
                                            2: "Fast"}),
    0x0504: ("AIServoTrackingMethod", {0: "Main focus point priority", 1: "Continuous AF track priority"}),
    0x0505: ("LensDriveNoAF", {0: "Focus search on", 1: "Focus search off"}),
    0x0507: ("AFMicroadjustment", _micro),
    0x050C: ("AFPointDisplayDuringFocus", {0: "Selected (constant)", 1: "All (constant)",
                                           2: "Selected (pre-AF, focused)", 3: "Selected (focused)",
                                           4: "Disable display"}),
    0x050D: ("AFPointBrightness", {0: "Normal", 1: "Brighter"}),
    0x050E: ("AFAssistBeam", {0: "Emits", 1: "Does not emit", 2: "IR AF assist beam only"}),
    0x050F: ("AFPointSelectionMethod", {0: "Normal", 1: "Multi-controller direct", 2: "Quick Control Dial direct"}),
    0x0510: ("SuperimposedDisplay", _ON_OFF),
    0x0511: ("AFDuringLiveView", {0: "Disable", 1: "Quick mode", 2: "Live mode"}),
    0x0512: ("SelectAFAreaSelectMode", _area_select),
    0x0513: ("ManualAFPointSelectPattern", {0: "Stops at AF area edges", 1: "Continuous"}),
    0x0516: ("OrientationLinkedAFPoint", {0: "Same for vertical and horizontal", 1: "Select different AF points"}),
    0x0518: ("AccelerationTracking", None),
    0x0519: ("AIServoFirstImagePriority", {0: "Equal priority", 1: "Release priority", 2: "Focus priority"}),
    0x051A: ("AIServoSecondImagePriority", {0: "Equal priority", 1: "Release priority", 2: "Focus priority",
                                            3: "Release high priority", 4: "Focus high priority"}),
    0x051B: ("AFAreaSelectMethod", {0: "AF area selection button", 1: "Main dial"}),
    0x060F: ("MirrorLockup", {0: "Disable", 1: "Enable", 2: "Enable: Down with Set"}),
    0x0701: ("Shutter-AELock", {0: "AF/AE lock", 1: "AE lock/AF", 2: "AF/AF lock, No AE lock",
                                3: "AE/AF, No AE lock"}),
    0x0702: ("AFOnAELockButtonSwitch", _DISABLE_ENABLE),
    0x0704: ("SetButtonWhenShooting", _partial({0: "Normal (disabled)"})),
    0x0705: ("ManualTv", {0: "Tv=Main/Av=Control", 1: "Tv=Control/Av=Main"}),
    0x0706: ("DialDirectionTvAv", {0: "Normal", 1: "Reversed"}),
    0x0707: ("AvSettingWithoutLens", _DISABLE_ENABLE),
    0x070C: ("CustomControls", None),
    0x070F: ("MultiFunctionLock", _multi_lock),
    0x080D: ("ShortReleaseTimeLag", _DISABLE_ENABLE),
    0x080E: ("AddAspectRatioInfo", {0: "Off", 1: "6:6", 2: "3:4", 3: "4:5", 4: "6:7", 5: "10:12", 6: "5:7"}),
    0x080F: ("AddOriginalDecisionData", _OFF_ON),
    0x0810: ("LiveViewExposureSimulation", {0: "Disable (LCD auto adjust)", 1: "Enable (simulates exposure)"}),
    0x0811: ("LCDDisplayAtPowerOn", {0: "Display", 1: "Retain power off status"}),
}
_MAX_GROUPS = 16
_MAX_ENTRIES = 200


def _filter(value: Any) -> Any:
    return "Off" if value == -1 else value


# FilterInfo (maker-note tag 0x4024): the creative filters, in the same grouped layout.
FILTERS: dict[int, tuple[str, Any]] = {
    0x0101: ("GrainyBWFilter", _filter),
    0x0201: ("SoftFocusFilter", _filter),
    0x0301: ("ToyCameraFilter", _filter),
    0x0401: ("MiniatureFilter", _filter),
    0x0402: ("MiniatureFilterOrientation", {0: "Horizontal", 1: "Vertical"}),
    0x0403: ("MiniatureFilterPosition", None),
    0x0404: ("MiniatureFilterParameter", None),
    0x0501: ("FisheyeFilter", _filter),
    0x0601: ("PaintingFilter", _filter),
    0x0701: ("WatercolorFilter", _filter),
}


def read_custom_functions2(raw: bytes, order: str, values: dict[str, Any], printed: dict[str, Any],
                           functions: dict[int, tuple[str, Any]] = FUNCTIONS) -> None:
    """The named functions of a grouped record (CustomFunctions2, FilterInfo); one that does not add up is left."""
    endian = "<" if order == "II" else ">"
    if len(raw) < 8:
        return
    size, groups = struct.unpack_from(endian + "II", raw, 0)
    if size > len(raw) or groups > _MAX_GROUPS:
        return
    position = 8
    for _group in range(groups):
        if position + 12 > size:
            return
        _number, group_size, count = struct.unpack_from(endian + "III", raw, position)
        end = position + 4 + group_size  # the size counts itself, the entry count and the entries
        position += 12
        if end > size or count > _MAX_ENTRIES:
            return
        for _entry in range(count):
            if position + 8 > end:
                break
            function, n = struct.unpack_from(endian + "II", raw, position)
            position += 8
            if n == 0 or position + 4 * n > end:
                break
            words = struct.unpack_from(endian + "i" * n, raw, position)
            position += 4 * n
            known = functions.get(function)
            if known is not None:
                name, conversion = known
                put(values, printed, name, words[0] if n == 1 else spaced(words), conversion)
        position = end
