"""Kodak's APP3 Meta IFD, from segments built entry by entry."""

import struct

import pytest

from extraction.pipeline.containers.jpeg import read_jpeg
from extraction.pipeline.kodak_meta import parse_kodak_meta
from extraction.pipeline.printed import print_groups


def ifd(entries: list[tuple[int, int, int, bytes]], start: int, endian: str = ">") -> tuple[bytes, bytes]:
    """An IFD at `start` and the data area after it: (ifd bytes, data bytes)."""
    data_at = start + 2 + 12 * len(entries) + 4
    head, data = struct.pack(endian + "H", len(entries)), b""
    for tag, kind, count, raw in entries:
        if len(raw) <= 4:
            head += struct.pack(endian + "HHI", tag, kind, count) + raw.ljust(4, b"\x00")
        else:
            head += struct.pack(endian + "HHII", tag, kind, count, data_at + len(data))
            data += raw + (b"\x00" if len(raw) & 1 else b"")
    return head + b"\x00\x00\x00\x00", data


def meta_block() -> bytes:
    owner = b"UNICODE\x00" + "KODAK DC240".encode("utf-16-be")
    name = b"UNICODE\x00" + "None".encode("utf-16-be")
    effects_at = 8 + 2 + 12 * 4 + 4 + len(owner) + 16  # after the main IFD and its data (owner, shifts)
    effects = [(0, 1, 4, b"\x01\x00\x00\x00"), (1, 7, len(name), name), (2, 3, 1, b"\x00\x07")]
    main = [(0xC353, 7, len(owner), owner), (0xC362, 9, 3, struct.pack(">3i", 0, 0, 0)),
            (0xC365, 7, 4, b"0100"), (0xC36E, 4, 1, struct.pack(">I", effects_at))]
    main_ifd, main_data = ifd(main, 8)
    effects_ifd, effects_data = ifd(effects, effects_at)
    block = b"MM\x00\x2a" + struct.pack(">I", 8) + main_ifd + main_data
    return block.ljust(effects_at, b"\x00") + effects_ifd + effects_data


def test_meta_fields_and_the_effects_sub_directory():
    tags = parse_kodak_meta(meta_block(), [])
    assert tags["CameraOwner"] == "KODAK DC240" and tags["MetadataNumber"] == "0100"
    assert tags["UserAdjSBA_RGBShifts"] == b"0 0 0"  # a blob of its text, as ExifTool shows it
    assert tags["DigitalEffectsVersion"] == [1, 0, 0, 0] and tags["DigitalEffectsType"] == 7
    assert tags["DigitalEffectsName"] == "UNICODENone"
    assert print_groups({"Meta": tags})["Meta"]["DigitalEffectsName"] == "None"


def test_jpeg_app3_meta_segment_becomes_the_meta_group():
    block = b"Meta\x00\x00" + meta_block()
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 8, 8, 2, 3, 0)
    data = b"\xff\xd8" + b"\xff\xe3" + struct.pack(">H", len(block) + 2) + block + sof + b"\xff\xd9"
    assert read_jpeg(data).groups["Meta"]["CameraOwner"] == "KODAK DC240"


@pytest.mark.parametrize("cut", [0, 4, 8, 10, 30, 60, 90])
def test_truncated_blocks_never_raise(cut):
    assert isinstance(parse_kodak_meta(meta_block()[:cut], []), dict)
