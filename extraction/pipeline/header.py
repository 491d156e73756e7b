"""Opens the image header with Pillow (pillow-heif registered for HEIC/HEIF): validates it, never decodes pixels.

`Image.open` is lazy: it parses the header and stops; nothing here calls `.load()`. `getexif()` is called
for BigTIFF only (a TIFF's tags are its directories); never for a PNG, where it decodes every pixel
when the eXIf chunk follows the image data.
"""

import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

# The plugins we use, imported up front: asking Image.open for a format it has not registered yet makes
# it import all ~40 of Pillow's plugins (Image.init(), 30 ms in a short batch).
from PIL import (
    AvifImagePlugin,
    BmpImagePlugin,
    GifImagePlugin,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    WebPImagePlugin,
)

REGISTERED = (AvifImagePlugin, BmpImagePlugin, GifImagePlugin, JpegImagePlugin, PngImagePlugin, TiffImagePlugin,
              WebPImagePlugin)

# Our format names to the Pillow plugins that may open them (Pillow 13 reads AVIF itself).
_PLUGINS = {
    "JPEG": ["JPEG"],
    "PNG": ["PNG"],
    "GIF": ["GIF"],
    "WEBP": ["WEBP"],
    "TIFF": ["TIFF"],
    "BTF": ["TIFF"],
    "BMP": ["BMP"],
    "HEIC": ["HEIF"],
    "HEIF": ["HEIF"],
    "AVIF": ["AVIF"],
}


# The formats Pillow can open at all (raws such as ORF and RW2 are ours alone to read).
PILLOW_FORMATS = frozenset(_PLUGINS)

__all__ = ["PILLOW_FORMATS", "Header", "TooLarge", "UnidentifiedImageError", "open_header"]


class TooLarge(Exception):
    """Pillow refused the header as a decompression bomb."""


@dataclass
class Header:
    width: int
    height: int
    # BigTIFF only (exifread reads classic TIFF only): Pillow's decoded IFD0, Exif and GPS directories.
    tiff_tags: dict[str, dict[int, Any]] | None = None


_heif_registered = False


def _register_heif() -> None:
    """pillow-heif loads libheif (~30 ms): only when the first HEIC/HEIF file arrives, not at every start."""
    global _heif_registered
    if not _heif_registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True


class _View(io.RawIOBase):
    """A read-only file over a memory-mapped upload: closing the image closes this view, not the mmap
    (Image.close() closes the file it was given, and the rest of the pipeline still reads the mmap)."""

    def __init__(self, data: Any):
        super().__init__()
        self._view = memoryview(data)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._view[self._pos : self._pos + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if not self.closed:
            self._view.release()
        super().close()


def open_header(data: Any, format_name: str) -> Header:
    """Parse the image header of `data` (bytes or mmap); raise what Pillow raises if it is not an image."""
    if "HEIF" in _PLUGINS.get(format_name, ()):
        _register_heif()
    handle: Any = io.BytesIO(data) if isinstance(data, bytes) else _View(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning and plugin notes: we judge size ourselves
        try:
            image = Image.open(handle, formats=_PLUGINS.get(format_name))
        except Image.DecompressionBombError as exc:
            raise TooLarge(str(exc)) from None
    try:
        width, height = image.size
        header = Header(width, height)
        if format_name == "BTF":
            exif = image.getexif()  # a TIFF's tags, read from its directories: no pixel is decoded
            header.tiff_tags = {"IFD0": dict(exif), "ExifIFD": exif.get_ifd(0x8769), "GPS": exif.get_ifd(0x8825)}
        return header
    finally:
        image.close()
