"""Kodak maker notes (makers/kodak.py): binary records and the pro backs' Kodak IFD."""

import struct

import pytest

from extraction.pipeline.makers import decode_maker_note, kodak
from tests.support.maker_notes import Field, corpus_tally, ifd, make_note


def kdk_record(endian: str) -> bytes:
    body = bytearray(0x70)
    body[0:8] = b"DX4330  "
    body[0x09], body[0x0A] = 1, 0
    struct.pack_into(endian + "HHH", body, 0x0C, 2160, 1440, 2003)
    body[0x12:0x18] = bytes([5, 26, 11, 14, 47, 71])
    struct.pack_into(endian + "HI", body, 0x1E, 499, 2241)
    body[0x38], body[0x5C], body[0x5D] = 2, 32, 0
    struct.pack_into(endian + "HHHHHH", body, 0x5E, 0, 200, 300, 0, 256, 100)
    return (b"KDK INFO" if endian == ">" else b"KDK0002I") + bytes(body)


@pytest.mark.parametrize("endian", [">", "<"])
def test_kdk_record_in_either_byte_order(endian):
    values, printed = decode_maker_note(make_note(kdk_record(endian), "MM", make="EASTMAN KODAK COMPANY"), [])
    assert values["KodakImageWidth"] == 2160 and values["YearCreated"] == 2003
    assert values["MonthDayCreated"] == "05:26" and values["TimeCreated"] == "11:14:47.71"
    assert values["FNumber"] == 4.99 and values["ExposureTime"] == 0.02241 and printed["ExposureTime"] == "1/45"
    assert printed["FocusMode"] == "Macro" and printed["FlashMode"] == "Off" and values["ISO"] == 200
    assert values["TotalZoom"] == 3 and printed["ColorMode"] == "Saturated Color" and values["DigitalZoom"] == 1


def test_short_record_warns():
    warnings: list[str] = []
    values, _ = decode_maker_note(make_note(b"KDK INFO" + b"\x00" * 20, make="EASTMAN KODAK COMPANY"), warnings)
    assert values == {} and warnings == ["MakerNotes: the Kodak record is shorter than its layout"]


def test_kodak_ifd_with_its_text_record():
    text = b"Camera body:  555ELD\nShutter:  250\nISO:  100\nWhite balance: Preset (Flash)\nTime: 12:33:04.754\n"
    fields = [Field(0x0000, 1, [1, 0, 0, 0]), Field(0x03f1, 2, text), Field(0x0ce7, 4, [4, 4])]
    block = b"MM\x00*\x00\x00\x00\x08" + ifd(fields, "MM", 8)
    values, printed = kodak.read_kodak_ifd(block, 8, "MM", [])
    assert printed["KodakVersion"] == "1.0.0.0" and values["CameraBody"] == "555ELD"
    assert values["ShutterSpeed"] == 250 and values["ISO"] == 100 and values["WhiteBalance"] == "Preset (Flash)"
    assert values["Time"] == "12:33:04.754" and printed["HostSoftwareRendering"] == "Unknown (4 4)"


def test_corpus_kodak_notes_agree_with_exiftool():
    tally = corpus_tally(["Kodak", "Minolta DiMAGE EX"])
    if tally is None:
        pytest.skip("the shared corpus (../shared/corpus) is not here")
    assert tally["found"] == tally["reference"] > 0
    assert tally["agree"] == tally["found"] and tally["printed"] == tally["converted"]
