"""Minolta maker notes (makers/minolta.py): the IFD and its big-endian CameraSettings array."""

import struct

import pytest

from extraction.pipeline.makers import decode_maker_note
from tests.support.maker_notes import NOTE_AT, Field, corpus_tally, ifd, make_note


@pytest.mark.parametrize("order", ["II", "MM"])
def test_camera_settings_array_is_big_endian_whatever_the_exif_order(order):
    words = [0] * 64
    words[1], words[7], words[8], words[9], words[10] = 1, 2, 56, 96, 40  # A priority, spot, ISO 200, 1/60, f/4
    words[18], words[21], words[22] = 256 * 7, 2003 << 16 | 5 << 8 | 26, 11 << 16 | 14 << 8 | 47
    settings = struct.pack(">64I", *words)
    fields = [Field(0x0000, 7, b"MLT0"), Field(0x0003, 7, settings), Field(0x0f00, 7, b"\x01" * 100)]
    note = make_note(ifd(fields, order, NOTE_AT), order, make="MINOLTA CO.,LTD")
    values, printed = decode_maker_note(note, [])
    assert values["MakerNoteVersion"] == "MLT0"
    assert printed["ExposureMode"] == "Aperture Priority" and printed["MeteringMode"] == "Spot"
    assert values["ISO"] == 200 and values["ExposureTime"] == pytest.approx(1 / 2 ** 6)
    assert values["FNumber"] == 4 and values["FocalLength"] == 7
    assert values["MinoltaDate"] == "2003:05:26" and values["MinoltaTime"] == "11:14:47"
    assert values["MinoltaCameraSettings2"] == "(Binary data 100 bytes, use -b option to extract)"


def test_corpus_minolta_notes_agree_with_exiftool():
    tally = corpus_tally(["Minolta DiMAGE X"])
    if tally is None:
        pytest.skip("the shared corpus (../shared/corpus) is not here")
    assert tally["found"] == tally["reference"] > 0 and tally["agree"] == tally["found"]
