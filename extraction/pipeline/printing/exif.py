"""EXIF (IFD0, ExifIFD, InteropIFD, IFD1, GPS) printed values: code tables from the EXIF 2.32 / DCF and TIFF 6 specs.

Where exifread's own printable table (`exifread.tags.exif`) says the same words as ExifTool, it is
used as is; the others are written here from the specs.
"""

from typing import Any

from exifread.tags.exif import EXIF_TAGS as EXIFREAD_TAGS

from . import formats


def _exifread_words(tag: int) -> dict[int, str]:
    """exifread's printable table for one tag (tables checked to say what ExifTool prints)."""
    return dict(EXIFREAD_TAGS[tag][1])


ORIENTATION = {
    1: "Horizontal (normal)", 2: "Mirror horizontal", 3: "Rotate 180", 4: "Mirror vertical",
    5: "Mirror horizontal and rotate 270 CW", 6: "Rotate 90 CW", 7: "Mirror horizontal and rotate 90 CW",
    8: "Rotate 270 CW",
}
METERING_MODE = {
    0: "Unknown", 1: "Average", 2: "Center-weighted average", 3: "Spot", 4: "Multi-spot", 5: "Multi-segment",
    6: "Partial", 255: "Other",
}
EXPOSURE_PROGRAM = {
    0: "Not Defined", 1: "Manual", 2: "Program AE", 3: "Aperture-priority AE", 4: "Shutter speed priority AE",
    5: "Creative (Slow speed)", 6: "Action (High speed)", 7: "Portrait", 8: "Landscape", 9: "Bulb",
}
# EXIF 2.32 table "Flash": the defined combinations of fired / return / mode / function / red-eye bits.
FLASH = {
    0x00: "No Flash", 0x01: "Fired", 0x05: "Fired, Return not detected", 0x07: "Fired, Return detected",
    0x08: "On, Did not fire", 0x09: "On, Fired", 0x0D: "On, Return not detected", 0x0F: "On, Return detected",
    0x10: "Off, Did not fire", 0x14: "Off, Did not fire, Return not detected", 0x18: "Auto, Did not fire",
    0x19: "Auto, Fired", 0x1D: "Auto, Fired, Return not detected", 0x1F: "Auto, Fired, Return detected",
    0x20: "No flash function", 0x30: "Off, No flash function", 0x41: "Fired, Red-eye reduction",
    0x45: "Fired, Red-eye reduction, Return not detected", 0x47: "Fired, Red-eye reduction, Return detected",
    0x49: "On, Red-eye reduction", 0x4D: "On, Red-eye reduction, Return not detected",
    0x4F: "On, Red-eye reduction, Return detected", 0x50: "Off, Red-eye reduction",
    0x58: "Auto, Did not fire, Red-eye reduction", 0x59: "Auto, Fired, Red-eye reduction",
    0x5D: "Auto, Fired, Red-eye reduction, Return not detected",
    0x5F: "Auto, Fired, Red-eye reduction, Return detected",
}
LIGHT_SOURCE = {
    0: "Unknown", 1: "Daylight", 2: "Fluorescent", 3: "Tungsten (Incandescent)", 4: "Flash", 9: "Fine Weather",
    10: "Cloudy", 11: "Shade", 12: "Daylight Fluorescent", 13: "Day White Fluorescent", 14: "Cool White Fluorescent",
    15: "White Fluorescent", 16: "Warm White Fluorescent", 17: "Standard Light A", 18: "Standard Light B",
    19: "Standard Light C", 20: "D55", 21: "D65", 22: "D75", 23: "D50", 24: "ISO Studio Tungsten", 255: "Other",
}
RESOLUTION_UNIT = {1: "None", 2: "inches", 3: "cm"}
FOCAL_PLANE_RESOLUTION_UNIT = {1: "None", 2: "inches", 3: "cm", 4: "mm", 5: "um"}
PHOTOMETRIC_INTERPRETATION = {
    0: "WhiteIsZero", 1: "BlackIsZero", 2: "RGB", 3: "RGB Palette", 4: "Transparency Mask", 5: "CMYK",
    6: "YCbCr", 8: "CIELab", 9: "ICCLab", 10: "ITULab", 32803: "Color Filter Array", 32844: "Pixar LogL",
    32845: "Pixar LogLuv", 32892: "Sequential Color Filter", 34892: "Linear Raw",
}
COMPONENTS = {0: "-", 1: "Y", 2: "Cb", 3: "Cr", 4: "R", 5: "G", 6: "B"}
FILE_SOURCE = {1: "Film Scanner", 2: "Reflection Print Scanner", 3: "Digital Camera"}
# TIFF/EP CFA colours (EXIF 2.32 CFAPattern).
CFA_COLOURS = {0: "Red", 1: "Green", 2: "Blue", 3: "Cyan", 4: "Magenta", 5: "Yellow", 6: "White"}
# JPEG/TIFF chroma subsampling (horizontal, vertical) in the J:a:b notation.
YCBCR_SUBSAMPLING = {
    (1, 1): "YCbCr4:4:4 (1 1)", (1, 2): "YCbCr4:4:0 (1 2)", (1, 4): "YCbCr4:4:1 (1 4)",
    (2, 1): "YCbCr4:2:2 (2 1)", (2, 2): "YCbCr4:2:0 (2 2)", (2, 4): "YCbCr4:2:1 (2 4)",
    (4, 1): "YCbCr4:1:1 (4 1)", (4, 2): "YCbCr4:1:0 (4 2)",
}
# DCF 2.0: the interoperability index names the file's colour rule.
INTEROP_INDEX = {
    "R98": "R98 - DCF basic file (sRGB)", "R03": "R03 - DCF option file (Adobe RGB)",
    "THM": "THM - DCF thumbnail file",
}
NORTH = {"T": "True North", "M": "Magnetic North"}


