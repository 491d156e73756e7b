"""Maps exifread's tags (names, raw values) to ExifTool's tag names and `exiftool -n` values.

exifread decodes the TIFF structure; its names follow the EXIF spec and its "printable" values are
display strings. ExifTool (our reference) renames some tags and reports plain numbers, so this module
names each tag by its number and converts exifread's raw `values`, never its printable text.
"""

from fractions import Fraction
from typing import Any

from exifread.core.ifd_tag import IfdTag
from exifread.tags.exif import EXIF_TAGS as EXIFREAD_TAGS, INTEROP_TAGS as EXIFREAD_INTEROP
from exifread.tags.fields import FieldType
from PIL import ExifTags

# Where ExifTool's name differs from exifread's (checked against exifread 3.5.1's tables).
_RENAMED = {
    0x0001: "InteropIndex",
    0x0002: "InteropVersion",
    0x00FF: "OldSubfileType",
    0x0101: "ImageHeight",
    0x0132: "ModifyDate",
    0x014A: "SubIFD",
    0x014E: "NumberofInks",
    0x0203: "JPEGRestartInterval",
    0x0205: "JPEGLosslessPredictors",
    0x0206: "JPEGPointTransforms",
    0x0207: "JPEGQTables",
    0x0208: "JPEGDCTables",
    0x0209: "JPEGACTables",
    0x828E: "CFAPattern2",  # TIFF/EP's, bytes only: not EXIF's 0xA302 CFAPattern
    0x8828: "Opto-ElectricConvFactor",
    0x9216: "TIFF-EPStandardID",
    0xC630: "DNGLensInfo",  # not EXIF's 0xA432 LensInfo
    0xC6F3: "CameraCalibrationSig",
    0xC6F4: "ProfileCalibrationSig",
    0xC7A7: "NewRawImageDigest",
    # TIFF/EP (ISO 12234-2) twins of EXIF tags, in IFD0 of raws.
    0x920E: "FocalPlaneXResolution",
    0x920F: "FocalPlaneYResolution",
    0x9210: "FocalPlaneResolutionUnit",
    0x9217: "SensingMethod",
    0xA216: "TIFF-EPStandardID",
    # DNG 1.3-1.6, TIFF-F (RFC 2306), GeoTIFF and GDAL tags.
    0x0191: "ProfileType",
    0x0192: "FaxProfile",
    0x0193: "CodingMethods",
    0x830E: "PixelScale",
    0x8482: "ModelTiePoint",
    0x85D8: "ModelTransform",
    0xA480: "GDALMetadata",
    0xA481: "GDALNoData",
    0xC763: "TimeCodes",
    0xC764: "FrameRate",
    0xC772: "TStop",
    0xC789: "ReelName",
    0xC791: "OriginalDefaultFinalSize",
    0xC792: "OriginalBestQualitySize",
    0xC793: "OriginalDefaultCropSize",
    0xC7A1: "CameraLabel",
    0xC7A3: "ProfileHueSatMapEncoding",
    0xC7A4: "ProfileLookTableEncoding",
    0xC7A5: "BaselineExposureOffset",
    0xC7A6: "DefaultBlackRender",
    0xC7A8: "RawToPreviewGain",
    0xC7AA: "CacheVersion",
    0xC7B5: "DefaultUserCrop",
    0x0201: "ThumbnailOffset",
    0x0202: "ThumbnailLength",
    0x1002: "RelatedImageHeight",
    0x83BB: "IPTC-NAA",
    0x8773: "ICC_Profile",
    0x8827: "ISO",
    0x9004: "CreateDate",
    0x9204: "ExposureCompensation",
    0xA000: "FlashpixVersion",
    0xA003: "ExifImageHeight",
    0xA005: "InteropOffset",
    0xA302: "CFAPattern",
    0xA405: "FocalLengthIn35mmFormat",
    0xA430: "OwnerName",
    0xA431: "SerialNumber",
    0xA432: "LensInfo",
    # Tags exifread's table does not name (DNG and EXIF 2.31+): Pillow's table does, ExifTool's way.
    0x4749: "RatingPercent",
    0x882A: "TimeZoneOffset",
    0xA460: "CompositeImage",
    0xEA1C: "Padding",
    0xEA1D: "OffsetSchema",
    0xC612: "DNGVersion",
    0xC614: "UniqueCameraModel",
}
_GPS_RENAMED = {0x001D: "GPSDateStamp"}


