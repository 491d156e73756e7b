"""XMP printed values: an EXIF twin prints as its EXIF tag does; the codes of photoshop:, and lens and GPS forms.

The EXIF code tables here are the EXIF 2.32 spec's; printing/exif.py's own table for a tag wins where it has one.
"""

from typing import Any

from . import exif, formats
from .composite import exposure_time, latitude, longitude, one_decimal

# EXIF 2.32 / TIFF 6.0 code tables for the XMP-exif and XMP-tiff twins of EXIF tags.
EXIF_CODES: dict[str, dict[int, str]] = {
    "ResolutionUnit": {1: "None", 2: "inches", 3: "cm"},
    "FocalPlaneResolutionUnit": {1: "None", 2: "inches", 3: "cm", 4: "mm", 5: "um"},
    "ColorSpace": {1: "sRGB", 2: "Adobe RGB", 0xFFFD: "Wide Gamut RGB", 0xFFFE: "ICC Profile", 0xFFFF: "Uncalibrated"},
    "PhotometricInterpretation": {0: "WhiteIsZero", 1: "BlackIsZero", 2: "RGB", 3: "RGB Palette",
                                  4: "Transparency Mask", 5: "CMYK", 6: "YCbCr", 8: "CIELab", 9: "ICCLab",
                                  10: "ITULab"},
    "CustomRendered": {0: "Normal", 1: "Custom"},
    "ExposureMode": {0: "Auto", 1: "Manual", 2: "Auto bracket"},
    "WhiteBalance": {0: "Auto", 1: "Manual"},
    "SceneCaptureType": {0: "Standard", 1: "Landscape", 2: "Portrait", 3: "Night"},
    "GainControl": {0: "None", 1: "Low gain up", 2: "High gain up", 3: "Low gain down", 4: "High gain down"},
    "Contrast": {0: "Normal", 1: "Low", 2: "High"},
    "Saturation": {0: "Normal", 1: "Low", 2: "High"},
    "Sharpness": {0: "Normal", 1: "Soft", 2: "Hard"},
    "SubjectDistanceRange": {0: "Unknown", 1: "Macro", 2: "Close", 3: "Distant"},
    "LightSource": {0: "Unknown", 1: "Daylight", 2: "Fluorescent", 3: "Tungsten (Incandescent)", 4: "Flash",
                    9: "Fine Weather", 10: "Cloudy", 11: "Shade", 12: "Daylight Fluorescent",
                    13: "Day White Fluorescent", 14: "Cool White Fluorescent", 15: "White Fluorescent",
                    16: "Warm White Fluorescent", 17: "Standard Light A", 18: "Standard Light B",
                    19: "Standard Light C", 20: "D55", 21: "D65", 22: "D75", 23: "D50", 24: "ISO Studio Tungsten",
                    255: "Other"},
    "FileSource": {1: "Film Scanner", 2: "Reflection Print Scanner", 3: "Digital Camera"},
    "SceneType": {1: "Directly photographed"},
    "SensingMethod": {1: "Not defined", 2: "One-chip color area", 3: "Two-chip color area",
                      4: "Three-chip color area", 5: "Color sequential area", 7: "Trilinear",
                      8: "Color sequential linear"},
    "GPSAltitudeRef": {0: "Above Sea Level", 1: "Below Sea Level"},
    "YCbCrPositioning": {1: "Centered", 2: "Co-sited"},
}
# photoshop: namespace codes (Adobe's XMP specification, part 2).
PHOTOSHOP_CODES: dict[str, dict[int, str]] = {
    "ColorMode": {0: "Bitmap", 1: "Grayscale", 2: "Indexed", 3: "RGB", 4: "CMYK", 7: "Multichannel", 8: "Duotone",
                  9: "Lab"},
    "Urgency": {0: "0 (reserved)", 1: "1 (most urgent)", 2: "2", 3: "3", 4: "4", 5: "5 (normal urgency)", 6: "6",
                7: "7", 8: "8 (least urgent)", 9: "9 (user-defined priority)"},
}


# PLUS License Data Format codes (useplus.org LDF 1.2).
PLUS_CODES: dict[str, dict[str, str]] = {
    "ModelReleaseStatus": {"MR-NON": "None", "MR-NAP": "Not Applicable", "MR-UMR": "Unlimited Model Releases",
                           "MR-LMR": "Limited or Incomplete Model Releases"},
    "PropertyReleaseStatus": {"PR-NON": "None", "PR-NAP": "Not Applicable",
                              "PR-UPR": "Unlimited Property Releases",
                              "PR-LPR": "Limited or Incomplete Property Releases"},
    "MinorModelAgeDisclosure": {"AG-UNK": "Age Unknown", "AG-A25": "Age 25 or Over",
                                **{f"AG-A{age}": f"Age {age}" for age in range(15, 25)},
                                "AG-U14": "Age 14 or Under"},
}


FLASH_MODE = {0: "Unknown", 1: "On", 2: "Off", 3: "Auto"}
FLASH_RETURN = {0: "No return detection", 2: "Return not detected", 3: "Return detected"}


def flash(value: Any) -> Any:
    """exif:Flash's structure with its Mode and Return codes in words."""
    if not isinstance(value, dict):
        return value
    words = dict(value)
    for name, table in (("Mode", FLASH_MODE), ("Return", FLASH_RETURN)):
        if name in words:
            code = int(words[name]) if str(words[name]).strip().lstrip("-").isdigit() else words[name]
            words[name] = table.get(code, f"Unknown ({code})")
    return words


def compensation(value: Any) -> str:
    """Exposure compensation as a fraction; a value written with its unit ("0.00 EV") by its number."""
    text = str(value).split()
    return formats.fraction(text[0] if text else value)


def lens_info(value: Any) -> str:
    """"18 55 3.5 5.6" -> "18-55mm f/3.5-5.6"; an unknown ("undef") part prints as "?"."""
    parts = str(value).split()
    if len(parts) != 4:
        return str(value)
    low, high, wide, tele = (_short(part) for part in parts)
    focal = low if low == high else f"{low}-{high}"
    aperture = wide if wide == tele else f"{wide}-{tele}"
    return f"{focal}mm f/{aperture}"


def _short(part: str) -> str:
    if part == "undef":
        return "?"
    number = float(part)
    return f"{number:g}"


def metres(value: Any) -> str:
    return f"{float(value):g} m"


def millimetres(value: Any) -> str:
    return f"{float(value):.1f} mm"


def whole_millimetres(value: Any) -> str:
    return f"{float(value):g} mm"


TABLE: dict[str, Any] = {
    **EXIF_CODES,
    **PHOTOSHOP_CODES,
    **PLUS_CODES,
    "ExposureTime": exposure_time,
    "ShutterSpeedValue": exposure_time,
    "FNumber": one_decimal,
    "ApertureValue": one_decimal,
    "MaxApertureValue": one_decimal,
    "FocalLength": millimetres,
    "FocalLengthIn35mmFormat": whole_millimetres,
    "SubjectDistance": metres,
    "ExposureCompensation": compensation,
    "Flash": flash,
    "LensInfo": lens_info,
    "GPSLatitude": latitude,
    "GPSLongitude": longitude,
    "GPSDestLatitude": latitude,
    "GPSDestLongitude": longitude,
    "GPSAltitude": metres,
    # The code tables printing/exif.py holds (Orientation, MeteringMode, ExposureProgram, ...) for the twins.
    **{name: conv for name, conv in exif.TABLE.items() if not callable(conv) and name not in PHOTOSHOP_CODES},
}
