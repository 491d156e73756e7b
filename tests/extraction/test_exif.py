"""EXIF decoding on hostile and unusual structures, built here byte by byte: no junk, nothing lost."""

import io
import struct

from PIL import Image

from extraction.pipeline import extract_file
from extraction.pipeline.exif import decode_exif

ASCII, SHORT, LONG, RATIONAL, UNDEFINED, SRATIONAL = 2, 3, 4, 5, 7, 10


def tiff(ifd0, exif_ifd=None, order="<"):
    """A little TIFF structure: IFD0 entries, and an ExifIFD when given (entries: tag, type, count, bytes)."""
    head = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8)
    entries = list(ifd0) + ([(0x8769, LONG, 1, b"")] if exif_ifd is not None else [])
    body, data = _directory(entries, 8, order)
    if exif_ifd is None:
        return head + body + data
    exif_at = len(head) + len(body) + len(data)
    body, data = _directory(entries[:-1] + [(0x8769, LONG, 1, struct.pack(order + "I", exif_at))], 8, order)
    exif_body, exif_data = _directory(list(exif_ifd), exif_at, order)
    return head + body + data + exif_body + exif_data


def _directory(entries, at, order):
    """One IFD at offset `at`: its entries, the next-IFD link (none), then the values too big to inline."""
    entries = sorted(entries)
    data_at = at + 2 + 12 * len(entries) + 4
    body, data = struct.pack(order + "H", len(entries)), b""
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            body += struct.pack(order + "HHI", tag, kind, count) + value.ljust(4, b"\x00")
        else:
            body += struct.pack(order + "HHII", tag, kind, count, data_at + len(data))
            data += value + (b"\x00" if len(value) % 2 else b"")
    return body + b"\x00\x00\x00\x00", data


