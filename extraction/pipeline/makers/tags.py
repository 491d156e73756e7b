"""Tag tables for IFD-style maker notes: each entry's ExifTool name, how its bytes read, and its printed words."""

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .base import Entry

Words = Mapping[Any, Any] | Callable[[Any], Any] | None

# How a tag's raw bytes are reread when the stored TIFF type is not the one the camera meant.
_FORMS = {"int8u": "B", "int8s": "b", "int16u": "H", "int16s": "h", "int32u": "I", "int32s": "i"}
MAX_TEXT = 4096  # longer "text" is a blob


@dataclass(frozen=True)
class Tag:
    """One maker-note tag: its ExifTool name, an optional reread (`form`), value function and printed words."""

    name: str
    words: Words = None
    form: str | None = None  # "string", "binary", "int8u", "int16s", ... (see _FORMS), "rational"
    value: Callable[[Any], Any] | None = None  # the stored number to ExifTool's -n value


def directory_end(buffer: Any, start: int, byte_order: str) -> int:
    """Where the IFD at `start` ends (after its last entry), from its own entry count."""
    if start < 0 or start + 2 > len(buffer):
        return start
    (count,) = struct.unpack_from("<H" if byte_order == "II" else ">H", buffer, start)
    return min(start + 2 + 12 * count, len(buffer))


def outside(entries: dict[int, Entry], start: int, end: int | None = None) -> dict[int, Entry]:
    """The entries whose values do not overlap their own directory (some firmware, Sanyo's S1 among them,
    writes an offset or two that points into it: those values cannot be right). `end` defaults to a
    directory of just these entries."""
    end = start + 2 + 12 * len(entries) if end is None else end
    return {tag: entry for tag, entry in entries.items()
            if len(entry.raw) <= 4 or not start <= entry.value_offset < end}


def binary(size: int) -> str:
    return f"(Binary data {size} bytes, use -b option to extract)"


def text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("latin-1").rstrip()


def reread(raw: bytes, form: str, endian: str) -> Any:
    """`raw` read as `form`: one value, a list, text, or a blob's note."""
    if form == "string":
        return text(raw[:MAX_TEXT])
    if form == "binary":
        return binary(len(raw))
    if form == "digits":  # text some firmware pads with NULs inside
        return raw[:MAX_TEXT].replace(b"\x00", b"").decode("latin-1").strip()
    if form == "rational":
        n = len(raw) // 8
        pairs = struct.unpack(endian + "I" * (2 * n), raw[: 8 * n])
        out: list[Any] = [a / b if b else ("inf" if a else "undef") for a, b in zip(pairs[::2], pairs[1::2])]
        return out[0] if len(out) == 1 else out
    code = _FORMS[form]
    width = struct.calcsize(code)
    n = len(raw) // width
    if n == 0:
        return None
    values = list(struct.unpack(endian + code * n, raw[: width * n]))
    return values[0] if n == 1 else values


def entry_value(entry: Entry, tag: Tag, endian: str) -> Any:
    """The -n value of one entry: rereads undefined bytes, turns blobs into ExifTool's binary note."""
    if tag.form == "binary" and entry.type not in (1, 6, 7) and isinstance(entry.value, (int, float, list)):
        # ExifTool sizes a numeric blob by its text: the values joined by spaces.
        return binary(len(key(entry.value if isinstance(entry.value, list) else [entry.value])))
    if tag.form:
        value = reread(entry.raw, tag.form, endian)
    elif isinstance(entry.value, (bytes, bytearray)):
        value = _undefined(entry.raw)
    else:
        value = entry.value
    if tag.value is not None and value is not None and not isinstance(value, str):
        value = tag.value(value)
    return significant(value)


def significant(value: Any) -> Any:
    """Floats to the 10 significant digits ExifTool writes (lists are compared as that text)."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, list):
        return [float(f"{v:.10g}") if isinstance(v, float) else v for v in value]
    return value


def _undefined(raw: bytes) -> Any:
    body = raw.rstrip(b"\x00 ")
    if len(raw) <= MAX_TEXT and all(32 <= b < 127 for b in body):
        return body.decode("ascii")
    if len(raw) > 64:
        return binary(len(raw))
    return list(raw) if len(raw) > 1 else raw[0]


def key(value: Any) -> Any:
    """A value as a table looks it up: a list by its space-separated text."""
    if isinstance(value, list):
        return " ".join(_number_text(v) for v in value)
    return value


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def words_for(words: Words, value: Any) -> Any:
    """The printed form of `value` under `words` (a mapping or a formatter); unknown codes read "Unknown (N)"."""
    if words is None or value is None:
        return value
    if callable(words):
        try:
            return words(value)
        except (TypeError, ValueError, ArithmeticError, IndexError, KeyError, struct.error):
            return value
    if isinstance(value, str) and value.startswith("(Binary data"):
        return value
    lookup = key(value)
    try:
        return words.get(lookup, f"Unknown ({lookup})")
    except TypeError:
        return value


def decode_entries(entries: Mapping[int, Entry], table: Mapping[int, Tag], endian: str,
                   values: dict[str, Any], printed: dict[str, Any]) -> None:
    """Add every entry `table` names to `values` (ExifTool -n) and `printed` (words); a later one of the same name replaces an earlier one, as in ExifTool."""
    for number, entry in entries.items():
        tag = table.get(number)
        if tag is None:
            continue
        try:
            value = entry_value(entry, tag, endian)
        except (struct.error, ValueError, KeyError, OverflowError, ZeroDivisionError, TypeError, IndexError):
            continue  # an entry of a type or count the camera never writes: skip it, keep the rest
        if value is None or value == []:
            continue
        values[tag.name] = value
        printed[tag.name] = words_for(tag.words, value)


def put(values: dict[str, Any], printed: dict[str, Any], name: str, value: Any, words: Words = None) -> None:
    """Add one computed tag (binary records), unless a reader before set it."""
    if value is None or name in values:
        return
    values[name] = value
    printed[name] = words_for(words, value)


# Formatters many makes share.
def on_off(value: Any) -> str:
    return {0: "Off", 1: "On"}.get(value, f"Unknown ({value})")


def version_dots(value: Any) -> str:
    """Numbers "4 1 0" printed "4.1.0"."""
    return ".".join(str(v) for v in value) if isinstance(value, list) else str(value)


def exposure(seconds: Any) -> str:
    """Seconds as ExifTool prints an exposure time: "1/849" under a quarter second, else "0.5", "2"."""
    seconds = float(seconds)
    if 0 < seconds < 0.25001:
        return f"1/{int(1 / seconds + 0.5)}"
    return plain(seconds, 1)


def hex4(value: Any) -> str:
    return f"0x{int(value):04x}"


def plain(number: float, digits: int = 1) -> str:
    """A number with at most `digits` decimals, no trailing zeros ("1.8", "23")."""
    rounded = round(float(number), digits)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:.{digits}f}".rstrip("0").rstrip(".")


def shift(values: dict[str, Any], printed: dict[str, Any], names: tuple[str, ...], delta: int) -> None:
    """Offsets the note counts from its own base, moved to count from the file's start as ExifTool reports them."""
    for name in names:
        if isinstance(values.get(name), int):
            values[name] += delta
            printed[name] = values[name]
