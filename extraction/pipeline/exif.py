"""Decodes an EXIF block (a TIFF structure) into ExifTool's EXIF and GPS groups."""

from dataclasses import dataclass, field
from typing import Any

from .exif_tags import (
    EXIF_IFD,
    EXIF_TAGS,
    GPS_IFD,
    GPS_TAGS,
    ICC_DATA,
    INTEROP_IFD,
    IPTC_DATA,
    KODAK_IFD,
    MAKER_NOTE,
    APEX_APERTURE,
    APEX_SECONDS,
    SKIPPED,
    SUB_IFDS,
    TEXT_UNDEFINED,
    XMP_PACKET,
)
from .tiff import ASCII, BYTE, UNDEFINED, Entry, Tiff, TiffError, decode_text

_POINTERS = {EXIF_IFD, GPS_IFD, INTEROP_IFD, SUB_IFDS}
_BLOBS = {MAKER_NOTE, XMP_PACKET, IPTC_DATA, ICC_DATA, KODAK_IFD}
_XP_TAGS = {0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F}
_USER_COMMENT = 0x9286
_MAX_SUB_IFDS = 8


@dataclass
class ExifData:
    """What one EXIF block holds: named groups plus blobs for the other parsers."""

    byte_order: str = ""
    exif: dict[str, Any] = field(default_factory=dict)
    gps: dict[str, Any] = field(default_factory=dict)
    tiff: Tiff | None = None
    maker_note: Entry | None = None
    kodak_ifd: Entry | None = None  # Kodak pro backs keep camera settings in an IFD0 sub-directory
    xmp: bytes | None = None
    iptc: bytes | None = None
    icc: bytes | None = None
    # Per image directory (IFD0 first, then SubIFDs): SubfileType, width, height, for the real size.
    images: list[dict[str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_dng(self) -> bool:
        return "DNGVersion" in self.exif


_FILE_OFFSETS = {0x0111, 0x0201}  # StripOffsets, ThumbnailOffset


def decode_exif(data: bytes, base: int = 0, *, file_offset: int = 0) -> ExifData:
    """Decode the TIFF structure at `data[base:]`; never raises, records warnings instead.

    `file_offset` is where that structure sits in the file, so data offsets read as ExifTool's.
    """
    result = ExifData()
    try:
        tiff = Tiff(data, base)
    except TiffError as exc:
        result.warnings.append(f"EXIF: {exc}")
        return result
    result.tiff = tiff
    result.byte_order = tiff.byte_order_name
    visited: set[int] = set()
    try:
        ifd0 = tiff.first_ifd()
        next_ifd = _read_ifd(tiff, ifd0, "IFD0", result, visited)
        if next_ifd:
            _read_ifd(tiff, next_ifd, "IFD1", result, visited)
    except (TiffError, ValueError, OverflowError) as exc:  # struct errors are ValueError subclasses
        result.warnings.append(f"EXIF: {exc}")
    _gps_as_exiftool(result.gps)
    if file_offset:
        for tag in _FILE_OFFSETS:
            key = EXIF_TAGS[tag]
            value = result.exif.get(key)
            if isinstance(value, int):
                result.exif[key] = value + file_offset
            elif isinstance(value, list):
                result.exif[key] = [v + file_offset if isinstance(v, int) else v for v in value]
    return result


def _gps_as_exiftool(gps: dict[str, Any]) -> None:
    """ExifTool's -n values: coordinates in unsigned decimal degrees, the time as HH:MM:SS."""
    for key in ("GPSLatitude", "GPSLongitude", "GPSDestLatitude", "GPSDestLongitude"):
        value = gps.get(key)
        if isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value[:3]):
            parts = list(value[:3]) + [0.0] * (3 - len(value[:3]))
            gps[key] = parts[0] + parts[1] / 60 + parts[2] / 3600
    stamp = gps.get("GPSTimeStamp")
    if isinstance(stamp, list) and len(stamp) == 3 and all(isinstance(v, (int, float)) for v in stamp):
        hours, minutes, seconds = stamp
        text = f"{int(seconds):02d}" if float(seconds).is_integer() else f"{seconds:06.3f}".rstrip("0")
        gps["GPSTimeStamp"] = f"{int(hours):02d}:{int(minutes):02d}:{text}"


def _read_ifd(tiff: Tiff, offset: int, name: str, result: ExifData, visited: set[int]) -> int:
    if offset in visited or offset <= 0:
        return 0
    visited.add(offset)
    entries, next_ifd = tiff.entries(offset)
    table = GPS_TAGS if name == "GPS" else EXIF_TAGS
    target = result.gps if name == "GPS" else result.exif
    image: dict[str, int] = {}
    for entry in entries:
        tag = entry.tag
        if tag in _POINTERS and name != "GPS":
            _follow(tiff, entry, result, visited)
            continue
        if tag in _BLOBS and name != "GPS":
            _keep_blob(tiff, entry, result)
            continue
        if name in ("IFD0", "SubIFD") and tag in (0x00FE, 0x0100, 0x0101):
            value = tiff.value(entry)
            if isinstance(value, int):
                image[{0x00FE: "type", 0x0100: "width", 0x0101: "height"}[tag]] = value
        if name == "SubIFD":
            continue  # raw image data directories: only their size matters here
        if tag in SKIPPED and name != "GPS":
            continue
        key = table.get(tag) or f"{'GPS' if name == 'GPS' else 'Exif'}_0x{tag:04x}"
        if name == "IFD1" and key in target:
            continue  # the thumbnail's tags never replace the main image's
        value = _decode(tiff, entry)
        if value is None or value == []:
            continue
        if name != "GPS" and tag in APEX_SECONDS | APEX_APERTURE:
            value = _apex(tag, value)
        target[key] = value
    if name == "IFD1" and "ThumbnailLength" in target and "ThumbnailImage" not in target:
        target["ThumbnailImage"] = f"(Binary data {target['ThumbnailLength']} bytes, use -b option to extract)"
    if name in ("IFD0", "SubIFD"):
        image["ifd"] = 0 if name == "IFD0" else len(result.images)
        result.images.append(image)
    return next_ifd


def _follow(tiff: Tiff, entry: Entry, result: ExifData, visited: set[int]) -> None:
    value = tiff.value(entry)
    offsets = value if isinstance(value, list) else [value]
    child = {EXIF_IFD: "ExifIFD", GPS_IFD: "GPS", INTEROP_IFD: "InteropIFD", SUB_IFDS: "SubIFD"}[entry.tag]
    for offset in offsets[:_MAX_SUB_IFDS]:
        if not isinstance(offset, int):
            continue
        try:
            _read_ifd(tiff, offset, child, result, visited)
        except (TiffError, ValueError, OverflowError) as exc:
            result.warnings.append(f"{child}: {exc}")


def _apex(tag: int, value: Any) -> Any:
    if not isinstance(value, (int, float)):
        return value
    if tag in APEX_SECONDS:
        return 2 ** -value if abs(value) < 100 else 0
    return 2 ** (value / 2) if abs(value) < 100 else value


def _keep_blob(tiff: Tiff, entry: Entry, result: ExifData) -> None:
    if entry.tag == MAKER_NOTE:
        result.maker_note = entry
    elif entry.tag == KODAK_IFD:
        result.kodak_ifd = entry
    elif entry.tag == XMP_PACKET:
        result.xmp = tiff.raw(entry)
    elif entry.tag == IPTC_DATA:
        result.iptc = tiff.raw(entry)
    elif entry.tag == ICC_DATA:
        result.icc = tiff.raw(entry)


def _decode(tiff: Tiff, entry: Entry) -> Any:
    if entry.tag == _USER_COMMENT and entry.type in (UNDEFINED, BYTE, ASCII):
        return decode_user_comment(tiff.raw(entry))
    if entry.tag in _XP_TAGS and entry.type in (BYTE, UNDEFINED):
        return tiff.raw(entry).decode("utf-16-le", "replace").split("\x00", 1)[0].strip()
    value = tiff.value(entry)
    if isinstance(value, bytes):
        return _undefined(entry.tag, value)
    if isinstance(value, str):
        return value.strip()
    return value


def _undefined(tag: int, raw: bytes) -> Any:
    if tag in TEXT_UNDEFINED:
        return decode_text(raw).strip()
    if len(raw) == 1:
        return raw[0]
    stripped = raw.rstrip(b"\x00 ")
    if stripped and all(32 <= b < 127 for b in stripped):
        return stripped.decode("ascii")
    if len(raw) <= 16:
        return list(raw)
    return f"(Binary data {len(raw)} bytes, use -b option to extract)"


def decode_user_comment(raw: bytes) -> str:
    """UserComment: an 8-byte character-set prefix, then the text."""
    prefix, body = raw[:8], raw[8:]
    if prefix.startswith(b"UNICODE"):
        encoding = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
        text = body.decode(encoding, "replace")
    elif prefix.startswith((b"ASCII", b"JIS", b"\x00")):
        text = body.decode("utf-8", "replace") if prefix.startswith((b"ASCII", b"\x00")) else body.decode("latin-1")
    else:
        text = raw.decode("latin-1")
    return text.split("\x00", 1)[0].strip()


def main_image_size(data: ExifData) -> tuple[int, int] | None:
    """The full-resolution image in a TIFF file: a SubIFD marked full-size wins over IFD0 (as in ExifTool)."""
    for image in data.images[1:]:
        if image.get("type", 0) & 0xFFFF == 0 and "type" in image and image.get("width") and image.get("height"):
            return image["width"], image["height"]
    if data.images and data.images[0].get("width") and data.images[0].get("height"):
        return data.images[0]["width"], data.images[0]["height"]
    return None
