"""Composite tags derived from the other groups: optics, exposure, dates, GPS, lens, white balance."""

import math

import pytest

from extraction.pipeline.composite import FULL_FRAME_DIAGONAL, build_composite
from extraction.pipeline.printed import print_groups


def composite(groups, width=4000, height=3000, hints=None, **summary):
    values, printed_hints = build_composite(groups, {"ImageWidth": width, "ImageHeight": height, **summary}, hints)
    printed = print_groups({"Composite": values}, {"Composite": printed_hints})["Composite"]
    return values, printed


def test_image_size_and_megapixels_as_exiftool_writes_them():
    values, printed = composite({}, 5184, 3456)
    assert values["ImageSize"] == "5184 3456" and printed["ImageSize"] == "5184x3456"
    assert values["Megapixels"] == pytest.approx(17.915904) and printed["Megapixels"] == "17.9"
    _, small = composite({}, 640, 480)
    assert small["Megapixels"] == "0.307"
    assert composite({}, 20, 10)[1]["Megapixels"] == "0.000200"


def test_light_value_is_log2_of_n_squared_over_t_referred_to_iso_100():
    values, printed = composite({"EXIF": {"FNumber": 14.0, "ExposureTime": 0.005, "ISO": 400}})
    assert values["LightValue"] == pytest.approx(math.log2(14 * 14 / 0.005) - 2)
    assert printed["ShutterSpeed"] == "1/200" and printed["Aperture"] == "14.0" and printed["LightValue"] == "13.3"


def test_no_light_value_without_a_speed():
    values, _ = composite({"EXIF": {"FNumber": 2.8, "ExposureTime": 0.01}})
    assert "LightValue" not in values and values["Aperture"] == 2.8


def test_apex_values_stand_in_for_missing_exposure_time_and_f_number():
    values, _ = composite({"EXIF": {"ShutterSpeedValue": 0.015625, "ApertureValue": 2.2}})
    assert values["ShutterSpeed"] == 0.015625 and values["Aperture"] == 2.2


def test_nikon_iso_pair_gives_its_speed():
    values, _ = composite({"EXIF": {"FNumber": 4.0, "ExposureTime": 0.0125}, "MakerNotes": {"ISO": "0 200"}})
    assert values["LightValue"] == pytest.approx(math.log2(16 / 0.0125) - 1)


def test_canon_auto_iso_is_base_times_auto():
    values, _ = composite({"MakerNotes": {"CameraISO": "n/a", "BaseISO": 69.2, "AutoISO": 213.4}})
    assert values["ISO"] == pytest.approx(69.2 * 213.4 / 100)


def test_scale_factor_from_the_35mm_focal_length():
    values, printed = composite({"EXIF": {"FocalLength": 4.25, "FocalLengthIn35mmFormat": 26, "FNumber": 1.8}})
    scale = 26 / 4.25
    assert values["ScaleFactor35efl"] == pytest.approx(scale)
    assert values["FocalLength35efl"] == pytest.approx(26)
    assert printed["FocalLength35efl"] == "4.2 mm (35 mm equivalent: 26.0 mm)"
    assert values["CircleOfConfusion"] == pytest.approx(FULL_FRAME_DIAGONAL / 1440 / scale)
    assert values["FOV"] == pytest.approx(math.degrees(2 * math.atan(36 / (2 * 26))), rel=1e-5)
    assert values["HyperfocalDistance"] == pytest.approx(4.25 ** 2 / (1.8 * values["CircleOfConfusion"] * 1000))
    assert printed["CircleOfConfusion"].endswith(" mm") and printed["HyperfocalDistance"].endswith(" m")


def test_scale_factor_from_the_focal_plane_resolution_and_the_sensor_pixels():
    # 5184 x 3456 pixels at 5728.18 x 5808.40 pixels per inch: a 22.99 x 15.11 mm sensor.
    exif = {"FocalLength": 33.0, "FocalPlaneXResolution": 5728.176796, "FocalPlaneYResolution": 5808.403361,
            "FocalPlaneResolutionUnit": 2, "ExifImageWidth": 5184, "ExifImageHeight": 3456}
    values, _ = composite({"EXIF": exif}, 1152, 768)
    sensor = math.hypot(5184 * 25.4 / 5728.176796, 3456 * 25.4 / 5808.403361)
    assert values["ScaleFactor35efl"] == pytest.approx(FULL_FRAME_DIAGONAL / sensor)
    # A maker note's own sensor image size wins over ExifImageWidth (a resized file keeps the old one).
    values, _ = composite({"EXIF": exif, "MakerNotes": {"CanonImageWidth": 2592, "CanonImageHeight": 1728}})
    assert values["ScaleFactor35efl"] == pytest.approx(2 * FULL_FRAME_DIAGONAL / sensor)


