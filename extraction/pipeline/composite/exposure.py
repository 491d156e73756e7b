"""Exposure: image size, shutter speed, aperture, light value, ISO, and the flash where XMP has one."""

import math
from typing import Any

from .inputs import Groups, Inputs, number

def image(composite: dict[str, Any], summary: dict[str, Any]) -> None:
    width, height = summary.get("ImageWidth"), summary.get("ImageHeight")
    if isinstance(width, int) and isinstance(height, int):
        composite["ImageSize"] = f"{width} {height}"
        composite["Megapixels"] = width * height / 1e6


def exposure(composite: dict[str, Any], inputs: Inputs) -> None:
    bulb = inputs.number("BulbDuration")
    shutter = bulb if bulb and bulb > 0 else inputs.number("ExposureTime")
    if shutter is None:
        shutter = inputs.number("ShutterSpeedValue")  # already seconds in EXIF's -n value
    aperture = inputs.number("FNumber")
    if aperture is None:
        aperture = inputs.number("ApertureValue")
    if shutter is not None:
        composite["ShutterSpeed"] = shutter
    if aperture is not None:
        composite["Aperture"] = aperture
    iso = _canon_iso(inputs.groups)
    if iso is not None:
        composite["ISO"] = iso
    # The ISO as printed: Canon's derived speed counts whole (ExifTool computes from the printed value).
    iso = _iso(inputs.groups.get("EXIF", {}).get("ISO")) or (round(iso) if iso else None) \
        or _iso(inputs.groups.get("MakerNotes", {}).get("ISO")) or _iso(inputs.groups.get("XMP", {}).get("ISO"))
    if shutter and aperture and iso and shutter > 0 and aperture > 0:
        # LV = log2(N^2 / t), referred to ISO 100: EV100 = EV - log2(ISO / 100).
        composite["LightValue"] = math.log2(aperture * aperture / shutter) - math.log2(iso / 100)


def _iso(value: Any) -> float | None:
    """The speed in an ISO tag; of a pair (Nikon keeps [0, ISO]) the last positive one."""
    values = value.split() if isinstance(value, str) else value if isinstance(value, list) else [value]
    speeds = [n for n in (number(item) for item in values) if n is not None and n > 0]
    return speeds[-1] if speeds else None


def _canon_iso(groups: Groups) -> float | None:
    """Canon's ISO: the camera's setting, or for automatic ISO the base speed times the auto factor."""
    makers = groups.get("MakerNotes", {})
    camera = number(makers.get("CameraISO"))
    if camera is not None and camera > 0:
        return camera
    base, auto = number(makers.get("BaseISO")), number(makers.get("AutoISO"))
    if base and auto and base > 0 and auto > 0:
        return base * auto / 100
    return None


def xmp_flash(composite: dict[str, Any], groups: Groups) -> None:
    """Where XMP has a Flash (EXIF's flash as a structure), ExifTool's Composite Flash is EXIF's code, else 0:
    the structure's fields are not read into it when structures are kept whole (`-struct`)."""
    if "Flash" not in groups.get("XMP", {}):
        return
    code = number(groups.get("EXIF", {}).get("Flash"))
    composite["Flash"] = int(code) if code is not None else 0
