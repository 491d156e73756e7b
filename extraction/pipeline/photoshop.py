"""Reads Photoshop image resources (8BIM blocks: JPEG APP13, TIFF tag 34377) into ExifTool's Photoshop tags.

A pure function of the resource block's bytes. The IPTC-IIM record (resource 0x0404) is handed back as bytes
for `iptc.py`: ExifTool files its tags under IPTC, not Photoshop. Layouts follow Adobe's Photoshop File Formats
Specification ("Image resource IDs").
"""

import struct
from dataclasses import dataclass, field
from typing import Any

from .exif_names import binary_note

_SIGNATURES = (b"8BIM", b"PHUT", b"DCSR", b"AgHg", b"MeSa")
_MAX_RESOURCES = 1000
_MAX_URLS = 100
IPTC_RESOURCE = 0x0404


@dataclass
class PhotoshopData:
    tags: dict[str, Any] = field(default_factory=dict)
    iptc: bytes | None = None  # resource 0x0404's bytes (may be empty: ExifTool still digests them)


def parse_photoshop(irb: bytes, warnings: list[str] | None = None) -> PhotoshopData:
    """The Photoshop tags and the IPTC block of one run of image resources; never raises."""
    warnings = warnings if warnings is not None else []
    result = PhotoshopData()
    irb = bytes(irb)
    pos, end = 0, len(irb)
    for _ in range(_MAX_RESOURCES):
        if pos + 12 > end or irb[pos : pos + 4] not in _SIGNATURES:
            break
        resource_id = struct.unpack_from(">H", irb, pos + 4)[0]
        name_len = irb[pos + 6]
        pos += 6 + ((name_len + 2) & ~1)  # Pascal name, padded to an even size
        if pos + 4 > end:
            warnings.append("Photoshop: an image resource is cut off before its size.")
            break
        size = struct.unpack_from(">I", irb, pos)[0]
        pos += 4
        if pos + size > end:
            warnings.append(f"Photoshop: image resource 0x{resource_id:04x} runs past the end of its block.")
            size = end - pos
        data = irb[pos : pos + size]
        pos += size + (size & 1)
        if resource_id == IPTC_RESOURCE:
            if result.iptc is None:
                result.iptc = data
            continue
        reader = _READERS.get(resource_id)
        if reader is not None:
            try:
                result.tags.update(reader(data))
            except (struct.error, ValueError, IndexError, UnicodeDecodeError):
                warnings.append(f"Photoshop: image resource 0x{resource_id:04x} is malformed.")
    return result


def _resolution(data: bytes) -> dict[str, Any]:
    x, x_units, _, y, y_units, _ = struct.unpack_from(">IHHIHH", data)
    return {"XResolution": x / 65536, "DisplayedUnitsX": x_units, "YResolution": y / 65536,
            "DisplayedUnitsY": y_units}


def _jpeg_quality(data: bytes) -> dict[str, Any]:
    quality, kind = struct.unpack_from(">hh", data)
    tags = {"PhotoshopQuality": quality, "PhotoshopFormat": kind}
    if kind == 0x0101 and len(data) >= 6:  # the scan count only means something for progressive files
        tags["ProgressiveScans"] = struct.unpack_from(">h", data, 4)[0]
    return tags


def _thumbnail(name: str) -> Any:
    def read(data: bytes) -> dict[str, Any]:
        # a 28-byte header (format, size, row bytes, compressed size, depth, planes) precedes the JPEG
        return {name: binary_note(len(data) - 28)} if len(data) > 28 else {}
    return read


def _int32(name: str) -> Any:
    return lambda data: {name: struct.unpack_from(">i", data)[0]}


def _unicode(data: bytes, pos: int) -> tuple[str, int]:
    """A Photoshop Unicode string (a count of UTF-16 units, then the units) and the position after it."""
    (count,) = struct.unpack_from(">I", data, pos)
    pos += 4
    raw = data[pos : pos + 2 * count]
    if len(raw) < 2 * count:
        raise ValueError("string runs past the resource")
    return raw.decode("utf-16-be", "replace").rstrip("\x00"), pos + 2 * count


def _slices(data: bytes) -> dict[str, Any]:
    (version,) = struct.unpack_from(">I", data)
    if version != 6:  # versions 7 and 8 hold a descriptor structure instead
        return {}
    name, pos = _unicode(data, 20)  # after the version and the bounding rectangle
    return {"SlicesGroupName": name, "NumSlices": struct.unpack_from(">I", data, pos)[0]}


def _url_list(data: bytes) -> dict[str, Any]:
    (count,) = struct.unpack_from(">I", data)
    urls, pos = [], 4
    for _ in range(min(count, _MAX_URLS)):
        url, pos = _unicode(data, pos + 8)  # each URL follows its number and its ID
        urls.append(url)
    return {"URL_List": urls}


def _version_info(data: bytes) -> dict[str, Any]:
    merged = data[4]
    writer, pos = _unicode(data, 5)
    reader, _ = _unicode(data, pos)
    return {"HasRealMergedData": merged, "WriterName": writer, "ReaderName": reader}


def _print_scale(data: bytes) -> dict[str, Any]:
    style, x, y, scale = struct.unpack_from(">Hfff", data)
    return {"PrintStyle": style, "PrintPosition": [_single(x), _single(y)], "PrintScale": _single(scale)}


def _single(value: float) -> float:
    return float(f"{value:.7g}")  # a 32-bit float carries about 7 significant digits


def _text(name: str) -> Any:
    return lambda data: {name: data.split(b"\x00", 1)[0].decode("utf-8", "replace").strip()}


def _pascal(name: str) -> Any:
    return lambda data: {name: data[1 : 1 + data[0]].decode("latin-1")} if data else {}


def _unicode_tag(name: str) -> Any:
    return lambda data: {name: _unicode(data, 0)[0]}


_READERS = {
    0x03ED: _resolution,
    0x0406: _jpeg_quality,
    0x0409: _thumbnail("PhotoshopBGRThumbnail"),
    0x040A: lambda data: {"CopyrightFlag": data[0]} if data else {},
    0x040B: _text("URL"),
    0x040C: _thumbnail("PhotoshopThumbnail"),
    0x040D: _int32("GlobalAngle"),
    0x0419: _int32("GlobalAltitude"),
    0x041A: _slices,
    0x041B: _unicode_tag("WorkflowURL"),
    0x041E: _url_list,
    0x0421: _version_info,
    0x0425: lambda data: {"IPTCDigest": data.hex()},
    0x0426: _print_scale,
    0x0428: lambda data: {"PixelAspectRatio": struct.unpack_from(">d", data, 4)[0]},
    0x0BB7: _pascal("ClippingPathName"),
}
