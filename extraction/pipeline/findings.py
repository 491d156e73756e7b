"""The analysis stage: what the metadata says about privacy and provenance."""

from typing import Any


def analyse(metadata: dict[str, Any]) -> list[dict[str, str]]:
    """Return findings as {code, severity, message} for the metadata of one image."""
    summary = metadata.get("summary", {})
    findings = []
    if "GPSLatitude" in summary and "GPSLongitude" in summary:
        findings.append({
            "code": "gps_location",
            "severity": "high",
            "message": f"The image records where it was taken: {summary['GPSLatitude']}, {summary['GPSLongitude']}.",
        })
    if "Software" in summary:
        findings.append({
            "code": "edited_by_software",
            "severity": "info",
            "message": f"The image was written by software: {summary['Software']}.",
        })
    if not metadata.get("groups", {}).get("EXIF"):
        findings.append({"code": "no_metadata", "severity": "info", "message": "The image carries no EXIF metadata."})
    return findings
