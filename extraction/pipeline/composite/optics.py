"""The optics of a photo: 35 mm scale factor, circle of confusion, field of view, hyperfocal distance, depth of field.

Thin-lens formulas for a 36x24 mm frame: the scale factor is the ratio of that frame's diagonal to the
sensor's, the circle of confusion is the diagonal over 1440.
"""

import math
from typing import Any

from .inputs import Inputs, digits15, text15

# ExifTool converts the field of view between radians and degrees with pi to six digits: so do we, for
# the two-number FOV text to agree with its to the last digit.
_PI = 3.14159
# The diagonal of a 36x24 mm frame.
FULL_FRAME_DIAGONAL = math.hypot(36, 24)
# Twice a 36x24 frame's diagonal: past medium format, so a focal-plane resolution giving more is wrong.
_MAX_SENSOR_DIAGONAL = 2 * FULL_FRAME_DIAGONAL
# Millimetres per FocalPlaneResolutionUnit (EXIF: 2 inch, 3 cm, 4 mm, 5 um; 1 "none" is read as inches).
_UNIT_MM = {1: 25.4, 2: 25.4, 3: 10.0, 4: 1.0, 5: 0.001}
# The subject distance for depth of field, best first (the lower/upper pair is averaged after these).
_DISTANCES = ("FocusDistance", "SubjectDistance", "ObjectDistance", "ApproximateFocusDistance")


def scale_factor(inputs: Inputs, summary: dict[str, Any]) -> float | None:
    """The 35 mm scale factor: from FocalLengthIn35mmFormat, a sensor size, or the focal-plane resolution."""
    focal = inputs.number("FocalLength")
    focal35 = inputs.number("FocalLengthIn35mmFormat")
    if focal and focal35 and focal > 0 and focal35 > 0:
        return focal35 / focal
    diagonal = inputs.number("FocalPlaneDiagonal")
    if not diagonal:
        # The focal-plane resolution first: a maker note's own sensor size (Canon's FocalPlaneXSize) is
        # less reliable than it where both exist.
        diagonal = _sensor_diagonal(inputs, summary)
        if diagonal and diagonal > _MAX_SENSOR_DIAGONAL:
            return None  # a focal-plane resolution no camera sensor has (a unit or value written wrong)
    if not diagonal:
        x_size, y_size = inputs.number("FocalPlaneXSize"), inputs.number("FocalPlaneYSize")
        if x_size and y_size and x_size > 0 and y_size > 0:
            diagonal = math.hypot(x_size, y_size)
    if diagonal and diagonal > 0:
        return FULL_FRAME_DIAGONAL / diagonal
    return None


def _sensor_diagonal(inputs: Inputs, summary: dict[str, Any]) -> float | None:
    """The sensor's diagonal in mm from the pixels it recorded and the focal-plane resolution."""
    x_res, y_res = inputs.number("FocalPlaneXResolution"), inputs.number("FocalPlaneYResolution")
    unit = inputs.number("FocalPlaneResolutionUnit")
    if not x_res or not y_res or x_res <= 0 or y_res <= 0:
        return None
    mm = _UNIT_MM.get(int(unit) if unit is not None else 2)
    if mm is None:
        return None
    # The pixel count the resolution refers to: the sensor image's own size before the file's.
    for width_tag, height_tag in (("CanonImageWidth", "CanonImageHeight"), ("ExifImageWidth", "ExifImageHeight")):
        width, height = inputs.number(width_tag), inputs.number(height_tag)
        if width and height and width > 0 and height > 0:
            break
    else:
        width, height = summary.get("ImageWidth"), summary.get("ImageHeight")
    if not width or not height:
        return None
    return math.hypot(width * mm / x_res, height * mm / y_res)


def optics(composite: dict[str, Any], printed: dict[str, Any], inputs: Inputs, summary: dict[str, Any]) -> None:
    focal = inputs.number("FocalLength")
    scale = scale_factor(inputs, summary)
    if scale is not None:
        composite["ScaleFactor35efl"] = scale
        composite["CircleOfConfusion"] = coc = digits15(FULL_FRAME_DIAGONAL / (1440 * scale))
    if focal is None:
        return
    composite["FocalLength35efl"] = focal * (scale or 1)
    printed["FocalLength35efl"] = (f"{focal:.1f} mm (35 mm equivalent: {focal * scale:.1f} mm)" if scale
                                   else f"{focal:.1f} mm")
    if not scale or focal <= 0:
        return
    focus = inputs.number("FocusDistance")
    correction = 1.0
    if focus and focus > 0 and focus * 1000 > focal:
        correction += focal / (focus * 1000 - focal)  # the image sits beyond the focal length when focused near
    fov = 2 * math.atan(36 / (2 * focal * scale * correction)) * 180 / _PI
    if focus and focus > 0:
        width = 2 * focus * math.tan(fov * _PI / 360)  # the field's width at the focus distance, in m
        composite["FOV"] = f"{text15(fov)} {text15(width)}"
        printed["FOV"] = f"{fov:.1f} deg ({width:.2f} m)"
    else:
        composite["FOV"] = fov
    aperture = composite.get("Aperture")
    if not aperture or aperture <= 0:
        return
    composite["HyperfocalDistance"] = focal * focal / (aperture * coc * 1000)
    distance = _subject_distance(inputs)
    if distance is not None:
        # Thin lens: near = d / (1 + t), far = d / (1 - t), with t = N c (d - f) / f^2; far is infinite for t >= 1.
        t = aperture * coc * (distance * 1000 - focal) / (focal * focal)
        near = distance / (1 + t)
        far = distance / (1 - t) if t < 1 else 0
        composite["DOF"] = f"{text15(near)} {text15(far)}"


def _subject_distance(inputs: Inputs) -> float | None:
    """The first distance given (a zero means unknown: look further); an infinite one gives no depth of field."""
    for name in _DISTANCES:
        raw = inputs.raw(name)
        if isinstance(raw, str) and raw.strip().lower() in ("inf", "infinity"):
            return None
        value = inputs.number(name)
        if value is not None and value > 0:
            return value
    lower, upper = inputs.number("FocusDistanceLower"), inputs.number("FocusDistanceUpper")
    if lower is not None and upper is not None and upper > 0:
        return (lower + upper) / 2
    return None
