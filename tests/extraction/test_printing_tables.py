"""The printed-value tables of EXIF, File, JFIF, IPTC and GIF: spec codes to words, computed values formatted.

Expected words are ExifTool's (checked with `exiftool` on files made for the purpose); each case goes
through `print_groups`, the function records are built with.
"""

import pytest

from extraction.pipeline.printed import print_groups


def printed(group: str, tag: str, value):
    return print_groups({group: {tag: value}})[group][tag]


@pytest.mark.parametrize(("tag", "value", "words"), [
    ("Flash", 0, "No Flash"),
    ("Flash", 0x10, "Off, Did not fire"),
    ("Flash", 0x5D, "Auto, Fired, Red-eye reduction, Return not detected"),
    ("Flash", 0xB6C0, "Unknown (0xb6c0)"),
    ("LightSource", 3, "Tungsten (Incandescent)"),
    ("LightSource", 99, "Unknown (99)"),
    ("ColorSpace", 65535, "Uncalibrated"),
    ("ResolutionUnit", 2, "inches"),
    ("FocalPlaneResolutionUnit", 3, "cm"),
    ("YCbCrPositioning", 2, "Co-sited"),
    ("Compression", 6, "JPEG (old-style)"),
    ("PhotometricInterpretation", 32803, "Color Filter Array"),
    ("ComponentsConfiguration", [1, 2, 3, 0], "Y, Cb, Cr, -"),
    ("SampleFormat", [1, 1, 1], "Unsigned; Unsigned; Unsigned"),
    ("YCbCrSubSampling", [2, 1], "YCbCr4:2:2 (2 1)"),
    ("FileSource", 3, "Digital Camera"),
    ("FileSource", 0, "Unknown (0)"),
    ("SceneType", 1, "Directly photographed"),
    ("Contrast", 1, "Low"),
    ("Saturation", 2, "High"),
    ("Sharpness", 2, "Hard"),
    ("SubjectDistanceRange", 3, "Distant"),
    ("ExposureMode", 2, "Auto bracket"),
    ("SensingMethod", 2, "One-chip color area"),
    ("CustomRendered", 1, "Custom"),
    ("InteropIndex", "R98", "R98 - DCF basic file (sRGB)"),
    ("InteropIndex", "XYZ", "Unknown (XYZ)"),
    ("CFAPattern", [2, 2, 0, 1, 1, 2], "[Red,Green][Green,Blue]"),
])
def test_exif_codes_print_as_the_specs_words(tag, value, words):
    assert printed("EXIF", tag, value) == words


@pytest.mark.parametrize(("tag", "value", "words"), [
    ("ExposureTime", 1 / 60, "1/60"),
    ("ExposureTime", 0.0078, "1/128"),  # 1/x rounded, as cameras store odd fractions
    ("ExposureTime", 0.25, "1/4"),
    ("ExposureTime", 0.3, "0.3"),
    ("ExposureTime", 2.0, "2"),
    ("ShutterSpeedValue", 1.60205299825844, "1.6"),
    ("FNumber", 2.8, "2.8"),
    ("FNumber", 8, "8.0"),
    ("FNumber", 0.64, "0.64"),
    ("ApertureValue", 2.82842712474619, "2.8"),
    ("FocalLength", 4.25, "4.2 mm"),
    ("FocalLength", "undef", "0.0 mm"),
    ("FocalLengthIn35mmFormat", 35, "35 mm"),
    ("ExposureCompensation", 1 / 3, "+1/3"),
    ("ExposureCompensation", -2 / 3, "-2/3"),
    ("ExposureCompensation", 1.5, "+3/2"),
    ("ExposureCompensation", 0.3, "+0.3"),
    ("ExposureCompensation", 0, "0"),
    ("SubjectDistance", 2.453, "2.453 m"),
    ("SubjectDistance", "undef", "undef"),
    ("LensInfo", [18, 55, 3.5, 5.6], "18-55mm f/3.5-5.6"),
    ("LensInfo", [4.25, 4.25, 1.8, 1.8], "4.25mm f/1.8"),
    ("LensInfo", [18, 55, "undef", "undef"], "18-55mm f/?"),
])
def test_exif_computed_values_print_as_exiftool_does(tag, value, words):
    assert printed("EXIF", tag, value) == words


@pytest.mark.parametrize(("tag", "value", "words"), [
    ("GPSLatitude", 43.467447, "43 deg 28' 2.81\""),
    ("GPSLongitude", 0, "0 deg 0' 0.00\""),
    ("GPSLatitudeRef", "S", "South"),
    ("GPSLongitudeRef", "W", "West"),
    ("GPSAltitudeRef", 1, "Below Sea Level"),
    ("GPSAltitude", 16.05832148, "16.05832148 m"),
    ("GPSVersionID", [2, 3, 0, 0], "2.3.0.0"),
    ("GPSSpeedRef", "K", "km/h"),
    ("GPSImgDirectionRef", "M", "Magnetic North"),
    ("GPSMeasureMode", "3", "3-Dimensional Measurement"),
    ("GPSStatus", "V", "Measurement Void"),
    ("GPSDifferential", 0, "No Correction"),
])
def test_gps_values_print_in_words_and_degrees(tag, value, words):
    assert printed("EXIF", tag, value) == words