# TIFF 6 NewSubfileType: named combinations (TIFF 6, DNG 1.5 depth maps), else its bits one by one
# (bits 0-2 TIFF 6, bit 3 TIFF/IT, bit 4 TIFF-FX).
SUBFILE_TYPE = {**_exifread_words(0x00FE), 0: "Full-resolution image", 8: "Depth map", 9: "Depth map of reduced-resolution image",
                16: "Enhanced image data"}
_SUBFILE_BITS = ("Reduced resolution", "Single page", "Transparency mask", "TIFF/IT final page",
                 "TIFF-FX mixed raster content")


def subfile_type(value: Any) -> str:
    code = int(value)
    if code in SUBFILE_TYPE:
        return SUBFILE_TYPE[code].strip()
    bits = [bit for bit in range(32) if code >> bit & 1]
    return ", ".join(_SUBFILE_BITS[bit] if bit < len(_SUBFILE_BITS) else f"[{bit}]" for bit in bits)


def ycbcr_subsampling(value: Any) -> str:
    parts = tuple(int(v) for v in formats.numbers(value))
    return YCBCR_SUBSAMPLING.get(parts, f"Unknown ({' '.join(map(str, parts))})")  # type: ignore[arg-type]


def cfa_pattern(value: Any) -> str:
    """CFAPattern's -n value "W H c c c c" as rows of colours: "[Red,Green][Green,Blue]"."""
    items = [int(v) for v in formats.numbers(value)]
    width, height, colours = items[0], items[1], items[2:]
    if width <= 0 or height <= 0 or len(colours) != width * height:
        raise ValueError("CFAPattern does not match its size")
    rows = (colours[row * width : (row + 1) * width] for row in range(height))
    return "".join("[" + ",".join(CFA_COLOURS.get(c, "Unknown") for c in row) + "]" for row in rows)


