"""FotoStation trailer records after the image data: SoftEdit fields, previews, IPTC handed on, lying sizes."""

import struct

from extraction.pipeline import extract_file
from extraction.pipeline.fotostation import parse_fotostation
from extraction.pipeline.printed import print_groups
from tests.support.segments import jpeg_with, resource, segment

IPTC = b"\x1c\x02\x50" + struct.pack(">H", 4) + b"Ansel"[:4]


def record(tag: int, data: bytes) -> bytes:
    return data + struct.pack(">HI", tag, len(data) + 10) + b"\xa1\xb2\xc3\xd4"


def trailer() -> bytes:
    soft_edit = struct.pack(">10i", 2048, 1536, 3, 1000, 0, 0x11222211, 0, 0, 100000, 100000)
    return record(1, IPTC) + record(2, soft_edit) + record(3, b"\xff\xd8" + b"\x00" * 98)


def test_records_read_backwards_from_the_end():
    result = parse_fotostation(b"image data" + trailer())
    assert result.tags == {
        "OriginalImageWidth": 2048, "OriginalImageHeight": 1536, "ColorPlanes": 3, "XYResolution": 1,
        "Rotation": 0, "CropLeft": 0, "CropTop": 0, "CropRight": 100, "CropBottom": 100,
        "ThumbnailImage": "(Binary data 100 bytes, use -b option to extract)",
    }
    assert result.iptc == IPTC and result.start == len(b"image data")
    assert print_groups({"FotoStation": result.tags})["FotoStation"]["CropRight"] == "100%"


def test_a_size_running_before_the_file_start_warns():
    warnings: list[str] = []
    lying = b"xx" + struct.pack(">HI", 2, 10**6) + b"\xa1\xb2\xc3\xd4"
    assert parse_fotostation(lying, warnings).tags == {}
    assert warnings == ["FotoStation: a trailer record's size runs before the start of the file."]


def test_a_jpeg_without_a_trailer_has_no_group(tmp_path):
    path = tmp_path / "plain.jpg"
    path.write_bytes(jpeg_with())
    assert "FotoStation" not in extract_file(str(path))["groups"]


def test_trailer_after_a_jpeg(tmp_path):
    path = tmp_path / "fotostation.jpg"
    path.write_bytes(jpeg_with() + trailer())
    record_ = extract_file(str(path))
    assert record_["groups"]["FotoStation"]["OriginalImageWidth"] == 2048
    assert record_["groups"]["IPTC"]["By-line"] == "Anse"


def test_trailer_iptc_adds_to_the_app13_record_without_replacing_it(tmp_path):
    app13 = b"\x1c\x02\x50" + struct.pack(">H", 3) + b"Ada" + b"\x1c\x02\x5a" + struct.pack(">H", 4) + b"Oslo"
    trailing = b"\x1c\x02\x50" + struct.pack(">H", 3) + b"Bob" + b"\x1c\x02\x65" + struct.pack(">H", 6) + b"Norway"
    path = tmp_path / "both.jpg"
    photoshop = segment(0xED, b"Photoshop 3.0\x00" + resource(0x0404, app13))
    path.write_bytes(jpeg_with(photoshop) + record(1, trailing))
    iptc = extract_file(str(path))["groups"]["IPTC"]
    assert iptc == {"By-line": "Ada", "City": "Oslo", "Country-PrimaryLocationName": "Norway"}
