"""FlashPix-ready APP2 segments built byte by byte: contents list, streams in pieces, property sets, hostile input."""

import random
import struct

import pytest

from extraction.pipeline import extract_file
from extraction.pipeline.flashpix import FlashPixReader
from extraction.pipeline.printed import print_groups
from tests.support.segments import jpeg_with, segment

CLASS_ID = bytes.fromhex("30020010c06fd011bd0100609719a180")
FILETIME_2003 = (1048960070 * 10_000_000) + 116_444_736_000_000_000  # 2003:03:29 17:47:50 UTC


def wide(text: str) -> bytes:
    raw = (text + "\x00").encode("utf-16-le")
    body = struct.pack("<I", len(text) + 1) + raw
    return body + b"\x00" * (-len(body) % 4)


def property_set(properties: list[tuple[int, int, bytes]]) -> bytes:
    """An OLE property set (little-endian) with one section holding `properties` as (id, type, value bytes)."""
    header = b"\xfe\xff\x00\x00" + struct.pack("<I", 0x00020004) + b"\x00" * 16 + struct.pack("<I", 1)
    header += b"\x00" * 16 + struct.pack("<I", 48)
    table, values = b"", b""
    start = 8 + 8 * len(properties)
    for prop_id, kind, value in properties:
        table += struct.pack("<II", prop_id, start + len(values))
        values += struct.pack("<I", kind) + value
    section = struct.pack("<II", 8 + len(table) + len(values), len(properties)) + table + values
    return header + section


EXTENSIONS = property_set([
    (0x0001, 2, struct.pack("<hH", 1200, 0)),
    (0x10000000, 0x1012, struct.pack("<IH", 1, 1) + b"\x00\x00"),
    (0x00010001, 31, wide("Screen nail")),
    (0x00010002, 72, CLASS_ID),
    (0x00010003, 3, struct.pack("<i", 1)),
    (0x00010004, 64, struct.pack("<Q", FILETIME_2003)),
    (0x00010007, 31, wide("Presized image for LCD display")),
    (0x00011000, 31, wide("/\x05Screen Nail_bd0100609719a180")),
])
SCREEN_NAIL = b"\xfe\xff" + b"\x00" * 26 + b"\x00" * 140 + b"\xff\xd8\xff\xdb" + b"\x07" * 496


def contents(entries: list[tuple[int, str]]) -> bytes:
    body = struct.pack(">H", len(entries))
    for size, name in entries:
        body += struct.pack(">IB", size, 0) + (name + "\x00").encode("utf-16-le")
    return b"FPXR\x00\x00\x01" + body


def piece(index: int, offset: int, data: bytes) -> bytes:
    return b"FPXR\x00\x00\x02" + struct.pack(">HI", index, offset) + data


def segments() -> list[bytes]:
    return [
        contents([(len(EXTENSIONS), "/\x05Extension List"), (len(SCREEN_NAIL), "/\x05Screen Nail_bd0100609719a180")]),
        piece(0, 0, EXTENSIONS),
        piece(1, 0, SCREEN_NAIL[:300]),
        piece(1, 300, SCREEN_NAIL[300:]),
    ]


def read(bodies: list[bytes], warnings: list[str] | None = None) -> dict:
    reader = FlashPixReader()
    warnings = [] if warnings is None else warnings
    for body in bodies:
        reader.add(body, warnings)
    return reader.tags(warnings)


def test_extension_list_and_screen_nail():
    tags = read(segments())
    assert tags == {
        "CodePage": 1200, "UsedExtensionNumbers": 1, "ExtensionName": "Screen nail",
        "ExtensionClassID": "10000230-6FC0-11D0-BD01-00609719A180", "ExtensionPersistence": 1,
        "ExtensionCreateDate": "2003:03:29 17:47:50", "ExtensionDescription": "Presized image for LCD display",
        "Storage-StreamPathname": "/\x05Screen Nail_bd0100609719a180",
        "ScreenNail": f"(Binary data {len(SCREEN_NAIL) - 28} bytes, use -b option to extract)",
        "PreviewImage": "(Binary data 500 bytes, use -b option to extract)",
    }
    printed = print_groups({"FlashPix": tags})["FlashPix"]
    assert printed["CodePage"] == "Unicode UTF-16, little endian"
    assert printed["ExtensionPersistence"] == "Invalidated By Modification"


def test_read_from_a_jpeg(tmp_path):
    path = tmp_path / "fpxr.jpg"
    path.write_bytes(jpeg_with(*(segment(0xE2, body) for body in segments())))
    assert extract_file(str(path))["groups"]["FlashPix"]["ExtensionName"] == "Screen nail"


def test_data_for_an_unnamed_stream_warns():
    warnings: list[str] = []
    assert read([contents([(10, "/x")]), piece(5, 0, b"abc")], warnings) == {}
    assert warnings == ["FlashPix: stream data for a stream the contents list does not name."]


@pytest.mark.parametrize("seed", range(30))
def test_mutated_segments_never_raise(seed):
    rng = random.Random(seed)
    bodies = [bytearray(body) for body in segments()]
    for _ in range(rng.randint(1, 20)):
        body = rng.choice(bodies)
        body[rng.randrange(len(body))] = rng.randrange(256)
    tags = read([bytes(body[: rng.randint(0, len(body))]) if rng.random() < 0.3 else bytes(body) for body in bodies])
    print_groups({"FlashPix": tags})
