"""The Canon CIFF heap reader, on heaps built byte by byte as Canon's CIFF specification lays them out."""

import json
import math
import shutil
import struct
import subprocess

import pytest

from extraction.pipeline import extract_file
from extraction.pipeline.ciff import is_ciff, read_ciff

IN_RECORD = 0x4000


def heap(records: list[tuple[int, bytes]], order: str = "<") -> bytes:
    """A heap: the records' data, then the table (count, 10-byte records), then the table's offset."""
    data = bytearray()
    table = []
    for kind, payload in records:
        if kind & 0xC000 == IN_RECORD:
            table.append(struct.pack(order + "H", kind) + payload.ljust(8, b"\x00")[:8])
        else:
            table.append(struct.pack(order + "HII", kind, len(payload), len(data)))
            data += payload + b"\x00" * (len(payload) % 2)
    offset = len(data)
    data += struct.pack(order + "H", len(table)) + b"".join(table) + struct.pack(order + "I", offset)
    return bytes(data)


def ciff(root: bytes, order: str = "<", signature: bytes = b"HEAPJPGM") -> bytes:
    mark = b"II" if order == "<" else b"MM"
    return mark + struct.pack(order + "I", 26) + signature + b"\x01\x00\x02\x00" + b"\x00" * 8 + root


