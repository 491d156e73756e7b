"""Maker-note decoders (`extraction/pipeline/makers/`), on notes built byte by byte and on the shared corpus."""

import json
import plistlib
import struct
from collections import Counter

import pytest
from PIL import Image

from extraction.pipeline import extract_file
from extraction.pipeline.makers import decode_maker_note
from extraction.pipeline.makers.base import MakerNote
from extraction.pipeline.makers.canon import canon_ev
from extraction.pipeline.makers.nikon import _lens_type as lens_type, format_string
from tests.support.exiftool_reference import corpus_dir, printed_agree, values_agree

EXIF_IFD = 0x8769
TYPES = {"B": 1, "A": 2, "H": 3, "I": 4, "R": 5, "U": 7, "h": 8, "i": 9}
SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 8: 2, 9: 4}


def ifd(entries: list[tuple[int, str, object]], order: str, at: int) -> bytes:
    """One TIFF IFD placed at offset `at` of its buffer, values that do not fit written right after it.

    Each entry is (tag, kind, value): kind is a struct-like letter from TYPES; the value a list of numbers,
    bytes (UNDEFINED / ASCII), or a list of (numerator, denominator) pairs for rationals.
    """
    endian = "<" if order == "II" else ">"
    head = struct.pack(endian + "H", len(entries))
    tail = b""
    data_at = at + 2 + 12 * len(entries) + 4
    body = b""
    for tag, kind, value in sorted(entries, key=lambda e: e[0]):
        code = TYPES[kind]
        if kind in "AU":
            raw = value if isinstance(value, bytes) else str(value).encode() + b"\x00"
            count = len(raw)
        elif kind == "R":
            raw = b"".join(struct.pack(endian + "II", n, d) for n, d in value)  # type: ignore[union-attr]
            count = len(value)  # type: ignore[arg-type]
        else:
            raw = struct.pack(endian + kind * len(value), *value)  # type: ignore[arg-type]
            count = len(value)  # type: ignore[arg-type]
        if len(raw) <= 4:
            body += struct.pack(endian + "HHI", tag, code, count) + raw.ljust(4, b"\x00")
        else:
            body += struct.pack(endian + "HHII", tag, code, count, data_at + len(tail))
            tail += raw + (b"\x00" if len(raw) % 2 else b"")
    return head + body + b"\x00\x00\x00\x00" + tail


def note_in_block(note_at: int, build, order: str = "II") -> tuple[bytes, int, int]:
    """An EXIF TIFF block with room before `note_at`; `build(note_at)` returns the note's bytes."""
    header = (b"II*\x00" if order == "II" else b"MM\x00*") + struct.pack("<I" if order == "II" else ">I", 8)
    note = build(note_at)
    block = header.ljust(note_at, b"\x00") + note
    return block, note_at, len(note)


def decode(block: bytes, offset: int, length: int, order: str, make: str, model: str = "", file_offset: int = 0):
    warnings: list[str] = []
    note = MakerNote(block, offset, length, order, make=make, model=model, file_offset=file_offset)
    values, printed = decode_maker_note(note, warnings)
    return values, printed, warnings