TABLE: dict[str, Any] = {
    # IFD0 / IFD1 (TIFF 6)
    "SubfileType": subfile_type,
    "OldSubfileType": {1: "Full-resolution image", 2: "Reduced-resolution image",
                       3: "Single page of multi-page image"},
    "Thresholding": {1: "No dithering or halftoning", 2: "Ordered dither or halftone", 3: "Randomized dither"},
    "GrayResponseUnit": _exifread_words(0x0122),
    "CleanFaxData": _exifread_words(0x0147),
    # exifread's TIFF registry list, plus Sony's raw and DNG 1.4's lossy JPEG.
    "Compression": {**_exifread_words(0x0103), 32767: "Sony ARW Compressed", 34892: "Lossy JPEG"},
    "PhotometricInterpretation": PHOTOMETRIC_INTERPRETATION,
    "FillOrder": {1: "Normal", 2: "Reversed"},
    "Orientation": ORIENTATION,
    "PlanarConfiguration": {1: "Chunky", 2: "Planar"},
    "ResolutionUnit": RESOLUTION_UNIT,
    "Predictor": _exifread_words(0x013D),
    "InkSet": _exifread_words(0x014C),
    "ExtraSamples": _exifread_words(0x0152),
    "SampleFormat": formats.each(_exifread_words(0x0153), "; "),
    "YCbCrSubSampling": ycbcr_subsampling,
    "YCbCrPositioning": _exifread_words(0x0213),
    # ExifIFD (EXIF 2.32)
    "ExposureTime": formats.exposure_time,
    "FNumber": formats.fnumber,
    "ExposureProgram": EXPOSURE_PROGRAM,
    "ISO": formats.comma_list,
    "SensitivityType": _exifread_words(0x8830),
    "ComponentsConfiguration": formats.each(COMPONENTS, ", "),
    "ShutterSpeedValue": formats.exposure_time,
    "ApertureValue": formats.fnumber,
    "MaxApertureValue": formats.fnumber,
    "ExposureCompensation": formats.fraction,
    "SubjectDistance": formats.metres,
    "MeteringMode": METERING_MODE,
    "LightSource": LIGHT_SOURCE,
    "Flash": formats.lookup_hex(FLASH),
    "FocalLength": formats.millimetres,
    # Plain mappings where XMP has a twin (exif:ColorSpace, exif:FileSource): printing/xmp.py reuses them.
    "ColorSpace": {1: "sRGB", 2: "Adobe RGB", 0xFFFD: "Wide Gamut RGB", 0xFFFE: "ICC Profile", 0xFFFF: "Uncalibrated"},
    "FocalPlaneResolutionUnit": FOCAL_PLANE_RESOLUTION_UNIT,
    "SensingMethod": {1: "Not defined", 2: "One-chip color area", 3: "Two-chip color area",
                      4: "Three-chip color area", 5: "Color sequential area", 7: "Trilinear",
                      8: "Color sequential linear"},
    "FileSource": FILE_SOURCE,
    "SceneType": {1: "Directly photographed"},
    "CFAPattern": cfa_pattern,
    # 0-1 from EXIF; 2-8 as Apple's cameras write them (HDR and portrait captures).
    "CustomRendered": {0: "Normal", 1: "Custom", 2: "HDR (no original saved)", 3: "HDR (original saved)",
                       4: "Original (for HDR)", 6: "Panorama", 7: "Portrait HDR", 8: "Portrait"},
    "ExposureMode": {0: "Auto", 1: "Manual", 2: "Auto bracket"},
    "WhiteBalance": {0: "Auto", 1: "Manual"},
    "FocalLengthIn35mmFormat": formats.whole_millimetres,
    "SceneCaptureType": {0: "Standard", 1: "Landscape", 2: "Portrait", 3: "Night", 4: "Other"},
    "GainControl": {0: "None", 1: "Low gain up", 2: "High gain up", 3: "Low gain down", 4: "High gain down"},
    "Contrast": {0: "Normal", 1: "Low", 2: "High"},
    "Saturation": {0: "Normal", 1: "Low", 2: "High"},
    "Sharpness": {0: "Normal", 1: "Soft", 2: "Hard"},
    "SubjectDistanceRange": {0: "Unknown", 1: "Macro", 2: "Close", 3: "Distant"},
    "LensInfo": formats.lens_info,
    "CompositeImage": {0: "Unknown", 1: "Not a Composite Image", 2: "General Composite Image",
                       3: "Composite Image Captured While Shooting"},
    # DNG 1.6
    "DNGVersion": formats.version,
    "DNGBackwardVersion": formats.version,
    "MakerNoteSafety": {0: "Unsafe", 1: "Safe"},
    "CalibrationIlluminant1": LIGHT_SOURCE,
    "CalibrationIlluminant2": LIGHT_SOURCE,
    "ProfileEmbedPolicy": {0: "Allow Copying", 1: "Embed if Used", 2: "Never Embed", 3: "No Restrictions"},
    "PreviewColorSpace": {0: "Unknown", 1: "Gray Gamma 2.2", 2: "sRGB", 3: "Adobe RGB", 4: "ProPhoto RGB"},
    "ProfileHueSatMapEncoding": {0: "Linear", 1: "sRGB"},
    "ProfileLookTableEncoding": {0: "Linear", 1: "sRGB"},
    "DefaultBlackRender": {0: "Auto", 1: "None"},
    # TIFF/EP
    "SecurityClassification": formats.lookup_text({"C": "Confidential", "R": "Restricted", "S": "Secret",
                                                   "T": "Top Secret", "U": "Unclassified"}),
    # EXIF 2.31 environment tags
    "AmbientTemperature": formats.celsius,
    # InteropIFD (DCF)
    "InteropIndex": formats.lookup_text(INTEROP_INDEX),
    # GPS (EXIF 2.32 GPS attribute information)
    "GPSVersionID": formats.version,
    "GPSLatitudeRef": formats.lookup_text({"N": "North", "S": "South"}),
    "GPSLatitude": formats.degrees,
    "GPSLongitudeRef": formats.lookup_text({"E": "East", "W": "West"}),
    "GPSLongitude": formats.degrees,
    "GPSAltitudeRef": {0: "Above Sea Level", 1: "Below Sea Level"},
    "GPSAltitude": formats.metres,
    "GPSStatus": formats.lookup_text({"A": "Measurement Active", "V": "Measurement Void"}),
    "GPSMeasureMode": formats.code({2: "2-Dimensional Measurement", 3: "3-Dimensional Measurement"}),
    "GPSSpeedRef": formats.lookup_text({"K": "km/h", "M": "mph", "N": "knots"}),
    "GPSTrackRef": formats.lookup_text(NORTH),
    "GPSImgDirectionRef": formats.lookup_text(NORTH),
    "GPSDestLatitudeRef": formats.lookup_text({"N": "North", "S": "South"}),
    "GPSDestLatitude": formats.degrees,
    "GPSDestLongitudeRef": formats.lookup_text({"E": "East", "W": "West"}),
    "GPSDestLongitude": formats.degrees,
    "GPSDestBearingRef": formats.lookup_text(NORTH),
    "GPSDestDistanceRef": formats.lookup_text({"K": "Kilometers", "M": "Miles", "N": "Nautical Miles"}),
    "GPSDifferential": {0: "No Correction", 1: "Differential Corrected"},
    "GPSHPositioningError": formats.metres,
}
