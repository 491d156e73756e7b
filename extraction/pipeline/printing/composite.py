"""Composite printed values: the formats ExifTool prints its derived tags in (sizes, seconds, metres, degrees)."""

from typing import Any

from . import exif


def image_size(value: Any) -> str:
    """"4032 3024" -> "4032x3024"."""
    return "x".join(str(value).split())


def megapixels(value: Any) -> str:
    """One decimal from one megapixel up, three from a thousandth, six below."""
    number = float(value)
    return f"{number:.{1 if number >= 1 else 3 if number >= 0.001 else 6}f}"


def exposure_time(value: Any) -> str:
    """Seconds: "1/N" (N the nearest whole number) up to a quarter second, else one decimal without ".0"."""
    seconds = float(f"{float(value):.10g}")  # a rational as ExifTool holds it: ten significant digits
    if 0 < seconds < 0.25001:
        return f"1/{int(0.5 + 1 / seconds)}"
    return _strip_zero(f"{seconds:.1f}")


def one_decimal(value: Any) -> str:
    return f"{float(value):.1f}"


def millimetres_3(value: Any) -> str:
    return f"{float(value):.3f} mm"


def metres_2(value: Any) -> str:
    return f"{float(value):.2f} m"


def field_of_view(value: Any) -> str:
    """"38.25" -> "38.3 deg"; with a focus distance, "38.25 3.5" -> "38.3 deg (3.50 m)"."""
    parts = str(value).split()
    text = f"{float(parts[0]):.1f} deg"
    return text + (f" ({float(parts[1]):.2f} m)" if len(parts) > 1 else "")


def depth_of_field(value: Any) -> str:
    """"near far" in metres (far 0: infinite) -> "1.74 m (0.81 - 2.56 m)" or "inf (1.00 m - inf)"."""
    near, far = (float(part) for part in str(value).split()[:2])
    if far <= 0:
        return f"inf ({near:.2f} m - inf)"
    depth = far - near
    digits = 3 if 0 < depth < 0.02 else 2
    return f"{depth:.{digits}f} m ({near:.{digits}f} - {far:.{digits}f} m)"


def _dms(value: Any, positive: str, negative: str) -> str:
    degrees = float(value)
    ref = negative if degrees < 0 else positive
    total = round(abs(degrees) * 3600, 2)  # seconds, to the hundredth printed, so 59.999 carries
    whole, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(whole)} deg {int(minutes)}' {seconds:.2f}\" {ref}"


def latitude(value: Any) -> str:
    """Signed degrees -> 43 deg 28' 2.81" N."""
    return _dms(value, "N", "S")


def longitude(value: Any) -> str:
    return _dms(value, "E", "W")


def position(value: Any) -> str:
    """"lat lon" -> the two coordinates in degrees, minutes and seconds, comma separated."""
    lat, lon = str(value).split()[:2]
    return f"{latitude(lat)}, {longitude(lon)}"


def altitude(value: Any) -> str:
    """Signed metres, cut to a tenth: "93.3 m Above Sea Level", "848 m Below Sea Level"."""
    metres = int(float(value) * 10) / 10
    words = "Below" if metres < 0 else "Above"
    return f"{_strip_zero(f'{abs(metres):.1f}')} m {words} Sea Level"


def duration(value: Any) -> str:
    """Seconds as a clock: "2:07:15", "2 days 9:58:54"; under half a minute "12.50 s"."""
    seconds = float(value)
    if seconds == 0:
        return "0 s"
    if abs(seconds) < 30:
        return f"{seconds:.2f} s"
    whole = int(seconds + 0.5)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    clock = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{days} day{'s' if days > 1 else ''} {clock}" if days else clock


def micrometres(value: Any) -> str:
    return f"{float(value):.1f} um"


def _strip_zero(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


TABLE = {
    "ImageSize": image_size,
    "Megapixels": megapixels,
    "ShutterSpeed": exposure_time,
    "Aperture": one_decimal,
    "LightValue": one_decimal,
    "ScaleFactor35efl": one_decimal,
    "CircleOfConfusion": millimetres_3,
    "HyperfocalDistance": metres_2,
    "FOV": field_of_view,
    "DOF": depth_of_field,
    "GPSLatitude": latitude,
    "GPSLongitude": longitude,
    "GPSPosition": position,
    "GPSAltitude": altitude,
    "GPSLatitudeRef": {"N": "North", "S": "South"},
    "GPSLongitudeRef": {"E": "East", "W": "West"},
    "RunTimeSincePowerUp": duration,
    "ISO": lambda value: f"{float(value):.0f}",
    "DriveMode": {0: "Continuous Shooting", 1: "Self-timer Operation", 2: "Single-frame Shooting"},
    "FlashType": {0: "Built-In Flash", 1: "External"},
    "RedEyeReduction": {0: "Off", 1: "On"},
    "ShutterCurtainHack": {0: "1st-curtain sync", 1: "2nd-curtain sync"},
    "DigitalZoom": lambda value: f"{float(value):.2f}x",
    "PeakSpectralSensitivity": micrometres,
    **({"Flash": exif.TABLE["Flash"]} if "Flash" in exif.TABLE else {}),  # EXIF's words for the same code
}
