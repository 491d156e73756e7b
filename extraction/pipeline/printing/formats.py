"""Formatters for printed values that are computed, not looked up (shared by every table).

Each takes an `exiftool -n` value (a number, a list, or the space-separated text ExifTool's -n output
uses for lists) and returns the words `exiftool` prints without -n. A value a formatter cannot read
raises TypeError/ValueError, and `printed.print_value` then keeps the value as it is.
"""

import math
from collections.abc import Callable, Mapping
from typing import Any


def number(value: Any) -> str:
    """A number as ExifTool writes it: integers plain, others with up to 10 significant digits."""
    if isinstance(value, str):
        value = float(value)
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{float(value):.10g}"


def numbers(value: Any) -> list[Any]:
    """A list value (a list, a tuple, or ExifTool's space-separated text) as its items."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return value.split()
    return [value]


def comma_list(value: Any) -> Any:
    """A multi-valued tag ExifTool prints comma-separated (ISO "100, 200"); one value stays itself."""
    if isinstance(value, list):
        return ", ".join(number(v) if isinstance(v, (int, float)) else str(v) for v in value)
    return value


def exposure_time(value: Any) -> str:
    """Seconds as ExifTool prints them: "1/60" (1/x rounded) up to a quarter second, else one decimal ("0.3", "2")."""
    seconds = float(value)
    if 0 < seconds < 0.25001:
        return f"1/{round(1 / seconds):d}"
    return _plain(round(seconds, 1))


def fnumber(value: Any) -> str:
    """An f-number: one decimal ("2.8", "11.0"), two below 1 ("0.64")."""
    number_ = float(value)
    return f"{number_:.2f}" if number_ < 1 else f"{number_:.1f}"


def _undefined_as_zero(value: Any) -> Any:
    # A 0/0 rational reads "undef"; ExifTool's arithmetic on it counts it as 0 (FocalLength "0.0 mm").
    return 0 if value == "undef" else value


def millimetres(value: Any) -> str:
    """A focal length: "4.2 mm" (one decimal)."""
    return f"{float(_undefined_as_zero(value)):.1f} mm"


def whole_millimetres(value: Any) -> str:
    """A 35 mm-equivalent focal length: "35 mm"."""
    return f"{number(value)} mm"


def metres(value: Any) -> str:
    """A distance or altitude: "217 m", "0.9 m"; a 0/0 or n/0 rational stays "undef" / "inf"."""
    if value in ("undef", "inf"):
        return value
    return f"{number(value)} m"


def celsius(value: Any) -> str:
    """A temperature: "21.5 C"."""
    return f"{number(value)} C"


def _plain(number_: float) -> str:
    return str(int(number_)) if float(number_).is_integer() else f"{number_:g}"


def fraction(value: Any) -> str:
    """A signed exposure step as ExifTool prints it: "+1/3", "-2/3", "+2", "0", else "+0.3"."""
    number_ = float(_undefined_as_zero(value))
    if number_ == 0:
        return "0"
    if math.isinf(number_):
        return "+Inf"  # an n/0 rational reads "inf" whatever the sign of n
    sign = "+" if number_ > 0 else "-"
    magnitude = abs(number_)
    for denominator in (1, 2, 3):
        scaled = magnitude * denominator
        if abs(scaled - round(scaled)) < 1e-6 * denominator:
            numerator = round(scaled)
            return f"{sign}{numerator}" if denominator == 1 else f"{sign}{numerator}/{denominator}"
    return f"{sign}{magnitude:.3g}"


def degrees(value: Any) -> str:
    """Decimal degrees as `43 deg 28' 2.81"` (the hemisphere is its own Ref tag)."""
    angle = abs(float(value))
    whole = int(angle)
    minutes_float = (angle - whole) * 60
    minutes = int(minutes_float)
    seconds = (minutes_float - minutes) * 60
    return f"{whole} deg {minutes}' {seconds:.2f}\""


def version(value: Any) -> str:
    """A version held as bytes or digits: [2, 2, 0, 0] -> "2.2.0.0"."""
    parts = numbers(value)
    if not parts or not all(isinstance(p, int) or str(p).isdigit() for p in parts):
        raise ValueError("not a version")
    return ".".join(str(int(p)) for p in parts)


def each(table: Mapping[Any, str], separator: str, unknown: str = "Unknown ({})") -> Callable[[Any], str]:
    """A list whose items each look up `table`: ComponentsConfiguration, SampleFormat."""
    def convert(value: Any) -> str:
        items = [int(v) for v in numbers(value)]
        return separator.join(table.get(v, unknown.format(v)) for v in items)
    return convert


def lookup_hex(table: Mapping[int, str]) -> Callable[[Any], str]:
    """A code table whose unknown codes print in hex ("Unknown (0xb6c0)"), as Flash does."""
    def convert(value: Any) -> str:
        code = int(value)
        return table.get(code, f"Unknown (0x{code:x})")
    return convert


def code(table: Mapping[int, str]) -> Callable[[Any], str]:
    """A code table for a tag some writers store as digits in text (GPSMeasureMode "3")."""
    def convert(value: Any) -> str:
        number_ = int(value)
        return table.get(number_, f"Unknown ({number_})")
    return convert


def lookup_text(table: Mapping[str, str]) -> Callable[[Any], str]:
    """A table keyed by short text (GPS refs, DCF indexes); other text prints "Unknown (X)"."""
    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("not text")
        key = value.strip()
        return table.get(key, f"Unknown ({key})")
    return convert


def lens_info(value: Any) -> str:
    """LensInfo (min/max focal length, min/max f-number) as "18-55mm f/3.5-5.6"; unknown parts read "?"."""
    parts = numbers(value)
    if len(parts) != 4:
        raise ValueError("LensInfo has four parts")

    def part(item: Any) -> str:
        try:
            item_number = float(item)
        except (TypeError, ValueError):
            return "?"
        return "?" if math.isnan(item_number) or math.isinf(item_number) else number(item_number)

    short, long, wide, narrow = (part(p) for p in parts)
    focal = short if short == long else f"{short}-{long}"
    aperture = wide if wide == narrow else f"{wide}-{narrow}"
    return f"{focal}mm f/{aperture}"


def file_size(value: Any) -> str:
    """A size in bytes as ExifTool prints it, in decimal units: "880 bytes", "8.2 kB", "745 kB", "1.2 MB"."""
    size = int(value)
    if size < 2000:
        return f"{size} bytes"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12)):
        scaled = size / scale
        if scaled < 10:
            return f"{scaled:.1f} {unit}"
        if scaled < 2000 or unit == "TB":
            return f"{scaled:.0f} {unit}"
    raise ValueError("unreachable")


def lowercase(value: Any) -> str:
    """FileTypeExtension: ExifTool's -n value is upper case, its printed one lower case."""
    if not isinstance(value, str):
        raise TypeError("not text")
    return value.lower()