def test_centimetre_units_and_implausible_resolutions():
    exif = {"FocalLength": 5.8, "FocalPlaneXResolution": 2151, "FocalPlaneYResolution": 2151,
            "FocalPlaneResolutionUnit": 3, "ExifImageWidth": 1024, "ExifImageHeight": 768}
    values, _ = composite({"EXIF": exif})
    assert values["ScaleFactor35efl"] == pytest.approx(FULL_FRAME_DIAGONAL / math.hypot(10240 / 2151, 7680 / 2151))
    exif.update(FocalPlaneXResolution=12, FocalPlaneYResolution=12, FocalPlaneResolutionUnit=2)
    values, printed = composite({"EXIF": exif})
    assert "ScaleFactor35efl" not in values and printed["FocalLength35efl"] == "5.8 mm"


def test_depth_of_field_from_the_focus_distance_bounds():
    groups = {"EXIF": {"FocalLength": 33.0, "FNumber": 14.0, "FocalLengthIn35mmFormat": 52},
              "MakerNotes": {"FocusDistanceUpper": 5.27, "FocusDistanceLower": 1.82}}
    values, printed = composite(groups)
    near, far = (float(v) for v in values["DOF"].split())
    distance = (5.27 + 1.82) / 2
    assert 2 / (1 / near + 1 / far) == pytest.approx(distance)  # near and far straddle the subject harmonically
    assert near < distance < far
    assert printed["DOF"] == f"{far - near:.2f} m ({near:.2f} - {far:.2f} m)"


def test_depth_of_field_beyond_the_hyperfocal_distance_is_infinite():
    groups = {"EXIF": {"FocalLength": 5.4, "FNumber": 9.0, "FocalLengthIn35mmFormat": 35, "SubjectDistance": 15.7}}
    values, printed = composite(groups)
    assert values["DOF"].endswith(" 0") and printed["DOF"].startswith("inf (") and printed["DOF"].endswith("m - inf)")


def test_fov_with_a_focus_distance_gives_the_field_width_there():
    groups = {"EXIF": {"FocalLength": 50.0, "FocalLengthIn35mmFormat": 75}, "MakerNotes": {"FocusDistance": 2.0}}
    values, printed = composite(groups)
    fov, width = (float(v) for v in values["FOV"].split())
    assert fov < math.degrees(2 * math.atan(36 / 150))  # focusing near narrows the view
    assert width == pytest.approx(2 * 2.0 * math.tan(math.radians(fov / 2)), rel=1e-5)
    assert printed["FOV"] == f"{fov:.1f} deg ({width:.2f} m)"


def test_subsecond_and_iptc_dates():
    groups = {"EXIF": {"DateTimeOriginal": "2020:05:04 18:39:11", "SubSecTimeOriginal": "644",
                       "OffsetTimeOriginal": "-04:00", "ModifyDate": "2020:05:04 18:39:11"},
              "IPTC": {"DateCreated": "2002:01:19", "TimeCreated": "16:47:42+00:00"}}
    values, _ = composite(groups)
    assert values["SubSecDateTimeOriginal"] == "2020:05:04 18:39:11.644-04:00"
    assert "SubSecModifyDate" not in values  # nothing to add to the plain tag
    assert values["DateTimeCreated"] == "2002:01:19 16:47:42+00:00"
    assert "DateTimeOriginal" not in values  # EXIF has one
    values, _ = composite({"IPTC": groups["IPTC"]})
    assert values["DateTimeOriginal"] == "2002:01:19 16:47:42+00:00"


