"""A small preview of an image (JPEG or WebP, at most `max_side` pixels, orientation applied), made
with bounded decoding: JPEG draft mode, a HEIF's own embedded thumbnail, a raw's embedded JPEG instead
of its sensor data, scaling before turning, and no decode at all past the decompression-bomb limits.

Embedded images are used only where they honestly stand for the image: a HEIF thumbnail when
pillow-heif finds it a scaled copy (same aspect, crop, rotation, mirroring and colour profile) of at
least MIN_EMBEDDED_SIDE pixels; a JPEG's MPF large thumbnail when it fills the preview with the image's
aspect and colour mode (the index types it as a reduced copy; an editor that re-encodes the image without
rewriting the index leaves offsets that no longer find a JPEG there); a DNG/TIFF raw's embedded JPEG (the
raw's own rendering, and we never decode sensor data). A JPEG's EXIF thumbnail is never used: it is
usually 160 px, and editors often leave it stale after changing the picture.
"""

import io
import os
import struct
import warnings
from typing import BinaryIO

from PIL import Image
from PIL import AvifImagePlugin, BmpImagePlugin, MpoImagePlugin, TiffImagePlugin, WebPImagePlugin  # noqa: F401

from .extract import MAX_IMAGE_PIXELS as BOMB_PIXELS  # the pipeline's limit: never even reduced-decoded

# What may be decoded at full scale (formats without a reduced decode): Pillow's own bomb threshold.
MAX_DECODED_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
# The formats we read (extraction.pipeline.formats), and no other Pillow plugin.
PREVIEW_FORMATS = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "TIFF", "BMP", "HEIF", "AVIF")
# A thumbnail embedded in the file is used only at this size or more on its long side: the page shows
# previews at 96 CSS px (288 device px at 3x), the admin at up to 480.
MIN_EMBEDDED_SIDE = 320
# MPF image types (Pillow's names) that are a reduced copy of the primary image (CIPA DC-007 MP Type).
_LARGE_THUMBNAIL_TYPES = ("Large Thumbnail (VGA Equivalent)", "Large Thumbnail (Full HD Equivalent)")
# thumbnail() first reduces by a whole factor (a box filter) to within this factor of the size, then resamples.
REDUCING_GAP = 2.0
OUTPUT_FORMATS = {"JPEG": {"quality": 82, "optimize": True}, "WEBP": {"quality": 80, "method": 4}}

# TIFF-based raws: sensor data we never decode; their previews are JPEGs inside the file.
_RAW_PHOTOMETRIC = {32803, 34892}  # CFA, LinearRaw
_JPEG_COMPRESSION = {6, 7}
_MAX_IFDS = 64
_MAX_EMBEDDED_BYTES = 64 * 1024 * 1024
_JPEG_HEADER_BYTES = 256 * 1024  # enough for the frame header behind an embedded JPEG's own EXIF and tables
# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose does).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_heif_registered = False


def make_preview(path_or_bytes: str | os.PathLike | bytes, *, max_side: int = 480,
                 output: str = "JPEG") -> bytes | None:
    """The image's preview encoded as `output` (JPEG or WEBP), or None when none can be made safely."""
    if output not in OUTPUT_FORMATS:
        raise ValueError(f"output must be one of {sorted(OUTPUT_FORMATS)}")
    try:
        with _opened(path_or_bytes) as fp:
            head = fp.read(16)
            fp.seek(0)
            if head[:4] in (b"II*\x00", b"MM\x00*"):
                return _tiff_preview(fp, max_side, output)
            if head[4:8] == b"ftyp":
                _register_heif()
            return _preview(fp, max_side, output)
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, MemoryError, Image.DecompressionBombError):
        return None


def _opened(path_or_bytes: str | os.PathLike | bytes) -> BinaryIO:
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return io.BytesIO(path_or_bytes)
    return open(path_or_bytes, "rb")


def _register_heif() -> None:
    """pillow-heif decodes HEIC and HEIF (Pillow alone cannot); loaded on the first such file."""
    global _heif_registered
    if not _heif_registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True


