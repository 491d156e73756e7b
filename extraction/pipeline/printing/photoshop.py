"""Photoshop (image resources) printed values: codes from Adobe's Photoshop File Formats Specification."""

from typing import Any


def resolution(value: Any) -> str:
    """Pixels per unit to two decimals, as ExifTool prints them ("72", "96.03")."""
    number = round(float(value), 2)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def quality(value: Any) -> Any:
    """Photoshop's JPEG quality setting: stored -4..8 for the 0..12 its dialog shows."""
    return int(value) + 4


TABLE = {
    "XResolution": resolution,
    "YResolution": resolution,
    "DisplayedUnitsX": {1: "inches", 2: "cm"},
    "DisplayedUnitsY": {1: "inches", 2: "cm"},
    "PhotoshopQuality": quality,
    "PhotoshopFormat": {0: "Standard", 1: "Optimized", 0x0101: "Progressive"},
    "ProgressiveScans": {1: "3 Scans", 2: "4 Scans", 3: "5 Scans"},
    "CopyrightFlag": {0: "False", 1: "True"},
    "HasRealMergedData": {0: "No", 1: "Yes"},
    "PrintStyle": {0: "Centered", 1: "Size to Fit", 2: "User Defined"},
}
