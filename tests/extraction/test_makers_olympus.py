"""Olympus maker notes (makers/olympus.py) and Olympus' APP12 picture info, on notes built byte by byte."""

import struct

import pytest

from extraction.pipeline.makers import decode_maker_note, olympus
from tests.support.maker_notes import NOTE_AT, Field, corpus_tally, ifd, make_note


def new_style_note() -> bytes:
    # Offsets count from the note's start; the Equipment and CameraSettings directories hang off the main IFD.
    header = b"OLYMPUS\x00II\x03\x00"
    equipment_at, settings_at = 200, 400
    main = ifd([Field(0x0200, 4, [0, 0, 0]), Field(0x2010, 13, equipment_at), Field(0x2020, 13, settings_at)],
               "II", len(header), base=0)
    equipment = ifd([Field(0x0101, 2, "B9U505495"), Field(0x0203, 2, "OLYMPUS M.17mm F1.8"),
                     Field(0x0201, 1, [0, 0, 22, 16, 0, 0]), Field(0x0104, 4, 0x1301),
                     Field(0x0205, 3, 434), Field(0x020b, 3, 0x4100)], "II", equipment_at, base=0)
    settings = ifd([Field(0x0200, 3, 2), Field(0x0202, 3, 5), Field(0x0301, 3, [0, 65]),
                    Field(0x0305, 10, [(0, 0), (255, 510), (252, 510), (255, 510), (252, 510)]),
                    Field(0x0503, 8, [1, -5, 5]), Field(0x0405, 10, [(0, 0)] * 3)], "II", settings_at, base=0)
    body = bytearray(600)
    body[: len(header)] = header
    body[len(header): len(header) + len(main)] = main
    body[equipment_at: equipment_at + len(equipment)] = equipment
    body[settings_at: settings_at + len(settings)] = settings
    return bytes(body)


def test_new_style_offsets_count_from_the_note_and_sub_directories_are_followed():
    note = make_note(new_style_note(), make="OLYMPUS IMAGING CORP.", model="E-P3")
    warnings: list[str] = []
    values, printed = decode_maker_note(note, warnings)
    assert values["SerialNumber"] == "B9U505495"
    assert values["LensModel"] == "OLYMPUS M.17mm F1.8"
    assert values["LensType"] == "0 16 10"
    assert printed["LensType"] == "Olympus M.Zuiko Digital 17mm F1.8"
    assert printed["BodyFirmwareVersion"] == "1.301"
    assert values["MaxApertureAtMinFocal"] == pytest.approx(1.79957502494054)
    assert printed["MaxApertureAtMinFocal"] == "1.8"
    assert printed["LensProperties"] == "0x4100"
    assert printed["ExposureMode"] == "Program"
    assert printed["MeteringMode"] == "ESP"
    assert printed["FocusMode"] == "Single AF; S-AF, Imager AF"
    assert values["AFPointSelected"] == [0.5, 0.4941176471, 0.5, 0.4941176471]
    assert printed["CustomSaturation"] == "1 (min -5, max 5)"
    assert values["FlashIntensity"] == ["undef", "undef", "undef"] and printed["FlashIntensity"] == "n/a"
    assert printed["SpecialMode"] == "Normal, Sequence: 0, Panorama: (none)"
    assert warnings == []


def old_style_note(camera_type: str, quality: int) -> bytes:
    # "OLYMP\0" notes count offsets from the TIFF header, where the note sits at NOTE_AT.
    header = b"OLYMP\x00\x01\x00"
    fields = [Field(0x0201, 3, quality), Field(0x0204, 5, [(100, 100)]), Field(0x0207, 2, camera_type),
              Field(0x1000, 10, [(2491, 256)]), Field(0x1001, 10, [(1195, 256)]), Field(0x1017, 3, [362, 64]),
              Field(0x0208, 2, "[pictureInfo] Resolution=1 [Camera Info] Type=" + camera_type)]
    return header + ifd(fields, "II", NOTE_AT + len(header), base=0)