def canon_settings(order: str) -> list[tuple[int, str, object]]:
    settings = [0] * 47
    settings[0] = 2 * len(settings)  # Canon's arrays start with their size in bytes
    settings[1], settings[3], settings[4], settings[7] = 2, 3, 0, 0  # Normal, Fine, flash Off, One-shot AF
    settings[11], settings[17], settings[22] = 59, 3, 0xFFFF  # Scene Intelligent Auto, Evaluative, n/a lens
    settings[23], settings[24], settings[25] = 21300, 6300, 1000  # 21.3-6.3 mm in 1/1000 mm
    settings[26], settings[27] = 0x5C, 0x100  # apertures: EV 2.875 -> f/2.7, EV 8 -> f/16
    shot = [0] * 34
    shot[0] = 2 * len(shot)
    shot[1], shot[2] = 0, 160  # AutoISO 100, BaseISO 100
    shot[4], shot[5] = 0x6C, 192  # TargetAperture EV 3+1/3 -> 3.2, TargetExposureTime 2^-6 s
    shot[6] = -0x0C  # ExposureCompensation -1/3
    shot[19], shot[20] = 87, 73  # focus distances 0.87 and 0.73 m
    shot[22] = 192  # ExposureTime 1/64
    signed = [v - 0x10000 if v >= 0x8000 else v for v in settings]
    return [
        (0x0001, "h", signed),
        (0x0002, "H", [2, 6300, 211, 158]),
        (0x0004, "h", shot),
        (0x0006, "A", "Canon PowerShot Test"),
        (0x0008, "I", [1030383]),
        (0x0010, "I", [0x2140000]),
        (0x0012, "H", [5, 5, 2048, 1536, 2048, 256, 369, 42, 0, 65166, 0, 370, 0, 65488, 0, 0, 0, 48, 8, 3]),
    ]


@pytest.mark.parametrize("order", ["II", "MM"])
def test_canon_arrays_decode_into_named_fields_with_their_words(order):
    block, at, size = note_in_block(64, lambda at: ifd(canon_settings(order), order, at), order)
    values, printed, warnings = decode(block, at, size, order, "Canon", "Canon PowerShot A560")
    assert warnings == []
    assert values["MacroMode"] == 2 and printed["MacroMode"] == "Normal"
    assert values["Quality"] == 3 and printed["Quality"] == "Fine"
    assert printed["EasyMode"] == "Scene Intelligent Auto" and printed["MeteringMode"] == "Evaluative"
    assert values["LensType"] == 0xFFFF and printed["LensType"] == "n/a"
    assert values["MaxFocalLength"] == 21.3 and printed["MinFocalLength"] == "6.3 mm"
    assert printed["FocalUnits"] == "1000/mm"
    assert values["MaxAperture"] == pytest.approx(2 ** (2.875 / 2)) and printed["MaxAperture"] == "2.7"
    assert values["MinAperture"] == pytest.approx(16) and printed["MinAperture"] == "16"
    assert values["FocalLength"] == 6.3 and printed["FocalType"] == "Zoom"
    assert values["FocalPlaneXSize"] == pytest.approx(5.3594) and printed["FocalPlaneXSize"] == "5.36 mm"
    assert values["AutoISO"] == 100 and values["BaseISO"] == 100
    assert values["TargetAperture"] == pytest.approx(2 ** (10 / 6)) and printed["TargetAperture"] == "3.2"
    assert values["TargetExposureTime"] == 2 ** -6 and printed["TargetExposureTime"] == "1/64"
    assert values["ExposureCompensation"] == pytest.approx(-1 / 3) and printed["ExposureCompensation"] == "-1/3"
    assert printed["FocusDistanceUpper"] == "0.87 m" and values["FocusDistanceLower"] == 0.73
    assert printed["ExposureTime"] == "1/64"
    assert values["CanonImageType"] == "Canon PowerShot Test"
    assert values["FileNumber"] == 1030383 and printed["FileNumber"] == "103-0383"
    assert printed["CanonModelID"] == "PowerShot A560"
    # Old AFInfo: 5 points, then X and Y positions, one word of in-focus bits, the primary point.
    assert values["NumAFPoints"] == 5 and values["AFAreaWidth"] == 369
    assert values["AFAreaXPositions"] == [0, -370, 0, 370, 0]  # signed words, a JSON list
    assert printed["AFAreaXPositions"] == "0 -370 0 370 0"  # as ExifTool prints the list
    assert values["AFPointsInFocus"] == [8] and printed["AFPointsInFocus"] == "3"
    assert values["PrimaryAFPoint"] == 3


