"""Casio maker notes (makers/casio.py): type 2 ("QVC") and type 1 (a bare IFD)."""

import pytest

from extraction.pipeline.makers import decode_maker_note
from tests.support.maker_notes import NOTE_AT, Field, corpus_tally, ifd, make_note


def test_type2_note_with_preview_offset_from_the_file():
    header = b"QVC\x00\x00\x00"
    fields = [Field(0x0002, 3, [320, 240]), Field(0x0004, 4, 1260), Field(0x2001, 7, b"0303\x00251841\x00\x00"),
              Field(0x2012, 3, 12), Field(0x2022, 4, 0x20000000), Field(0x3000, 3, 6), Field(0x3007, 3, 15),
              Field(0x3011, 7, b"\xff\xff"), Field(0x3014, 3, 50), Field(0x3006, 2, "New York")]
    note = make_note(header + ifd(fields, "MM", NOTE_AT + 6), "MM", make="CASIO COMPUTER CO.,LTD", file_offset=12)
    values, printed = decode_maker_note(note, [])
    assert printed["PreviewImageSize"] == "320x240" and values["PreviewImageStart"] == 1272
    assert values["FirmwareDate"] == "0303251841" and printed["FirmwareDate"] == "2003:03:25 18:41"
    assert printed["WhiteBalance"] == "Flash" and values["ObjectDistance"] == "inf"
    assert printed["RecordMode"] == "Best Shot" and printed["BestShotMode"] == 15
    assert values["Sharpness"] == -1 and values["ISO"] == 50 and values["HometownCity"] == "New York"


def test_type1_note():
    fields = [Field(0x0001, 3, 1), Field(0x0002, 3, 3), Field(0x0003, 3, 2), Field(0x0004, 3, 5),
              Field(0x0006, 4, 2500), Field(0x0014, 3, 100)]
    values, printed = decode_maker_note(make_note(ifd(fields, "II", NOTE_AT), make="CASIO"), [])
    assert printed["RecordingMode"] == "Single Shutter" and printed["Quality"] == "Fine"
    assert printed["FocusMode"] == "Macro" and printed["FlashMode"] == "Red-eye Reduction"
    assert values["ObjectDistance"] == 2.5 and values["ISO"] == 100


def test_corpus_casio_notes_agree_with_exiftool():
    tally = corpus_tally(["Casio"])
    if tally is None:
        pytest.skip("the shared corpus (../shared/corpus) is not here")
    assert tally["found"] == tally["reference"] > 0
    assert tally["agree"] == tally["found"] and tally["printed"] == tally["converted"]
