"""Decides an image's format from its first bytes, never from its name or declared type."""

from dataclasses import dataclass

HEAD_BYTES = 64


@dataclass(frozen=True)
class ImageFormat:
    name: str  # ExifTool's FileType spelling: JPEG, PNG, HEIC, ...
    mime: str
    extension: str


JPEG = ImageFormat("JPEG", "image/jpeg", "jpg")
PNG = ImageFormat("PNG", "image/png", "png")
GIF = ImageFormat("GIF", "image/gif", "gif")
WEBP = ImageFormat("WEBP", "image/webp", "webp")
TIFF = ImageFormat("TIFF", "image/tiff", "tif")
BIGTIFF = ImageFormat("BTF", "image/x-tiff-big", "btf")
BMP = ImageFormat("BMP", "image/bmp", "bmp")
HEIC = ImageFormat("HEIC", "image/heic", "heic")
HEIF = ImageFormat("HEIF", "image/heif", "heif")
AVIF = ImageFormat("AVIF", "image/avif", "avif")
# Known only after reading IFD0 (a DNGVersion tag): the bytes start like any TIFF.
DNG = ImageFormat("DNG", "image/x-adobe-dng", "dng")
# TIFF-structured raws with a magic number of their own (Pillow reads none of them).
ORF = ImageFormat("ORF", "image/x-olympus-orf", "orf")
RW2 = ImageFormat("RW2", "image/x-panasonic-rw2", "rw2")
PANASONIC_RAW = ImageFormat("RAW", "image/x-raw", "raw")
# TIFF-structured raws that start like any TIFF: told apart by their content (see file_group.py).
TIFF_RAWS = {fmt.name: fmt for fmt in (
    ImageFormat("CR2", "image/x-canon-cr2", "cr2"), ImageFormat("ARW", "image/x-sony-arw", "arw"),
    ImageFormat("NEF", "image/x-nikon-nef", "nef"), ImageFormat("PEF", "image/x-pentax-pef", "pef"),
    ImageFormat("SRW", "image/x-samsung-srw", "srw"), ImageFormat("3FR", "image/x-hasselblad-3fr", "3fr"),
    ImageFormat("ERF", "image/x-epson-erf", "erf"), ImageFormat("MEF", "image/x-mamiya-mef", "mef"),
    ImageFormat("MOS", "image/x-raw", "mos"), ImageFormat("DCR", "image/x-kodak-dcr", "dcr"),
)}
# Panasonic's RW2 header: the 16 bytes after the IFD0 offset (an older Panasonic RAW lacks them).
_RW2_SIGNATURE = bytes.fromhex("88e774d8f8251d4d947a6e77822b5d6a")

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}


def detect_format(head: bytes) -> ImageFormat | None:
    """Return the image format that `head` (the file's first bytes) starts, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[:4] in (b"II+\x00", b"MM\x00+"):
        return BIGTIFF
    if head[:4] in (b"IIRO", b"IIRS", b"MMOR"):
        return ORF
    if head[:4] == b"IIU\x00":
        return RW2 if head[8:24] == _RW2_SIGNATURE else PANASONIC_RAW
    if head[:2] == b"BM" and len(head) >= 26:
        return BMP
    if head[4:8] == b"ftyp":
        return _detect_isobmff(head)
    return None


def _detect_isobmff(head: bytes) -> ImageFormat | None:
    box_size = int.from_bytes(head[0:4], "big")
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    # The major brand names the file's type (ISO/IEC 23008-12): "mif1" is HEIF even when HEVC
    # images make "heic" a compatible brand. The compatible brands decide only for other majors.
    if major in _AVIF_BRANDS:
        return AVIF
    if major in _HEIC_BRANDS:
        return HEIC
    if major in _HEIF_BRANDS:
        return HEIF
    if brands & _AVIF_BRANDS and not brands & _HEIC_BRANDS:
        return AVIF
    if brands & _HEIC_BRANDS:
        return HEIC
    if brands & _HEIF_BRANDS:
        return HEIF
    return None
