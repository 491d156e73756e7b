"""Apple (iOS) maker notes under ExifTool's names.

Layout (community-documented): "Apple iOS\\0", a 2-byte version, "MM", then a big-endian IFD at offset 14
whose value offsets count from the note's start. Some values are binary property lists (RunTime).
"""

import plistlib
from typing import Any

from .base import MakerNote, read_ifd
from .common import Numbers, bits, put

_HEADER = b"Apple iOS\x00"


def matches(note: MakerNote) -> bool:
    return bytes(note.tiff[note.offset : note.offset + 10]) == _HEADER


def _ten(value: float) -> str:
    return f"{value:.10g}"


def _range(value: Any) -> str:
    low, high = sorted(float(v) for v in str(value).split())
    return f"{low:.2f} - {high:.2f} m"


_YES_NO = {0: "No", 1: "Yes"}

# id -> (name, printed conversion)
TAGS: dict[int, tuple[str, Any]] = {
    0x0001: ("MakerNoteVersion", None),
    0x0004: ("AEStable", _YES_NO),
    0x0005: ("AETarget", None),
    0x0006: ("AEAverage", None),
    0x0007: ("AFStable", _YES_NO),
    0x0008: ("AccelerationVector", None),
    0x000A: ("HDRImageType", {3: "HDR Image", 4: "Original Image"}),
    0x000B: ("BurstUUID", None),
    0x000C: ("FocusDistanceRange", _range),
    0x000F: ("OISMode", None),
    0x0011: ("MediaGroupUUID", None),
    0x0014: ("ImageCaptureType", {1: "ProRAW", 2: "Portrait", 10: "Photo", 11: "Manual Focus", 12: "Scene"}),
    0x0015: ("ImageUniqueID", None),
    0x0017: ("LivePhotoVideoIndex", None),
    0x001F: ("PhotosAppFeatureFlags", None),
    0x0020: ("ImageCaptureRequestID", None),
    0x0021: ("HDRHeadroom", None),
    0x0023: ("AFPerformance", None),
    0x0026: ("SignalToNoiseRatioType", None),
    0x0027: ("SignalToNoiseRatio", None),
    0x002B: ("PhotoIdentifier", None),
    0x002D: ("ColorTemperature", None),
    0x002E: ("CameraType", {0: "Back Wide Angle", 1: "Back Normal", 6: "Front"}),
    0x002F: ("FocusPosition", None),
    0x0030: ("HDRGain", None),
    0x0038: ("AFMeasuredDepth", None),
    0x003D: ("AFConfidence", None),
    0x0041: ("SemanticStyleRenderingVer", None),
}
_RUN_TIME_FLAGS = bits({1: "Valid", 2: "Has been rounded", 4: "Positive infinity", 8: "Negative infinity",
                        16: "Indefinite"})


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    data = memoryview(note.tiff)[note.offset : note.offset + note.length]
    entries = read_ifd(data, 14, "MM", warnings=warnings)
    for tag, (name, conversion) in TAGS.items():
        entry = entries.get(tag)
        if entry is None:
            continue
        value = entry.value
        if isinstance(value, bytes):
            continue  # binary property lists and blobs other than RunTime are not shown by name here
        if isinstance(value, list):
            value = Numbers(float(_ten(v)) if isinstance(v, float) else v for v in value)  # rationals: 10 digits
        elif isinstance(value, float):
            value = float(_ten(value))
        put(values, printed, name, value, conversion)
    run_time = entries.get(0x0003)
    if run_time is not None and run_time.raw.startswith(b"bplist"):
        try:
            record = plistlib.loads(run_time.raw)
        except Exception:  # a damaged property list: the other tags still stand
            record = None
        if isinstance(record, dict):
            for key, name in (("flags", "RunTimeFlags"), ("value", "RunTimeValue"), ("epoch", "RunTimeEpoch"),
                              ("timescale", "RunTimeScale")):
                if isinstance(record.get(key), int):
                    put(values, printed, name, record[key], _RUN_TIME_FLAGS if key == "flags" else None)
    return values, printed
