"""The Multi-Picture Format segment (CIPA DC-007) built byte by byte: index, entries, file offsets, printed words."""

import struct

import pytest

from extraction.pipeline import extract_file
from extraction.pipeline.mpf import parse_mpf
from extraction.pipeline.printed import print_groups
from tests.support.segments import jpeg_with, segment


def mpf_body(endian: str, entries: list[tuple[int, int, int]], attributes: bool = True) -> bytes:
    """MPF\\0 + a TIFF header + the MP Index IFD (version, count, entries) [+ an MP Attribute IFD]."""
    mark = b"II*\x00" if endian == "<" else b"MM\x00*"
    index_size = 2 + 12 * 3 + 4
    entry_at = 8 + index_size
    attributes_at = entry_at + 16 * len(entries)
    tiff = mark + struct.pack(endian + "I", 8) + struct.pack(endian + "H", 3)
    tiff += struct.pack(endian + "HHI", 0xB000, 7, 4) + b"0100"
    tiff += struct.pack(endian + "HHII", 0xB001, 4, 1, len(entries))
    tiff += struct.pack(endian + "HHII", 0xB002, 7, 16 * len(entries), entry_at)
    tiff += struct.pack(endian + "I", attributes_at if attributes else 0)
    for flags_type, length, offset in entries:
        tiff += struct.pack(endian + "IIIHH", flags_type, length, offset, 0, 0)
    if attributes:
        tiff += struct.pack(endian + "H", 1) + struct.pack(endian + "HHII", 0xB101, 4, 1, 1) + b"\x00" * 4
    return b"MPF\x00" + tiff


@pytest.mark.parametrize("endian", ["<", ">"])
def test_index_and_the_last_image_entry_as_exiftool_j_shows_them(endian):
    body = mpf_body(endian, [(0x20030000, 5000, 0), (0x00010001, 700, 4000)])
    tags = parse_mpf(body, body_offset=100, file_size=5700)
    assert tags["MPFVersion"] == "0100" and tags["NumberOfImages"] == 2
    assert (tags["MPImageFlags"], tags["MPImageFormat"], tags["MPImageType"]) == (0, 0, 0x010001)
    assert tags["MPImageLength"] == 700
    assert tags["MPImageStart"] == 4000 + 100 + 4  # from the MP header's byte-order mark to a file offset
    assert tags["PreviewImage"] == "(Binary data 700 bytes, use -b option to extract)"
    assert tags["MPIndividualNum"] == 1


def test_printed_words():
    tags = parse_mpf(mpf_body(">", [(0x20030000, 5000, 0)]), body_offset=0, file_size=5000)
    printed = print_groups({"MPF": tags})["MPF"]
    assert printed["MPImageFlags"] == "Representative image"
    assert printed["MPImageFormat"] == "JPEG"
    assert printed["MPImageType"] == "Baseline MP Primary Image"
    assert print_groups({"MPF": {"MPImageFlags": 0b11000}})["MPF"]["MPImageFlags"] == (
        "Dependent child image, Dependent parent image")


def test_an_image_past_the_end_of_the_file_is_not_claimed():
    tags = parse_mpf(mpf_body("<", [(0x20030000, 5000, 0), (0x00000000, 10**6, 4000)]), 0, 5000)
    assert tags["MPImageLength"] == 10**6 and "MPImage2" not in tags and "PreviewImage" not in tags


def test_a_broken_header_warns():
    warnings: list[str] = []
    assert parse_mpf(b"MPF\x00XX", 0, 10, warnings) == {}
    assert warnings == ["MPF: the segment has no TIFF header."]


def test_read_from_a_jpeg_with_a_second_image_after_it(tmp_path):
    second = jpeg_with()
    first_without = jpeg_with(segment(0xE2, mpf_body("<", [(0x20030000, 0, 0), (0x00010001, 0, 0)])))
    # the MP header sits after SOI (2) + the APP2 marker and length (4) + "MPF\0" (4)
    offset = len(first_without) - 10
    body = mpf_body("<", [(0x20030000, len(first_without), 0), (0x00010001, len(second), offset)])
    path = tmp_path / "mpo.jpg"
    path.write_bytes(jpeg_with(segment(0xE2, body)) + second)
    mpf = extract_file(str(path))["groups"]["MPF"]
    assert mpf["MPImageStart"] == len(first_without)
    assert mpf["PreviewImage"] == f"(Binary data {len(second)} bytes, use -b option to extract)"
