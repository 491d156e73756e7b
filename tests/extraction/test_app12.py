"""APP12 segments: Photoshop's Ducky block, and the raw bytes of the others kept for the maker-note decoders."""

import struct

from extraction.pipeline import extract_file
from extraction.pipeline.app12 import parse_ducky
from extraction.pipeline.containers.jpeg import read_jpeg
from extraction.pipeline.printed import print_groups
from tests.support.segments import jpeg_with, segment, unicode_string

PICTURE_INFO = (b"[picture info]\r\nTimeDate=966702444\r\nShutter=5000\r\nFNumber=46\r\nFlash=0\r\nMacro=1\r\n"
                b"Type=SR745\r\nSerial#=123\r\nImageSize=1600x1200\r\n[end]\r\n\x00")


def ducky(quality=80, comment="Dated", copyright_="(c) North") -> bytes:
    def field(tag: int, data: bytes) -> bytes:
        return struct.pack(">HH", tag, len(data)) + data

    return b"Ducky" + field(1, struct.pack(">I", quality)) + field(2, unicode_string(comment)) + field(
        3, unicode_string(copyright_)) + b"\x00\x00"


def test_ducky_fields():
    tags = parse_ducky(ducky())
    assert tags == {"Quality": 80, "Comment": "Dated", "Copyright": "(c) North"}
    assert print_groups({"Ducky": tags})["Ducky"]["Quality"] == "80%"


def test_ducky_with_a_lying_length_stops_cleanly():
    assert parse_ducky(b"Ducky" + struct.pack(">HH", 1, 4) + b"\x00\x00\x00\x3c" + struct.pack(">HH", 2, 999)) == {
        "Quality": 60}


def test_jpeg_keeps_non_ducky_app12_bytes_for_the_maker_note_decoders(tmp_path):
    data = jpeg_with(segment(0xEC, ducky()), segment(0xEC, PICTURE_INFO))
    container = read_jpeg(data)
    assert container.vendor["APP12"] == PICTURE_INFO
    assert "Ducky" not in container.vendor
    path = tmp_path / "app12.jpg"
    path.write_bytes(data)
    assert extract_file(str(path))["groups"]["Ducky"]["Comment"] == "Dated"