def jpeg(app0: bytes) -> bytes:
    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    jfif = b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00"
    frame = struct.pack(">BHHB", 8, 480, 640, 1) + b"\x01\x11\x00"
    return (b"\xff\xd8" + segment(0xE0, jfif) + segment(0xE0, app0) + segment(0xDB, b"\x00" + bytes([1] * 64))
            + segment(0xC0, frame) + segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")
            + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x00\x00\xff\xd9")


def powershot(order: str = "<") -> bytes:
    """A PowerShot-like heap: make and model in a sub-heap, the shot's facts in the root."""
    f = lambda *v: struct.pack(f"{order}{len(v)}f", *v)  # noqa: E731
    h = lambda *v: struct.pack(f"{order}{len(v)}H", *v)  # noqa: E731
    i = lambda *v: struct.pack(f"{order}{len(v)}I", *v)  # noqa: E731
    camera = heap([(0x080A, b"Canon\x00Canon PowerShot S10\x00"), (0x0810, b"Jane Doe\x00")], order)
    description = heap([(0x0805, b"A harbour\x00")], order)
    return heap([
        (0x2807, camera), (0x2804, description), (0x080B, b"Firmware Version 1.00\x00"),
        (0x0815, b"IMG:PowerShot S10 JPEG\x00"), (0x0816, b"AUT_0042.JPG\x00"),
        (0x100A | IN_RECORD, h(1)), (0x1011 | IN_RECORD, h(1)), (0x101C | IN_RECORD, h(100)),
        (0x10B4 | IN_RECORD, h(1)), (0x1029, h(1, 216, 300, 200)), (0x1807 | IN_RECORD, f(1.5)),
        (0x180E, i(946684800, 3600, 0)), (0x1810, i(1024, 768) + f(1.0) + i(90, 8, 24, 0)),
        (0x1813, f(9.0, 0.5)), (0x1814 | IN_RECORD, f(10.25)), (0x1817 | IN_RECORD, i(1000042)),
        (0x1818, f(-0.5, 7.0, 5.0)), (0x1834 | IN_RECORD, i(0x1010000)), (0x183B | IN_RECORD, i(0x90000000)),
    ], order)


# Values and printed words as `exiftool -j -G -n` and `exiftool -j -G` (12.57) give them for powershot().
EXPECTED = {
    "Make": ("Canon", "Canon"), "Model": ("Canon PowerShot S10", "Canon PowerShot S10"),
    "OwnerName": ("Jane Doe", "Jane Doe"), "CanonFileDescription": ("A harbour", "A harbour"),
    "CanonFirmwareVersion": ("Firmware Version 1.00", "Firmware Version 1.00"),
    "CanonImageType": ("IMG:PowerShot S10 JPEG", "IMG:PowerShot S10 JPEG"),
    "OriginalFileName": ("AUT_0042.JPG", "AUT_0042.JPG"),
    "TargetImageType": (1, "Written Document"), "ShutterReleaseTiming": (1, "Priority on focus"),
    "BaseISO": (100, "100"), "ColorSpace": (1, "sRGB"),
    "FocalType": (1, "Fixed"), "FocalLength": (216, "216 mm"),
    "FocalPlaneXSize": (7.62, "7.62 mm"), "FocalPlaneYSize": (5.08, "5.08 mm"),
    "TargetDistanceSetting": (1.5, "1.5 mm"),
    "DateTimeOriginal": ("2000:01:01 00:00:00", "2000:01:01 00:00:00"), "TimeZoneCode": (1, "1"),
    "TimeZoneInfo": (0, "0"), "ImageWidth": (1024, "1024"), "ImageHeight": (768, "768"),
    "PixelAspectRatio": (1, "1"), "Rotation": (90, "90"), "ComponentBitDepth": (8, "8"),
    "ColorBitDepth": (24, "24"), "ColorBW": (0, "0"), "FlashGuideNumber": (9, "9"), "FlashThreshold": (0.5, "0.5"),
    "MeasuredEV": (15.25, "15.25"), "FileNumber": (1000042, "100-0042"),
    "ExposureCompensation": (-0.5, "-0.5"), "ShutterSpeedValue": (0.0078125, "1/128"),
    "ApertureValue": (5.65685424949238, "5.7"), "CanonModelID": (0x1010000, "PowerShot A30"),
    "SerialNumberFormat": (0x90000000, "Format 1"),
}


@pytest.mark.parametrize("order", ["<", ">"])
def test_reads_every_record_of_a_powershot_heap_in_either_byte_order(order):
    warnings: list[str] = []
    values, printed = read_ciff(ciff(powershot(order), order), warnings)
    assert warnings == []
    for name, (value, words) in EXPECTED.items():
        assert values[name] == pytest.approx(value) if isinstance(value, float) else values[name] == value, name
        assert printed.get(name, str(values[name])) == words, name  # no hint: it prints as it is
    assert set(values) == set(EXPECTED)


def test_the_description_outside_its_heap_is_the_user_comment():
    values, _ = read_ciff(ciff(heap([(0x0805, b"Hello\x00")])), [])
    assert values == {"UserComment": "Hello"}


def test_camera_settings_and_af_info_arrays():
    h = lambda *v: struct.pack(f"<{len(v)}H", *v)  # noqa: E731
    settings = [0] * 46
    settings[0], settings[1], settings[4], settings[23], settings[24], settings[25] = 92, 2, 1, 216, 72, 10
    values, printed = read_ciff(ciff(heap([(0x102D, h(*settings)), (0x1038, h(*range(1, 20)))])), [])
    assert (values["MacroMode"], printed["MacroMode"]) == (2, "Normal")
    assert (values["CanonFlashMode"], printed["CanonFlashMode"]) == (1, "Auto")
    assert (values["MaxFocalLength"], printed["MaxFocalLength"]) == (21.6, "21.6 mm")
    assert values["MinFocalLength"] == 7.2
    assert [values[n] for n in ("NumAFPoints", "ValidAFPoints", "CanonImageWidth", "AFAreaHeight")] == [1, 2, 3, 8]
    assert (values["AFAreaXPositions"], values["AFAreaYPositions"]) == (9, 10)
    assert (values["AFPointsInFocus"], printed["AFPointsInFocus"]) == (11, "0,1,3")
    assert values["PrimaryAFPoint"] == 13


def test_af_info_with_three_points_lists_their_positions():
    words = list(range(101, 130))
    words[0] = 3
    values, _ = read_ciff(ciff(heap([(0x1038, struct.pack("<29H", *words))])), [])
    assert (values["AFAreaXPositions"], values["AFAreaYPositions"]) == ([109, 110, 111], [112, 113, 114])
    assert (values["AFPointsInFocus"], values["PrimaryAFPoint"]) == (115, 117)


def test_the_focal_length_counts_in_the_camera_settings_focal_units_wherever_they_come():
    h = lambda *v: struct.pack(f"<{len(v)}H", *v)  # noqa: E731
    settings = [0] * 46
    settings[0], settings[25] = 92, 10
    values, printed = read_ciff(ciff(heap([(0x1029, h(2, 216, 300, 200)), (0x102D, h(*settings))])), [])
    assert (values["FocalUnits"], values["FocalLength"], printed["FocalLength"]) == (10, 21.6, "21.6 mm")
    assert values["FocalPlaneXSize"] == 7.62  # in mils, whatever the focal units


def test_colour_sensor_decoder_and_image_records():
    h = lambda *v: struct.pack(f"<{len(v)}H", *v)  # noqa: E731
    values, printed = read_ciff(ciff(heap([
        (0x0032, b"\x01\x02\x03"), (0x102C, h(1, 2, 3)), (0x1031, h(34, *range(2, 17))), (0x10A9, h(*range(41))),
        (0x1835, struct.pack("<4I", 1, 2, 3, 4)), (0x2008, b"\xff\xd8\xff\xd9"), (0x2005, b"abcd"),
    ])), [])
    assert (values["CanonColorInfo1"], values["CanonColorInfo2"]) == ([1, 2, 3], [1, 2, 3])
    assert (values["SensorWidth"], values["SensorHeight"], values["BlackMaskBottomBorder"]) == (2, 3, 13)
    assert values["WB_RGGBLevelsAuto"] == [1, 2, 3, 4] and str(values["WB_RGGBLevelsKelvin"]) == "33 34 35 36"
    assert values["WB_RGGBBlackLevels"] == [37, 38, 39, 40]
    assert [values[n] for n in ("DecoderTableNumber", "CompressedDataOffset", "CompressedDataLength")] == [1, 3, 4]
    assert values["ThumbnailImage"] == "(Binary data 4 bytes, use -b option to extract)"
    assert values["RawData"] == "(Binary data 4 bytes, use -b option to extract)"


def test_a_sized_array_with_the_wrong_size_word_is_not_read():
    values, _ = read_ciff(ciff(heap([(0x102D, struct.pack("<4H", 99, 2, 0, 0))])), [])
    assert values == {}


def test_only_the_jpeg_subtype_is_taken_from_app0():
    assert is_ciff(ciff(heap([])))
    assert not is_ciff(ciff(heap([]), signature=b"HEAPCCDR"))
    assert not is_ciff(b"JFIF\x00\x01\x02")


def test_a_jpeg_with_only_a_ciff_heap_gets_camera_date_and_lens_in_its_summary(tmp_path):
    path = tmp_path / "powershot.jpg"
    path.write_bytes(jpeg(ciff(powershot())))
    record = extract_file(str(path))
    assert record["ok"]
    assert record["groups"]["MakerNotes"]["Model"] == "Canon PowerShot S10"
    assert record["printed"]["MakerNotes"]["ShutterSpeedValue"] == "1/128"
    summary = record["summary"]
    assert (summary["Make"], summary["Model"]) == ("Canon", "Canon PowerShot S10")
    assert (summary["DateTimeOriginal"], summary["FocalLength"]) == ("2000:01:01 00:00:00", 216)
    assert record["groups"]["Composite"]["ShutterSpeed"] == 0.0078125
    assert record["groups"]["Composite"]["Aperture"] == pytest.approx(5.65685424949238)


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="ExifTool is not installed")
def test_agrees_with_exiftool_on_a_synthetic_powershot(tmp_path):
    path = tmp_path / "powershot.jpg"
    path.write_bytes(jpeg(ciff(powershot(">"), ">")))
    ours = extract_file(str(path))
    theirs = json.loads(subprocess.run(["exiftool", "-j", "-G", "-n", str(path)], capture_output=True,
                                       check=True).stdout)[0]
    makers = {k.split(":", 1)[1]: v for k, v in theirs.items() if k.startswith("MakerNotes:")}
    assert set(makers) == set(ours["groups"]["MakerNotes"])
    for name, value in makers.items():
        got = ours["groups"]["MakerNotes"][name]
        assert (math.isclose(got, value, rel_tol=1e-5) if isinstance(value, float) else got == value), name
    words = json.loads(subprocess.run(["exiftool", "-j", "-G", str(path)], capture_output=True, check=True).stdout)[0]
    for key, word in words.items():
        group, _, name = key.partition(":")
        if group in ("MakerNotes", "Composite"):
            assert str(ours["printed"][group][name]).lower() == str(word).lower(), key