def test_canon_array_whose_first_word_is_not_its_size_is_not_read():
    entries = [(0x0001, "h", [0] * 40), (0x0002, "H", [0, 16896, 0, 0])]
    block, at, size = note_in_block(32, lambda at: ifd(entries, "II", at))
    values, _printed, _ = decode(block, at, size, "II", "Canon", "Canon DIGITAL IXUS 400")
    assert "MacroMode" not in values and "Quality" not in values
    assert values["FocalLength"] == 16896  # without CameraSettings there are no focal units to divide by


def test_canon_note_moved_by_an_editor_is_read_from_its_footer():
    """Canon's footer holds the note's original offset: value offsets still count from there."""
    original = 200

    def build(at: int) -> bytes:
        body = ifd([(0x0006, "A", "Canon EOS Moved Image Type"), (0x0095, "A", "EF50mm f/1.8 STM")], "II", original)
        return body + b"II*\x00" + struct.pack("<I", original)

    block, at, size = note_in_block(600, build)
    values, _printed, _ = decode(block, at, size, "II", "Canon", "Canon EOS 70D")
    assert values["CanonImageType"] == "Canon EOS Moved Image Type"
    assert values["LensModel"] == "EF50mm f/1.8 STM"


def test_canon_note_in_the_other_byte_order_than_exif_is_read():
    block, at, size = note_in_block(64, lambda at: ifd(canon_settings("II"), "II", at), "II")
    block = b"MM\x00*\x00\x00\x00\x08" + block[8:]
    values, _printed, _ = decode(block, at, size, "MM", "Canon", "Canon PowerShot A560")
    assert values["Quality"] == 3 and values["CanonImageType"] == "Canon PowerShot Test"


def test_canon_color_data_layout_follows_the_array_length():
    words = [0] * 1313
    words[0] = 10
    words[0x3F : 0x44] = [1986, 1024, 1024, 1900, 4509]  # as shot: RGGB levels, then colour temperature
    words[0x80 : 0x85] = [2093, 1024, 1024, 1672, 5200]  # the first preset, daylight
    words[0x1AD : 0x1B5] = [1, 0x6844, 2, 0x6B7E, 2, 0x6D7B, 1, 0x3768]  # 32-bit values, high word first
    words[0x1FD] = 15092
    entries = [(0x4001, "H", words), (0x00A1, "H", [0, 10, 200])]
    block, at, size = note_in_block(16, lambda at: ifd(entries, "II", at))
    values, printed, _ = decode(block, at, size, "II", "Canon", "Canon EOS 70D")
    assert values["ColorDataVersion"] == 10
    assert printed["ColorDataVersion"] == "10 (1DX/5DmkIII/6D/70D/100D/650D/700D/M/M2)"
    assert values["WB_RGGBLevelsAsShot"] == [1986, 1024, 1024, 1900] and values["ColorTempAsShot"] == 4509
    assert values["WB_RGGBLevelsDaylight"] == [2093, 1024, 1024, 1672] and values["ColorTempDaylight"] == 5200
    assert values["RawMeasuredRGGB"] == [92228, 158590, 159099, 79720]
    assert values["SpecularWhiteLevel"] == 15092
    # A numeric table shown as binary is sized by its text, as ExifTool sizes it: "0 10 200" is 8 bytes.
    assert values["ToneCurveTable"] == "(Binary data 8 bytes, use -b option to extract)"
    words[0] = 99  # a version this layout is not documented for
    entries = [(0x4001, "H", words)]
    block, at, size = note_in_block(16, lambda at: ifd(entries, "II", at))
    values, _printed, _ = decode(block, at, size, "II", "Canon", "Canon EOS 70D")
    assert "ColorDataVersion" not in values and "WB_RGGBLevelsAsShot" not in values


def _grouped(groups: list[tuple[int, list[tuple[int, list[int]]]]]) -> list[int]:
    """Canon's grouped record: size, group count, then (number, size from its size word, count, entries)."""
    words: list[int] = [0, len(groups)]
    for number, entries in groups:
        body = [w for function, vals in entries for w in [function, len(vals), *vals]]
        words += [number, 4 * (2 + len(body)), len(entries), *body]
    words[0] = 4 * len(words)
    return words


