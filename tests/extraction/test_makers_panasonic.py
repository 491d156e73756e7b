"""Panasonic maker notes (makers/panasonic.py)."""

import pytest

from extraction.pipeline.makers import decode_maker_note
from tests.support.maker_notes import NOTE_AT, Field, corpus_tally, ifd, make_note


def test_panasonic_note():
    header = b"Panasonic\x00\x00\x00"
    fields = [Field(0x0001, 3, 2), Field(0x0002, 7, bytes([0, 1, 0, 2])), Field(0x000f, 1, [0, 16]),
              Field(0x001a, 3, 2), Field(0x001f, 3, 9), Field(0x0023, 3, 0xFFFD),
              Field(0x0025, 7, b"K020406110058\x00\x00\x00"), Field(0x0029, 4, 5393), Field(0x0090, 3, 0xFFF6)]
    values, printed = decode_maker_note(make_note(header + ifd(fields, "II", NOTE_AT + 12), make="Panasonic"), [])
    assert printed["ImageQuality"] == "High" and printed["FirmwareVersion"] == "0.1.0.2"
    assert printed["AFAreaMode"] == "3-area (high speed)" and printed["ImageStabilization"] == "On, Optical"
    assert printed["ShootingMode"] == "Macro"
    assert values["WhiteBalanceBias"] == pytest.approx(-1) and printed["WhiteBalanceBias"] == "-1"
    assert printed["InternalSerialNumber"] == "(K02) 2004:06:11 no. 0058"
    assert values["TimeSincePowerOn"] == 53.93 and printed["TimeSincePowerOn"] == "00:00:53.93"
    assert values["RollAngle"] == -1.0


def test_corpus_panasonic_notes_agree_with_exiftool():
    tally = corpus_tally(["Panasonic"])
    if tally is None:
        pytest.skip("the shared corpus (../shared/corpus) is not here")
    assert tally["found"] == tally["reference"] > 0
    assert tally["agree"] == tally["found"] and tally["printed"] == tally["converted"]
