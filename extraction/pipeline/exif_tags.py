"""EXIF and GPS tag numbers mapped to ExifTool's tag names."""

from PIL import ExifTags

# Pillow spells some tags after the EXIF spec; ExifTool (our reference) renames them.
_EXIFTOOL_NAMES = {
    0x00FE: "SubfileType",
    0x0101: "ImageHeight",
    0x0103: "Compression",
    0x9290: "SubSecTime",
    0x9291: "SubSecTimeOriginal",
    0x9292: "SubSecTimeDigitized",
    0xA000: "FlashpixVersion",
    0x0132: "ModifyDate",
    0x0201: "ThumbnailOffset",
    0x0202: "ThumbnailLength",
    0x02BC: "ApplicationNotes",
    0x8298: "Copyright",
    0x829A: "ExposureTime",
    0x8769: "ExifOffset",
    0x8825: "GPSInfo",
    0x8827: "ISO",
    0x8830: "SensitivityType",
    0x8832: "RecommendedExposureIndex",
    0x9003: "DateTimeOriginal",
    0x9004: "CreateDate",
    0x9010: "OffsetTime",
    0x9011: "OffsetTimeOriginal",
    0x9012: "OffsetTimeDigitized",
    0x9204: "ExposureCompensation",
    0x9214: "SubjectArea",
    0xA002: "ExifImageWidth",
    0xA003: "ExifImageHeight",
    0xA005: "InteropOffset",
    0xA20E: "FocalPlaneXResolution",
    0xA20F: "FocalPlaneYResolution",
    0xA210: "FocalPlaneResolutionUnit",
    0xA401: "CustomRendered",
    0xA405: "FocalLengthIn35mmFormat",
    0xA430: "OwnerName",
    0xA431: "SerialNumber",
    0xA432: "LensInfo",
    0xA433: "LensMake",
    0xA434: "LensModel",
    0xA435: "LensSerialNumber",
    0xA460: "CompositeImage",
    0x0001: "InteropIndex",
    0x0002: "InteropVersion",
    0x1000: "RelatedImageFileFormat",
    0x1001: "RelatedImageWidth",
    0x1002: "RelatedImageHeight",
    0x4746: "Rating",
    0x4749: "RatingPercent",
    0x9C9B: "XPTitle",
    0x9C9C: "XPComment",
    0x9C9D: "XPAuthor",
    0x9C9E: "XPKeywords",
    0x9C9F: "XPSubject",
    0xA500: "Gamma",
    0xC612: "DNGVersion",
    0xC614: "UniqueCameraModel",
    0x014A: "SubIFD",
    0x83BB: "IPTC-NAA",
    0x8773: "ICC_Profile",
    0x927C: "MakerNote",
    0x9286: "UserComment",
    0x882A: "TimeZoneOffset",
    0xEA1C: "Padding",
    0xEA1D: "OffsetSchema",
}

EXIF_TAGS: dict[int, str] = {**ExifTags.TAGS, **_EXIFTOOL_NAMES}
GPS_TAGS: dict[int, str] = dict(ExifTags.GPSTAGS)

# Tags that point to other IFDs; their own value is an offset, not metadata.
EXIF_IFD, GPS_IFD, INTEROP_IFD, SUB_IFDS = 0x8769, 0x8825, 0xA005, 0x014A
# Tags whose bytes belong to another parser (maker notes, XMP, IPTC, ICC).
MAKER_NOTE, XMP_PACKET, IPTC_DATA, ICC_DATA, KODAK_IFD = 0x927C, 0x02BC, 0x83BB, 0x8773, 0x8290

# UNDEFINED tags that are really short text (ExifTool shows them as text).
TEXT_UNDEFINED = {0x9000, 0xA000, 0x0002, 0x1B, 0x1C}  # ExifVersion, FlashpixVersion, InteropVersion, GPS text

# Directories ExifTool shows as their own groups (PrintIM), not as EXIF tags.
SKIPPED = {0xC4A5}
# APEX values ExifTool's -n output converts to seconds and f-numbers.
APEX_SECONDS = {0x9201}
APEX_APERTURE = {0x9202, 0x9205}
