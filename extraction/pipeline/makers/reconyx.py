"""Reconyx trail-camera maker notes: binary records, not IFDs. HyperFire (first word 0xF101) and
HyperFire 2 ("RECONYXH2"), read as little-endian 16-bit words at fixed positions."""

import struct
from typing import Any

from .base import MakerNote
from .tags import hex4, put

_MOON = {0: "New", 1: "New Crescent", 2: "First Quarter", 3: "Waxing Gibbous", 4: "Full", 5: "Waning Gibbous",
         6: "Last Quarter", 7: "Old Crescent"}
_TRIGGER = {"C": "CodeLoc Not Entered", "E": "External Sensor", "M": "Motion Detection", "T": "Time Lapse"}
_DAYS = {0: "Sunday", 1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday", 6: "Saturday"}
_OFF_ON = {0: "Off", 1: "On"}


def matches(note: MakerNote) -> bool:
    head = note.data[:10]
    return head.startswith(b"RECONYXH2\x00") or head.startswith(b"\x01\xf1") and (
        note.make.upper().startswith("RECONYX") or head[2:4] in (b"\x02\x00", b"\x03\x00"))


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    data = note.data[:1024]
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    if data.startswith(b"RECONYXH2\x00"):
        if len(data) < 150:
            warnings.append("MakerNotes: the Reconyx HyperFire 2 record is shorter than its layout")
            return values, printed
        _hyperfire2(data, values, printed)
    else:
        if len(data) < 130:
            warnings.append("MakerNotes: the Reconyx HyperFire record is shorter than its layout")
            return values, printed
        _hyperfire(data, values, printed)
    return values, printed


def _words(data: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(data) // 2}H", data[: len(data) // 2 * 2]))


def _signed(word: int) -> int:
    return word - 0x10000 if word >= 0x8000 else word


def _date(year_word: int, month_day: int) -> str:
    # Written as hex digits that read as the date ("0x2015 0x0317" is 2015:03:17).
    return f"{year_word:04x}:{month_day >> 8:02x}:{month_day & 0xFF:02x}"


def _datetime(w: list[int]) -> str:
    sec, minute, hour, month, day, year = w
    return f"{year:04d}:{month:02d}:{day:02d} {hour:02d}:{minute:02d}:{sec:02d}"


def _utf16(raw: bytes) -> str:
    return raw.decode("utf-16-le", "replace").split("\x00", 1)[0].strip()


def _latin(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("latin-1").strip()


def _common(values: dict, printed: dict, trigger: int, sequence: list[int], event: int, when: list[int]) -> None:
    letter = chr(trigger) if 32 <= trigger < 127 else ""
    put(values, printed, "TriggerMode", letter, _TRIGGER)
    put(values, printed, "Sequence", sequence, lambda v: f"{v[0]} of {v[1]}")
    put(values, printed, "EventNumber", event)
    put(values, printed, "DateTimeOriginal", _datetime(when))


def _hyperfire(data: bytes, values: dict, printed: dict) -> None:
    w = _words(data)
    put(values, printed, "MakerNoteVersion", w[0], hex4)
    put(values, printed, "FirmwareVersion", w[1:4], lambda v: ".".join(str(x) for x in v))
    put(values, printed, "FirmwareDate", _date(w[4], w[5]))
    _common(values, printed, w[6], w[7:9], w[9] << 16 | w[10], w[11:17])
    put(values, printed, "MoonPhase", w[18], _MOON)
    put(values, printed, "AmbientTemperatureFahrenheit", _signed(w[19]), lambda v: f"{v} F")
    put(values, printed, "AmbientTemperature", _signed(w[20]), lambda v: f"{v} C")
    put(values, printed, "SerialNumber", _utf16(data[42:72]))
    for index, name in ((36, "Contrast"), (37, "Brightness"), (38, "Sharpness"), (39, "Saturation")):
        put(values, printed, name, w[index])
    put(values, printed, "InfraredIlluminator", w[40], _OFF_ON)
    put(values, printed, "MotionSensitivity", w[41])
    put(values, printed, "BatteryVoltage", w[42] / 1000, lambda v: f"{v:g} V")
    put(values, printed, "UserLabel", _latin(data[86:108]))


def _hyperfire2(data: bytes, values: dict, printed: dict) -> None:
    w = _words(data)
    put(values, printed, "FileNumber", w[8])
    put(values, printed, "DirectoryNumber", w[9])
    letter = chr(w[23]) if 32 < w[23] < 127 else ""
    put(values, printed, "FirmwareVersion", f"{w[21]}.{w[22]}{letter}")
    put(values, printed, "FirmwareDate", _date(w[24], w[25]))
    _common(values, printed, w[26], w[27:29], w[29] << 16 | w[30], w[31:37])
    put(values, printed, "DayOfWeek", w[37], _DAYS)
    put(values, printed, "MoonPhase", w[38], _MOON)
    put(values, printed, "AmbientTemperatureFahrenheit", _signed(w[39]), lambda v: f"{v} F")
    put(values, printed, "AmbientTemperature", _signed(w[40]), lambda v: f"{v} C")
    for index, name in ((41, "Contrast"), (42, "Brightness"), (43, "Sharpness"), (44, "Saturation")):
        put(values, printed, name, w[index])
    put(values, printed, "Flash", w[45], _OFF_ON)
    for index, name in ((46, "AmbientInfrared"), (47, "AmbientLight"), (48, "MotionSensitivity"),
                        (49, "BatteryVoltage"), (50, "BatteryVoltageAvg"), (51, "BatteryType")):
        put(values, printed, name, w[index])
    put(values, printed, "UserLabel", _latin(data[104:126]))
    put(values, printed, "SerialNumber", _utf16(data[126:156]))
