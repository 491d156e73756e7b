"""What a maker-note decoder is given, and a bounded reader for the TIFF-style IFDs most maker notes are."""

import struct
from dataclasses import dataclass, field
from typing import Any

# TIFF field types: size in bytes of one value.
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
MAX_ENTRIES = 1000  # a count above this is junk, not an IFD
MAX_VALUES = 100_000  # one tag's values; larger counts are blobs, kept as bytes


@dataclass
class MakerNote:
    """One maker note inside an EXIF TIFF block; offsets count from the block's start (its TIFF header)."""

    tiff: bytes | memoryview  # the whole EXIF TIFF block
    offset: int  # where the maker note's bytes start in `tiff`
    length: int
    byte_order: str  # "II" or "MM": the EXIF block's
    make: str = ""
    model: str = ""
    exif: dict[str, Any] = field(default_factory=dict)  # the EXIF group read so far (ExifTool names)
    file_offset: int = 0  # where `tiff` starts in the file: ExifTool reports preview offsets from the file's start

    @property
    def data(self) -> bytes:
        return bytes(self.tiff[self.offset : self.offset + self.length])


@dataclass
class Entry:
    tag: int
    type: int
    count: int
    value: Any  # ints/floats (a list when count > 1), str for ASCII, bytes for UNDEFINED and blobs
    value_offset: int  # where the value's bytes start in the buffer the IFD was read from
    raw: bytes  # the value's bytes


def read_ifd(buffer: bytes | memoryview, start: int, byte_order: str, *, base: int = 0,
             warnings: list[str] | None = None) -> dict[int, Entry]:
    """The entries of the IFD at `start`; value offsets count from `base`. Bad entries are skipped, never raised."""
    endian = "<" if byte_order == "II" else ">"
    size = len(buffer)
    if start < 0 or start + 2 > size:
        return {}
    (count,) = struct.unpack_from(endian + "H", buffer, start)
    if count > MAX_ENTRIES or start + 2 + 12 * count > size:
        if warnings is not None:
            warnings.append(f"MakerNotes: an IFD of {count} entries at {start} runs past the data")
        count = max(0, min(count, (size - start - 2) // 12))
    entries: dict[int, Entry] = {}
    for index in range(count):
        pos = start + 2 + 12 * index
        tag, kind, n = struct.unpack_from(endian + "HHI", buffer, pos)
        width = TYPE_SIZES.get(kind)
        if width is None or n == 0:
            continue
        length = width * n
        where = pos + 8 if length <= 4 else base + struct.unpack_from(endian + "I", buffer, pos + 8)[0]
        if where < 0 or where + length > size:
            continue
        raw = bytes(buffer[where : where + length])
        entries[tag] = Entry(tag, kind, n, decode(raw, kind, n, endian), where, raw)
    return entries


def decode(raw: bytes, kind: int, count: int, endian: str) -> Any:
    """A TIFF value from its bytes: one number or a list, text for ASCII, bytes for UNDEFINED."""
    if kind == 2:
        return raw.split(b"\x00", 1)[0].decode("utf-8", "replace").strip()
    if kind in (7, 1) and count > MAX_VALUES or kind == 7:
        return raw
    if count > MAX_VALUES:
        return raw
    if kind in (5, 10):
        pairs = struct.unpack(endian + ("I" if kind == 5 else "i") * (2 * count), raw)
        values: list[Any] = [
            (num / den) if den else ("inf" if num else "undef") for num, den in zip(pairs[::2], pairs[1::2])
        ]
    else:
        code = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 13: "I"}[kind]
        values = list(struct.unpack(endian + code * count, raw))
    return values[0] if count == 1 else values


def int_array(entry: Entry | None, byte_order: str, *, signed: bool = True) -> list[int]:
    """A tag's values as 16-bit words (Canon's and others' binary arrays): the raw bytes reread as shorts."""
    if entry is None:
        return []
    endian = "<" if byte_order == "II" else ">"
    n = len(entry.raw) // 2
    return list(struct.unpack(endian + ("h" if signed else "H") * n, entry.raw[: 2 * n]))
