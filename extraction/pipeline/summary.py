"""Picks the key fields, under ExifTool's names and units, from the groups that hold them."""

import math
import re
from typing import Any

from .timezone import capture_time_zone

# For each key field, where to look, best source first (ExifTool's tag priority).
_SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "Make": (("EXIF", "Make"), ("MakerNotes", "Make"), ("XMP", "Make")),
    "Model": (("EXIF", "Model"), ("MakerNotes", "Model"), ("XMP", "Model")),
    "LensModel": (("EXIF", "LensModel"), ("MakerNotes", "LensModel"), ("XMP", "LensModel"), ("APP1", "LensModel")),
    "Software": (("EXIF", "Software"), ("PNG", "Software"), ("XMP", "Software")),
    "DateTimeOriginal": (("EXIF", "DateTimeOriginal"), ("MakerNotes", "DateTimeOriginal"), ("APP1", "DateTimeOriginal"),
                         ("XMP", "DateTimeOriginal")),
    "ExposureTime": (("EXIF", "ExposureTime"), ("MakerNotes", "ExposureTime"), ("XMP", "ExposureTime")),
    "FNumber": (("EXIF", "FNumber"), ("MakerNotes", "FNumber"), ("XMP", "FNumber")),
    "ISO": (("EXIF", "ISO"), ("MakerNotes", "ISO"), ("XMP", "ISO")),
    "FocalLength": (("EXIF", "FocalLength"), ("MakerNotes", "FocalLength"), ("XMP", "FocalLength")),
    "Orientation": (("EXIF", "Orientation"), ("XMP", "Orientation")),
}
_NUMBERS = {"ExposureTime", "FNumber", "ISO", "FocalLength", "Orientation"}
# Key fields with a closed range: a value outside it is junk (a misread tag), and the next source is tried.
_RANGES = {"Orientation": (1, 8)}
_XMP_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?")


def build_summary(groups: dict[str, dict[str, Any]], width: int, height: int) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    chosen: dict[str, tuple[str, Any]] = {}  # key -> ("Group:Tag", the value as stored)
    for key, sources in _SOURCES.items():
        for group, tag in sources:
            raw = groups.get(group, {}).get(tag)
            value = _clean(key, raw)
            if value is not None:
                summary[key] = value
                chosen[key] = (f"{group}:{tag}", raw)
                break
    summary["ImageWidth"], summary["ImageHeight"] = width, height
    position = gps_position(groups.get("EXIF", {}))
    if not position:  # FLIR thermal cameras keep GPS in their own APP1 record, already signed
        position = {k: v for k, v in groups.get("APP1", {}).items() if k in ("GPSLatitude", "GPSLongitude", "GPSAltitude")}
    summary.update(_on_the_globe(position))
    original_tag, original = chosen.get("DateTimeOriginal", (None, None))
    summary.update(capture_time_zone(groups, original, original_tag))
    return summary


def _on_the_globe(position: dict[str, Any]) -> dict[str, Any]:
    """The position without a latitude past the poles or a longitude past the date line (misread tags)."""
    limits = {"GPSLatitude": 90, "GPSLongitude": 180}
    return {key: value for key, value in position.items()
            if isinstance(value, (int, float)) and math.isfinite(value) and abs(value) <= limits.get(key, math.inf)}


def _clean(key: str, value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    if key in _NUMBERS:
        number = to_number(value)
        if number is not None and key in _RANGES:
            low, high = _RANGES[key]
            return int(number) if number == int(number) and low <= number <= high else None
        return number
    if key == "DateTimeOriginal" and isinstance(value, str):
        match = _XMP_DATE.match(value)
        if match:
            y, mo, d, h, mi, s = match.groups()
            return f"{y}:{mo}:{d} {h}:{mi}:{s or '00'}"
    if isinstance(value, str):
        value = value.strip().strip("\x00").strip()
        return value or None
    return value


def to_number(value: Any) -> float | int | None:
    """A number from an EXIF number or an XMP string ("1/60", "2.8")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                return float(num) / float(den) if float(den) else None
            number = float(text)
            if not math.isfinite(number):
                return None
            return int(number) if number.is_integer() and "." not in text else number
        except ValueError:
            return None
    return None


def gps_position(gps: dict[str, Any]) -> dict[str, float]:
    """Signed decimal degrees (south and west negative) and signed altitude, as ExifTool's Composite tags."""
    out: dict[str, float] = {}
    for key, ref_key, negative in (("GPSLatitude", "GPSLatitudeRef", "S"), ("GPSLongitude", "GPSLongitudeRef", "W")):
        degrees = _degrees(gps.get(key))
        if degrees is None:
            continue
        ref = gps.get(ref_key)
        if isinstance(ref, str) and ref.strip().upper().startswith(negative):
            degrees = -degrees
        out[key] = degrees
    altitude = gps.get("GPSAltitude")
    if isinstance(altitude, (int, float)):
        ref = gps.get("GPSAltitudeRef")
        out["GPSAltitude"] = -altitude if ref == 1 else altitude
    return out


def _degrees(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, list) or not value or any(not isinstance(v, (int, float)) for v in value):
        return None
    parts = list(value[:3]) + [0.0] * (3 - len(value[:3]))
    return parts[0] + parts[1] / 60 + parts[2] / 3600