def test_canon_custom_functions_are_read_group_by_group():
    record = _grouped([(1, [(0x0101, [1]), (0x0106, [5, 2]), (0x0FFF, [9])]),  # 0x0fff: not a known function
                       (3, [(0x0502, [-2]), (0x0512, [1, 7])]),
                       (4, [(0x070F, [1, 6])])])
    filters = _grouped([(1, [(0x0101, [-1])]), (4, [(0x0402, [1])])])
    entries = [(0x0099, "i", record), (0x4024, "i", filters)]
    block, at, size = note_in_block(16, lambda at: ifd(entries, "II", at))
    values, printed, _ = decode(block, at, size, "II", "Canon", "Canon EOS 70D")
    assert values["ExposureLevelIncrements"] == 1 and printed["ExposureLevelIncrements"] == "1/2 Stop"
    assert values["AEBShotCount"] == [5, 2] and printed["AEBShotCount"] == "5 shots"
    assert values["AIServoTrackingSensitivity"] == -2 and printed["AIServoTrackingSensitivity"] == "Slow"
    assert printed["SelectAFAreaSelectMode"] == "Enable; Flags 0x7"
    assert printed["MultiFunctionLock"] == "On; Quick control dial, Multi-controller"
    assert values["GrainyBWFilter"] == -1 and printed["GrainyBWFilter"] == "Off"
    assert printed["MiniatureFilterOrientation"] == "Vertical"
    assert not {"0x0fff", 4095} & set(values)
    # A record whose sizes do not add up is left unread rather than guessed at.
    broken = list(record)
    broken[3] = 10_000
    block, at, size = note_in_block(16, lambda at: ifd([(0x0099, "i", broken)], "II", at))
    values, _printed, _ = decode(block, at, size, "II", "Canon", "Canon EOS 70D")
    assert "ExposureLevelIncrements" not in values


def test_canon_powershot_camera_info_gives_iso_rotation_and_temperature():
    words = [0] * 148
    words[0], words[0x17], words[0x91] = 371, 1, 27
    block, at, size = note_in_block(16, lambda at: ifd([(0x000D, "i", words)], "II", at))
    values, printed, _ = decode(block, at, size, "II", "Canon", "Canon PowerShot A560")
    assert values["ISO"] == pytest.approx(100 * 2 ** (-40 / 96)) and printed["ISO"] == "75"
    assert values["Rotation"] == 1 and values["CameraTemperature"] == 27 and printed["CameraTemperature"] == "27 C"
    values, _printed, _ = decode(block, at, size, "II", "Canon", "Canon EOS 5D")  # EOS bodies lay it out otherwise
    assert "ISO" not in values


def test_canon_ev_reads_thirds_of_a_stop():
    assert canon_ev(0x20) == 1 and canon_ev(0x2C) == pytest.approx(4 / 3) and canon_ev(0x34) == pytest.approx(5 / 3)
    assert canon_ev(-0x14) == pytest.approx(-2 / 3)


def _nikon_type3(order: str) -> bytes:
    """A type-3 Nikon note: "Nikon\\0\\2\\x10\\0\\0", then a TIFF header whose offsets the IFD uses."""
    endian = "<" if order == "II" else ">"
    preview = ifd([(0x0103, "H", [6]), (0x0201, "I", [400]), (0x0202, "I", [16])], order, 300)
    main = ifd([
        (0x0001, "U", b"0210"),
        (0x0002, "H", [0, 200]),
        (0x0004, "A", "FINE  "),
        (0x0009, "A", "NEW_TTL "),
        (0x0011, "I", [300]),
        (0x0083, "B", [14]),
        (0x0084, "R", [(17, 1), (35, 1), (28, 10), (28, 10)]),
        (0x0088, "U", b"\x00\x01\x01\x00"),  # AFInfo: its bit field is big-endian in every note
        (0x0089, "H", [1]),
        (0x000E, "U", b"\xd9\x01\x06\x00"),  # ExposureDifference -39 * 1/6
    ], order, 8)
    tiff = (b"II*\x00" if order == "II" else b"MM\x00*") + struct.pack(endian + "I", 8) + main
    tiff = tiff.ljust(300, b"\x00") + preview
    tiff = tiff.ljust(400, b"\x00") + b"\xff\xd8" + b"\x00" * 12 + b"\xff\xd9"
    return b"Nikon\x00\x02\x10\x00\x00" + tiff


