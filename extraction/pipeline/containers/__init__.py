"""Container readers: each walks one file layout to the real pixel size and the metadata blocks."""

from collections.abc import Callable

from .base import Container, ContainerError
from .bmp import read_bmp
from .gif import read_gif
from .isobmff import read_isobmff
from .jpeg import read_jpeg
from .png import read_png
from .tiff_file import read_bigtiff, read_tiff
from .webp import read_webp

READERS: dict[str, Callable[[bytes], Container]] = {
    "JPEG": read_jpeg,
    "PNG": read_png,
    "GIF": read_gif,
    "WEBP": read_webp,
    "TIFF": read_tiff,
    "ORF": read_tiff,
    "RW2": read_tiff,
    "RAW": read_tiff,
    "BTF": read_bigtiff,
    "BMP": read_bmp,
    "HEIC": read_isobmff,
    "HEIF": read_isobmff,
    "AVIF": read_isobmff,
}

__all__ = ["Container", "ContainerError", "READERS"]
