"""The capture time's zone: which tag wins, what belongs to which date, and what is not a zone at all."""

import io

import pytest
from PIL import Image

from extraction.pipeline import extract_file
from extraction.pipeline.summary import build_summary
from extraction.pipeline.timezone import capture_time_zone

DTO = "2021:06:01 14:30:00"


def zone(groups, original=DTO, tag="EXIF:DateTimeOriginal"):
    return capture_time_zone(groups, original, tag)


def test_offset_time_original_comes_first():
    exif = {"DateTimeOriginal": DTO, "OffsetTimeOriginal": "+02:00", "OffsetTime": "+05:00", "TimeZoneOffset": 9}
    assert zone({"EXIF": exif}) == {"TimeZone": "+02:00", "TimeZoneSource": "EXIF:OffsetTimeOriginal"}


def test_offset_of_create_or_modify_date_counts_only_when_that_date_is_the_capture():
    exif = {"CreateDate": DTO, "OffsetTimeDigitized": "-05:30",
            "ModifyDate": "2022:01:01 10:00:00", "OffsetTime": "+01:00"}
    assert zone({"EXIF": exif}) == {"TimeZone": "-05:30", "TimeZoneSource": "EXIF:OffsetTimeDigitized"}
    edited = {"ModifyDate": "2022:01:01 10:00:00", "OffsetTime": "+01:00"}  # an editor's clock, months later
    assert zone({"EXIF": edited}) == {}
    same = {"ModifyDate": DTO, "OffsetTime": "+01:00"}
    assert zone({"EXIF": same}) == {"TimeZone": "+01:00", "TimeZoneSource": "EXIF:OffsetTime"}


@pytest.mark.parametrize("blank", ["   :  ", "", "+25:00", "+02:75", "+00:02", "abc", None, 3])
def test_blank_or_impossible_offsets_are_no_zone(blank):
    assert zone({"EXIF": {"OffsetTimeOriginal": blank}}) == {}


def test_exif_time_zone_offset_in_hours():
    assert zone({"EXIF": {"TimeZoneOffset": [-6, -6]}}) == {
        "TimeZone": "-06:00", "TimeZoneSource": "EXIF:TimeZoneOffset"}
    assert zone({"EXIF": {"TimeZoneOffset": 99}}) == {}


def test_xmp_date_with_an_offset_counts_when_it_is_the_capture_moment():
    xmp = {"CreateDate": "2017:06:27 11:52:32+05:30", "DateTimeOriginal": "2021:06:01 14:30:00.25-07:00"}
    assert zone({"XMP": xmp}) == {"TimeZone": "-07:00", "TimeZoneSource": "XMP:DateTimeOriginal"}
    assert zone({"XMP": {"CreateDate": "2017:06:27 11:52:32+05:30"}}) == {}  # another moment: not this photo's zone


def test_a_date_that_carries_its_own_offset():
    assert zone({}, "2016:06:27 15:29:42.041-04:00", "APP1:DateTimeOriginal") == {
        "TimeZone": "-04:00", "TimeZoneSource": "APP1:DateTimeOriginal"}


def test_iptc_date_and_time_created():
    iptc = {"DateCreated": "2021:06:01", "TimeCreated": "14:30:00+09:00"}
    assert zone({"IPTC": iptc}) == {"TimeZone": "+09:00", "TimeZoneSource": "IPTC:TimeCreated"}


@pytest.mark.parametrize(("notes", "expected"), [
    ({"TimeZone": 60, "DaylightSavings": 0}, "+01:00"),
    ({"TimeZone": 60, "DaylightSavings": 60}, "+02:00"),   # Canon: 60 when on
    ({"TimeZone": -300, "DaylightSavings": 1}, "-04:00"),  # Nikon: 1 when on
    ({"TimeZone": "+05:45"}, "+05:45"),
])
def test_maker_note_time_zone_by_name(notes, expected):
    assert zone({"MakerNotes": notes}) == {"TimeZone": expected, "TimeZoneSource": "MakerNotes:TimeZone"}


def test_a_maker_note_zone_in_hours_is_not_read_as_minutes():
    assert zone({"MakerNotes": {"TimeZone": 2}}) == {}


def test_gps_time_against_the_capture_time_rounded_to_a_quarter_hour():
    exif = {"GPSDateStamp": "2021:06:01", "GPSTimeStamp": "19:29:40"}
    assert zone({"EXIF": exif}) == {"TimeZone": "-05:00", "TimeZoneSource": "EXIF:GPSDateStamp+EXIF:GPSTimeStamp"}
    india = {"GPSDateStamp": "2021:06:01", "GPSTimeStamp": "09:00:10.5"}
    assert zone({"EXIF": india})["TimeZone"] == "+05:30"


@pytest.mark.parametrize("gps", [
    {"GPSDateStamp": "2021:06:01", "GPSTimeStamp": "19:07:30"},  # 7.5 minutes from any quarter: a stale fix
    {"GPSDateStamp": "2017:01:01", "GPSTimeStamp": "00:00:00"},  # months away: no fix at all
    {"GPSDateStamp": "0000:00:00", "GPSTimeStamp": "00:00:00"},
    {"GPSTimeStamp": "19:30:00"},  # no date: the day is unknown
])
def test_gps_that_cannot_tell_the_zone(gps):
    assert zone({"EXIF": gps}) == {}


def test_no_capture_time_no_derived_zone():
    exif = {"GPSDateStamp": "2021:06:01", "GPSTimeStamp": "19:30:00"}
    assert capture_time_zone({"EXIF": exif}, None, None) == {}


def test_orientation_out_of_range_is_left_out_and_the_next_source_tried():
    summary = build_summary({"EXIF": {"Orientation": 10825}, "XMP": {"Orientation": "6"}}, 4, 3)
    assert summary["Orientation"] == 6
    assert "Orientation" not in build_summary({"EXIF": {"Orientation": 0}}, 4, 3)
    assert "Orientation" not in build_summary({"EXIF": {"Orientation": 2.5}}, 4, 3)


def test_gps_past_the_poles_is_left_out():
    summary = build_summary({"EXIF": {"GPSLatitude": 123.0, "GPSLatitudeRef": "N", "GPSLongitude": 8.5}}, 4, 3)
    assert "GPSLatitude" not in summary and summary["GPSLongitude"] == 8.5


def test_time_zone_in_a_real_files_summary(tmp_path):
    exif = Image.Exif()
    exif.get_ifd(0x8769).update({0x9003: DTO, 0x9011: "+09:00"})
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG", exif=exif)
    path = tmp_path / "tz.jpg"
    path.write_bytes(buffer.getvalue())
    summary = extract_file(str(path))["summary"]
    assert summary["DateTimeOriginal"] == DTO
    assert (summary["TimeZone"], summary["TimeZoneSource"]) == ("+09:00", "EXIF:OffsetTimeOriginal")