@pytest.mark.parametrize(("size", "words"), [
    (880, "880 bytes"), (1999, "1999 bytes"), (2000, "2.0 kB"), (8195, "8.2 kB"), (9999, "10.0 kB"),
    (41389, "41 kB"), (1999500, "2000 kB"), (2000000, "2.0 MB"), (19999999, "20 MB"),
])
def test_file_sizes_print_in_decimal_units(size, words):
    assert printed("File", "FileSize", size) == words


@pytest.mark.parametrize(("tag", "value", "words"), [
    ("ExifByteOrder", "II", "Little-endian (Intel, II)"),
    ("ExifByteOrder", "MM", "Big-endian (Motorola, MM)"),
    ("EncodingProcess", 2, "Progressive DCT, Huffman coding"),
    ("FileTypeExtension", "JPG", "jpg"),
    ("YCbCrSubSampling", [1, 2], "YCbCr4:4:0 (1 2)"),
])
def test_file_facts_print_in_words(tag, value, words):
    assert printed("File", tag, value) == words


@pytest.mark.parametrize(("group", "tag", "value", "words"), [
    ("JFIF", "ResolutionUnit", 1, "inches"),
    ("JFIF", "ResolutionUnit", 0, "None"),
    ("JFIF", "JFIFVersion", [1, 2], "1.02"),
    ("JFIF", "JFIFVersion", "1 1", "1.01"),
    ("IPTC", "CodedCharacterSet", "\x1b%G", "UTF8"),
    ("IPTC", "CodedCharacterSet", "\x1b-A", "ESC - A"),
    ("IPTC", "Urgency", 5, "5 (normal urgency)"),
    ("IPTC", "EnvelopePriority", "", "Unknown ()"),
    ("IPTC", "FileFormat", 3, "Tagged Image File Format (Adobe/Aldus Image data)"),
    ("GIF", "HasColorMap", 1, "Yes"),
    ("GIF", "AnimationIterations", 0, "Infinite"),
    ("GIF", "AnimationIterations", 3, 3),
    ("GIF", "Duration", 0.42, "0.42 s"),
])
def test_jfif_iptc_and_gif_values_print_in_words(group, tag, value, words):
    assert printed(group, tag, value) == words


def test_a_value_a_formatter_cannot_read_is_kept_as_it_is():
    # A malformed value is shown as stored, never as an exception's text or a crash.
    assert printed("EXIF", "GPSLatitude", "") == ""
    assert printed("EXIF", "LensInfo", [1, 2]) == [1, 2]
    assert printed("EXIF", "CFAPattern", [2, 2, 0, 1]) == [2, 2, 0, 1]


@pytest.mark.parametrize(("tag", "value", "words"), [
    ("DNGVersion", [1, 4, 0, 0], "1.4.0.0"),
    ("CalibrationIlluminant1", 21, "D65"),
    ("MakerNoteSafety", 1, "Safe"),
    ("PreviewColorSpace", 4, "ProPhoto RGB"),
    ("ProfileEmbedPolicy", 2, "Never Embed"),
    ("OldSubfileType", 2, "Reduced-resolution image"),
    ("SecurityClassification", "U", "Unclassified"),
    ("AmbientTemperature", -5.5, "-5.5 C"),
])
def test_dng_and_tiff_ep_codes_print_in_words(tag, value, words):
    assert printed("EXIF", tag, value) == words


@pytest.mark.parametrize(("tag", "value", "words"), [
    ("SubfileType", 0, "Full-resolution image"),
    ("SubfileType", 1, "Reduced-resolution image"),
    ("SubfileType", 8, "Depth map"),
    ("SubfileType", 10, "Single page, TIFF/IT final page"),  # no name for the combination: its bits
    ("SubfileType", 256, "[8]"),
    ("CustomRendered", 2, "HDR (no original saved)"),
    ("CustomRendered", 8, "Portrait"),
    ("Compression", 34892, "Lossy JPEG"),
])
def test_bitfields_vendor_codes_and_hex_unknowns(tag, value, words):
    assert printed("EXIF", tag, value) == words


def test_iso_with_two_values_prints_comma_separated():
    assert printed("EXIF", "ISO", [100, 200]) == "100, 200"
    assert printed("EXIF", "ISO", 400) == 400


@pytest.mark.parametrize(("tag", "value", "words"), [
    ("ObjectCycle", "b", "Both Morning and Evening"),
    ("ObjectCycle", "x", "Unknown (x)"),
    ("ImageOrientation", "L", "Landscape"),
    ("ActionAdvised", "04", "Object Reference"),
    ("EditorialUpdate", "01", "Additional language"),
    ("ObjectPreviewFileFormat", 11, "JPEG File Interchange (JFIF)"),
])
def test_iptc_text_codes_print_in_words(tag, value, words):
    assert printed("IPTC", tag, value) == words