def jpeg_with_exif(structure: bytes, path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    plain = buffer.getvalue()
    app1 = b"Exif\x00\x00" + structure
    path.write_bytes(plain[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + plain[2:])
    return str(path)


CAMERA = [(0x010F, ASCII, 6, b"Canon\x00"), (0x0110, ASCII, 8, b"Model X\x00"),
          (0x0112, SHORT, 1, struct.pack("<H", 6))]


def test_a_gps_pointer_stored_as_text_keeps_ifd0_and_warns_in_words(tmp_path):
    # Seen in the wild: the GPSInfo pointer written as ASCII. It used to add a string to an offset
    # and lose every IFD0 tag, with "TypeError: unsupported operand ..." as the warning.
    path = jpeg_with_exif(tiff(CAMERA + [(0x8825, ASCII, 4, b"abc\x00")]), tmp_path / "p.jpg")
    record = extract_file(path)
    assert record["groups"]["EXIF"] == {"Make": "Canon", "Model": "Model X", "Orientation": 6}
    assert record["printed"]["EXIF"]["Orientation"] == "Rotate 90 CW"
    [warning] = record["groups"]["ExifTool"]["Warning"]
    assert "GPSInfo" in warning and "Error" not in warning and "operand" not in warning


def test_an_exif_pointer_stored_as_text_skips_only_that_directory(tmp_path):
    for pointer in (0x8769, 0xA005):
        path = jpeg_with_exif(tiff(CAMERA + [(pointer, ASCII, 4, b"abc\x00")]), tmp_path / f"{pointer}.jpg")
        record = extract_file(path)
        assert record["groups"]["EXIF"]["Model"] == "Model X"
        assert all("Error" not in w for w in record["groups"]["ExifTool"]["Warning"])


def test_zero_over_zero_apex_values_read_as_exiftool_reads_them():
    undefined = struct.pack("<II", 0, 0)
    structure = tiff([], [(0x9201, SRATIONAL, 1, undefined), (0x9202, RATIONAL, 1, undefined),
                          (0x829A, RATIONAL, 1, undefined)])
    exif = decode_exif(structure).exif
    # ShutterSpeedValue 2**-0 would be 1: ExifTool reads a non-number as 0 s; ApertureValue 2**(0/2) = 1.
    assert exif["ShutterSpeedValue"] == 0
    assert exif["ApertureValue"] == 1
    assert exif["ExposureTime"] == "undef"  # a plain rational keeps ExifTool's word for 0/0


def test_cfa_pattern_reads_as_its_size_and_colours_in_either_byte_order():
    for sizes in (struct.pack(">HH", 2, 2), struct.pack("<HH", 2, 2)):
        raw = sizes + bytes([0, 1, 1, 2])
        exif = decode_exif(tiff([], [(0xA302, UNDEFINED, len(raw), raw)])).exif
        assert exif["CFAPattern"] == [2, 2, 0, 1, 1, 2]


def test_a_gps_coordinate_with_an_undefined_part_is_empty_not_a_list():
    gps_at = 8 + 2 + 12 + 4
    gps = [(0x0002, RATIONAL, 3, struct.pack("<6I", 48, 1, 53, 1, 0, 0)), (0x0001, ASCII, 2, b"N\x00")]
    body, data = _directory(gps, gps_at, "<")
    structure = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + struct.pack(
        "<HHII", 0x8825, LONG, 1, gps_at) + b"\x00" * 4 + body + data
    result = decode_exif(structure)
    assert result.gps["GPSLatitude"] == ""
    assert result.gps["GPSLatitudeRef"] == "N"


def test_dng_text_written_as_bytes_reads_as_text_and_digests_as_hex(tmp_path):
    # DNG allows "ASCII or BYTE" for names: a byte list there used to reach the user as 30 numbers.
    name = b"IMG_0001.CR2\x00"
    structure = tiff([(0x0100, LONG, 1, struct.pack("<I", 8)), (0x0101, LONG, 1, struct.pack("<I", 8)),
                      (0xC612, 1, 4, bytes([1, 4, 0, 0])), (0xC68B, 1, len(name), name),
                      (0xC65D, 1, 16, bytes(range(16))), (0xC71D, 1, 16, bytes(range(16, 32))),
                      (0xC630, RATIONAL, 4, struct.pack("<8I", 18, 1, 55, 1, 35, 10, 56, 10))])
    path = tmp_path / "x.dng"
    path.write_bytes(structure)
    record = extract_file(str(path))
    exif = record["groups"]["EXIF"]
    assert exif["OriginalRawFileName"] == "IMG_0001.CR2"
    assert exif["RawDataUniqueID"] == "000102030405060708090A0B0C0D0E0F"
    assert exif["OriginalRawFileDigest"] == "101112131415161718191a1b1c1d1e1f"
    assert exif["DNGLensInfo"] == [18, 55, 3.5, 5.6] and "LensInfo" not in exif  # DNG's, not EXIF's 0xA432
    assert record["printed"]["EXIF"]["DNGVersion"] == "1.4.0.0"
    assert record["groups"]["File"]["FileType"] == "DNG"


def test_gps_zero_over_zero_parts_read_as_exiftool_reads_them():
    gps_at = 8 + 2 + 12 + 4
    rationals = lambda *parts: struct.pack(f"<{len(parts)}I", *parts)  # noqa: E731
    gps = [(0x0006, RATIONAL, 1, rationals(0, 0)), (0x0007, RATIONAL, 3, rationals(12, 1, 0, 0, 0, 0)),
           (0x0004, RATIONAL, 3, rationals(1, 0, 2, 1, 3, 1))]
    body, data = _directory(gps, gps_at, "<")
    structure = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + struct.pack(
        "<HHII", 0x8825, LONG, 1, gps_at) + b"\x00" * 4 + body + data
    result = decode_exif(structure).gps
    assert result["GPSTimeStamp"] == "12:00:00"  # a 0/0 minute or second counts as 0
    assert result["GPSLongitude"] == ""  # n/0 degrees: no coordinate
    assert result["GPSAltitude"] == "undef"  # ExifTool's own word for a lone 0/0


def test_gps_processing_method_reads_behind_its_character_code():
    # Android writes "ASCII\0\0\0" + the method; that used to read as the word "ASCII".
    gps_at = 8 + 2 + 12 + 4
    coded, plain = b"ASCII\x00\x00\x00NETWORK", b"GPS\x00"
    gps = [(0x001B, UNDEFINED, len(coded), coded), (0x001C, UNDEFINED, len(plain), plain)]
    body, data = _directory(gps, gps_at, "<")
    structure = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + struct.pack(
        "<HHII", 0x8825, LONG, 1, gps_at) + b"\x00" * 4 + body + data
    result = decode_exif(structure).gps
    assert result["GPSProcessingMethod"] == "NETWORK"
    assert result["GPSAreaInformation"] == "GPS"  # no character code: the bytes are the text


def test_copyright_keeps_the_editor_after_the_photographer(tmp_path):
    # EXIF: "photographer\0editor\0", a space standing for a photographer left out.
    for raw, expected in ((b"Photog\x00Editor\x00", "Photog\nEditor"), (b" \x00Editor\x00", "\nEditor"),
                          (b"Photog\x00\x00", "Photog")):
        path = jpeg_with_exif(tiff([(0x8298, ASCII, len(raw), raw)]), tmp_path / "c.jpg")
        assert extract_file(path)["groups"]["EXIF"]["Copyright"] == expected


def test_tables_and_undefined_bytes_read_as_exiftool_shows_them():
    curve = struct.pack("<4H", 1, 2, 3, 4)
    structure = tiff([(0x0123, SHORT, 4, curve), (0x015B, UNDEFINED, 8, bytes(range(8)))],
                     [(0xA40B, UNDEFINED, 8, bytes(range(8))), (0xA4F1, UNDEFINED, 6, b"abc\x00de"),
                      (0x9101, UNDEFINED, 4, bytes([1, 2, 3, 0])), (0x8827, SHORT, 2, struct.pack("<2H", 100, 200))])
    exif = decode_exif(structure).exif
    # A curve's note counts the characters of its numbers ("1 2 3 4"), a blob's its bytes.
    assert exif["GrayResponseCurve"] == "(Binary data 7 bytes, use -b option to extract)"
    assert exif["JPEGTables"] == "(Binary data 8 bytes, use -b option to extract)"
    assert exif["DeviceSettingDescription"] == "(Binary data 8 bytes, use -b option to extract)"
    assert exif["Exif_0xa4f1"] == "abcde"  # unknown undefined bytes: a string with NULs dropped, not numbers
    assert exif["ComponentsConfiguration"] == [1, 2, 3, 0]  # bytes that are codes stay numbers
    assert exif["ISO"] == [100, 200]


def test_float_and_rational_lists_carry_exiftools_digits():
    structure = tiff([], [(0xA4F5, 11, 2, struct.pack("<2f", 0.1, 1 / 3)),
                          (0xA4F7, RATIONAL, 2, struct.pack("<4I", 1, 3, 10, 7))])
    exif = decode_exif(structure).exif
    assert exif["Exif_0xa4f5"] == [0.100000001490116, 0.333333343267441]  # 15 significant digits
    assert exif["Exif_0xa4f7"] == [0.3333333333, 1.428571429]  # 10 for rationals


def test_long_strip_lists_read_as_binary_notes_as_exiftool_shows_them():
    def strips(count, start):
        offsets = struct.pack(f"<{count}I", *range(start, start + count))
        return tiff([(0x0100, LONG, 1, L8), (0x0101, LONG, 1, L8), (0x0111, LONG, count, offsets)])
    assert decode_exif(strips(11, 10)).exif["StripOffsets"] == list(range(10, 21))  # "10 11 ... 20": 32 characters
    assert decode_exif(strips(12, 10)).exif["StripOffsets"] == "(Binary data 35 bytes, use -b option to extract)"


L8 = struct.pack("<I", 8)
