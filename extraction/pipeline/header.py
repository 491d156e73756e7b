"""Opens the image header with Pillow (pillow-heif registered for HEIC/HEIF): validates it, never decodes pixels.

`Image.open` is lazy: it parses the header and stops; nothing here calls `.load()`, and nothing calls
`getexif()`, which decodes every pixel of a PNG whose eXIf chunk follows the image data.
"""

import io
import warnings
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

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
    "AVIF": ["AVIF", "HEIF"],
}


class TooLarge(Exception):
    """Pillow refused the header as a decompression bomb."""


@dataclass
class Header:
    width: int
    height: int
    mode: str


def open_header(data: Any, format_name: str) -> Header:
    """Parse the image header of `data` (bytes or mmap); raise what Pillow raises if it is not an image."""
    handle = data if hasattr(data, "seek") else io.BytesIO(data)
    handle.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning and plugin notes: we judge size ourselves
        try:
            image = Image.open(handle, formats=_PLUGINS.get(format_name))
        except Image.DecompressionBombError as exc:
            raise TooLarge(str(exc)) from None
    try:
        width, height = image.size
        return Header(width, height, image.mode)
    finally:
        image.close()
