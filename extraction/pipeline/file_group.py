"""ExifTool's File group beyond name and size: type extension, JPEG chroma subsampling, the IPTC digest."""

import hashlib
from typing import Any

from .containers import Container
from .source import Source


def file_type(source: Source) -> str:
    """FileType as ExifTool names it; a WebP with a VP8X header (alpha, animation, metadata) is "Extended WEBP"."""
    if source.format.name == "WEBP" and bytes(source.data[12:16]) == b"VP8X":
        return "Extended WEBP"
    return source.format.name


def type_extension(source: Source) -> str:
    """FileTypeExtension: the usual extension of the detected type (upper case in -n, as ExifTool's)."""
    return source.format.extension.upper()


def sof_subsampling(body: bytes) -> list[int] | None:
    """YCbCrSubSampling from a JPEG frame header (SOFn): the luma sampling factors over the chroma ones.

    Only a three-component (YCbCr) frame whose two chroma components share whole divisors of the luma
    factors has a J:a:b subsampling; others (grey, CMYK, odd layouts) have none.
    """
    if len(body) < 6 or body[5] != 3 or len(body) < 6 + 9:
        return None
    factors = [(body[7 + 3 * i] >> 4, body[7 + 3 * i] & 0x0F) for i in range(3)]
    (luma_h, luma_v), chroma, other = factors
    if chroma != other or 0 in chroma or luma_h % chroma[0] or luma_v % chroma[1]:
        return None
    return [luma_h // chroma[0], luma_v // chroma[1]]


def iptc_digest(source: Source, container: Container) -> str | None:
    """CurrentIPTCDigest: the MD5 of the IPTC-IIM block as stored (JPEG APP13, TIFF IPTC-NAA)."""
    if source.format.name == "JPEG":
        block = container.iptc
    elif source.format.name == "TIFF" and container.decoded_exif is not None:
        block = container.decoded_exif.iptc
    else:
        return None
    return hashlib.md5(block, usedforsecurity=False).hexdigest() if block is not None else None


def file_group(source: Source, container: Container) -> dict[str, Any]:
    """The File facts the bytes tell beyond the container's own (sizes, EncodingProcess, Comment...)."""
    facts: dict[str, Any] = {"FileType": file_type(source), "FileTypeExtension": type_extension(source)}
    digest = iptc_digest(source, container)
    if digest is not None:
        facts["CurrentIPTCDigest"] = digest
    return facts
