"""Byte-by-byte builders for the JPEG segments and blocks the segment readers parse (ICC, 8BIM, MPF, ...)."""

import io
import struct

from PIL import Image


def jpeg_with(*segments: bytes, size=(8, 8)) -> bytes:
    """A small real JPEG with `segments` inserted right after its SOI marker."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[:2] + b"".join(segments) + data[2:]


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def resource(resource_id: int, data: bytes, name: bytes = b"") -> bytes:
    """One Photoshop image resource: 8BIM, id, even-padded Pascal name, size, even-padded data."""
    pascal = bytes([len(name)]) + name
    pascal += b"\x00" * (len(pascal) % 2)
    return b"8BIM" + struct.pack(">H", resource_id) + pascal + struct.pack(">I", len(data)) + data + b"\x00" * (
        len(data) % 2)


def unicode_string(text: str) -> bytes:
    """Photoshop's and Ducky's Unicode string: a count of UTF-16 units, then the units."""
    return struct.pack(">I", len(text)) + text.encode("utf-16-be")


def fixed(value: float) -> int:
    return round(value * 65536)


def xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \x00\x00\x00\x00" + struct.pack(">3i", fixed(x), fixed(y), fixed(z))


def desc(text: str) -> bytes:
    """A v2 textDescriptionType: ASCII count and string, then empty Unicode and ScriptCode parts."""
    ascii_part = text.encode("latin-1") + b"\x00"
    return b"desc\x00\x00\x00\x00" + struct.pack(">I", len(ascii_part)) + ascii_part + b"\x00" * 12 + b"\x00" * 67


def mluc(records: list[tuple[str, str, str]]) -> bytes:
    """A multiLocalizedUnicodeType with (language, country, text) records."""
    head = b"mluc\x00\x00\x00\x00" + struct.pack(">II", len(records), 12)
    strings = b""
    table = b""
    base = 16 + 12 * len(records)
    for language, country, text in records:
        raw = text.encode("utf-16-be")
        table += language.encode() + country.encode() + struct.pack(">II", len(raw), base + len(strings))
        strings += raw
    return head + table + strings


def icc_profile(tags: list[tuple[bytes, bytes]], *, version: int = 0x02100000, cmm: bytes = b"Lino",
                attributes: tuple[int, int] = (0, 0), flags: int = 0, profile_id: bytes = b"\x00" * 16) -> bytes:
    """An ICC profile: the 128-byte header (ICC.1 section 7.2), the tag table, then the tag data, 4-byte aligned."""
    table, body = b"", b""
    start = 128 + 4 + 12 * len(tags)
    for signature, data in tags:
        table += struct.pack(">4sII", signature, start + len(body), len(data))
        body += data + b"\x00" * (-len(data) % 4)
    header = (
        struct.pack(">I4sI4s4s4s", 0, cmm, version, b"mntr", b"RGB ", b"XYZ ")
        + struct.pack(">6H", 1998, 2, 9, 6, 49, 0)
        + b"acsp" + b"MSFT" + struct.pack(">I", flags) + b"IEC " + b"sRGB"
        + struct.pack(">II", *attributes) + struct.pack(">I", 0)
        + struct.pack(">3i", fixed(0.9642), fixed(1.0), fixed(0.82491)) + b"HP  " + profile_id + b"\x00" * 28
    )
    assert len(header) == 128
    data = header + struct.pack(">I", len(tags)) + table + body
    return struct.pack(">I", len(data)) + data[4:]
