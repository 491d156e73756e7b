"""Formatters for printed values that are computed, not looked up (shared by every table)."""

from fractions import Fraction
from typing import Any


def exposure_time(value: Any) -> str:
    """Seconds as ExifTool prints them: "1/60" below a quarter second, else "0.5" / "2"."""
    seconds = float(value)
    if seconds <= 0:
        return _plain(seconds)
    if seconds < 0.25001:
        return f"1/{round(1 / seconds):d}" if abs(1 / seconds - round(1 / seconds)) < 0.05 else _plain(seconds)
    return _plain(round(seconds, 1))


def fnumber(value: Any) -> str:
    """An f-number with one decimal ("2.8", "11.0")."""
    return f"{float(value):.1f}"


def millimetres(value: Any) -> str:
    """A focal length: "4.2 mm"."""
    return f"{_plain(round(float(value), 1))} mm"


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def fraction(value: Any) -> str:
    """A signed fraction as ExifTool prints exposure compensation: "+1/3", "-2/3", "0"."""
    number = float(value)
    if number == 0:
        return "0"
    frac = Fraction(number).limit_denominator(100)
    sign = "+" if number > 0 else "-"
    frac = abs(frac)
    return f"{sign}{frac.numerator}" if frac.denominator == 1 else f"{sign}{frac.numerator}/{frac.denominator}"
