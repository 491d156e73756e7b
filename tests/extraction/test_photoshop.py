"""Photoshop image resources (APP13 and TIFF 8BIM blocks) from their bytes: tags, IPTC handed on, hostile blocks."""

import hashlib
import random
import struct

import pytest

from extraction.pipeline import extract_file
from extraction.pipeline.photoshop import parse_photoshop
from extraction.pipeline.printed import print_groups
from tests.support.segments import jpeg_with, resource, segment, unicode_string

IPTC = b"\x1c\x02\x00\x00\x02\x00\x04" + b"\x1c\x02\x50" + struct.pack(">H", 6) + b"Ada L."


def resources() -> bytes:
    return b"".join([
        resource(0x03ED, struct.pack(">IHHIHH", round(96.034 * 65536), 1, 1, 72 << 16, 2, 2)),
        resource(0x0404, IPTC),
        resource(0x0406, struct.pack(">hhhB", -1, 0x0101, 3, 1)),
        resource(0x040A, b"\x01"),
        resource(0x040B, b"http://example.org/rights"),
        resource(0x040C, b"\x00" * 28 + b"\xff\xd8" + b"\x00" * 98),
        resource(0x040D, struct.pack(">i", 30)),
        resource(0x0419, struct.pack(">i", 30)),
        resource(0x041A, struct.pack(">5I", 6, 0, 0, 480, 640) + unicode_string("polo01") + struct.pack(">I", 1)),
        resource(0x041E, struct.pack(">I", 0)),
        resource(0x0421, struct.pack(">IB", 1, 1) + unicode_string("Adobe Photoshop")
                 + unicode_string("Adobe Photoshop 7.0") + struct.pack(">I", 1)),
        resource(0x0425, bytes(range(16))),
        resource(0x0426, struct.pack(">Hfff", 0, 0, 0, 1)),
        resource(0x0428, struct.pack(">Id", 1, 1.0)),
        resource(0x0BB7, b"\x04clip", name=b"path"),
        resource(0x2710, b"\x00" * 10),  # print flags: no public meaning, ExifTool hides it too
    ])


def test_resources_read_under_exiftool_names():
    result = parse_photoshop(resources())
    tags = result.tags
    assert tags["XResolution"] == pytest.approx(96.034, abs=1e-4) and tags["YResolution"] == 72
    assert (tags["DisplayedUnitsX"], tags["DisplayedUnitsY"]) == (1, 2)
    assert (tags["PhotoshopQuality"], tags["PhotoshopFormat"], tags["ProgressiveScans"]) == (-1, 0x0101, 3)
    assert tags["CopyrightFlag"] == 1 and tags["URL"] == "http://example.org/rights"
    assert tags["PhotoshopThumbnail"] == "(Binary data 100 bytes, use -b option to extract)"
    assert tags["GlobalAngle"] == 30 and tags["GlobalAltitude"] == 30
    assert tags["SlicesGroupName"] == "polo01" and tags["NumSlices"] == 1
    assert tags["URL_List"] == []
    assert (tags["HasRealMergedData"], tags["WriterName"], tags["ReaderName"]) == (
        1, "Adobe Photoshop", "Adobe Photoshop 7.0")
    assert tags["IPTCDigest"] == bytes(range(16)).hex()
    assert (tags["PrintStyle"], tags["PrintPosition"], tags["PrintScale"]) == (0, [0, 0], 1)
    assert tags["PixelAspectRatio"] == 1.0
    assert tags["ClippingPathName"] == "clip"
    assert result.iptc == IPTC
    assert len(tags) == 24  # nothing for the IPTC record (its tags are IPTC's) nor for the print flags


def test_printed_words():
    printed = print_groups({"Photoshop": parse_photoshop(resources()).tags})["Photoshop"]
    assert printed["XResolution"] == "96.03" and printed["YResolution"] == "72"
    assert (printed["DisplayedUnitsX"], printed["DisplayedUnitsY"]) == ("inches", "cm")
    assert printed["PhotoshopQuality"] == 3 and printed["PhotoshopFormat"] == "Progressive"
    assert printed["ProgressiveScans"] == "5 Scans"
    assert printed["CopyrightFlag"] == "True" and printed["HasRealMergedData"] == "Yes"
    assert printed["PrintStyle"] == "Centered"


def test_scan_count_is_only_reported_for_progressive_files():
    tags = parse_photoshop(resource(0x0406, struct.pack(">hhhB", 6, 0, 1, 1))).tags
    assert tags == {"PhotoshopQuality": 6, "PhotoshopFormat": 0}


def test_jpeg_app13_gives_photoshop_iptc_and_the_current_digest(tmp_path):
    path = tmp_path / "ps.jpg"
    path.write_bytes(jpeg_with(segment(0xED, b"Photoshop 3.0\x00" + resources())))
    record = extract_file(str(path))
    assert record["groups"]["IPTC"]["By-line"] == "Ada L."
    assert record["groups"]["Photoshop"]["WriterName"] == "Adobe Photoshop"
    assert record["groups"]["File"]["CurrentIPTCDigest"] == hashlib.md5(IPTC).hexdigest()
    assert record["printed"]["Photoshop"]["DisplayedUnitsX"] == "inches"


def test_an_empty_iptc_record_is_still_digested(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(jpeg_with(segment(0xED, b"Photoshop 3.0\x00" + resource(0x0404, b""))))
    record = extract_file(str(path))
    assert record["groups"]["File"]["CurrentIPTCDigest"] == hashlib.md5(b"").hexdigest()
    assert "Photoshop" not in record["groups"]


def test_a_resource_running_past_its_block_is_cut_with_a_warning():
    warnings: list[str] = []
    block = resource(0x040D, struct.pack(">i", 30)) + b"8BIM\x04\x0b\x00\x00" + struct.pack(">I", 10**6) + b"http"
    tags = parse_photoshop(block, warnings).tags
    assert tags == {"GlobalAngle": 30, "URL": "http"}
    assert warnings == ["Photoshop: image resource 0x040b runs past the end of its block."]


def test_malformed_resources_warn_and_the_rest_is_kept():
    warnings: list[str] = []
    block = resource(0x0421, b"\x00\x00\x00\x01\x01" + struct.pack(">I", 10**6)) + resource(0x040D, b"\x00\x00\x00\x05")
    tags = parse_photoshop(block, warnings).tags
    assert tags == {"GlobalAngle": 5}
    assert warnings == ["Photoshop: image resource 0x0421 is malformed."]


@pytest.mark.parametrize("seed", range(40))
def test_mutated_blocks_never_raise(seed):
    rng = random.Random(seed)
    block = bytearray(resources())
    for _ in range(rng.randint(1, 30)):
        block[rng.randrange(len(block))] = rng.randrange(256)
    for candidate in (bytes(block), bytes(block[: rng.randint(0, len(block))])):
        result = parse_photoshop(candidate, [])
        print_groups({"Photoshop": result.tags})


def test_tiff_image_resources_are_photoshop_not_exif(tmp_path):
    from PIL import Image, TiffImagePlugin

    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[0x8649] = resource(0x040D, struct.pack(">i", 30)) + resource(0x0404, IPTC)
    info.tagtype[0x8649] = 7  # UNDEFINED
    path = tmp_path / "ps.tif"
    Image.new("RGB", (8, 8)).save(path, tiffinfo=info)
    groups = extract_file(str(path))["groups"]
    assert groups["Photoshop"] == {"GlobalAngle": 30}
    assert groups["IPTC"]["By-line"] == "Ada L."
    assert "ImageResources" not in groups["EXIF"]
