"""PNG chunks under ExifTool's PNG names, from files built chunk by chunk."""

import struct
import zlib

import pytest

from extraction.pipeline.containers.png import read_png
from extraction.pipeline.printed import print_groups


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(color: int, *chunks: bytes, interlace: int = 0) -> bytes:
    ihdr = struct.pack(">IIBBBBB", 8, 12, 8, color, 0, 0, interlace)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + b"".join(chunks) + chunk(b"IEND", b"")


def test_header_and_colour_chunks():
    data = png(2, chunk(b"gAMA", struct.pack(">I", 45455)), chunk(b"sRGB", b"\x00"),
               chunk(b"cHRM", struct.pack(">8I", 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)),
               chunk(b"bKGD", struct.pack(">3H", 255, 255, 255)), chunk(b"sBIT", b"\x08\x08\x08"),
               chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1)),
               chunk(b"tIME", struct.pack(">HBBBBB", 2019, 9, 2, 14, 45, 37)), interlace=1)
    tags = read_png(data).groups["PNG"]
    assert (tags["ImageWidth"], tags["ImageHeight"], tags["BitDepth"], tags["ColorType"]) == (8, 12, 8, 2)
    assert tags["Gamma"] == 2.2
    assert (tags["WhitePointX"], tags["WhitePointY"], tags["RedX"], tags["BlueY"]) == (0.3127, 0.329, 0.64, 0.06)
    assert tags["BackgroundColor"] == "255 255 255" and tags["SignificantBits"] == "8 8 8"
    assert tags["PixelsPerUnitX"] == 2835 and tags["ModifyDate"] == "2019:09:02 14:45:37"
    printed = print_groups({"PNG": tags})["PNG"]
    assert (printed["ColorType"], printed["Compression"], printed["Filter"], printed["Interlace"]) == (
        "RGB", "Deflate/Inflate", "Adaptive", "Adam7 Interlace")
    assert printed["SRGBRendering"] == "Perceptual" and printed["PixelUnits"] == "meters"


def test_palette_files_keep_palette_and_transparency_as_binary():
    tags = read_png(png(3, chunk(b"PLTE", b"\x00" * 48), chunk(b"tRNS", b"\x10\x20"), chunk(b"bKGD", b"\x05"))).groups["PNG"]
    assert tags["Palette"] == b"\x00" * 48 and tags["Transparency"] == b"\x10\x20" and tags["BackgroundColor"] == 5
    grey = read_png(png(4, chunk(b"bKGD", struct.pack(">H", 52)))).groups["PNG"]
    assert grey["BackgroundColor"] == 52


@pytest.mark.parametrize(("keyword", "name"), [
    ("Creation Time", "CreationTime"), ("date:create", "Datecreate"), ("xmp:CreateDate", "XmpCreateDate"),
    ("MyLabel", "MyLabel"), ("Software", "Software"),
])
def test_text_keywords_become_exiftool_tag_names(keyword, name):
    tags = read_png(png(2, chunk(b"tEXt", keyword.encode("latin-1") + b"\x00value"))).groups["PNG"]
    assert tags[name] == "value"


@pytest.mark.parametrize("kind", [b"gAMA", b"cHRM", b"bKGD", b"sBIT", b"tRNS", b"pHYs", b"tIME", b"sRGB"])
def test_short_chunks_are_skipped_not_fatal(kind):
    for color in (0, 2, 3, 4, 6):
        container = read_png(png(color, chunk(kind, b"\x00")))
        assert container.width == 8


def test_apng_animation_control_and_itxt_languages():
    itxt = b"Description\x00\x00\x00fr\x00Description\x00un caf\xc3\xa9"
    tags = read_png(png(2, chunk(b"acTL", struct.pack(">II", 2, 0)), chunk(b"iTXt", itxt))).groups["PNG"]
    assert tags["AnimationFrames"] == 2 and tags["AnimationPlays"] == 0
    assert tags["Description-fr"] == "un café"
    assert print_groups({"PNG": tags})["PNG"]["AnimationPlays"] == "inf"
