"""When and where: sub-second dates, IPTC date-times, GPS position, altitude, references and time."""

from typing import Any

from .inputs import Groups, Inputs, number, text15

_SUBSEC = (("DateTimeOriginal", "SubSecTimeOriginal", "OffsetTimeOriginal"),
           ("CreateDate", "SubSecTimeDigitized", "OffsetTimeDigitized"),
           ("ModifyDate", "SubSecTime", "OffsetTime"))


def dates(composite: dict[str, Any], groups: Groups) -> None:
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


def gps(composite: dict[str, Any], inputs: Inputs, summary: dict[str, Any]) -> None:
    for key in ("GPSLatitude", "GPSLongitude"):
        if isinstance(summary.get(key), (int, float)):
            composite[key] = summary[key]
    if "GPSLatitude" in composite and "GPSLongitude" in composite:
        composite["GPSPosition"] = f"{text15(composite['GPSLatitude'] + 0.0)} {text15(composite['GPSLongitude'] + 0.0)}"
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
        composite["GPSPosition"] = f"{text15(signed['GPSLatitude'] + 0.0)} {text15(signed['GPSLongitude'] + 0.0)}"
    exif = inputs.groups.get("EXIF", {})
    date, clock = exif.get("GPSDateStamp"), exif.get("GPSTimeStamp")
    if isinstance(date, str) and date.strip() and isinstance(clock, str) and clock.strip():
        composite["GPSDateTime"] = f"{date.strip()} {clock.strip()}Z"
