"""Composite tags that join maker-note fields: lens, white balance, counters, Canon's camera settings."""

from typing import Any

from .inputs import Groups, Inputs, number

# The second radiation constant c2 in um K as ExifTool's readings imply it: Wien's peak from a FLIR's PlanckB.
_C2 = 14387.6515
# White-balance levels a maker note may give, and the positions of red, the greens and blue in each.
_WB_LEVELS = (("WB_RGGBLevels", 0, (1, 2), 3), ("WB_RGGBLevelsAsShot", 0, (1, 2), 3), ("WB_RBGGLevels", 0, (2, 3), 1),
              ("WB_GRBGLevels", 1, (0, 3), 2), ("WB_GRGBLevels", 1, (0, 2), 3), ("WB_RGBGLevels", 0, (1, 3), 2),
              ("WB_RGBLevels", 0, (1,), 2))


def lens(composite: dict[str, Any], printed: dict[str, Any], inputs: Inputs, groups: Groups,
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


def white_balance(composite: dict[str, Any], makers: dict[str, Any]) -> None:
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


def maker_counters(composite: dict[str, Any], printed: dict[str, Any], groups: Groups) -> None:
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


def canon_settings(composite: dict[str, Any], printed: dict[str, Any], groups: Groups,
                   maker_hints: dict[str, Any]) -> None:
    """Canon's camera settings joined: drive mode, shooting mode, the flash's kind and modes, digital zoom."""
    makers = groups.get("MakerNotes", {})
    make = groups.get("EXIF", {}).get("Make") or makers.get("Make")  # old PowerShots: Make only in their CIFF heap
    if not (isinstance(make, str) and make.strip().upper().startswith("CANON")):
        return
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
