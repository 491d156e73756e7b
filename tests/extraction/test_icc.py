"""ICC profiles read from their bytes alone: header, every tag type ExifTool shows, printed words, hostile bytes."""

import random
import struct

import pytest

from extraction.pipeline import extract_file
from extraction.pipeline.icc import parse_icc
from extraction.pipeline.printed import print_groups
from tests.support.segments import desc, fixed, icc_profile, jpeg_with, mluc, segment, xyz

CURVE = b"curv\x00\x00\x00\x00" + struct.pack(">I", 1) + struct.pack(">H", 0x0233)  # gamma 2.2
MEASUREMENT = b"meas\x00\x00\x00\x00" + struct.pack(">I3iIIi", 1, 0, 0, 0, 0, 655, 2)
VIEWING = b"view\x00\x00\x00\x00" + xyz(19.6445, 20.3718, 16.8089)[8:] + xyz(3.92889, 4.07439, 3.36179)[8:] + (
    struct.pack(">I", 1))
CHROMATICITY = b"chrm\x00\x00\x00\x00" + struct.pack(
    ">HH6I", 3, 0, *(fixed(v) for v in (0.64, 0.33002, 0.3, 0.6, 0.15, 0.06)))


def srgb_like() -> bytes:
    return icc_profile([
        (b"desc", desc("sRGB IEC61966-2.1")),
        (b"cprt", b"text\x00\x00\x00\x00Copyright (c) 1998 Hewlett-Packard Company\x00"),
        (b"wtpt", xyz(0.95045, 1.0, 1.08905)),
        (b"bkpt", xyz(0, 0, 0)),
        (b"rXYZ", xyz(0.43607, 0.22249, 0.01392)),
        (b"rTRC", CURVE),
        (b"lumi", xyz(76.03647, 80, 87.12462)),
        (b"meas", MEASUREMENT),
        (b"tech", b"sig \x00\x00\x00\x00CRT "),
        (b"view", VIEWING),
        (b"chrm", CHROMATICITY),
        (b"dscm", mluc([("de", "DE", "Farbprofil"), ("en", "US", "Color profile"), ("id", "\x00\x00", "Profil")])),
        (b"aarg", b"para\x00\x00\x00\x00\x00\x00\x00\x00"),  # a vendor's private tag: ExifTool hides it too
    ])


def test_header_fields_have_exiftool_names_and_n_values():
    tags = parse_icc(srgb_like())
    assert tags["ProfileCMMType"] == "Lino"
    assert tags["ProfileVersion"] == 0x0210
    assert tags["ProfileClass"] == "mntr" and tags["ColorSpaceData"] == "RGB"
    assert tags["ProfileDateTime"] == "1998:02:09 06:49:00"
    assert tags["DeviceManufacturer"] == "IEC" and tags["DeviceModel"] == "sRGB"
    assert tags["ConnectionSpaceIlluminant"] == [0.9642, 1.0, 0.82491]
    assert tags["ProfileID"] == [0] * 16


def test_every_tag_type_is_read_as_exiftool_shows_it():
    tags = parse_icc(srgb_like())
    assert tags["ProfileDescription"] == "sRGB IEC61966-2.1"
    assert tags["ProfileCopyright"] == "Copyright (c) 1998 Hewlett-Packard Company"
    assert tags["MediaWhitePoint"] == [0.95045, 1.0, 1.08905]
    assert tags["MediaBlackPoint"] == [0, 0, 0]
    assert tags["RedMatrixColumn"] == [0.43607, 0.22249, 0.01392]
    assert tags["RedTRC"] == "(Binary data 14 bytes, use -b option to extract)"
    assert tags["Luminance"] == [76.03647, 80, 87.12462]
    assert (tags["MeasurementObserver"], tags["MeasurementGeometry"], tags["MeasurementIlluminant"]) == (1, 0, 2)
    assert tags["MeasurementFlare"] == 0.00999 and tags["MeasurementBacking"] == [0, 0, 0]
    assert tags["Technology"] == "CRT"
    assert tags["ViewingCondIlluminant"] == [19.6445, 20.3718, 16.8089]
    assert tags["ViewingCondSurround"] == [3.92889, 4.07439, 3.36179]
    assert tags["ViewingCondIlluminantType"] == 1
    assert tags["ChromaticityChannels"] == 3 and tags["ChromaticityChannel1"] == [0.64, 0.33002]
    # localized strings: en-US and records with no country plain (the last stands, as in exiftool -j),
    # the others suffixed with language and country
    assert tags["ProfileDescriptionML"] == "Profil"
    assert tags["ProfileDescriptionML-de-DE"] == "Farbprofil"
    assert not any(name.startswith("ICC") or "aarg" in name for name in tags)


