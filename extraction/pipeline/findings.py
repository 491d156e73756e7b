"""The analysis stage: what the metadata says about privacy and provenance."""

import re
from typing import Any

Finding = dict[str, str]

_SERIALS = (("EXIF", "SerialNumber"), ("EXIF", "LensSerialNumber"), ("MakerNotes", "SerialNumber"),
            ("MakerNotes", "InternalSerialNumber"), ("XMP", "SerialNumber"), ("XMP", "LensSerialNumber"))
_PEOPLE = (("EXIF", "Artist"), ("EXIF", "OwnerName"), ("EXIF", "XPAuthor"), ("EXIF", "Copyright"),
           ("MakerNotes", "OwnerName"), ("XMP", "Creator"), ("XMP", "Rights"), ("IPTC", "By-line"),
           ("IPTC", "CopyrightNotice"))
_METADATA_GROUPS = ("EXIF", "XMP", "IPTC", "MakerNotes")
# Cameras and phones write their firmware version as Software ("13.4.1", "Ver.5.01"): that is not an edit.
_FIRMWARE = re.compile(r"^(v(er)?\.?\s*)?[\d.\s_-]+[a-z]?$|firmware", re.I)


def analyse(result: dict[str, Any]) -> list[Finding]:
    """Return findings as {code, severity, message} for one extracted image."""
    summary, groups = result["summary"], result["groups"]
    findings: list[Finding] = []
    if "GPSLatitude" in summary and "GPSLongitude" in summary:
        where = f"{summary['GPSLatitude']:.6f}, {summary['GPSLongitude']:.6f}"
        if "GPSAltitude" in summary:
            where += f" at {summary['GPSAltitude']:.1f} m"
        if summary["GPSLatitude"] == 0 and summary["GPSLongitude"] == 0:
            findings.append(_finding("gps_location", "low", "The image has GPS tags, but at 0, 0: probably no fix."))
        else:
            findings.append(_finding("gps_location", "high", f"The image records where it was taken: {where}."))
    serials = _values(groups, _SERIALS)
    if serials:
        findings.append(_finding("device_serial_number", "medium",
                                 f"The image records device serial numbers: {', '.join(serials)}."))
    people = _values(groups, _PEOPLE)
    if people:
        findings.append(_finding("personal_names", "medium",
                                 f"The image names its owner, author or rights holder: {', '.join(people)}."))
    software = summary.get("Software") or groups.get("XMP", {}).get("CreatorTool")
    if software and not _is_firmware(str(software), str(summary.get("Model", ""))):
        findings.append(_finding("edited_by_software", "info", f"The image was written by software: {software}."))
    original, modified = groups.get("EXIF", {}).get("DateTimeOriginal"), groups.get("EXIF", {}).get("ModifyDate")
    if isinstance(original, str) and isinstance(modified, str) and original and modified and original != modified:
        findings.append(_finding("modified_after_capture", "low",
                                 f"The image was taken at {original} but modified at {modified}."))
    exif = groups.get("EXIF", {})
    exif_size = (exif.get("ExifImageWidth"), exif.get("ExifImageHeight"))
    real = (summary["ImageWidth"], summary["ImageHeight"])
    if all(isinstance(v, int) and v > 0 for v in exif_size) and exif_size not in (real, real[::-1]):
        findings.append(_finding("dimensions_mismatch", "low",
                                 f"EXIF says {exif_size[0]}x{exif_size[1]} but the image is {real[0]}x{real[1]}: "
                                 "it was probably resized or cropped after capture."))
    if not any(groups.get(name) for name in _METADATA_GROUPS):
        findings.append(_finding("no_metadata", "info", "The image carries no EXIF, XMP or IPTC metadata."))
    return findings


def _is_firmware(software: str, model: str) -> bool:
    software = software.strip()
    return bool(_FIRMWARE.search(software)) or bool(model and software.upper().startswith(model.upper()))


def _finding(code: str, severity: str, message: str) -> Finding:
    return {"code": code, "severity": severity, "message": message}


def _values(groups: dict[str, Any], places: tuple[tuple[str, str], ...]) -> list[str]:
    seen: list[str] = []
    for group, tag in places:
        value = groups.get(group, {}).get(tag)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, int)) and str(item).strip() and str(item).strip() not in seen:
                seen.append(str(item).strip())
    return seen
