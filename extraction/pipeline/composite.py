"""Derives ExifTool's Composite tags (image size, exposure, optics, dates, GPS, lens) from the other groups.

Values are `exiftool -n` values; where the printed words need more than the value itself (the 35 mm
equivalent beside a focal length, a lens name), the words go out as printed hints beside them.
The optics are the thin-lens formulas for a 36x24 mm frame: the scale factor is the ratio of that
frame's diagonal to the sensor's, the circle of confusion is the diagonal over 1440.
"""

import math
from typing import Any

Groups = dict[str, dict[str, Any]]

# The second radiation constant c2 in um K as ExifTool's readings imply it: Wien's peak from a FLIR's PlanckB.
_C2 = 14387.6515
# ExifTool converts the field of view between radians and degrees with pi to six digits: so do we, for
# the two-number FOV text to agree with its to the last digit.
_PI = 3.14159
# The diagonal of a 36x24 mm frame.
FULL_FRAME_DIAGONAL = math.hypot(36, 24)
# Twice a 36x24 frame's diagonal: past medium format, so a focal-plane resolution giving more is wrong.
_MAX_SENSOR_DIAGONAL = 2 * FULL_FRAME_DIAGONAL
# Millimetres per FocalPlaneResolutionUnit (EXIF: 2 inch, 3 cm, 4 mm, 5 um; 1 "none" is read as inches).
_UNIT_MM = {1: 25.4, 2: 25.4, 3: 10.0, 4: 1.0, 5: 0.001}
# Where an input tag is looked for, first found wins (EXIF before the maker note's duplicates, then XMP).
_ORDER = ("EXIF", "MakerNotes", "XMP", "APP1")
# Kodak's maker-note exposure values are measured, where its EXIF ones are rounded: ExifTool prefers them.
_MAKER_NOTE_FIRST = ("KODAK", "EASTMAN KODAK")
_ORDER_MAKER_NOTE_FIRST = ("MakerNotes", "EXIF", "XMP", "APP1")
# The subject distance for depth of field, best first (the lower/upper pair is averaged after these).
_DISTANCES = ("FocusDistance", "SubjectDistance", "ObjectDistance", "ApproximateFocusDistance")
_SUBSEC = (("DateTimeOriginal", "SubSecTimeOriginal", "OffsetTimeOriginal"),
           ("CreateDate", "SubSecTimeDigitized", "OffsetTimeDigitized"),
           ("ModifyDate", "SubSecTime", "OffsetTime"))
# White-balance levels a maker note may give, and the positions of red, the greens and blue in each.
_WB_LEVELS = (("WB_RGGBLevels", 0, (1, 2), 3), ("WB_RGGBLevelsAsShot", 0, (1, 2), 3), ("WB_RBGGLevels", 0, (2, 3), 1),
              ("WB_GRBGLevels", 1, (0, 3), 2), ("WB_GRGBLevels", 1, (0, 2), 3), ("WB_RGBGLevels", 0, (1, 3), 2),
              ("WB_RGBLevels", 0, (1,), 2))


