"""TIFF clean copy: each full-size page rewritten with image-structure tags only, its strips or tiles copied as they are."""

import struct

from ..makers.base import Entry, read_ifd
from .jpeg import NotCleanable

_ORIENTATION, _ICC = 274, 34675
_STRIPS, _STRIP_COUNTS, _TILES, _TILE_COUNTS = 273, 279, 324, 325
_SUBFILE_TYPE, _DNG_VERSION, _COMPRESSION = 254, 50706, 259
# What a decoder needs to draw the pixels (TIFF 6.0 baseline and extensions); nothing about who or where.
_STRUCTURE = {
    254, 256, 257, 258, 259, 262, 263, 264, 265, 266, 273, 277, 278, 279, 280, 281, 282, 283, 284, 290, 291,
    296, 301, 317, 318, 319, 320, 322, 323, 324, 325, 332, 338, 339, 340, 341, 347, 529, 530, 531, 532,
}
_MAX_PAGES = 64


class Unsupported(NotCleanable):
    """A format we read but do not clean, with the reason (raw files)."""


def clean_tiff(data: bytes, *, keep_orientation: bool, keep_icc: bool) -> bytes:
    order = data[:2].decode("latin-1")
    if order not in ("II", "MM") or len(data) < 8:
        raise NotCleanable("the file does not start with a TIFF header")
    endian = "<" if order == "II" else ">"
    if struct.unpack_from(endian + "H", data, 2)[0] != 42:
        raise Unsupported("BigTIFF and TIFF-like raw variants are not cleaned")
    pages = _pages(data, order, endian)
    keep = _STRUCTURE | ({_ORIENTATION} if keep_orientation else set()) | ({_ICC} if keep_icc else set())
    out = bytearray(data[:4] + b"\x00\x00\x00\x00")
    next_pointer = 4
    for entries in pages:
        chunks = (_STRIPS, _STRIP_COUNTS) if _STRIPS in entries else (_TILES, _TILE_COUNTS)
        offsets, counts = _numbers(entries.get(chunks[0])), _numbers(entries.get(chunks[1]))
        if not offsets or len(offsets) != len(counts):
            raise NotCleanable("a TIFF page has no strips or tiles to copy")
        moved = []
        for offset, count in zip(offsets, counts):
            if offset + count > len(data):
                raise NotCleanable("a TIFF strip runs past the end of the file")
            _align(out)
            moved.append(len(out))
            out += data[offset : offset + count]
        fields = {tag: (entry.type, entry.count, entry.raw) for tag, entry in entries.items() if tag in keep}
        fields[chunks[0]] = (4, len(moved), struct.pack(endian + "I" * len(moved), *moved))
        fields[chunks[1]] = (4, len(counts), struct.pack(endian + "I" * len(counts), *counts))
        _align(out)
        struct.pack_into(endian + "I", out, next_pointer, len(out))
        next_pointer = _write_ifd(out, fields, endian)
    return bytes(out)


def _pages(data: bytes, order: str, endian: str) -> list[dict[int, Entry]]:
    """The full-size pages of the IFD chain (reduced-resolution ones are thumbnails); refuse raw files."""
    pages, seen = [], set()
    (offset,) = struct.unpack_from(endian + "I", data, 4)
    while offset and offset not in seen and len(seen) < _MAX_PAGES and offset + 2 <= len(data):
        seen.add(offset)
        entries = read_ifd(data, offset, order)
        if _DNG_VERSION in entries:
            raise Unsupported("DNG and other raw files keep their image in maker-specific structures")
        if _COMPRESSION in entries and entries[_COMPRESSION].value == 6:
            raise Unsupported("old-style JPEG compression in TIFF (compression 6) is not cleaned")
        subfile = entries.get(_SUBFILE_TYPE)
        if not (subfile is not None and isinstance(subfile.value, int) and subfile.value & 1):
            pages.append(entries)
        count = struct.unpack_from(endian + "H", data, offset)[0]
        pointer = offset + 2 + 12 * count
        offset = struct.unpack_from(endian + "I", data, pointer)[0] if pointer + 4 <= len(data) else 0
    if not pages:
        raise NotCleanable("the TIFF has no full-size image directory")
    return pages


def _numbers(entry: Entry | None) -> list[int]:
    if entry is None:
        return []
    value = entry.value
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int)]


def _write_ifd(out: bytearray, fields: dict[int, tuple[int, int, bytes]], endian: str) -> int:
    """Append an IFD (entries sorted by tag, long values after it); return where its next-IFD pointer is."""
    start = len(out)
    tags = sorted(fields)
    extra_at = start + 2 + 12 * len(tags) + 4
    body = bytearray(struct.pack(endian + "H", len(tags)))
    extra = bytearray()
    for tag in tags:
        kind, count, raw = fields[tag]
        if len(raw) <= 4:
            body += struct.pack(endian + "HHI", tag, kind, count) + raw.ljust(4, b"\x00")
        else:
            if (extra_at + len(extra)) & 1:
                extra += b"\x00"
            body += struct.pack(endian + "HHII", tag, kind, count, extra_at + len(extra))
            extra += raw
    pointer = start + len(body)
    out += body + b"\x00\x00\x00\x00" + extra
    return pointer


def _align(out: bytearray) -> None:
    if len(out) & 1:
        out += b"\x00"