def test_old_style_reads_apex_values_and_quality_by_camera_type():
    values, printed = decode_maker_note(make_note(old_style_note("SX552", 1), make="OLYMPUS OPTICAL CO.,LTD",
                                                  model="C4040Z"), [])
    assert printed["Quality"] == "HQ (Normal)"  # SX-type cameras count SQ from 0
    assert printed["CameraType"] == "C4040Z"
    assert values["Resolution"] == 1
    assert values["ShutterSpeedValue"] == pytest.approx(0.00117716416895032)
    assert printed["ShutterSpeedValue"] == "1/849"
    assert values["ISOValue"] == pytest.approx(79.4417192158582)
    assert values["RedBalance"] == pytest.approx(1.4140625)
    values, printed = decode_maker_note(make_note(old_style_note("D4034", 1), make="OLYMPUS"), [])
    assert printed["Quality"] == "SQ (Low)"


def test_hostile_directories_give_warnings_not_exceptions():
    header = b"OLYMPUS\x00II\x03\x00"
    broken = header + struct.pack("<H", 900) + b"\xff" * 40  # claims 900 entries in 40 bytes
    warnings: list[str] = []
    values, _ = decode_maker_note(make_note(broken, make="OLYMPUS"), warnings)
    assert values == {}
    assert warnings and all(w.startswith("MakerNotes:") and "Error" not in w for w in warnings)
    # A sub-directory pointing past the end is skipped.
    main = ifd([Field(0x2010, 13, 10_000_000)], "II", len(header))
    values, _ = decode_maker_note(make_note(header + main, make="OLYMPUS"), [])
    assert values == {}


def test_app12_picture_info_reads_as_exiftool_names_it():
    payload = (b"OLYMPUS OPTICAL CO.,LTD.\x00\x00[picture info]\r\nTimeDate=964116300\r\nShutter=9\r\n"
               b"FNumber=28\r\nMacro=1\r\nFlash=0\r\nImageSize=1600x1200\r\n[camera info]\r\nType=SX151\r\n"
               b"Serial#=12345\r\nVersion=1.2\r\n")
    values, printed = olympus.read_app12(payload, [])
    assert values["DateTimeOriginal"] == "2000:07:20 18:05:00"
    assert values["ExposureTime"] == pytest.approx(9e-06) and printed["ExposureTime"] == "1/111111"
    assert values["FNumber"] == 28 and printed["Macro"] == "On" and printed["Flash"] == "Off"
    assert values["CameraType"] == "SX151" and values["SerialNumber"] == 12345 and values["Version"] == 1.2
    assert values["ImageSize"] == "1600x1200"
    warnings: list[str] = []
    assert olympus.read_app12(b"\x00\x01\x02 no fields", warnings) == ({}, {})


def test_corpus_olympus_notes_agree_with_exiftool():
    tally = corpus_tally(["Olympus", "Issue 339"])
    if tally is None:
        pytest.skip("the shared corpus (../shared/corpus) is not here")
    assert tally["files"] >= 10
    assert tally["found"] >= 0.98 * tally["reference"]
    assert tally["agree"] >= 0.98 * tally["found"]
    assert tally["printed"] >= 0.97 * tally["converted"]


def test_an_in_place_sub_directory_counting_offsets_from_itself_is_read():
    # Some E-series cameras store the Equipment directory's bytes in the main IFD (type 7), its offsets
    # counted from the directory's own start.
    header = b"OLYMP\x00\x02\x00"
    equipment = ifd([Field(0x0203, 2, "ZUIKO DIGITAL 14-54mm F2.8-3.5"), Field(0x0101, 2, "ABC12345678")],
                    "II", 0, base=0)
    main_start = NOTE_AT + len(header)
    main_len = 2 + 12 + 4
    main = ifd([Field(0x2010, 7, equipment)], "II", main_start, base=0)
    assert len(main) == main_len + len(equipment)
    values, _ = decode_maker_note(make_note(header + main, make="OLYMPUS OPTICAL CO.,LTD"), [])
    assert values["LensModel"] == "ZUIKO DIGITAL 14-54mm F2.8-3.5"
    assert values["SerialNumber"] == "ABC12345678"
