"""FLIR FFF records built byte by byte: camera calibration, raw image, palette, picture-in-picture, GPS."""

import random
import struct

import pytest

from extraction.pipeline.flir import parse_flir
from extraction.pipeline.printed import print_groups


def camera_info() -> bytes:
    record = bytearray(0x9AC)
    struct.pack_into("<H", record, 0, 2)
    struct.pack_into("<ff", record, 0x20, 0.95, 1.0)
    struct.pack_into("<f", record, 0x2C, 293.15)  # 20 C
    struct.pack_into("<f", record, 0x3C, 0.5)
    struct.pack_into("<f", record, 0x58, 16738.6)
    record[0xD4 : 0xD4 + 20] = b"FLIR ONE Pro (gen 3)"
    record[0x170 : 0x170 + 5] = b"FOL13"
    struct.pack_into("<f", record, 0x1B4, 45.0)
    struct.pack_into("<i", record, 0x308, -3422)
    struct.pack_into("<H", record, 0x464, 9)
    struct.pack_into("<IIh", record, 0x384, 1621193256, 107, 420)  # 2021-05-16 19:27:36 UTC, UTC-7
    return bytes(record)


def raw_png() -> bytes:
    return struct.pack("<HHH", 2, 480, 640) + b"\x00" * 26 + b"\x89PNG\r\n\x1a\n" + b"\x00" * 92


def palette() -> bytes:
    record = bytearray(0x70 + 3 * 4)
    record[0] = 4
    record[6:9] = bytes([36, 114, 216])
    record[0x1B] = 2
    record[0x50:0x56] = b"Arctic"
    return bytes(record)


def pip() -> bytes:
    return struct.pack("<f6h", 1.25, 31, 68, 0, 479, 0, 639) + b"\x00" * 80


def gps() -> bytes:
    record = bytearray(0xB8)
    struct.pack_into("<I", record, 0, 1)
    record[8:10], record[10:12] = b"N\x00", b"W\x00"
    struct.pack_into("<ddf", record, 0x10, 34.0754261592891, 118.254268165533, 139.34)
    record[0x48:0x4A] = b"M\x00"
    record[0x58:0x5D] = b"WGS84"
    return bytes(record)


def fff(records: list[tuple[int, bytes]]) -> bytes:
    """FFF header (big-endian, version 100), a directory of 0x20-byte entries, then the records."""
    directory_at = 0x40
    data_at = directory_at + 0x20 * len(records)
    header = b"FFF\x00" + b"FLIR".ljust(16, b"\x00") + struct.pack(">III", 100, directory_at, len(records))
    header = header.ljust(directory_at, b"\x00")
    directory, data = b"", b""
    for kind, record in records:
        directory += struct.pack(">HHII", kind, 0, 0, 0) + struct.pack(">II", data_at + len(data), len(record))
        directory += b"\x00" * 12
        data += record
    return header + directory + data


def block() -> bytes:
    return fff([(0x01, raw_png()), (0x20, camera_info()), (0x22, palette()), (0x2A, pip()), (0x2B, gps())])


def test_records_under_exiftool_names_with_celsius_temperatures():
    tags = parse_flir(block(), [])
    assert tags["CreatorSoftware"] == "FLIR"
    assert tags["Emissivity"] == pytest.approx(0.95, rel=1e-6)
    assert tags["AtmosphericTemperature"] == pytest.approx(20.0, abs=1e-4)
    assert tags["CameraModel"] == "FLIR ONE Pro (gen 3)" and tags["LensModel"] == "FOL13"
    assert tags["PlanckO"] == -3422 and tags["FrameRate"] == 9
    assert tags["DateTimeOriginal"] == "2021:05:16 12:27:36.107-07:00"
    assert (tags["RawThermalImageWidth"], tags["RawThermalImageHeight"], tags["RawThermalImageType"]) == (
        480, 640, "PNG")
    assert tags["RawThermalImage"] == "(Binary data 100 bytes, use -b option to extract)"
    assert tags["PaletteColors"] == 4 and tags["AboveColor"] == [36, 114, 216] and tags["PaletteName"] == "Arctic"
    assert "PaletteFileName" not in tags  # an empty name is left out
    assert tags["Palette"] == "(Binary data 12 bytes, use -b option to extract)"
    assert (tags["OffsetX"], tags["OffsetY"], tags["PiPX2"], tags["PiPY2"]) == (31, 68, 479, 639)
    assert tags["GPSValid"] == 1 and tags["GPSLatitude"] == pytest.approx(34.0754261592891)
    assert tags["GPSMapDatum"] == "WGS84" and "GPSSpeedRef" not in tags and "GPSDOP" not in tags


def test_printed_units():
    printed = print_groups({"APP1": parse_flir(block(), [])})["APP1"]
    assert printed["AtmosphericTemperature"] == "20.0 C"
    assert printed["RelativeHumidity"] == "50.0 %"
    assert printed["ObjectDistance"] == "1.00 m"
    assert printed["FieldOfView"] == "45.0 deg"
    assert printed["GPSValid"] == "Yes" and printed["GPSLongitudeRef"] == "West"
    assert printed["GPSLatitude"] == "34 deg 4' 31.53\" N"
    assert printed["GPSImgDirectionRef"] == "Magnetic North"


def test_unknown_version_and_short_directory_warn():
    warnings: list[str] = []
    assert parse_flir(b"FFF\x00" + b"\x00" * 60, warnings) == {}
    assert warnings == ["FLIR: the FFF block has a version we do not know."]
    warnings = []
    cut = fff([(0x20, camera_info())])[:0x50]
    parse_flir(cut, warnings)
    assert warnings == ["FLIR: the record directory runs past the end of the block."]


@pytest.mark.parametrize("seed", range(30))
def test_mutated_blocks_never_raise(seed):
    rng = random.Random(seed)
    data = bytearray(block())
    for _ in range(rng.randint(1, 30)):
        data[rng.randrange(0x40, 0x40 + 0x20 * 5)] = rng.randrange(256)  # the directory: offsets and sizes
    tags = parse_flir(bytes(data), [])
    print_groups({"APP1": tags})
