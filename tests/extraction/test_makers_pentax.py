"""Pentax maker notes (makers/pentax.py), built byte by byte, and against ExifTool on the corpus."""

import pytest

from extraction.pipeline.makers import decode_maker_note
from tests.support.maker_notes import NOTE_AT, Field, corpus_tally, ifd, make_note


def aoc_note() -> bytes:
    header = b"AOC\x00MM"
    fields = [Field(0x0002, 3, [640, 480]), Field(0x0004, 4, 6236), Field(0x0005, 4, 76180),
              Field(0x0006, 7, bytes([7, 212, 10, 2])), Field(0x0007, 7, bytes([23, 29, 52])),
              Field(0x0012, 4, 1111), Field(0x0013, 3, 24), Field(0x0014, 3, 9), Field(0x0016, 3, 50),
              Field(0x001d, 4, 7700), Field(0x001f, 3, [1, 0]), Field(0x0023, 3, 24),
              Field(0x0027, 7, bytes([254, 245, 255, 253])), Field(0x002d, 8, 8320),
              Field(0x0033, 1, [2, 0, 0]), Field(0x0034, 1, [0, 0, 0, 0]), Field(0x0035, 3, [12012, 8019]),
              Field(0x003c, 7, bytes([2, 0x73, 0, 0x20])), Field(0x0203, 8, [12512, -4640, 320, 0, 0, 0, 0, 0, 0]),
              Field(0x0205, 7, bytes([2, 0, 2, 32, 0, 32, 40, 0, 4, 0, 0, 0, 0, 34, 80, 0])),
              Field(0x0206, 7, bytes([119, 90, 40, 64, 0, 164, 0, 32, 9, 82, 82, 140, 32, 64])),
              Field(0x0207, 7, bytes([4, 24, 0, 32, 24, 148, 71, 70, 133, 5, 18, 97, 125, 56, 80, 64, 1, 28, 150,
                                      251] + [0] * 16)),
              Field(0x0215, 4, [76180, 20031126, 2, 0, 1046111])]
    return header + ifd(fields, "MM", NOTE_AT + len(header), base=0)


def test_aoc_note_with_its_binary_records():
    note = make_note(aoc_note(), "MM", make="PENTAX Corporation", model="PENTAX *ist D", file_offset=12)
    values, printed = decode_maker_note(note, [])
    assert values["PreviewImageStart"] == 6248 and printed["PreviewImageSize"] == "640x480"
    assert printed["PentaxModelID"] == "*ist D"
    assert values["Date"] == "2004:10:02" and values["Time"] == "23:29:52"
    assert values["ExposureTime"] == pytest.approx(0.01111) and printed["ExposureTime"] == "1/90"
    assert values["FNumber"] == pytest.approx(2.4) and printed["ISO"] == 200 and values["ISO"] == 9
    assert values["ExposureCompensation"] == 0 and printed["FocalLength"] == "77.0 mm"
    assert printed["Saturation"] == "0 (normal); 0" and printed["HometownCity"] == "Berlin"
    assert values["DSPFirmwareVersion"] == "1 10 00 02" and printed["DSPFirmwareVersion"] == "1.10.00.02"
    assert values["EffectiveLV"] == pytest.approx(8.125)
    assert printed["PictureMode"] == "Program (HyP); 1/2 EV steps"
    assert printed["DriveMode"] == "Single-frame; No Timer; Shutter Button; Single Exposure"
    assert printed["SensorSize"] == "24.024 x 16.038 mm"
    assert values["AFPointsInFocus"] == 32 and printed["AFPointsInFocus"] == "Center"
    assert values["ColorMatrixA"][:2] == [pytest.approx(1.52734375), pytest.approx(-0.56640625)]
    assert printed["MeteringMode2"] == "Spot" and values["ISOFloor"] == 200
    assert values["AEExposureTime"] == pytest.approx(0.012779387492171) and printed["AEExposureTime"] == "1/78"
    assert printed["AEMinAperture"] == "23" and printed["AEAperture"] == "2.6"
    assert values["LensFStops"] == 7.5 and values["LensFocalLength"] == 77.5 and printed["MinFocusDistance"] == "0.7 m"
    assert values["MaxAperture"] == pytest.approx(1.79470907500311)
    assert values["ManufactureDate"] == "2003:11:26" and values["InternalSerialNumber"] == 1046111


def test_short_binary_records_are_skipped_with_a_warning_free_result():
    header = b"AOC\x00II"
    fields = [Field(0x0206, 7, b"\x01\x02"), Field(0x0207, 7, b"\x00" * 5), Field(0x0215, 4, [1])]
    warnings: list[str] = []
    values, _ = decode_maker_note(make_note(header + ifd(fields, "II", NOTE_AT + 6), make="PENTAX"), warnings)
    assert not any(name.startswith("AE") or name == "LensFStops" for name in values)


def test_corpus_pentax_notes_agree_with_exiftool():
    tally = corpus_tally(["Pentax"])
    if tally is None:
        pytest.skip("the shared corpus (../shared/corpus) is not here")
    assert tally["found"] == tally["reference"] and tally["agree"] == tally["found"]
    assert tally["printed"] >= tally["converted"] - 1  # the lens name table is not ours