def test_printed_words_follow_the_icc_spec_and_registry():
    printed = print_groups({"ICC_Profile": parse_icc(srgb_like())})["ICC_Profile"]
    assert printed["ProfileVersion"] == "2.1.0"
    assert printed["ProfileClass"] == "Display Device Profile"
    assert printed["ProfileCMMType"] == "Linotronic"
    assert printed["PrimaryPlatform"] == "Microsoft Corporation"
    assert printed["ProfileCreator"] == "Hewlett-Packard"
    assert printed["CMMFlags"] == "Not Embedded, Independent"
    assert printed["DeviceAttributes"] == "Reflective, Glossy, Positive, Color"
    assert printed["RenderingIntent"] == "Perceptual"
    assert printed["ProfileID"] == "0"
    assert printed["Technology"] == "Cathode Ray Tube Display"
    assert printed["MeasurementObserver"] == "CIE 1931"
    assert printed["MeasurementIlluminant"] == "D65"
    assert printed["MeasurementGeometry"] == "Unknown"
    assert printed["MeasurementFlare"] == "0.999%"
    assert printed["ViewingCondIlluminantType"] == "D50"
    assert printed["ChromaticityColorant"] == "Unknown"


def test_flags_attributes_and_id_print_their_bits():
    md5 = bytes(range(16))
    tags = parse_icc(icc_profile([(b"cprt", b"text\x00\x00\x00\x00x\x00")], version=0x04300000, cmm=b"ZZZZ",
                                 attributes=(0, 0b1111), flags=0b11, profile_id=md5))
    printed = print_groups({"ICC_Profile": tags})["ICC_Profile"]
    assert printed["ProfileVersion"] == "4.3.0"
    assert printed["ProfileCMMType"] == "Unknown (ZZZZ)"
    assert printed["CMMFlags"] == "Embedded, Not Independent"
    assert printed["DeviceAttributes"] == "Transparency, Matte, Negative, B&W"
    assert tags["ProfileID"] == list(md5) and printed["ProfileID"] == md5.hex()


def test_a_v4_description_is_localized_text():
    tags = parse_icc(icc_profile([(b"desc", mluc([("en", "US", "Display P3")]))]))
    assert tags["ProfileDescription"] == "Display P3"


def test_profile_from_a_jpeg_app2_segment_spread_over_two_chunks(tmp_path):
    profile = srgb_like()
    half = len(profile) // 2
    chunks = [segment(0xE2, b"ICC_PROFILE\x00" + bytes([n, 2]) + part)
              for n, part in ((2, profile[half:]), (1, profile[:half]))]  # out of order, as the spec allows
    path = tmp_path / "icc.jpg"
    path.write_bytes(jpeg_with(*chunks))
    record = extract_file(str(path))
    assert record["groups"]["ICC_Profile"]["RedMatrixColumn"] == [0.43607, 0.22249, 0.01392]
    assert record["printed"]["ICC_Profile"]["ProfileClass"] == "Display Device Profile"


def test_pillow_written_profile_reads_in_full(tmp_path):
    from PIL import Image, ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / "srgb.png"
    Image.new("RGB", (4, 4)).save(path, "PNG", icc_profile=profile)
    tags = extract_file(str(path))["groups"]["ICC_Profile"]
    assert {"MediaWhitePoint", "RedMatrixColumn", "GreenMatrixColumn", "BlueMatrixColumn", "RedTRC"} <= set(tags)


def test_short_or_lying_profiles_give_warnings_not_exceptions():
    warnings: list[str] = []
    assert parse_icc(b"\x00" * 60, warnings) == {}
    assert warnings == ["ICC_Profile: the profile is shorter than its 128-byte header."]

    profile = bytearray(srgb_like())
    struct.pack_into(">I", profile, 128, 0xFFFFFFFF)  # a tag count that runs far past the end
    warnings = []
    tags = parse_icc(bytes(profile), warnings)
    assert tags["ProfileDescription"] == "sRGB IEC61966-2.1"
    assert any("tag table" in warning for warning in warnings)

    profile = bytearray(srgb_like())
    struct.pack_into(">I", profile, 132 + 4, 10**9)  # the first tag's offset points outside the profile
    warnings = []
    tags = parse_icc(bytes(profile), warnings)
    assert "ProfileDescription" not in tags and tags["ProfileCopyright"].startswith("Copyright")
    assert warnings == ["ICC_Profile: the ProfileDescription tag lies outside the profile."]


@pytest.mark.parametrize("seed", range(40))
def test_mutated_profiles_never_raise(seed):
    rng = random.Random(seed)
    profile = bytearray(srgb_like())
    for _ in range(rng.randint(1, 40)):
        profile[rng.randrange(len(profile))] = rng.randrange(256)
    cut = bytes(profile[: rng.randint(0, len(profile))])
    for candidate in (bytes(profile), cut):
        tags = parse_icc(candidate, [])
        assert isinstance(tags, dict)
        print_groups({"ICC_Profile": tags})  # and the printed words never raise either