def _table() -> dict[int, str]:
    names = dict(ExifTags.TAGS)  # only for the tags exifread's table lacks: exifread's names win below
    names.update({tag: entry[0] for tag, entry in EXIFREAD_TAGS.items()})
    names.update({tag: entry[0] for tag, entry in EXIFREAD_INTEROP.items()})
    names.update(_RENAMED)
    return names


EXIF_NAMES: dict[int, str] = _table()
GPS_NAMES: dict[int, str] = {tag: name for tag, name in ExifTags.GPSTAGS.items()} | _GPS_RENAMED

# Tags that point to other IFDs: their value is an offset, not metadata.
SUB_IFDS = 0x014A
POINTERS = {0x8769, 0x8825, 0xA005, SUB_IFDS}
# Tags whose bytes belong to another parser (maker notes, XMP, IPTC, ICC, Kodak's IFD) or to ExifTool's
# own groups (PrintIM): not EXIF values.
MAKER_NOTE, XMP_PACKET, IPTC_DATA, ICC_DATA, KODAK_IFD, PRINT_IM = 0x927C, 0x02BC, 0x83BB, 0x8773, 0x8290, 0xC4A5
PHOTOSHOP_DATA = 0x8649  # Photoshop image resources in a TIFF: ExifTool's Photoshop group
BLOBS = {MAKER_NOTE, XMP_PACKET, IPTC_DATA, ICC_DATA, KODAK_IFD, PRINT_IM, PHOTOSHOP_DATA}
USER_COMMENT = 0x9286
COPYRIGHT = 0x8298
CFA_PATTERN = 0xA302
XP_TAGS = {0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F}
# UNDEFINED tags that are really short text (ExifTool shows them as text).
TEXT_UNDEFINED = {0x9000, 0xA000, 0x0002}  # ExifVersion, FlashpixVersion, InteropVersion
# GPSProcessingMethod and GPSAreaInformation: text behind UserComment's 8-byte character-code prefix.
GPS_CODED_TEXT = {0x001B, 0x001C}
_CHARACTER_CODES = (b"ASCII\x00\x00\x00", b"UNICODE\x00", b"JIS\x00\x00\x00\x00\x00", b"\x00" * 8)
# Tags ExifTool shows as "(Binary data N bytes ...)" whatever their size: tables, curves and blobs
# (TIFF GrayResponseCurve, TransferFunction, ColorMap, JPEGTables; EXIF OECF, DeviceSettingDescription;
# DNG DNGPrivateData and opcode lists).
COLOR_MAP = 0x0140
BINARY_TAGS = {0x0123, 0x012D, COLOR_MAP, 0x015B, 0x8828, 0xA40B, 0xC634, 0xC740, 0xC741, 0xC74E}
# UNDEFINED tags whose bytes are numbers (EXIF ComponentsConfiguration, FileSource, SceneType; CFAPattern).
NUMERIC_UNDEFINED = {0x9101, 0xA300, 0xA301, CFA_PATTERN}
# DNG tags the spec types "ASCII or BYTE": text, whichever type the writer chose.
BYTE_TEXT = {0xC615, 0xC68B, 0xC6F3, 0xC6F4, 0xC6F6, 0xC6F8, 0xC6FE, 0xC716, 0xC717, 0xC718}
# DNG digests and IDs (16 bytes): hex, as ExifTool shows them (RawDataUniqueID in upper case).
HEX_DIGESTS = {0xC719: str.lower, 0xC71C: str.lower, 0xC71D: str.lower, 0xC7A7: str.lower, 0xC65D: str.upper}
# APEX values ExifTool's -n output converts to seconds and f-numbers.
APEX_SECONDS = {0x9201}
APEX_APERTURE = {0x9202, 0x9205}
# Values bigger than this are kept as a size note, as ExifTool does without -b.
MAX_DECODED_BYTES = 64 * 1024


def binary_note(size: int) -> str:
    return f"(Binary data {size} bytes, use -b option to extract)"