def test_gps_words_and_numbers():
    groups = {"EXIF": {"GPSDateStamp": "2011:05:06", "GPSTimeStamp": "07:59:48"}}
    values, printed = composite(groups, GPSLatitude=43.6873944444444, GPSLongitude=-85.4835194444444,
                                GPSAltitude=-848.0)
    assert values["GPSPosition"] == "43.6873944444444 -85.4835194444444"
    assert printed["GPSLatitude"] == "43 deg 41' 14.62\" N" and printed["GPSLongitude"] == "85 deg 29' 0.67\" W"
    assert printed["GPSPosition"] == "43 deg 41' 14.62\" N, 85 deg 29' 0.67\" W"
    assert printed["GPSAltitude"] == "848 m Below Sea Level"
    assert values["GPSDateTime"] == "2011:05:06 07:59:48Z"
    _, printed = composite({}, GPSLatitude=0.0, GPSLongitude=-0.0, GPSAltitude=93.35)
    assert printed["GPSPosition"] == "0 deg 0' 0.00\" N, 0 deg 0' 0.00\" E"
    assert printed["GPSAltitude"] == "93.3 m Above Sea Level"


def test_lens_from_the_maker_note_and_the_lens_model():
    groups = {"EXIF": {"Make": "Canon", "FocalLength": 18.0, "FocalLengthIn35mmFormat": 29},
              "MakerNotes": {"LensType": 65535, "MinFocalLength": 18.0, "MaxFocalLength": 55.0}}
    values, printed = composite(groups)
    assert values["LensID"] == 65535 and printed["LensID"] == "Unknown 18-55mm"
    assert composite({"EXIF": {"Make": "Canon"}, "MakerNotes": {"LensType": 65535, "MinFocalLength": 5.40625,
                                                                "MaxFocalLength": 16.1875}})[1]["LensID"] == "Unknown 5-16mm"
    assert values["Lens"] == 18.0 and printed["Lens"] == "18.0 - 55.0 mm"
    scale = 29 / 18
    assert printed["Lens35efl"] == f"18.0 - 55.0 mm (35 mm equivalent: {18 * scale:.1f} - {55 * scale:.1f} mm)"
    named, printed = composite({"EXIF": {"Make": "Canon"}, "MakerNotes": {"LensType": 52}},
                               hints={"MakerNotes": {"LensType": "Canon EF-S 18-55mm"}})
    assert named["LensID"] == 52 and printed["LensID"] == "Canon EF-S 18-55mm"
    values, _ = composite({"EXIF": {"LensModel": "iPhone XR back camera 4.25mm f/1.8"}})
    assert values["LensID"] == "iPhone XR back camera 4.25mm f/1.8"


def test_white_balance_from_levels():
    values, _ = composite({"MakerNotes": {"WB_RGGBLevelsAsShot": "2362 1024 1024 1496"}})
    assert values["RedBalance"] == pytest.approx(2362 / 1024) and values["BlueBalance"] == pytest.approx(1496 / 1024)
    values, _ = composite({"MakerNotes": {"WB_RBLevels": [440, 378, 256, 256]}})
    assert values["RedBalance"] == pytest.approx(440 / 256)


def test_kodak_maker_note_exposure_wins_over_its_rounded_exif():
    groups = {"EXIF": {"Make": "EASTMAN KODAK COMPANY", "ExposureTime": 1 / 30}, "MakerNotes": {"ExposureTime": 0.03111}}
    assert composite(groups)[0]["ShutterSpeed"] == 0.03111
    groups["EXIF"]["Make"] = "Canon"
    assert composite(groups)[0]["ShutterSpeed"] == pytest.approx(1 / 30)


@pytest.mark.parametrize("junk", [None, "", "abc", [], {}, float("nan"), float("inf"), -1, 0, [0, 0], "0 0"])
def test_junk_inputs_never_raise(junk):
    names = ("FocalLength", "FNumber", "ExposureTime", "ISO", "FocalLengthIn35mmFormat", "FocalPlaneXResolution",
             "FocalPlaneYResolution", "FocalPlaneResolutionUnit", "SubjectDistance", "GPSAltitude", "LensType",
             "MinFocalLength", "WB_RBLevels", "DateTimeOriginal", "SubSecTimeOriginal")
    groups = {"EXIF": {name: junk for name in names}, "MakerNotes": {name: junk for name in names}}
    composite(groups)