def _hostile(root: bytes) -> tuple[dict, list[str]]:
    warnings: list[str] = []
    values, _ = read_ciff(ciff(root), warnings)
    return values, warnings


def test_a_table_offset_outside_the_heap_is_a_warning():
    values, warnings = _hostile(b"\x00" * 10 + struct.pack("<I", 0xFFFFFF00))
    assert values == {} and warnings == ["MakerNotes: a CIFF heap's record table lies outside the heap; it was not read."]


def test_a_record_count_past_the_heap_is_cut_to_the_records_that_fit():
    good = heap([(0x0810, b"Owner\x00")])
    table = struct.unpack_from("<I", good, len(good) - 4)[0]
    broken = good[:table] + struct.pack("<H", 60000) + good[table + 2 :]
    values, warnings = _hostile(broken)
    assert values == {"OwnerName": "Owner"}
    assert warnings == ["MakerNotes: a CIFF record table runs past its heap; the records beyond were not read."]


def test_a_record_pointing_outside_its_heap_is_skipped():
    table = struct.pack("<HHII", 1, 0x0810, 100, 0)
    values, warnings = _hostile(table + struct.pack("<I", 0))
    assert values == {}
    assert warnings == ["MakerNotes: CIFF record 0x0810 points outside its heap and was skipped."]