@pytest.mark.parametrize("order", ["II", "MM"])
def test_nikon_type3_note_reads_offsets_from_its_own_tiff_header(order):
    block, at, size = note_in_block(100, lambda at: _nikon_type3(order), order)
    values, printed, warnings = decode(block, at, size, order, "NIKON CORPORATION", "NIKON D70s", file_offset=30)
    assert warnings == []
    assert values["MakerNoteVersion"] == "0210" and printed["MakerNoteVersion"] == "2.10"
    assert values["ISO"] == [0, 200] and printed["ISO"] == "200"
    assert values["Quality"] == "FINE" and printed["Quality"] == "Fine"
    assert printed["FlashType"] == "New_TTL"
    assert values["LensType"] == 14 and printed["LensType"] == "G VR"  # "D G" reads "G"
    assert values["Lens"] == [17, 35, 2.8, 2.8] and printed["Lens"] == "17-35mm f/2.8"
    assert printed["AFPoint"] == "Top" and values["AFPointsInFocus"] == 256 and printed["AFPointsInFocus"] == "Lower-right"
    assert printed["ShootingMode"] == "Continuous"
    assert values["ExposureDifference"] == pytest.approx(-6.5) and printed["ExposureDifference"] == "-6.5"
    assert printed["Compression"] == "JPEG (old-style)" and values["PreviewImageLength"] == 16
    # The preview's offset is reported from the file's start, as ExifTool does.
    assert values["PreviewImageStart"] == 30 + 100 + 10 + 400
    assert values["PreviewImage"] == "(Binary data 16 bytes, use -b option to extract)"


def test_nikon_short_records_are_read_by_position():
    def build(at: int) -> bytes:
        main = ifd([
            (0x001F, "U", b"0100\x01\x00\x02\x00"),  # VRInfo: on, active
            (0x0024, "U", b"\x78\x00\x01\x02"),  # WorldTime: +120 minutes, DST, D/M/Y (note's byte order)
            (0x0025, "U", b"\x48\x00\x00\x00\x00\x00\x48\x00\x00\x00\x00\x00\x00\x00"),  # ISOInfo
            (0x00B6, "U", b"\x07\xe4\x05\x04\x12\x27\x0b\x00"),  # PowerUpTime, big-endian year
            (0x00B9, "U", b"\x01\x03\xfe\x00"),  # AFTune: on, index 3, -2
        ], "II", 8)
        return b"Nikon\x00\x02\x10\x00\x00" + b"II*\x00\x08\x00\x00\x00" + main

    block, at, size = note_in_block(64, build)
    values, printed, _ = decode(block, at, size, "II", "NIKON CORPORATION", "NIKON D750")
    assert printed["VibrationReduction"] == "On" and printed["VRMode"] == "Active"
    assert values["TimeZone"] == 120 and printed["TimeZone"] == "+02:00" and printed["DateDisplayFormat"] == "D/M/Y"
    assert values["ISO"] == 200 and values["ISO2"] == 200 and printed["ISOExpansion"] == "Off"
    assert values["PowerUpTime"] == "2020:05:04 18:39:11"
    assert printed["AFFineTune"] == "On (1)" and values["AFFineTuneAdj"] == -2