def _preview(fp: BinaryIO, max_side: int, output: str, orientation: int | None = None,
             mpf: bool = True) -> bytes | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning: the pixel limits are checked here
        with Image.open(fp, formats=[name for name in PREVIEW_FORMATS if name in Image.OPEN]) as image:
            if image.width * image.height > BOMB_PIXELS:
                return None
            if orientation is None:  # EXIF (or XMP) orientation, read before the pixels are replaced
                orientation = image.getexif().get(0x0112, 1)
            if image.format == "MPO" and mpf and not _large_thumbnail(image, max_side):
                fp.seek(0)  # a broken MPF image left the decoder's state half-read: start again without MPF
                return _preview(fp, max_side, output, orientation, mpf=False)
            _reduced_decode(image, max_side)
            if image.width * image.height > MAX_DECODED_PIXELS:
                return None
            image.load()
            # Scaled first, turned after: turning a full-size image costs as much as decoding it again.
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
            upright = image.transpose(_TRANSPOSE[orientation]) if orientation in _TRANSPOSE else image
            return _encode(_rgb(upright), output)


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled down to fit a `side` x `side` box, keeping its aspect (never enlarged)."""
    width, height = size
    scale = min(1.0, side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _large_thumbnail(image: Image.Image, max_side: int) -> bool:
    """Switch a JPEG to its MPF large thumbnail (CIPA DC-007: the camera's own reduced copy of the image,
    typed as such in the index) when that fills the preview and has the image's aspect and colour mode;
    stay on the primary image otherwise. Other MPF images (stereo views, gain maps) are never used.
    False when an MPF image could not be read (the image must be opened again)."""
    width, height, mode = image.width, image.height, image.mode
    box = _fit(image.size, max_side)
    for index, entry in enumerate(image.mpinfo.get(0xB002, [])):
        if index == 0 or entry.get("Attribute", {}).get("MPType") not in _LARGE_THUMBNAIL_TYPES:
            continue
        try:
            image.seek(index)
        except (OSError, ValueError, SyntaxError, EOFError, struct.error, Image.DecompressionBombError):
            return False
        t_width, t_height = image.size
        if (image.mode == mode and t_width >= box[0] and t_height >= box[1] and t_width * t_height < width * height
                and abs(t_width * height - t_height * width) <= 2 * max(width, height)):
            return True
    image.seek(0)
    return True


def _reduced_decode(image: Image.Image, max_side: int) -> None:
    """Ask the decoder for fewer pixels: a JPEG decodes at 1/2, 1/4 or 1/8 scale (no smaller than the
    preview); a HEIF decodes its own embedded thumbnail instead, when pillow-heif finds one that is a
    scaled copy of the image (same aspect, crop, rotation, colour profile) of at least the preview's size,
    or failing that at least MIN_EMBEDDED_SIDE on its long side. Other formats: no-op."""
    image.draft("RGB", _fit(image.size, max_side))
    if image.format == "HEIF" and max(image.size) > max_side and MIN_EMBEDDED_SIDE < max_side:
        image.draft("RGB", _fit(image.size, MIN_EMBEDDED_SIDE))


def _rgb(image: Image.Image) -> Image.Image:
    """An RGB image for the encoder: transparency over white, 16-bit samples scaled down."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image: Image.Image, output: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, output, **OUTPUT_FORMATS[output])
    return buffer.getvalue()


def _tiff_preview(fp: BinaryIO, max_side: int, output: str) -> bytes | None:
    """A TIFF, DNG or TIFF-based raw: its own pixels when they are a full-size ordinary image, else an
    embedded JPEG preview (never the sensor data), else its small IFD0 thumbnail. Of the embedded JPEGs,
    the smallest that fills the preview is decoded (a full-size JpgFromRaw costs ten times a 1024 px
    PreviewImage), else the largest."""
    directory = _tiff_directory(fp)
    if directory is None:
        return None
    if directory.full_size_image and not directory.raw:
        fp.seek(0)
        return _preview(fp, max_side, output)
    for offset, length in _embedded_jpegs_in_order(fp, directory.jpegs, max_side):
        fp.seek(offset)
        data = fp.read(min(length, _MAX_EMBEDDED_BYTES))
        preview = _preview(io.BytesIO(data), max_side, output, orientation=directory.orientation)
        if preview is not None:
            return preview
    if directory.raw:
        return None
    fp.seek(0)
    return _preview(fp, max_side, output)


