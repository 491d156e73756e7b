"""Reads TIFF structures (classic and BigTIFF): byte order, IFD entries and their raw values."""

import struct
from dataclasses import dataclass
from typing import Any

# Entries beyond this are hostile or corrupt; real IFDs hold a few hundred at most.
MAX_ENTRIES = 1000
# Values bigger than this are kept as a size note, not decoded, unless a caller asks for bytes.
MAX_DECODED_BYTES = 64 * 1024

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}
_TYPE_CODES = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 13: "I", 16: "Q", 17: "q", 18: "Q"}
ASCII, UNDEFINED, BYTE = 2, 7, 1


class TiffError(ValueError):
    """The bytes are not a readable TIFF structure."""


@dataclass(frozen=True)
class Entry:
    tag: int
    type: int
    count: int
    offset: int  # absolute offset of the value bytes in the buffer
    size: int


class Tiff:
    """A TIFF structure inside `data`, starting at `base` (offsets in the file are relative to it)."""

    def __init__(self, data: bytes, base: int = 0, *, byte_order: str | None = None, big: bool = False):
        self.data = data
        self.base = base
        if byte_order is None:
            mark = bytes(data[base : base + 2])
            if mark == b"II":
                byte_order = "<"
            elif mark == b"MM":
                byte_order = ">"
            else:
                raise TiffError("no TIFF byte-order mark")
            self.order = byte_order
            magic = self.unpack("H", base + 2)
            if magic == 43:
                big = True
            elif magic != 42 and magic not in (0x4F52, 0x5352, 0x55):  # ORF/RW2 variants keep IFD layout
                raise TiffError(f"unknown TIFF magic {magic}")
        self.order = byte_order
        self.big = big

    @property
    def byte_order_name(self) -> str:
        return "II" if self.order == "<" else "MM"

    def first_ifd(self) -> int:
        if self.big:
            return self.unpack("Q", self.base + 8)
        return self.unpack("I", self.base + 4)

    def unpack(self, code: str, offset: int) -> Any:
        size = struct.calcsize(code)
        if offset < 0 or offset + size > len(self.data):
            raise TiffError("read past the end of the data")
        return struct.unpack_from(self.order + code, self.data, offset)[0]

    def entries(self, ifd_offset: int) -> tuple[list[Entry], int]:
        """Return the entries of the IFD at `ifd_offset` (relative to base) and the next IFD's offset."""
        start = self.base + ifd_offset
        if self.big:
            count, head, entry_size, inline = self.unpack("Q", start), 8, 20, 8
        else:
            count, head, entry_size, inline = self.unpack("H", start), 2, 12, 4
        if count > MAX_ENTRIES:
            raise TiffError(f"IFD claims {count} entries")
        entries = []
        pos = start + head
        end = len(self.data)
        for _ in range(count):
            if pos + entry_size > end:
                break
            if self.big:
                tag, typ, n = struct.unpack_from(self.order + "HHQ", self.data, pos)
            else:
                tag, typ, n = struct.unpack_from(self.order + "HHI", self.data, pos)
            pos += entry_size
            unit = _TYPE_SIZES.get(typ)
            if unit is None:
                continue
            size = unit * n
            value_pos = pos - inline
            if size > inline:
                value_pos = self.base + self.unpack("Q" if self.big else "I", value_pos)
            if value_pos < 0 or value_pos + size > end:
                continue  # value lies outside the file: skip it as ExifTool does (with a warning)
            entries.append(Entry(tag, typ, n, value_pos, size))
        next_pos = start + head + count * entry_size
        try:
            next_ifd = self.unpack("Q" if self.big else "I", next_pos)
        except TiffError:
            next_ifd = 0
        return entries, next_ifd

    def raw(self, entry: Entry) -> bytes:
        return bytes(self.data[entry.offset : entry.offset + entry.size])

    def value(self, entry: Entry) -> Any:
        """Decode an entry like ExifTool's -n: numbers, lists of numbers, or trimmed text."""
        typ, n = entry.type, entry.count
        if typ == ASCII:
            return decode_text(self.raw(entry))
        if entry.size > MAX_DECODED_BYTES:
            return f"(Binary data {entry.size} bytes, use -b option to extract)"
        if typ in (5, 10):
            parts = struct.unpack_from(f"{self.order}{2 * n}{'I' if typ == 5 else 'i'}", self.data, entry.offset)
            values = [rational(parts[i], parts[i + 1]) for i in range(0, 2 * n, 2)]
        elif typ == UNDEFINED:
            return self.raw(entry)
        else:
            values = list(struct.unpack_from(f"{self.order}{n}{_TYPE_CODES[typ]}", self.data, entry.offset))
        if n == 1:
            return values[0]
        return values


def rational(numerator: int, denominator: int) -> float | str:
    """A rational as a float; ExifTool's words where it has no finite value (JSON has no infinity)."""
    if denominator == 0:
        return "undef" if numerator == 0 else "inf"
    return numerator / denominator


def decode_text(raw: bytes) -> str:
    """Text as ExifTool reads it: cut at the first NUL, trailing spaces trimmed."""
    raw = raw.split(b"\x00", 1)[0]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.rstrip()
