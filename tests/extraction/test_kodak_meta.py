"""Kodak's APP3 Meta segment built byte by byte: the Meta IFD, its effects and borders sub-IFDs."""

import struct

from extraction.pipeline import extract_file
from extraction.pipeline.kodak_meta import parse_kodak_meta
from extraction.pipeline.printed import print_groups
from tests.support.segments import jpeg_with, segment

OWNER = b"UNICODE\x00" + "KODAK DC240".encode("utf-16-be")
EFFECT_NAME = b"UNICODE\x00" + "None".encode("utf-16-be")


def meta_body() -> bytes:
    """Big-endian TIFF: IFD0 (owner, number, shifts, effects pointer), then the effects IFD, then values."""
    ifd0_at, count0 = 8, 5
    effects_at = ifd0_at + 2 + 12 * count0 + 4
    count1 = 2
    data_at = effects_at + 2 + 12 * count1 + 4
    owner_at, name_at = data_at, data_at + len(OWNER)
    shifts_at = name_at + len(EFFECT_NAME)
    ifd0 = struct.pack(">H", count0)
    ifd0 += struct.pack(">HHII", 0xC353, 7, len(OWNER), owner_at)
    ifd0 += struct.pack(">HHI", 0xC359, 3, 1) + struct.pack(">HH", 37, 0)
    ifd0 += struct.pack(">HHII", 0xC362, 9, 3, shifts_at)
    ifd0 += struct.pack(">HHI", 0xC365, 7, 4) + b"0100"
    ifd0 += struct.pack(">HHII", 0xC36E, 4, 1, effects_at) + b"\x00" * 4
    effects = struct.pack(">H", count1) + struct.pack(">HHI", 0x0000, 1, 4) + bytes([1, 0, 0, 0])
    effects += struct.pack(">HHII", 0x0001, 7, len(EFFECT_NAME), name_at) + b"\x00" * 4
    values = OWNER + EFFECT_NAME + struct.pack(">3i", 0, 0, 0)
    return b"Meta\x00\x00" + b"MM\x00*" + struct.pack(">I", ifd0_at) + ifd0 + effects + values


def test_meta_ifd_and_effects_sub_ifd():
    tags = parse_kodak_meta(meta_body())
    assert tags == {
        "CameraOwner": "KODAK DC240", "FrameNumber": 37, "MetadataNumber": "0100",
        "UserAdjSBA_RGBShifts": "(Binary data 5 bytes, use -b option to extract)",
        "DigitalEffectsVersion": [1, 0, 0, 0], "DigitalEffectsName": "UNICODENone",
    }
    assert print_groups({"Meta": tags})["Meta"]["DigitalEffectsName"] == "None"


def test_no_tiff_header_warns():
    warnings: list[str] = []
    assert parse_kodak_meta(b"Meta\x00\x00junk", warnings) == {}
    assert warnings == ["Meta: the Kodak APP3 segment has no TIFF header."]


def test_read_from_a_jpeg(tmp_path):
    path = tmp_path / "kodak.jpg"
    path.write_bytes(jpeg_with(segment(0xE3, meta_body())))
    assert extract_file(str(path))["groups"]["Meta"]["FrameNumber"] == 37
