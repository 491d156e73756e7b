"""The capture time's time zone ("+02:00") and the tag that tells it, best source first."""

import re
from datetime import datetime
from typing import Any

_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
# A date as ExifTool writes it (or XMP's ISO form), with an optional fraction and an optional offset.
_DATE = re.compile(r"^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_MAX_MINUTES = 14 * 60  # UTC-12:00 to UTC+14:00 are the zones in use; anything past 14 h is not a zone
_QUARTER = 15
# A GPS fix taken more than this far from a quarter hour of the clock is stale, not a zone difference.
_GPS_SLACK_MINUTES = 5
# XMP and IPTC dates that stand for the capture moment; their offset counts only when they agree with it.
_XMP_DATES = ("DateTimeOriginal", "DateCreated", "CreateDate")
# Maker-note tags that hold the camera's zone setting (Canon TimeInfo, Nikon WorldTime, ...), by ExifTool name.
_MAKER_ZONES = ("TimeZone", "TimeZoneOffset")


def capture_time_zone(groups: dict[str, dict[str, Any]], original: Any, original_tag: str | None) -> dict[str, str]:
    """{"TimeZone": "+02:00", "TimeZoneSource": "EXIF:OffsetTimeOriginal"}, or {} when the file does not tell."""
    exif = groups.get("EXIF", {})
    capture = _parse(original)
    offsets = (("OffsetTimeOriginal", None), ("OffsetTimeDigitized", "CreateDate"), ("OffsetTime", "ModifyDate"))
    for tag, dated in offsets:
        # OffsetTimeDigitized and OffsetTime belong to CreateDate and ModifyDate: only when that is the capture.
        if dated and capture and not _same_minute(_parse(exif.get(dated)), capture):
            continue
        minutes = _offset_minutes(exif.get(tag))
        if minutes is not None:
            return _zone(minutes, f"EXIF:{tag}")
    minutes = _exif_time_zone_offset(exif.get("TimeZoneOffset"))
    if minutes is not None:
        return _zone(minutes, "EXIF:TimeZoneOffset")
    own = _DATE.match(original.strip()) if isinstance(original, str) else None
    if own and own.group(7) and original_tag:  # FLIR and XMP dates carry their offset
        minutes = _offset_minutes(own.group(7))
        if minutes is not None:
            return _zone(minutes, original_tag)
    if capture:
        for tag in _XMP_DATES:
            found = _dated_offset(groups.get("XMP", {}).get(tag), capture)
            if found is not None:
                return _zone(found, f"XMP:{tag}")
        iptc = groups.get("IPTC", {})
        if isinstance(iptc.get("DateCreated"), str) and isinstance(iptc.get("TimeCreated"), str):
            found = _dated_offset(f"{iptc['DateCreated']} {iptc['TimeCreated']}", capture)
            if found is not None:
                return _zone(found, "IPTC:TimeCreated")
    maker = _maker_zone(groups.get("MakerNotes", {}))
    if maker:
        return maker
    if capture:
        minutes = _gps_offset(exif, capture)
        if minutes is not None:
            return _zone(minutes, "EXIF:GPSDateStamp+EXIF:GPSTimeStamp")
    return {}


def _zone(minutes: int, source: str) -> dict[str, str]:
    sign = "-" if minutes < 0 else "+"
    return {"TimeZone": f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}", "TimeZoneSource": source}


def _in_range(minutes: int) -> int | None:
    # Zones in use are whole quarter hours (+05:45, -09:30); "+00:02" is a misread, not a zone.
    return minutes if abs(minutes) <= _MAX_MINUTES and minutes % _QUARTER == 0 else None


def _offset_minutes(value: Any) -> int | None:
    """Minutes east of UTC from "+02:00", "-0530" or "Z"; None for blanks ("   :  ") and nonsense."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text == "Z":
        return 0
    match = _OFFSET.match(text)
    if not match or int(match.group(3)) >= 60:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    return _in_range(-minutes if match.group(1) == "-" else minutes)


def _exif_time_zone_offset(value: Any) -> int | None:
    # EXIF 0x882A: whole hours; the first for DateTimeOriginal, a second (if any) for ModifyDate.
    first = value[0] if isinstance(value, list) and value else value
    if isinstance(first, bool) or not isinstance(first, (int, float)) or first != int(first):
        return None
    return _in_range(int(first) * 60)


def _parse(value: Any) -> datetime | None:
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return datetime(*(int(part or 0) for part in match.groups()[:6]))  # type: ignore[misc]
    except ValueError:
        return None  # "0000:00:00 00:00:00", month 13, ...


def _same_minute(a: datetime | None, b: datetime) -> bool:
    return a is not None and a.replace(second=0) == b.replace(second=0)


def _dated_offset(value: Any, capture: datetime) -> int | None:
    """The offset of a date string that carries one and names the capture moment (to the minute)."""
    for item in value if isinstance(value, list) else [value]:
        match = _DATE.match(item.strip()) if isinstance(item, str) else None
        if match and match.group(7) and _same_minute(_parse(item), capture):
            return _offset_minutes(match.group(7))
    return None


def _maker_zone(notes: dict[str, Any]) -> dict[str, str]:
    for tag in _MAKER_ZONES:
        value = notes.get(tag)
        minutes = _offset_minutes(value)
        if minutes is None and isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
            minutes = _in_range(int(value))  # ExifTool's -n value: minutes east of UTC
            if minutes is not None and _daylight_saving(notes.get("DaylightSavings")):
                minutes = _in_range(minutes + 60)
        if minutes is not None:
            return _zone(minutes, f"MakerNotes:{tag}")
    return {}


def _daylight_saving(value: Any) -> bool:
    # Canon stores 60 (minutes) when on, Nikon 1; ExifTool prints both as On/Yes.
    if isinstance(value, str):
        return value.strip().lower() in ("on", "yes", "1", "60")
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value in (1, 60)


def _gps_offset(exif: dict[str, Any], capture: datetime) -> int | None:
    """The clock's offset from GPS time (UTC), rounded to 15 minutes; None when the fix is far from a quarter."""
    date, time = exif.get("GPSDateStamp"), exif.get("GPSTimeStamp")
    if not isinstance(date, str) or not isinstance(time, str):
        return None
    when = _parse(f"{date.strip()} {time.strip()}")
    if when is None:
        return None
    minutes = (capture - when).total_seconds() / 60
    rounded = round(minutes / _QUARTER) * _QUARTER
    if abs(minutes - rounded) > _GPS_SLACK_MINUTES:
        return None
    return _in_range(int(rounded))
