"""Derives ExifTool's Composite tags (ImageSize, Megapixels, GPSPosition, ...) from the other groups."""

from typing import Any


def build_composite(groups: dict[str, dict[str, Any]], summary: dict[str, Any]) -> dict[str, Any]:
    width, height = summary["ImageWidth"], summary["ImageHeight"]
    exif = groups.get("EXIF", {})
    composite: dict[str, Any] = {"ImageSize": f"{width}x{height}", "Megapixels": round(width * height / 1e6, 6)}
    if "ExposureTime" in summary:
        composite["ShutterSpeed"] = summary["ExposureTime"]
    if "FNumber" in summary:
        composite["Aperture"] = summary["FNumber"]
    for key in ("GPSLatitude", "GPSLongitude", "GPSAltitude"):
        if key in summary:
            composite[key] = summary[key]
    if "GPSLatitude" in summary and "GPSLongitude" in summary:
        composite["GPSPosition"] = f"{summary['GPSLatitude']} {summary['GPSLongitude']}"
    if "LensModel" in summary:
        composite["LensID"] = summary["LensModel"]
    for key, sub in (("DateTimeOriginal", "SubSecTimeOriginal"), ("CreateDate", "SubSecTimeDigitized"),
                     ("ModifyDate", "SubSecTime")):
        value = exif.get(key)
        if isinstance(value, str) and value:
            fraction = exif.get(sub)
            offset = exif.get({"DateTimeOriginal": "OffsetTimeOriginal", "CreateDate": "OffsetTimeDigitized",
                               "ModifyDate": "OffsetTime"}[key])
            if fraction is not None or offset:
                composite[f"SubSec{key}"] = value + (f".{fraction}" if fraction is not None else "") + (offset or "")
    focal35 = exif.get("FocalLengthIn35mmFormat")
    focal = summary.get("FocalLength")
    if isinstance(focal35, (int, float)) and focal35:
        composite["FocalLength35efl"] = focal35
        if isinstance(focal, (int, float)) and focal:
            composite["ScaleFactor35efl"] = focal35 / focal
    return composite
