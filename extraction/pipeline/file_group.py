"""ExifTool's File group beyond name and size: the type as ExifTool names it, its extension, JPEG chroma subsampling."""

from typing import Any

from .formats import DNG, TIFF_RAWS, ImageFormat
from .source import Source


def file_type(source: Source) -> str:
    """FileType as ExifTool names it; a WebP with a VP8X header (alpha, animation, metadata) is "Extended WEBP"."""
    if source.format.name == "WEBP" and bytes(source.data[12:16]) == b"VP8X":
        return "Extended WEBP"
    return source.format.name


def type_extension(source: Source) -> str:
    """FileTypeExtension: the usual extension of the detected type (upper case in -n, as ExifTool's)."""
    return source.format.extension.upper()


# Compression codes only a maker's raw uses (TIFF registry / vendor docs), in any image directory.
_RAW_COMPRESSION = {32767: "ARW", 34713: "NEF", 65535: "PEF", 65000: "DCR"}
# A colour-filter-array image (TIFF/EP PhotometricInterpretation 32803) under these makes is their raw.
_RAW_MAKES = (("SONY", "ARW"), ("NIKON", "NEF"), ("PENTAX", "PEF"), ("RICOH IMAGING", "PEF"), ("SAMSUNG", "SRW"),
              ("HASSELBLAD", "3FR"), ("SEIKO EPSON", "ERF"), ("EPSON", "ERF"), ("KODAK", "DCR"),
              ("EASTMAN KODAK", "DCR"), ("MAMIYA", "MEF"), ("LEAF", "MOS"))
_CFA = 32803


def tiff_type(source: Source, exif: Any) -> ImageFormat | None:
    """What a file that starts like a TIFF really is: DNG, or a maker's TIFF-based raw; None for a TIFF.

    DNG names itself (DNGVersion); Canon's CR2 header carries "CR", version 2, after the IFD0 offset;
    other raws are known by a compression code only their maker uses, or by a colour-filter-array
    image under that maker's name (ExifTool leans on the file's extension here; we read the bytes).
    """
    if source.format.name not in ("TIFF", "BTF") or exif is None:
        return None
    if exif.is_dng:
        return DNG
    if source.format.name != "TIFF":
        return None
    if bytes(source.data[8:11]) == b"CR\x02":
        return TIFF_RAWS["CR2"]
    for image in exif.images:
        if image.get("compression") in _RAW_COMPRESSION:
            return TIFF_RAWS[_RAW_COMPRESSION[image["compression"]]]
    make = str(exif.exif.get("Make", "")).upper()
    if any(image.get("photometric") == _CFA for image in exif.images):
        for prefix, name in _RAW_MAKES:
            if make.startswith(prefix):
                return TIFF_RAWS[name]
    return None


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


def file_group(source: Source) -> dict[str, Any]:
    """The File facts the bytes tell beyond the container's own (sizes, EncodingProcess, Comment...)."""
    return {"FileType": file_type(source), "FileTypeExtension": type_extension(source)}