def test_nikon_type1_note_uses_the_first_tag_set():
    block, at, size = note_in_block(
        64, lambda at: b"Nikon\x00\x01\x00" + ifd([(0x0003, "H", [6]), (0x0007, "H", [0]), (0x000B, "H", [0])],
                                                   "II", at + 8))
    values, printed, _ = decode(block, at, size, "II", "NIKON", "E900")
    assert printed == {"Quality": "SXGA Fine", "WhiteBalance": "Auto", "Converter": "Not used"}
    assert values == {"Quality": 6, "WhiteBalance": 0, "Converter": 0}


def test_nikon_shooting_mode_words():
    from extraction.pipeline.makers.nikon import _shooting_mode
    assert _shooting_mode(0) == "Single-Frame" and _shooting_mode(1) == "Continuous"
    assert _shooting_mode(8) == "Single-Frame, Self-timer" and _shooting_mode(2) == "Delay"
    assert _shooting_mode(0x21) == "Continuous, Auto ISO"


def test_nikon_lens_type_words():
    words = {0: "AF", 2: "D", 6: "G", 14: "G VR", 1: "MF", 70: "E G", 78: "E VR", 128: "AF-P", 142: "G VR AF-P"}
    assert {code: lens_type(code) for code in words} == words


def test_nikon_words_print_as_exiftool_capitalises_them():
    assert format_string("VR-ON   ") == "VR-On" and format_string("MODE1a") == "Mode1a"
    assert format_string("RAW") == "RAW" and format_string("Built-in,TTL") == "Built-in,TTL"
    assert format_string("NO= 1005a431") == "No= 1005a431"


def test_fujifilm_note_is_little_endian_with_offsets_from_the_note_in_a_big_endian_file():
    def build(at: int) -> bytes:
        return b"FUJIFILM" + struct.pack("<I", 12) + ifd([
            (0x0000, "U", b"0130"), (0x1000, "A", "NORMAL "), (0x1001, "H", [3]), (0x1031, "H", [0x100]),
            (0x8000, "A", "Camera model file source"),
        ], "II", 12)

    block, at, size = note_in_block(80, build, "MM")
    values, printed, _ = decode(block, at, size, "MM", "FUJIFILM", "X-T1")
    assert values["Version"] == "0130" and values["Quality"] == "NORMAL"
    assert printed["Sharpness"] == "0 (normal)" and printed["PictureMode"] == "Aperture-priority AE"
    assert values["FileSource"] == "Camera model file source"


def test_apple_note_reads_its_ifd_and_the_run_time_property_list():
    run_time = plistlib.dumps({"flags": 1, "value": 208733685673541, "epoch": 0, "timescale": 1000000000},
                              fmt=plistlib.FMT_BINARY)

    def build(at: int) -> bytes:
        return b"Apple iOS\x00\x00\x01MM" + ifd([
            (0x0001, "i", [11]), (0x0003, "U", run_time), (0x0004, "i", [1]),
            (0x000C, "R", [(1822265625, 100000000), (752734375, 100000000)]),
        ], "MM", 14)

    block, at, size = note_in_block(40, build, "II")
    values, printed, _ = decode(block, at, size, "II", "Apple", "iPhone 11 Pro")
    assert values["MakerNoteVersion"] == 11 and printed["AEStable"] == "Yes"
    assert values["RunTimeValue"] == 208733685673541 and printed["RunTimeFlags"] == "Valid"
    assert values["FocusDistanceRange"] == [18.22265625, 7.52734375]
    assert printed["FocusDistanceRange"] == "7.53 - 18.22 m"


def test_sony_note_reads_plain_tags_and_its_shot_info():
    shot = bytearray(0x44)
    shot[:2] = b"II"
    shot[0x06:0x19] = b"2010:05:15 17:12:05"
    struct.pack_into("<HH", shot, 0x1A, 2736, 3648)

    def build(at: int) -> bytes:
        return b"SONY DSC \x00\x00\x00" + ifd([
            (0x200A, "I", [0]), (0x3000, "U", bytes(shot)), (0xB041, "H", [6]), (0xB048, "H", [0]),
        ], "II", at + 12)

    block, at, size = note_in_block(50, build)
    values, printed, _ = decode(block, at, size, "II", "SONY", "DSC-HX5V")
    assert values["HDR"] == [0, 0] and printed["HDR"] == "Off; Uncorrected image"
    assert printed["ExposureMode"] == "Auto" and printed["FlashLevel"] == "Normal"
    assert values["SonyDateTime"] == "2010:05:15 17:12:05" and values["SonyImageWidth"] == 3648