def build_composite(groups: Groups, summary: dict[str, Any],
                    hints: Groups | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (Composite values, printed hints for the Composite tags whose words need other tags)."""
    inputs = _Inputs(groups)
    composite: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    _image(composite, summary)
    _exposure(composite, inputs)
    _optics(composite, printed, inputs, summary)
    _dates(composite, groups)
    _gps(composite, inputs, summary)
    _lens(composite, printed, inputs, groups, (hints or {}).get("MakerNotes", {}))
    _white_balance(composite, groups.get("MakerNotes", {}))
    _maker_counters(composite, printed, groups)
    _canon_settings(composite, printed, groups, (hints or {}).get("MakerNotes", {}))
    _xmp_flash(composite, groups)
    return composite, printed


class _Inputs:
    """Tags by name across the groups, in ExifTool's order of preference."""

    def __init__(self, groups: Groups):
        self.groups = groups
        make = groups.get("EXIF", {}).get("Make")
        maker_first = isinstance(make, str) and make.strip().upper().startswith(_MAKER_NOTE_FIRST)
        self.order = _ORDER_MAKER_NOTE_FIRST if maker_first else _ORDER

    def raw(self, name: str) -> Any:
        for group in self.order:
            value = self.groups.get(group, {}).get(name)
            if value is not None and value != "":
                return value
        return None

    def number(self, name: str) -> float | None:
        for group in self.order:
            value = number(self.groups.get(group, {}).get(name))
            if value is not None:
                return value
        return None


def number(value: Any) -> float | None:
    """A finite number from a stored value: the first of a list, a numeric string; None otherwise."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.split()[0]) if value.split() else None
        except ValueError:
            return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def _15(value: float) -> float:
    # A value with the 15 significant digits ExifTool writes. The circle of confusion goes on to the
    # depth of field and hyperfocal distance with these digits: their last digits then agree with ExifTool's.
    return float(f"{value:.15g}")


def _g(value: float) -> str:
    # ExifTool writes computed numbers with 15 significant digits.
    return f"{value:.15g}"


def _image(composite: dict[str, Any], summary: dict[str, Any]) -> None:
    width, height = summary.get("ImageWidth"), summary.get("ImageHeight")
    if isinstance(width, int) and isinstance(height, int):
        composite["ImageSize"] = f"{width} {height}"
        composite["Megapixels"] = width * height / 1e6


def _exposure(composite: dict[str, Any], inputs: _Inputs) -> None:
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


def scale_factor(inputs: _Inputs, summary: dict[str, Any]) -> float | None:
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


def _sensor_diagonal(inputs: _Inputs, summary: dict[str, Any]) -> float | None:
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


def _optics(composite: dict[str, Any], printed: dict[str, Any], inputs: _Inputs, summary: dict[str, Any]) -> None:
    focal = inputs.number("FocalLength")
    scale = scale_factor(inputs, summary)
    if scale is not None:
        composite["ScaleFactor35efl"] = scale
        composite["CircleOfConfusion"] = coc = _15(FULL_FRAME_DIAGONAL / (1440 * scale))
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
        composite["FOV"] = f"{_g(fov)} {_g(width)}"
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
        composite["DOF"] = f"{_g(near)} {_g(far)}"


def _subject_distance(inputs: _Inputs) -> float | None:
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


def _dates(composite: dict[str, Any], groups: Groups) -> None:
    exif = groups.get("EXIF", {})
    for key, sub, offset_key in _SUBSEC:
        value = exif.get(key)
        if isinstance(value, str) and value.strip():
            fraction, offset = exif.get(sub), exif.get(offset_key)
            fraction = str(fraction).strip() if fraction is not None else ""
            offset = offset.strip() if isinstance(offset, str) else ""
            if fraction or offset:
                composite[f"SubSec{key}"] = value.strip() + (f".{fraction}" if fraction else "") + offset
    iptc = groups.get("IPTC", {})
    created = _date_time(iptc.get("DateCreated"), iptc.get("TimeCreated"))
    if created:
        composite["DateTimeCreated"] = created
        if not exif.get("DateTimeOriginal"):
            composite["DateTimeOriginal"] = created
    digital = _date_time(iptc.get("DigitalCreationDate"), iptc.get("DigitalCreationTime"))
    if digital:
        composite["DigitalCreationDateTime"] = digital


def _date_time(date: Any, time: Any) -> str | None:
    if isinstance(date, list):
        date = date[0] if date else None
    if isinstance(time, list):
        time = time[0] if time else None
    if not isinstance(date, str) or not date.strip() or not isinstance(time, str) or not time.strip():
        return None
    return f"{date.strip()} {time.strip()}"


def _gps(composite: dict[str, Any], inputs: _Inputs, summary: dict[str, Any]) -> None:
    for key in ("GPSLatitude", "GPSLongitude"):
        if isinstance(summary.get(key), (int, float)):
            composite[key] = summary[key]
    if "GPSLatitude" in composite and "GPSLongitude" in composite:
        composite["GPSPosition"] = f"{_g(composite['GPSLatitude'] + 0.0)} {_g(composite['GPSLongitude'] + 0.0)}"
    altitude = summary.get("GPSAltitude")
    if not isinstance(altitude, (int, float)):
        altitude = inputs.number("GPSAltitude")
        if altitude is not None and inputs.number("GPSAltitudeRef") == 1:
            altitude = -altitude
    if altitude is not None:
        composite["GPSAltitude"] = altitude
    xmp = inputs.groups.get("XMP", {})
    signed = {}
    for key, positive, negative in (("GPSLatitude", "N", "S"), ("GPSLongitude", "E", "W")):
        degrees = number(xmp.get(key))  # XMP keeps the sign in the coordinate: the reference is derived
        if degrees is not None:
            composite[f"{key}Ref"] = negative if degrees < 0 else positive
            signed[key] = degrees
    if "GPSPosition" not in composite and len(signed) == 2:
        composite["GPSPosition"] = f"{_g(signed['GPSLatitude'] + 0.0)} {_g(signed['GPSLongitude'] + 0.0)}"
    exif = inputs.groups.get("EXIF", {})
    date, clock = exif.get("GPSDateStamp"), exif.get("GPSTimeStamp")
    if isinstance(date, str) and date.strip() and isinstance(clock, str) and clock.strip():
        composite["GPSDateTime"] = f"{date.strip()} {clock.strip()}Z"


def _lens(composite: dict[str, Any], printed: dict[str, Any], inputs: _Inputs, groups: Groups,
          maker_hints: dict[str, Any]) -> None:
    makers = groups.get("MakerNotes", {})
    low, high = number(makers.get("MinFocalLength")), number(makers.get("MaxFocalLength"))
    scale = composite.get("ScaleFactor35efl")
    if low and low > 0:
        high = high if high and high > 0 else low
        span = f"{low:.1f} mm" if high == low else f"{low:.1f} - {high:.1f} mm"
        composite["Lens"] = low
        printed["Lens"] = span
        if scale:
            composite["Lens35efl"] = low * scale
            span35 = f"{low * scale:.1f} mm" if high == low else f"{low * scale:.1f} - {high * scale:.1f} mm"
            printed["Lens35efl"] = f"{span} (35 mm equivalent: {span35})"
    lens_type = makers.get("LensType")
    make = groups.get("EXIF", {}).get("Make")
    nikon = isinstance(make, str) and make.strip().upper().startswith("NIKON")
    if lens_type is not None and lens_type != "" and not nikon:
        # The lens code the maker note names (Canon, Pentax, Olympus, Sony...). Nikon's LensType is a set of
        # lens-kind bits: its lens is identified from the whole lens data instead.
        composite["LensID"] = lens_type
        words = maker_hints.get("LensType")
        if number(lens_type) == 65535 and low:
            words = f"Unknown {int(low)}-{int(high)}mm" if high != low else f"Unknown {int(low)}mm"
        if words is not None:
            printed["LensID"] = words
        return
    xmp_id = groups.get("XMP", {}).get("LensID")
    if xmp_id is not None:
        composite["LensID"] = xmp_id
        return
    model = inputs.raw("LensModel") or groups.get("EXIF", {}).get("Lens")
    if isinstance(model, str) and model.strip():
        composite["LensID"] = model.strip()


def _white_balance(composite: dict[str, Any], makers: dict[str, Any]) -> None:
    """RedBalance and BlueBalance: the red and blue white-balance levels over green."""
    as_shot = makers.get("WB_RGGBLevelsAsShot")
    if as_shot is not None and "WB_RGGBLevels" not in makers:
        composite["WB_RGGBLevels"] = as_shot
    rb = _levels(makers.get("WB_RBLevels"))
    if rb and len(rb) >= 2:
        green = (rb[2] + rb[3]) / 2 if len(rb) >= 4 else 1.0
        if green:
            composite["RedBalance"], composite["BlueBalance"] = rb[0] / green, rb[1] / green
        return
    for name, red, greens, blue in _WB_LEVELS:
        levels = _levels(makers.get(name))
        if levels and len(levels) > max(red, blue, *greens):
            green = sum(levels[i] for i in greens) / len(greens)
            if green:
                composite["RedBalance"], composite["BlueBalance"] = levels[red] / green, levels[blue] / green
            return


def _levels(value: Any) -> list[float] | None:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list):
        return None
    out = [number(item) for item in value]
    return None if any(item is None for item in out) else out  # type: ignore[return-value]


def _maker_counters(composite: dict[str, Any], printed: dict[str, Any], groups: Groups) -> None:
    """Tags that join two maker-note fields: run time, file number, a Kodak's creation date, a FLIR's peak."""
    makers = groups.get("MakerNotes", {})
    run, scale = number(makers.get("RunTimeValue")), number(makers.get("RunTimeScale"))
    if run is not None and scale:
        composite["RunTimeSincePowerUp"] = run / scale
    directory, index = number(makers.get("DirectoryIndex")), number(makers.get("FileIndex"))
    if directory is not None and index is not None:
        composite["FileNumber"] = int(directory) * 10000 + int(index)
        printed["FileNumber"] = f"{int(directory)}-{int(index):04d}"
    year, month_day = makers.get("YearCreated"), makers.get("MonthDayCreated")
    if year is not None and isinstance(month_day, str) and month_day.strip():
        composite["DateCreated"] = f"{year}:{month_day.strip()}"
    planck_b = number(groups.get("APP1", {}).get("PlanckB"))
    if planck_b and planck_b > 0:
        composite["PeakSpectralSensitivity"] = _C2 / planck_b


def _canon_settings(composite: dict[str, Any], printed: dict[str, Any], groups: Groups,
                    maker_hints: dict[str, Any]) -> None:
    """Canon's camera settings joined: drive mode, shooting mode, the flash's kind and modes, digital zoom."""
    make = groups.get("EXIF", {}).get("Make")
    if not (isinstance(make, str) and make.strip().upper().startswith("CANON")):
        return
    makers = groups.get("MakerNotes", {})
    continuous, timer = number(makers.get("ContinuousDrive")), number(makers.get("SelfTimer"))
    if continuous is not None:
        composite["DriveMode"] = 0 if continuous else 1 if timer else 2
    easy, exposure = number(makers.get("EasyMode")), number(makers.get("CanonExposureMode"))
    if easy is not None and exposure is not None:
        # In the Easy exposure mode the scene mode decides; its codes follow the exposure modes' after 10.
        composite["ShootingMode"] = int(easy) + 10 if exposure == 0 else int(exposure)
        words = maker_hints.get("EasyMode" if exposure == 0 else "CanonExposureMode")
        if words is not None:
            printed["ShootingMode"] = words
    flash_bits = number(makers.get("FlashBits"))
    if flash_bits:  # these describe a flash that was there
        composite["FlashType"] = 1 if int(flash_bits) & 0x4000 else 0
        composite["RedEyeReduction"] = 1 if number(makers.get("CanonFlashMode")) in (3, 4, 6) else 0
        composite["ShutterCurtainHack"] = int(number(makers.get("ShutterCurtainSync")) or 0)
        composite["ConditionalFEC"] = number(makers.get("FlashExposureComp")) or 0
    zoom = number(makers.get("DigitalZoom"))
    source, target = number(makers.get("ZoomSourceWidth")), number(makers.get("ZoomTargetWidth"))
    if zoom == 3 and source and target:  # "Other": the ratio of the widths
        composite["DigitalZoom"] = target / source


def _xmp_flash(composite: dict[str, Any], groups: Groups) -> None:
    """Where XMP has a Flash (EXIF's flash as a structure), ExifTool's Composite Flash is EXIF's code, else 0:
    the structure's fields are not read into it when structures are kept whole (`-struct`)."""
    if "Flash" not in groups.get("XMP", {}):
        return
    code = number(groups.get("EXIF", {}).get("Flash"))
    composite["Flash"] = int(code) if code is not None else 0
