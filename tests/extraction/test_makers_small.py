"""The small makes: Epson and Sanyo (Olympus' old layout), Ricoh and JVC text notes, Reconyx records."""

import struct

import pytest

from extraction.pipeline.makers import decode_maker_note
from tests.support.maker_notes import NOTE_AT, Field, corpus_tally, ifd, make_note


def test_epson_reuses_the_olympus_layout_with_its_own_tags():
    fields = [Field(0x0200, 4, [256, 208, 0]), Field(0x0201, 3, 3), Field(0x020b, 4, 2048), Field(0x020d, 2, "SX321")]
    values, printed = decode_maker_note(make_note(b"EPSON\x00\x01\x00" + ifd(fields, "II", NOTE_AT + 8),
                                                  make="SEIKO EPSON CORP."), [])
    assert printed["SpecialMode"] == "Unknown (256), Sequence: 208, Panorama: (none)"
    assert printed["Quality"] == "SHQ (Fine)" and values["EpsonImageWidth"] == 2048 and values["EpsonSoftware"] == "SX321"


def test_sanyo_values_with_offsets_into_the_directory_are_read_where_the_firmware_packed_them():
    # Sanyo S1/J-series firmware packs the values right after the directory but writes some offsets wrong.
    fields = [Field(0x0200, 4, [1, 2, 3]), Field(0x0201, 3, 258), Field(0x0204, 5, [(150, 100)]),
              Field(0x020e, 3, 2)]
    directory = bytearray(ifd(fields, "II", NOTE_AT + 8))
    struct.pack_into("<I", directory, 2 + 8, NOTE_AT + 8)  # SpecialMode's offset: the directory itself
    struct.pack_into("<I", directory, 2 + 24 + 8, NOTE_AT + 8 + 2)  # DigitalZoom's: inside it too
    values, printed = decode_maker_note(make_note(b"SANYO\x00\x01\x00" + bytes(directory), make="SANYO"), [])
    assert values["SpecialMode"] == [1, 2, 3] and values["DigitalZoom"] == 1.5
    assert printed["SanyoQuality"] == "Fine/Medium Low" and printed["SequentialShot"] == "Best"


def test_ricoh_text_note():
    values, printed = decode_maker_note(make_note(b"Rv0103;Rg1C;Bg18;Ll0;Ld0;\x00\x00", "MM", make="RICOH"), [])
    assert values == {"FirmwareVersion": "0103", "RedGain": "1C", "BlueGain": 18}
    assert printed["FirmwareVersion"] == "1.03"


def test_jvc_text_note():
    values, printed = decode_maker_note(make_note(b"VER:0100QTY:FINE" + b" " * 16, make="JVC"), [])
    assert values == {"MakerNoteVersion": "0100", "Quality": "FINE"} and printed["Quality"] == "Fine"


def hyperfire() -> bytes:
    words = [0] * 70
    words[0:7] = [0xF101, 4, 1, 0, 0x2015, 0x0317, ord("T")]
    words[9:17] = [0, 5001, 0, 3, 15, 4, 19, 2016]
    words[18:21] = [3, 87, 30]
    words[36:43] = [128, 0, 64, 154, 0, 100, 9550]
    raw = bytearray(struct.pack("<70H", *words))
    raw[42:70] = "H500HI11244984".encode("utf-16-le")
    raw[86:101] = b"HC500 HYPERFIRE"
    return bytes(raw)


def test_reconyx_hyperfire_record():
    values, printed = decode_maker_note(make_note(hyperfire(), make="RECONYX"), [])
    assert printed["MakerNoteVersion"] == "0xf101" and printed["FirmwareVersion"] == "4.1.0"
    assert values["FirmwareDate"] == "2015:03:17" and printed["TriggerMode"] == "Time Lapse"
    assert values["EventNumber"] == 5001 and values["DateTimeOriginal"] == "2016:04:19 15:03:00"
    assert printed["MoonPhase"] == "Waxing Gibbous" and printed["AmbientTemperature"] == "30 C"
    assert values["SerialNumber"] == "H500HI11244984" and values["BatteryVoltage"] == 9.55
    assert values["UserLabel"] == "HC500 HYPERFIRE"
    warnings: list[str] = []
    assert decode_maker_note(make_note(hyperfire()[:40], make="RECONYX"), warnings) == ({}, {})
    assert warnings == ["MakerNotes: the Reconyx HyperFire record is shorter than its layout"]


@pytest.mark.parametrize("names", [["Epson"], ["Sanyo"], ["Ricoh"], ["JVC"], ["Reconyx", "Issue 211"]])
def test_corpus_small_makes_agree_with_exiftool(names):
    tally = corpus_tally(names)
    if tally is None:
        pytest.skip("the shared corpus (../shared/corpus) is not here")
    assert tally["reference"] > 0
    assert tally["found"] == tally["reference"]
    assert tally["agree"] == tally["found"] and tally["printed"] == tally["converted"]
