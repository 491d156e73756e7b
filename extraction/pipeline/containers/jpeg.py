"""Walks JPEG segments up to the image data: frame size, EXIF, XMP, IPTC, ICC, JFIF, comments."""

import struct

from ..kodak_meta import parse_kodak_meta
from ..xmp import EXTENSION_ID, join_extended_xmp
from .base import Container, ContainerError

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_SOS, _EOI = 0xDA, 0xD9
_XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
_PHOTOSHOP_ID = b"Photoshop 3.0\x00"
_ICC_ID = b"ICC_PROFILE\x00"


def read_jpeg(data: bytes) -> Container:
    container = Container()
    icc_chunks: dict[int, bytes] = {}
    xmp_extension: list[bytes] = []
    photoshop = bytearray()
    pos, end = 2, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            skip_to = data.find(b"\xff", pos)  # junk between segments: ExifTool skips it too
            if skip_to == -1:
                break
            container.warnings.append(f"JPEG: skipped {skip_to - pos} unknown bytes at offset {pos}")
            pos = skip_to
        while pos < end and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= end:
            break
        marker = data[pos]
        pos += 1
        if marker in _STANDALONE:
            continue
        if marker == _EOI or pos + 2 > end:
            break
        length = struct.unpack_from(">H", data, pos)[0]
        if length < 2:
            container.warnings.append("JPEG: bad segment length")
            break
        body = data[pos + 2 : pos + length]
        pos += length
        if marker in _SOF and container.width is None and len(body) >= 6:
            bits, height, width, components = struct.unpack_from(">BHHB", body)
            container.width, container.height = width, height
            container.put("File", "EncodingProcess", marker - 0xC0)
            container.put("File", "BitsPerSample", bits)
            container.put("File", "ColorComponents", components)
        elif marker == 0xE1 and body.startswith(EXTENSION_ID):
            xmp_extension.append(body[len(EXTENSION_ID) :])
        elif marker == 0xE1:
            _app1(container, body, pos - length + 2)
        elif marker == 0xE2 and body.startswith(_ICC_ID) and len(body) > 14:
            icc_chunks.setdefault(body[12], body[14:])
        elif marker == 0xED and body.startswith(_PHOTOSHOP_ID):
            photoshop += body[len(_PHOTOSHOP_ID) :]
        elif marker == 0xE0 and body.startswith(b"JFIF\x00") and len(body) >= 12:
            major, minor, unit, xres, yres = struct.unpack_from(">BBBHH", body, 5)
            container.put("JFIF", "JFIFVersion", f"{major}.{minor:02d}")
            container.put("JFIF", "ResolutionUnit", unit)
            container.put("JFIF", "XResolution", xres)
            container.put("JFIF", "YResolution", yres)
        elif marker == 0xE3 and body[:6] in (b"Meta\x00\x00", b"META\x00\x00"):  # Kodak's Meta IFD
            container.groups["Meta"] = parse_kodak_meta(body[6:], container.warnings)
        elif marker == 0xFE:
            container.put("File", "Comment", body.split(b"\x00", 1)[0].decode("utf-8", "replace").strip())
        elif marker == _SOS:
            break  # entropy-coded data follows: the metadata is all before it
    if container.width is None:
        raise ContainerError("The JPEG has no frame header (SOF): it holds no image.")
    container.xmp.extend(join_extended_xmp(xmp_extension, container.warnings))
    if icc_chunks:
        container.icc = b"".join(icc_chunks[k] for k in sorted(icc_chunks))
    if photoshop:
        container.iptc = photoshop_iptc(bytes(photoshop))
    return container


def _app1(container: Container, body: bytes, body_offset: int) -> None:
    if body.startswith(b"Exif\x00") and container.exif is None:
        container.exif = body[6:]
        container.exif_offset = body_offset + 6
    elif body.startswith(_XMP_ID):
        container.xmp.append(body[len(_XMP_ID) :])
    elif body.startswith(b"FLIR\x00"):
        container.vendor["FLIR"] = container.vendor.get("FLIR", b"") + body[8:]


def photoshop_iptc(irb: bytes) -> bytes | None:
    """Find the IPTC-IIM block (resource 0x0404) among Photoshop image resources."""
    pos, end = 0, len(irb)
    while pos + 12 <= end and irb[pos : pos + 4] in (b"8BIM", b"PHUT", b"DCSR", b"AgHg"):
        resource_id = struct.unpack_from(">H", irb, pos + 4)[0]
        name_len = irb[pos + 6]
        pos += 6 + ((name_len + 2) & ~1)
        if pos + 4 > end:
            break
        size = struct.unpack_from(">I", irb, pos)[0]
        pos += 4
        if resource_id == 0x0404:
            return irb[pos : pos + size]
        pos += size + (size & 1)
    return None
