"""TIFF-based raws (ARW, NEF, ORF, RW2, CR2 ...) read like DNG: their type, full-size image and SubIFD tags."""

import struct

from extraction.pipeline import extract_file
from tests.extraction.test_exif import ASCII, LONG, SHORT, _directory


def H(value):
    return struct.pack("<H", value)


def L(value):
    return struct.pack("<I", value)


def raw(make: bytes, *, raw_compression: int = 1, cfa: bool = True, magic: bytes = b"II*\x00",
        after_offset: bytes = b"") -> bytes:
    """IFD0 a small JPEG-compressed preview; its SubIFD the full-size raw (as Sony, Nikon, Pentax lay them out)."""
    at = 8 + len(after_offset)
    ifd0 = [(0x00FE, LONG, 1, L(1)), (0x0100, LONG, 1, L(160)), (0x0101, LONG, 1, L(120)),
            (0x0103, SHORT, 1, H(6)), (0x010F, ASCII, len(make) + 1, make + b"\x00"), (0x0112, SHORT, 1, H(1)),
            (0x014A, LONG, 1, L(0)), (0x8298, ASCII, 4, b"(c)\x00")]
    body, data = _directory(ifd0, at, "<")
    sub_at = at + len(body) + len(data)
    ifd0[6] = (0x014A, LONG, 1, L(sub_at))
    body, data = _directory(ifd0, at, "<")
    sub = [(0x00FE, LONG, 1, L(0)), (0x0100, LONG, 1, L(6000)), (0x0101, LONG, 1, L(4000)),
           (0x0103, SHORT, 1, H(raw_compression)), (0x0106, SHORT, 1, H(32803 if cfa else 2)),
           (0x0112, SHORT, 1, H(8)), (0x8298, ASCII, 4, b"sub\x00"), (0xC61A, SHORT, 1, H(512))]
    sub_body, sub_data = _directory(sub, sub_at, "<")
    return magic + L(at) + after_offset + body + data + sub_body + sub_data


def read(tmp_path, data: bytes, name: str = "raw.bin"):
    path = tmp_path / name
    path.write_bytes(data)
    record = extract_file(str(path))
    assert record["ok"], record["error"]
    return record


def test_a_sony_raw_reads_as_arw_with_the_subifd_image(tmp_path):
    record = read(tmp_path, raw(b"SONY", raw_compression=32767))
    file = record["groups"]["File"]
    assert (file["FileType"], file["MIMEType"], file["FileTypeExtension"]) == ("ARW", "image/x-sony-arw", "ARW")
    assert (record["summary"]["ImageWidth"], record["summary"]["ImageHeight"]) == (6000, 4000)
    exif = record["groups"]["EXIF"]
    # As ExifTool reports it: the SubIFD's tags join EXIF and replace IFD0's read before the SubIFD
    # pointer (ImageWidth, Orientation), not those after it (Copyright); the raw's own tags are reported.
    assert (exif["ImageWidth"], exif["Orientation"], exif["Copyright"]) == (6000, 8, "(c)")
    assert exif["BlackLevel"] == 512 and exif["Make"] == "SONY"


def test_the_raw_maker_is_known_by_its_compression_or_by_a_cfa_image_under_its_name(tmp_path):
    assert read(tmp_path, raw(b"NIKON CORPORATION", raw_compression=34713))["groups"]["File"]["FileType"] == "NEF"
    assert read(tmp_path, raw(b"PENTAX", raw_compression=1))["groups"]["File"]["FileType"] == "PEF"
    assert read(tmp_path, raw(b"SAMSUNG", raw_compression=1))["groups"]["File"]["FileType"] == "SRW"


def test_a_tiff_without_raw_evidence_stays_a_tiff(tmp_path):
    record = read(tmp_path, raw(b"SONY", cfa=False))
    assert record["groups"]["File"]["FileType"] == "TIFF"


def test_raws_with_magic_numbers_of_their_own(tmp_path):
    orf = read(tmp_path, raw(b"OLYMPUS", magic=b"IIRO"), "a.orf")
    assert orf["groups"]["File"]["FileType"] == "ORF" and orf["groups"]["EXIF"]["Make"] == "OLYMPUS"
    assert "ExifTool" not in orf["groups"]  # no "Pillow could not read" noise: Pillow has no ORF reader
    signature = bytes.fromhex("88e774d8f8251d4d947a6e77822b5d6a")
    rw2 = read(tmp_path, raw(b"Panasonic", magic=b"IIU\x00", after_offset=signature), "a.rw2")
    assert rw2["groups"]["File"]["FileType"] == "RW2"
    assert read(tmp_path, raw(b"Panasonic", magic=b"IIU\x00"), "b.raw")["groups"]["File"]["FileType"] == "RAW"
    cr2 = read(tmp_path, raw(b"Canon", after_offset=b"CR\x02\x00" + L(0)), "a.cr2")
    assert cr2["groups"]["File"]["FileType"] == "CR2"


