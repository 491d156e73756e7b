"""Print Image Matching blocks, in IFD0 (tag 0xC4A5) or inside a maker note."""

import struct

from extraction.pipeline.exif_blocks import find_printim
from extraction.pipeline.printim import parse_printim

BLOCK = b"PrintIM\x000250" + b"\x00\x00" + struct.pack("<H", 1) + struct.pack("<HI", 1, 0x00160016)


def tiff(entries: list[tuple[int, int, bytes]]) -> bytes:
    """A little-endian TIFF with one IFD whose values all live after it."""
    data_at = 8 + 2 + 12 * len(entries) + 4
    ifd, data = struct.pack("<H", len(entries)), b""
    for tag, kind, value in entries:
        ifd += struct.pack("<HHII", tag, kind, len(value), data_at + len(data))
        data += value
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 4 + data


def test_version_from_ifd0():
    block = find_printim(tiff([(0xC4A5, 7, BLOCK)]))
    assert block == BLOCK
    assert parse_printim(block) == {"PrintIMVersion": "0250"}


def test_block_inside_a_maker_note():
    note = b"OLYMP\x00\x01\x00" + b"\x00" * 20 + BLOCK
    structure = tiff([(0x927C, 7, note)])
    at = structure.index(note)
    assert parse_printim(find_printim(structure, (at, len(note)))) == {"PrintIMVersion": "0250"}


def test_no_block_or_a_short_one():
    assert find_printim(tiff([(0x010F, 2, b"Canon\x00")])) is None
    assert find_printim(b"junk") is None
    assert parse_printim(b"PrintIM\x00") == {}
