"""Walks JPEG segments up to the image data: frame size, EXIF, XMP, IPTC, ICC, JFIF, comments, and the
application segments ExifTool reads (Photoshop APP13, Adobe APP14, MPF, Ducky APP12, FlashPix) and the
FotoStation trailer; picture-info APP12 bytes and FLIR APP1 records are handed on as vendor blocks."""

import hashlib
import struct

from ..app12 import DUCKY_ID, parse_ducky
from ..app14 import ADOBE_ID, parse_app14
from ..ciff import is_ciff
from ..file_group import sof_subsampling
from ..flashpix import FPXR_ID, FlashPixReader
from ..fotostation import parse_fotostation
from ..kodak_meta import parse_kodak_meta
from ..mpf import MPF_ID, parse_mpf
from ..photoshop import parse_photoshop
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
    flashpix: FlashPixReader | None = None
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
            container.put("File", "YCbCrSubSampling", sof_subsampling(body))
        elif marker == 0xE1 and body.startswith(EXTENSION_ID):
            xmp_extension.append(body[len(EXTENSION_ID) :])
        elif marker == 0xE1:
            _app1(container, body, pos - length + 2)
        elif marker == 0xE2 and body.startswith(_ICC_ID) and len(body) > 14:
            icc_chunks.setdefault(body[12], body[14:])
        elif marker == 0xE2 and body.startswith(FPXR_ID):
            flashpix = flashpix or FlashPixReader()
            flashpix.add(body, container.warnings)
        elif marker == 0xE2 and body.startswith(MPF_ID) and "MPF" not in container.groups:
            _put_group(container, "MPF", parse_mpf(body, pos - length + 2, end, container.warnings))
        elif marker == 0xED and body.startswith(_PHOTOSHOP_ID):
            photoshop += body[len(_PHOTOSHOP_ID) :]
        elif marker == 0xEE and body.startswith(ADOBE_ID) and "APP14" not in container.groups:
            _put_group(container, "APP14", parse_app14(body))
        elif marker == 0xEC:
            _app12(container, body)
        elif marker == 0xE0 and body.startswith(b"JFIF\x00") and len(body) >= 12:
            major, minor, unit, xres, yres = struct.unpack_from(">BBBHH", body, 5)
            container.put("JFIF", "JFIFVersion", [major, minor])  # exiftool -n: "1 2"; printed "1.02"
            container.put("JFIF", "ResolutionUnit", unit)
            container.put("JFIF", "XResolution", xres)
            container.put("JFIF", "YResolution", yres)
        elif marker == 0xE0 and is_ciff(body):  # old Canon PowerShots: a CIFF heap instead of EXIF
            container.vendor.setdefault("CIFF", body)
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
        _photoshop(container, bytes(photoshop))
    if flashpix is not None:
        _put_group(container, "FlashPix", flashpix.tags(container.warnings))
    _trailer(container, data)
    return container


def _put_group(container: Container, group: str, tags: dict) -> None:
    if tags:  # an empty string is a value here: ExifTool shows an empty URL or name too
        container.groups.setdefault(group, {}).update(tags)


def _photoshop(container: Container, irb: bytes) -> None:
    resources = parse_photoshop(irb, container.warnings)
    _put_group(container, "Photoshop", resources.tags)
    if resources.iptc is not None:
        container.iptc = resources.iptc
        # ExifTool digests the IPTC block it read, to compare with the digest Photoshop stored (IPTCDigest)
        container.put("File", "CurrentIPTCDigest", hashlib.md5(resources.iptc).hexdigest())


def _trailer(container: Container, data: bytes) -> None:
    """Records some editors append after the image data (FotoStation's end with a signature)."""
    fotostation = parse_fotostation(data, container.warnings)
    _put_group(container, "FotoStation", fotostation.tags)
    if fotostation.iptc:
        container.more_iptc.append(fotostation.iptc)


def _app12(container: Container, body: bytes) -> None:
    if body.startswith(DUCKY_ID):
        if "Ducky" not in container.groups:
            _put_group(container, "Ducky", parse_ducky(body))
        return
    # Olympus' and other cameras' "[picture info]" text: the maker-note decoders read it (makers/olympus.py)
    container.vendor["APP12"] = container.vendor.get("APP12", b"") + body


def _app1(container: Container, body: bytes, body_offset: int) -> None:
    if body.startswith(b"Exif\x00") and container.exif is None:
        container.exif = body[6:]
        container.exif_offset = body_offset + 6
    elif body.startswith(_XMP_ID):
        container.xmp.append(body[len(_XMP_ID) :])
    elif body.startswith(b"FLIR\x00"):
        container.vendor["FLIR"] = container.vendor.get("FLIR", b"") + body[8:]