def binary_size(kind: FieldType, values: list[Any], length: int, number: int = 0) -> int:
    """The N of ExifTool's binary note: bytes for bytes (and a ColorMap), else the length of the values' text."""
    if kind in (FieldType.BYTE, FieldType.UNDEFINED, FieldType.SIGNED_BYTE) or number == COLOR_MAP:
        return length
    return len(" ".join(str(v) for v in values))


def exiftool_value(tag: IfdTag, *, gps: bool = False, standard: bool = False) -> Any:
    """The `exiftool -n` value of one exifread tag, from its raw values; None when it holds nothing.

    `standard`: the tag is in one of EXIF's own directories (not a maker note), so EXIF's knowledge of
    binary tags and of undefined bytes applies.
    """
    kind, values, number = tag.field_type, tag.values, tag.tag
    if kind == FieldType.ASCII:
        return text(values)
    if not isinstance(values, list):
        return None
    if standard and not gps and number in BINARY_TAGS and values:
        return binary_note(binary_size(kind, values, tag.field_length, number))
    if not values:
        # exifread leaves values empty for counts of 1000 and more: big binary blocks
        return binary_note(tag.field_length) if tag.field_length else None
    if tag.field_length > MAX_DECODED_BYTES:
        return binary_note(tag.field_length)
    if kind in (FieldType.RATIO, FieldType.SIGNED_RATIO):
        numbers: list[Any] = [rational(v) for v in values]
    elif kind in (FieldType.FLOAT_32, FieldType.FLOAT_64):
        # ExifTool writes floats with 15 significant digits (rationals with 10): lists then read the same.
        numbers = [float(f"{v:.15g}") if isinstance(v, float) else v
                   for v in (v[0] if isinstance(v, tuple) else v for v in values)]
    elif kind == FieldType.UNDEFINED or (kind == FieldType.BYTE and number in XP_TAGS and not gps):
        value = undefined(number, bytes(values), gps=gps)
        if standard and isinstance(value, list) and number not in NUMERIC_UNDEFINED:
            # ExifTool shows other undefined bytes as a string (NULs dropped), never as numbers.
            return text(bytes(values).replace(b"\x00", b""))
        return value
    elif kind == FieldType.BYTE and not gps and number in BYTE_TEXT:
        return text(bytes(values))
    elif kind == FieldType.BYTE and not gps and number in HEX_DIGESTS:
        return HEX_DIGESTS[number](bytes(values).hex())
    else:
        numbers = list(values)
    if not gps and number in APEX_SECONDS | APEX_APERTURE and len(numbers) == 1:
        return apex(number, numbers[0])
    return numbers[0] if len(numbers) == 1 else numbers


def pillow_value(number: int, value: Any, *, gps: bool = False) -> Any:
    """The `exiftool -n` value of a tag Pillow decoded (used for BigTIFF only)."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, bytes):
        if len(value) > MAX_DECODED_BYTES:
            return binary_note(len(value))
        return undefined(number, value, gps=gps)
    items = list(value) if isinstance(value, tuple) else [value]
    numbers = [rational(v) if hasattr(v, "denominator") and not isinstance(v, int) else v for v in items]
    if not gps and number in APEX_SECONDS | APEX_APERTURE and len(numbers) == 1:
        return apex(number, numbers[0])
    return numbers[0] if len(numbers) == 1 else numbers


def rational(value: Fraction) -> float | str:
    """A rational as a float; ExifTool's words where it has no finite value (JSON has no infinity)."""
    numerator, denominator = value.numerator, value.denominator
    if denominator == 0:
        return "undef" if numerator == 0 else "inf"
    # ExifTool writes numbers with 10 significant digits; lists then read the same as its text.
    return float(f"{numerator / denominator:.10g}")


def text(value: str | bytes) -> str:
    """Text as ExifTool reads it: cut at the first NUL, UTF-8 else Latin-1, spaces trimmed."""
    if isinstance(value, bytes):
        value = value.split(b"\x00", 1)[0]
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return value.strip()


