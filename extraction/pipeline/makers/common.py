"""Helpers the maker-note decoders share: binary arrays of fixed-position fields, and printed forms."""

import math
from collections.abc import Callable, Mapping
from typing import Any

from ..printed import print_value

# A field of a binary array: (name, value conversion or None, printed conversion or None). The value
# conversion turns the raw number into ExifTool's -n value; it returns None where ExifTool drops the field.
Field = tuple[str, Callable[[Any], Any] | None, Mapping[Any, Any] | Callable[[Any], Any] | None]


class Numbers(list):
    """A multi-valued tag: a JSON list in `groups`, its text ExifTool's space-separated form ("0 -370 370")."""

    def __str__(self) -> str:
        return " ".join(perl(v) for v in self)


def spaced(items: Any) -> Numbers:
    """Numbers of a multi-valued tag, floats kept to the 15 digits ExifTool writes."""
    return Numbers(number(float(f"{v:.15g}")) if isinstance(v, float) else v for v in items)


def put(values: dict[str, Any], printed: dict[str, Any], name: str, value: Any, conversion: Any = None) -> None:
    """Store one tag, and its printed form when a conversion gives one; the first reading of a name wins.

    A conversion sees a multi-valued tag as its space-separated text, as ExifTool's conversions do.
    """
    if value is None or name in values:
        return
    values[name] = value
    if conversion is not None:
        printed[name] = print_value(conversion, str(value) if isinstance(value, Numbers) else value)
    elif isinstance(value, Numbers):
        printed[name] = str(value)


def read_fields(words: list[int], fields: Mapping[int, Field], values: dict[str, Any], printed: dict[str, Any]) -> None:
    """The fields of a binary array whose positions fall inside `words`."""
    for index, (name, convert, conversion) in fields.items():
        if index >= len(words):
            continue
        raw = words[index]
        value = convert(raw) if convert is not None else raw
        put(values, printed, name, value, conversion)


def number(value: float) -> int | float:
    """A float that is a whole number as an int, as ExifTool's JSON writes it."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def perl(value: Any) -> str:
    """A number as Perl prints it (15 significant digits), the form of ExifTool's "$val mm" conversions."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        text = f"{value:.15g}"
        return text
    return str(value)


def unit(suffix: str) -> Callable[[Any], str]:
    """Printed as the number followed by a unit ("50 mm", "21 C")."""
    return lambda value: f"{perl(value)} {suffix}"


def fixed(pattern: str) -> Callable[[Any], str]:
    """Printed with a printf pattern ("%.2f", "%.2g mm")."""
    return lambda value: pattern % value


def bits(names: Mapping[int, str], none: str = "(none)") -> Callable[[Any], str]:
    """A bit mask printed as the names of its set bits (`names` keyed by bit value), joined by ", "."""
    def convert(value: Any) -> str:
        value = int(value)
        if value == 0:
            return none
        words = [name for bit, name in names.items() if value & bit]
        rest = value & ~sum(names)
        if rest:
            words.extend(f"[{index}]" for index in range(32) if rest & (1 << index))
        return ", ".join(words)
    return convert


def bit_indices(words: list[int], width: int = 16) -> str:
    """The indices of the set bits across a list of words, lowest first ("0,4,18"); "(none)" when none is."""
    found = [str(index * width + bit) for index, word in enumerate(words) for bit in range(width) if word >> bit & 1]
    return ",".join(found) if found else "(none)"


def hex_bytes(raw: bytes) -> str:
    return raw.hex()


def binary(size: int) -> str:
    return f"(Binary data {size} bytes, use -b option to extract)"


def ifd_order(buffer: Any, start: int, order: str) -> str:
    """The byte order an IFD at `start` is written in: `order`, unless its entry count only makes sense the other way.

    Maker notes are usually in the EXIF block's order, but editors that rewrite EXIF in the other order
    copy the note's bytes unchanged (ExifTool checks the same way).
    """
    raw = bytes(buffer[start : start + 2])
    if len(raw) < 2:
        return order
    here = int.from_bytes(raw, "little" if order == "II" else "big")
    other = int.from_bytes(raw, "big" if order == "II" else "little")
    if (here == 0 or here > 512) and 0 < other <= 512:
        return "MM" if order == "II" else "II"
    return order


def exposure_time(value: Any) -> str:
    """Seconds as ExifTool prints an exposure time: "1/N" (N rounded) up to a quarter second, else one decimal."""
    seconds = float(value)
    if 0 < seconds < 0.25001:
        return f"1/{int(0.5 + 1 / seconds)}"
    text = f"{seconds:.1f}"
    return text[:-2] if text.endswith(".0") else text


def looks_like_ifd(buffer: Any, start: int) -> bool:
    """Whether a headerless note starts with an IFD: a sane entry count and a known type in its first entry."""
    raw = bytes(buffer[start : start + 6])
    if len(raw) < 6:
        return False
    for endian in ("little", "big"):
        count = int.from_bytes(raw[:2], endian)
        kind = int.from_bytes(raw[4:6], endian)
        if 0 < count <= 512 and 1 <= kind <= 13:
            return True
    return False