def test_a_subifd_jpeg_is_the_raws_jpg_from_raw(tmp_path):
    at = 8
    ifd0 = [(0x00FE, LONG, 1, L(1)), (0x0100, LONG, 1, L(160)), (0x0101, LONG, 1, L(120)),
            (0x010F, ASCII, 6, b"NIKON\x00"), (0x014A, LONG, 1, L(0))]
    body, data = _directory(ifd0, at, "<")
    sub_at = at + len(body) + len(data)
    ifd0[4] = (0x014A, LONG, 1, L(sub_at))
    body, data = _directory(ifd0, at, "<")
    sub = [(0x00FE, LONG, 1, L(1)), (0x0103, SHORT, 1, H(6)), (0x0201, LONG, 1, L(0)), (0x0202, LONG, 1, L(4))]
    sub_body, sub_data = _directory(sub, sub_at, "<")
    exif = read(tmp_path, b"II*\x00" + L(at) + body + data + sub_body + sub_data)["groups"]["EXIF"]
    assert (exif["JpgFromRawStart"], exif["JpgFromRawLength"]) == (0, 4)
    assert exif["JpgFromRaw"] == "(Binary data 4 bytes, use -b option to extract)"
    assert "ThumbnailOffset" not in exif  # not a thumbnail: exiftool names it as above


def test_the_full_resolution_subifd_describes_the_image_and_other_tags_are_the_last_read(tmp_path):
    # IFD0 a thumbnail, SubIFD0 the raw, SubIFD1 a preview (an Adobe DNG's layout).
    at = 8
    ifd0 = [(0x00FE, LONG, 1, L(1)), (0x0100, LONG, 1, L(256)), (0x0131, ASCII, 4, b"ifd\x00"),
            (0x014A, LONG, 2, L(0) + L(0)), (0xC612, 1, 4, bytes([1, 4, 0, 0]))]
    body, data = _directory(ifd0, at, "<")
    sub0_at = at + len(body) + len(data)
    sub0 = [(0x00FE, LONG, 1, L(0)), (0x0100, LONG, 1, L(6000)), (0x0101, LONG, 1, L(4000)),
            (0x0131, ASCII, 4, b"raw\x00")]
    body0, data0 = _directory(sub0, sub0_at, "<")
    sub1_at = sub0_at + len(body0) + len(data0)
    sub1 = [(0x00FE, LONG, 1, L(1)), (0x0100, LONG, 1, L(1024)), (0x0101, LONG, 1, L(683)),
            (0x0131, ASCII, 4, b"pre\x00")]
    body1, data1 = _directory(sub1, sub1_at, "<")
    ifd0[3] = (0x014A, LONG, 2, L(sub0_at) + L(sub1_at))
    body, data = _directory(ifd0, at, "<")
    record = read(tmp_path, b"II*\x00" + L(at) + body + data + body0 + data0 + body1 + data1)
    exif = record["groups"]["EXIF"]
    assert (exif["ImageWidth"], exif["ImageHeight"]) == (6000, 4000)  # the raw's, not the last SubIFD's
    assert (exif["Software"], exif["SubfileType"]) == ("pre", 1)  # other tags: the last directory read
    assert record["groups"]["File"]["FileType"] == "DNG"


def test_panasonic_raw_tags_below_the_tiff_range_are_not_named_as_exif_tags(tmp_path):
    signature = bytes.fromhex("88e774d8f8251d4d947a6e77822b5d6a")
    at = 8 + len(signature)
    ifd0 = [(0x0001, 7, 4, b"0340"), (0x0002, SHORT, 1, H(5200)), (0x0100, LONG, 1, L(5200)),
            (0x0101, LONG, 1, L(3900)), (0x010F, ASCII, 10, b"Panasonic\x00")]
    body, data = _directory(ifd0, at, "<")
    record = read(tmp_path, b"IIU\x00" + L(at) + signature + body + data, "p.rw2")
    exif = record["groups"]["EXIF"]
    assert exif["Make"] == "Panasonic" and exif["ImageWidth"] == 5200
    assert "InteropIndex" not in exif and "InteropVersion" not in exif  # 0x0001/0x0002 are Panasonic's own