def undefined(number: int, raw: bytes, *, gps: bool = False) -> Any:
    if not gps and number == USER_COMMENT:
        return user_comment(raw)
    if not gps and number in XP_TAGS:
        return raw.decode("utf-16-le", "replace").split("\x00", 1)[0].strip()
    if gps and number in GPS_CODED_TEXT:
        # Writers often leave the prefix out (plain text): only a known character code is one.
        return user_comment(raw) if raw[:8] in _CHARACTER_CODES else text(raw)
    if not gps and number in TEXT_UNDEFINED:
        return text(raw)
    if not gps and number in HEX_DIGESTS:
        return HEX_DIGESTS[number](raw.hex())
    if not gps and number == CFA_PATTERN:
        pattern = cfa_pattern(raw)
        if pattern is not None:
            return pattern
    if len(raw) == 1:
        return raw[0]
    stripped = raw.rstrip(b"\x00 ")
    if stripped and all(32 <= b < 127 for b in stripped):
        return stripped.decode("ascii")
    if len(raw) <= 16:
        return list(raw)
    return binary_note(len(raw))



def copyright_text(raw: bytes) -> str:
    """EXIF Copyright: "photographer\\0editor\\0" (a space for a photographer left out), one per line."""
    photographer, _, rest = raw.partition(b"\x00")
    editor = rest.split(b"\x00", 1)[0]
    first, second = text(photographer), text(editor)
    return f"{first}\n{second}" if second else first


def cfa_pattern(raw: bytes) -> list[int] | None:
    """EXIF CFAPattern: two 16-bit repeat sizes, then one colour byte per cell, as [width, height, colours...].

    Writers disagree on the sizes' byte order (the spec leaves it to the TIFF header), so take the order
    whose sizes account for the colour bytes that follow; None when neither does.
    """
    if len(raw) < 5:
        return None
    for order in ("big", "little"):
        width, height = int.from_bytes(raw[0:2], order), int.from_bytes(raw[2:4], order)
        if width * height == len(raw) - 4:
            return [width, height, *raw[4:]]
    return None


def user_comment(raw: bytes) -> str:
    """UserComment: an 8-byte character-set prefix, then the text."""
    prefix, body = raw[:8], raw[8:]
    if prefix.startswith(b"UNICODE"):
        encoding = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
        value = body.decode(encoding, "replace")
    elif prefix.startswith((b"ASCII", b"\x00")):
        value = body.decode("utf-8", "replace")
    elif prefix.startswith(b"JIS"):
        value = body.decode("latin-1")
    else:
        value = raw.decode("latin-1")
    return value.split("\x00", 1)[0].strip()


def apex(number: int, value: Any) -> Any:
    """APEX to seconds / f-number; a 0/0 APEX value reads 0 s and f/1 as in ExifTool, never "undef"."""
    if not isinstance(value, (int, float)):
        return 0 if number in APEX_SECONDS else 1
    if number in APEX_SECONDS:
        return 2**-value if abs(value) < 100 else 0
    return 2 ** (value / 2) if abs(value) < 100 else value


def gps_as_exiftool(gps: dict[str, Any]) -> None:
    """ExifTool's -n values: coordinates in unsigned decimal degrees, the time as HH:MM:SS."""
    for key in ("GPSLatitude", "GPSLongitude", "GPSDestLatitude", "GPSDestLongitude"):
        value = gps.get(key)
        if isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value[:3]):
            parts = list(value[:3]) + [0.0] * (3 - len(value[:3]))
            gps[key] = parts[0] + parts[1] / 60 + parts[2] / 3600
        elif isinstance(value, list) and any(v in ("undef", "inf") for v in value):
            gps[key] = ""  # a 0/0 part leaves no coordinate: ExifTool reports it empty, not as a list
    stamp = gps.get("GPSTimeStamp")
    if isinstance(stamp, list) and len(stamp) == 3:
        stamp = [0 if v in ("undef", "inf") else v for v in stamp]  # ExifTool counts a 0/0 part as 0
    if isinstance(stamp, list) and len(stamp) == 3 and all(isinstance(v, (int, float)) for v in stamp):
        hours, minutes, seconds = stamp
        second_text = f"{int(seconds):02d}" if float(seconds).is_integer() else f"{seconds:06.3f}".rstrip("0")
        gps["GPSTimeStamp"] = f"{int(hours):02d}:{int(minutes):02d}:{second_text}"