def test_sub_heaps_nested_past_the_depth_limit_stop_with_a_warning():
    inner = heap([(0x0810, b"Deep\x00")])
    for _ in range(20):
        inner = heap([(0x300A, inner)])
    values, warnings = _hostile(inner)
    assert values == {}
    assert warnings == ["MakerNotes: CIFF heaps nest too deep; the innermost were not read."]


def test_truncated_and_junk_heaps_never_raise():
    whole = ciff(powershot())
    for cut in range(0, len(whole), 7):
        warnings: list[str] = []
        values, printed = read_ciff(whole[:cut], warnings)
        assert all(isinstance(w, str) and w.endswith(".") for w in warnings)
        assert all(not isinstance(v, bytes) for v in values.values())


def test_not_a_number_floats_are_dropped():
    nan = struct.pack("<f", math.nan)
    values, _ = _hostile(heap([(0x1814 | IN_RECORD, nan), (0x1818, nan * 3), (0x1807 | IN_RECORD, nan)]))
    assert values == {}


def test_composite_reads_canon_settings_when_the_make_is_only_in_the_heap(tmp_path):
    settings = [0] * 46
    settings[0] = 92
    make = (0x080A, b"Canon\x00Canon PowerShot A5\x00")
    path = tmp_path / "a5.jpg"
    path.write_bytes(jpeg(ciff(heap([make, (0x102D, struct.pack("<46h", *settings))]))))
    composite = extract_file(str(path))["groups"]["Composite"]
    assert (composite["DriveMode"], composite["ShootingMode"]) == (2, 10)  # as exiftool derives them
