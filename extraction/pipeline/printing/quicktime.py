"""QuickTime (HEIF/AVIF) printed values: brands, handler, colour (ITU-T H.273 code points), HEVC and AV1 fields."""

from typing import Any

from .composite import image_size

MAJOR_BRANDS = {
    "heic": "High Efficiency Image Format HEVC still image (.HEIC)",
    "heix": "High Efficiency Image Format still image (.HEIF)",
    "hevc": "High Efficiency Image Format HEVC sequence (.HEICS)",
    "mif1": "High Efficiency Image Format still image (.HEIF)",
    "msf1": "High Efficiency Image Format sequence (.HEIFS)",
    "avif": "AV1 Image File Format (.AVIF)",
    "avis": "AV1 Image Sequence (.AVIS)",
}
HANDLERS = {"pict": "Picture", "vide": "Video Track", "soun": "Audio Track", "meta": "NRT Metadata",
            "hint": "Hint Track", "text": "Text", "subt": "Subtitle", "auxv": "Auxiliary Video"}
# ITU-T H.273 colour code points.
COLOR_PRIMARIES = {
    1: "BT.709", 2: "Unspecified", 4: "BT.470 System M (historical)", 5: "BT.470 System B, G (historical)",
    6: "BT.601", 7: "SMPTE 240", 8: "Generic film (color filters using illuminant C)", 9: "BT.2020, BT.2100",
    10: "SMPTE 428 (CIE 1931 XYZ)", 11: "SMPTE RP 431-2", 12: "SMPTE EG 432-1", 22: "EBU Tech. 3213-E",
}
TRANSFER_CHARACTERISTICS = {
    0: "For future use (0)", 1: "BT.709", 2: "Unspecified", 3: "For future use (3)",
    4: "BT.470 System M (historical)", 5: "BT.470 System B, G (historical)", 6: "BT.601", 7: "SMPTE 240 M",
    8: "Linear", 9: "Logarithmic (100 : 1 range)", 10: "Logarithmic (100 * Sqrt(10) : 1 range)",
    11: "IEC 61966-2-4", 12: "BT.1361", 13: "sRGB or sYCC", 14: "BT.2020 10-bit systems",
    15: "BT.2020 12-bit systems", 16: "SMPTE ST 2084, ITU BT.2100 PQ", 17: "SMPTE ST 428",
    18: "BT.2100 HLG, ARIB STD-B67",
}
MATRIX_COEFFICIENTS = {
    0: "Identity matrix", 1: "BT.709", 2: "Unspecified", 3: "For future use (3)", 4: "US FCC 73.628",
    5: "BT.470 System B, G (historical)", 6: "BT.601", 7: "SMPTE 240 M", 8: "YCgCo",
    9: "BT.2020 non-constant luminance, BT.2100 YCbCr", 10: "BT.2020 constant luminance", 11: "SMPTE ST 2085",
    12: "Chromaticity-derived non-constant luminance", 13: "Chromaticity-derived constant luminance",
    14: "BT.2100 ICtCp",
}
GENERAL_PROFILES = {1: "Main", 2: "Main 10", 3: "Main Still Picture", 4: "Format Range Extensions",
                    5: "High Throughput", 6: "Multiview Main", 7: "Scalable Main", 8: "3D Main",
                    9: "Screen Content Coding Extensions", 10: "Scalable Format Range Extensions",
                    11: "High Throughput Screen Content Coding Extensions"}
HEVC_CHROMA = {0: "Monochrome", 1: "4:2:0", 2: "4:2:2", 3: "4:4:4"}
AV1_CHROMA = {0: "YUV 4:4:4", 2: "YUV 4:2:2", 3: "YUV 4:2:0", 7: "Monochrome 4:0:0"}
AV1_CHROMA_POSITION = {0: "Unknown", 1: "Vertical", 2: "Colocated", 3: "(reserved)"}


def major_brand(value: Any) -> str:
    return MAJOR_BRANDS.get(str(value), str(value))


def handler(value: Any) -> str:
    return HANDLERS.get(str(value), str(value))


def profile_compatibility(value: Any) -> str:
    """The 32 compatibility flags, flag j in bit 31 - j, named as the profiles they mark (lowest bit first)."""
    flags = int(value)
    names = [GENERAL_PROFILES.get(31 - bit, f"[{31 - bit}]") for bit in range(32) if flags >> bit & 1]
    return ", ".join(names) if names else "(none)"


def level(value: Any) -> str:
    """general_level_idc is 30 times the level: "90 (level 3.0)"."""
    return f"{int(value)} (level {int(value) / 30:.1f})"


def meta_image_size(value: Any) -> str:
    """A grid's "version/flags rows/columns width height": the output size."""
    parts = str(value).split()
    return "x".join(parts[2:4]) if len(parts) >= 4 else str(value)


TABLE = {
    "MajorBrand": major_brand,
    "HandlerType": handler,
    "MetaImageSize": meta_image_size,
    "ImageSpatialExtent": image_size,
    "ColorPrimaries": COLOR_PRIMARIES,
    "TransferCharacteristics": TRANSFER_CHARACTERISTICS,
    "MatrixCoefficients": MATRIX_COEFFICIENTS,
    "VideoFullRangeFlag": {0: "Limited", 1: "Full"},
    "GeneralProfileSpace": {0: "Conforming", 1: "Reserved 1", 2: "Reserved 2", 3: "Reserved 3"},
    "GeneralTierFlag": {0: "Main Tier", 1: "High Tier"},
    "GeneralProfileIDC": GENERAL_PROFILES,
    "GenProfileCompatibilityFlags": profile_compatibility,
    "GeneralLevelIDC": level,
    "ChromaFormat": HEVC_CHROMA,
    "ChromaSamplePosition": AV1_CHROMA_POSITION,
    "ConstantFrameRate": {0: "Unknown", 1: "Constant Frame Rate", 2: "Each Temporal Layer is Constant Frame Rate"},
    "TemporalIDNested": {0: "No", 1: "Yes"},
}


def hints(values: dict[str, Any]) -> dict[str, Any]:
    """Words that depend on more than one tag: AV1 numbers ChromaFormat its own way."""
    if "AV1ConfigurationVersion" in values and "ChromaFormat" in values:
        code = values["ChromaFormat"]
        return {"ChromaFormat": AV1_CHROMA.get(code, f"Unknown ({code})")}
    return {}