def _embedded_jpegs_in_order(fp: BinaryIO, jpegs: list[tuple[int, int]], max_side: int) -> list[tuple[int, int]]:
    """The embedded JPEGs worth trying, best first: those at least `max_side` on their long side from the
    smallest up, then the rest from the largest down. Sizes come from each one's header (no decode)."""
    sized = []
    for offset, length in set(jpegs):
        fp.seek(offset)
        head = fp.read(min(length, _JPEG_HEADER_BYTES))
        if not head.startswith(b"\xff\xd8\xff"):
            continue
        try:
            with Image.open(io.BytesIO(head), formats=["JPEG"]) as probe:
                side = max(probe.size)
        except (OSError, ValueError, SyntaxError, EOFError, struct.error):
            side = 0  # the header lies past the probe, or is broken: tried last, by its length
        sized.append((side, length, offset))
    filling = sorted(item for item in sized if item[0] >= max_side)
    rest = sorted((item for item in sized if item[0] < max_side), key=lambda item: (-item[0], -item[1]))
    return [(offset, length) for _, length, offset in filling + rest]


class _Directory:
    """What a preview needs of a TIFF's structure: IFD0's kind and orientation, the embedded JPEGs."""

    def __init__(self) -> None:
        self.raw = False  # IFD0 holds sensor data
        self.full_size_image = True  # IFD0 is not marked as a reduced-resolution image
        self.orientation = 1
        self.jpegs: list[tuple[int, int]] = []  # (offset, length), largest first once sorted


def _tiff_directory(fp: BinaryIO) -> _Directory | None:
    """Walk IFD0, the IFD chain and the SubIFDs (bounded: a malformed file cannot loop us)."""
    head = fp.read(8)
    order = {b"II": "<", b"MM": ">"}.get(head[:2])
    if order is None or len(head) < 8:
        return None
    size = fp.seek(0, io.SEEK_END)
    directory = _Directory()
    queue = [struct.unpack(order + "I", head[4:8])[0]]
    seen: set[int] = set()
    first = True
    while queue and len(seen) < _MAX_IFDS:
        offset = queue.pop(0)
        if offset in seen or not 8 <= offset < size:
            continue
        seen.add(offset)
        tags, following = _read_ifd(fp, order, offset)
        if first:
            first = False
            directory.raw = tags.get(262, [None])[0] in _RAW_PHOTOMETRIC
            directory.full_size_image = not (tags.get(254, [0])[0] & 1)
            directory.orientation = tags.get(274, [1])[0]
        if 0x201 in tags and 0x202 in tags:
            directory.jpegs.append((tags[0x201][0], tags[0x202][0]))
        strips, counts = tags.get(273, []), tags.get(279, [])
        if (tags.get(259, [1])[0] in _JPEG_COMPRESSION and tags.get(262, [None])[0] not in _RAW_PHOTOMETRIC
                and len(strips) == 1 and len(counts) == 1):
            directory.jpegs.append((strips[0], counts[0]))
        queue.extend(tags.get(330, []))  # SubIFDs: where DNGs keep the raw and the large preview
        if following:
            queue.append(following)
    directory.jpegs = [(start, length) for start, length in directory.jpegs if 0 < start < size and length > 0]
    return directory


_TYPE_SIZES = {3: ("H", 2), 4: ("I", 4), 13: ("I", 4)}  # SHORT, LONG, IFD: all the tags read here need
_WANTED = {254, 259, 262, 273, 274, 279, 330, 0x201, 0x202}


def _read_ifd(fp: BinaryIO, order: str, offset: int) -> tuple[dict[int, list[int]], int]:
    fp.seek(offset)
    (count,) = struct.unpack(order + "H", fp.read(2))
    entries = fp.read(12 * min(count, 1024))
    tags: dict[int, list[int]] = {}
    for index in range(len(entries) // 12):
        tag, kind, number, value = struct.unpack(order + "HHI4s", entries[12 * index : 12 * index + 12])
        if tag not in _WANTED or kind not in _TYPE_SIZES or not 0 < number <= 64:
            continue
        code, width = _TYPE_SIZES[kind]
        if number * width <= 4:
            raw = value[: number * width]
        else:
            position = fp.tell()
            fp.seek(struct.unpack(order + "I", value)[0])
            raw = fp.read(number * width)
            fp.seek(position)
        if len(raw) == number * width:
            tags[tag] = list(struct.unpack(f"{order}{number}{code}", raw))
    tail = fp.read(4) if len(entries) == 12 * count else b""
    return tags, struct.unpack(order + "I", tail)[0] if len(tail) == 4 else 0