@pytest.mark.parametrize("make, head", [
    ("Canon", b""), ("NIKON", b"Nikon\x00\x02\x10\x00\x00MM\x00*"), ("FUJIFILM", b"FUJIFILM"),
    ("Apple", b"Apple iOS\x00\x00\x01MM"), ("SONY", b"SONY DSC \x00\x00\x00"), ("samsung", b""),
])
def test_hostile_notes_give_no_exception_and_no_made_up_values(make, head):
    """A note that claims far more entries than it holds, pointing past its end."""
    junk = head + b"\xff\xff" + bytes(range(256)) * 3
    block = b"II*\x00\x08\x00\x00\x00" + junk
    values, printed, warnings = decode(block, 8, len(junk), "II", make, "model")
    assert isinstance(values, dict) and isinstance(printed, dict)
    assert all(not isinstance(v, bytes) for v in values.values())
    assert all("Error" not in w and "Traceback" not in w for w in warnings)


def test_headerless_decoders_leave_a_note_that_is_not_an_ifd_alone():
    blob = b"\x05\x0f\x075ALAWBLOGp\x00N" + bytes(40)  # a phone's own record, not a TIFF directory
    block = b"II*\x00\x08\x00\x00\x00" + blob
    for make in ("samsung", "SONY", "DJI"):
        assert decode(block, 8, len(blob), "II", make) == ({}, {}, [])
    entries = [(0x0001, "U", b"0100"), (0x0002, "I", [0x12000])]
    block, at, size = note_in_block(8, lambda at: ifd(entries, "II", 0))
    values, printed, _ = decode(block, at, size, "II", "samsung", "SM-J327T1")
    assert values == {"MakerNoteVersion": "0100", "DeviceType": 0x12000} and printed["DeviceType"] == "Cell Phone"


def test_pipeline_puts_the_decoded_note_and_its_words_in_the_record(tmp_path):
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon PowerShot A560"
    exif.get_ifd(EXIF_IFD)[0x8827] = 800
    # The note's value offsets count from the EXIF TIFF header, which Pillow writes; place it by hand.
    path = tmp_path / "canon.jpg"
    Image.new("RGB", (8, 8)).save(path, "JPEG", exif=exif)
    data = bytearray(path.read_bytes())
    start = data.index(b"Exif\x00\x00") + 6
    tiff = bytes(data[start:])
    app1_end = start + struct.unpack(">H", data[start - 8 : start - 6])[0] - 8
    block = tiff[: app1_end - start]
    note_at = len(block) + 40
    note = ifd(canon_settings("II"), "II", note_at)
    new_block = _with_maker_note(block, note, note_at)
    new_app1 = b"\xff\xe1" + struct.pack(">H", len(new_block) + 8) + b"Exif\x00\x00" + new_block
    jpeg = bytes(data[:start - 10]) + new_app1 + bytes(data[app1_end:])
    path.write_bytes(jpeg)
    record = extract_file(str(path))
    assert record["ok"], record["error"]
    notes = record["groups"]["MakerNotes"]
    assert notes["Quality"] == 3 and record["printed"]["MakerNotes"]["Quality"] == "Fine"
    assert record["printed"]["MakerNotes"]["CanonModelID"] == "PowerShot A560"
    assert record["summary"]["ISO"] == 800  # EXIF's ISO, never the note's
    # EXIF has no exposure time nor focal length here: the summary falls back to the note's, as ExifTool does.
    assert record["summary"]["ExposureTime"] == 2 ** -6 and record["summary"]["FocalLength"] == 6.3


