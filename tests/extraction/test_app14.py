"""Adobe's APP14 segment: DCT encoder version, flags and colour transform, with their printed words."""

import struct

import pytest

from extraction.pipeline import extract_file
from extraction.pipeline.app14 import parse_app14
from extraction.pipeline.printed import print_groups
from tests.support.segments import jpeg_with, segment


def adobe(version=100, flags0=0x4000, flags1=0, transform=1) -> bytes:
    return b"Adobe" + struct.pack(">HHHB", version, flags0, flags1, transform)


@pytest.mark.parametrize("flags0, flags1, transform, words", [
    (0x4000, 0, 1, ("[14]", "(none)", "YCbCr")),
    (0x8001, 0x0003, 0, ("[0], Encoded with Blend=1 downsampling", "[0], [1]", "Unknown (RGB or CMYK)")),
    (0xC000, 0x8000, 2, ("[14], Encoded with Blend=1 downsampling", "[15]", "YCCK")),
    (0, 0, 5, ("(none)", "(none)", "Unknown (5)")),
])
def test_values_and_printed_words(flags0, flags1, transform, words):
    tags = parse_app14(adobe(101, flags0, flags1, transform))
    assert tags == {"DCTEncodeVersion": 101, "APP14Flags0": flags0, "APP14Flags1": flags1, "ColorTransform": transform}
    printed = print_groups({"APP14": tags})["APP14"]
    assert (printed["APP14Flags0"], printed["APP14Flags1"], printed["ColorTransform"]) == words


def test_a_short_segment_gives_nothing():
    assert parse_app14(b"Adobe\x00\x64") == {}


def test_read_from_a_jpeg(tmp_path):
    path = tmp_path / "adobe.jpg"
    path.write_bytes(jpeg_with(segment(0xEE, adobe())))
    record = extract_file(str(path))
    assert record["groups"]["APP14"]["DCTEncodeVersion"] == 100
    assert record["printed"]["APP14"]["ColorTransform"] == "YCbCr"