def test_tags_joining_two_maker_note_fields():
    values, printed = composite({"MakerNotes": {"RunTimeValue": 208733685673541, "RunTimeScale": 1000000000,
                                                "DirectoryIndex": 100, "FileIndex": 782,
                                                "YearCreated": 1999, "MonthDayCreated": "05:25"},
                                 "APP1": {"PlanckB": 1428}})
    assert values["RunTimeSincePowerUp"] == pytest.approx(208733.685673541)
    assert printed["RunTimeSincePowerUp"] == "2 days 9:58:54"
    assert values["FileNumber"] == 1000782 and printed["FileNumber"] == "100-0782"
    assert values["DateCreated"] == "1999:05:25"
    assert values["PeakSpectralSensitivity"] == pytest.approx(10.0754, rel=1e-4)
    assert printed["PeakSpectralSensitivity"] == "10.1 um"
    _, short = composite({"MakerNotes": {"RunTimeValue": 7634742885333, "RunTimeScale": 1000000000}})
    assert short["RunTimeSincePowerUp"] == "2:07:15"


def test_canon_settings_joined():
    makers = {"ContinuousDrive": 0, "SelfTimer": 0, "EasyMode": 59, "CanonExposureMode": 0, "FlashBits": 0x2008,
              "CanonFlashMode": 3, "FlashExposureComp": 0, "DigitalZoom": 3, "ZoomSourceWidth": 640,
              "ZoomTargetWidth": 1600}
    values, printed = composite({"EXIF": {"Make": "Canon"}, "MakerNotes": makers},
                                hints={"MakerNotes": {"EasyMode": "Scene Intelligent Auto"}})
    assert values["DriveMode"] == 2 and printed["DriveMode"] == "Single-frame Shooting"
    assert values["ShootingMode"] == 69 and printed["ShootingMode"] == "Scene Intelligent Auto"
    assert (values["FlashType"], values["RedEyeReduction"], values["ShutterCurtainHack"]) == (0, 1, 0)
    assert values["DigitalZoom"] == 2.5 and printed["DigitalZoom"] == "2.50x"
    makers.update(ContinuousDrive=5, CanonExposureMode=4, FlashBits=0)
    values, _ = composite({"EXIF": {"Make": "Canon"}, "MakerNotes": makers})
    assert values["DriveMode"] == 0 and values["ShootingMode"] == 4 and "FlashType" not in values
    assert "DriveMode" not in composite({"EXIF": {"Make": "Sony"}, "MakerNotes": makers})[0]


def test_composite_flash_where_xmp_has_one_is_exifs_code_or_zero():
    flash = {"Fired": True, "Return": 0, "Mode": 1, "Function": False, "RedEyeMode": False}
    assert composite({"XMP": {"Flash": flash}})[0]["Flash"] == 0  # what exiftool -struct gives
    assert composite({"XMP": {"Flash": flash}, "EXIF": {"Flash": 16}})[0]["Flash"] == 16
    assert "Flash" not in composite({"EXIF": {"Flash": 16}})[0]


def test_gps_position_from_xmp_coordinates():
    values, _ = composite({"XMP": {"GPSLatitude": 51.50205, "GPSLongitude": -0.125}})
    assert values["GPSPosition"] == "51.50205 -0.125" and "GPSLatitude" not in values


def test_a_zero_distance_is_unknown_and_an_infinite_one_gives_no_depth_of_field():
    exif = {"FocalLength": 5.6, "FNumber": 2.8, "FocalLengthIn35mmFormat": 37, "SubjectDistance": 0}
    values, _ = composite({"EXIF": exif, "MakerNotes": {"FocusDistanceUpper": 2.0, "FocusDistanceLower": 1.0}})
    near, far = (float(v) for v in values["DOF"].split())
    assert 2 / (1 / near + 1 / far) == pytest.approx(1.5)
    values, _ = composite({"EXIF": {**exif, "SubjectDistance": None}, "MakerNotes": {"ObjectDistance": "inf"}})
    assert "DOF" not in values and "HyperfocalDistance" in values


def test_gps_references_from_xmp_signed_coordinates():
    values, printed = composite({"XMP": {"GPSLatitude": 48.89, "GPSLongitude": -21.04}})
    assert (values["GPSLatitudeRef"], values["GPSLongitudeRef"]) == ("N", "W")
    assert (printed["GPSLatitudeRef"], printed["GPSLongitudeRef"]) == ("North", "West")