def _with_maker_note(block: bytes, note: bytes, note_at: int) -> bytes:
    """`block` (a TIFF with IFD0 -> EXIF IFD) with a MakerNote entry added to a rebuilt EXIF IFD at its end."""
    order = block[:2].decode()
    endian = "<" if order == "II" else ">"
    ifd0 = struct.unpack_from(endian + "I", block, 4)[0]
    count = struct.unpack_from(endian + "H", block, ifd0)[0]
    for index in range(count):
        pos = ifd0 + 2 + 12 * index
        tag, _kind, _n, value = struct.unpack_from(endian + "HHII", block, pos)
        if tag == EXIF_IFD:
            exif_ifd, entry_pos = value, pos
    n = struct.unpack_from(endian + "H", block, exif_ifd)[0]
    entries = [block[exif_ifd + 2 + 12 * i : exif_ifd + 14 + 12 * i] for i in range(n)]
    entries.append(struct.pack(endian + "HHII", 0x927C, 7, len(note), note_at))
    entries.sort(key=lambda e: struct.unpack_from(endian + "H", e)[0])
    new_ifd_at = len(block)
    new_ifd = struct.pack(endian + "H", len(entries)) + b"".join(entries) + b"\x00\x00\x00\x00"
    out = bytearray(block + new_ifd)
    struct.pack_into(endian + "I", out, entry_pos + 8, new_ifd_at)
    return bytes(out).ljust(note_at, b"\x00") + note


# --- the shared corpus, against ExifTool's reading ------------------------------------------------

MAKES = ("CANON", "NIKON", "FUJI", "APPLE", "SONY", "SAMSUNG")


@pytest.fixture(scope="module")
def corpus_notes():
    corpus = corpus_dir()
    if not (corpus / "exiftool.json").is_file():
        pytest.skip(f"corpus not found at {corpus} (set IMGMVP_CORPUS to point at it)")
    numeric = json.loads((corpus / "exiftool.json").read_text(encoding="utf-8"))
    printed = {r["SourceFile"]: r for r in json.loads((corpus / "exiftool-print.json").read_text(encoding="utf-8"))}
    tally: Counter = Counter()
    for reference in numeric:
        make = str(reference.get("EXIF:Make", "")).strip().upper()
        family = next((m for m in MAKES if make.startswith(m)), None)
        keys = [k for k in reference if k.startswith("MakerNotes:")]
        if family is None or not keys:
            continue
        record = extract_file(str(corpus / "images" / reference["SourceFile"]))
        ours, words = record["groups"].get("MakerNotes", {}), record["printed"].get("MakerNotes", {})
        for key in keys:
            tag = key.partition(":")[2]
            tally[family, "ref"] += 1
            if tag not in ours:
                continue
            tally[family, "found"] += 1
            tally[family, "agree"] += values_agree(ours[tag], reference[key])
            theirs = printed[reference["SourceFile"]].get(key)
            if theirs is not None and not printed_agree(theirs, reference[key]):
                tally[family, "converted"] += 1
                tally[family, "printed"] += printed_agree(words.get(tag), theirs)
    return tally


@pytest.mark.parametrize("family, recall", [("CANON", 0.80), ("NIKON", 0.90), ("FUJI", 0.95), ("APPLE", 0.95),
                                            ("SONY", 0.95), ("SAMSUNG", 0.95)])
def test_corpus_notes_are_read_as_exiftool_reads_them(corpus_notes, family, recall):
    ref, found = corpus_notes[family, "ref"], corpus_notes[family, "found"]
    if not ref:
        pytest.skip(f"no {family} maker notes in the corpus")
    assert found / ref >= recall, f"{family}: {found} of {ref} maker-note tags"
    assert corpus_notes[family, "agree"] / found >= 0.98
    converted = corpus_notes[family, "converted"]
    assert not converted or corpus_notes[family, "printed"] / converted >= 0.95
