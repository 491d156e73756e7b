"""A TIFF-based file (TIFF, BigTIFF, DNG and TIFF raw): the file is itself the EXIF structure.

The pixel size is ours to pick, not Pillow's: Pillow reports IFD0, which in a DNG or TIFF raw is
usually a small preview, while ExifTool (and the user) mean the full-resolution image that such files
keep in a SubIFD marked full-size. exifread decodes the directories; main_image_size picks the image.
"""

from ..exif import decode_exif, main_image_size
from .base import Container, ContainerError


def read_tiff(data: bytes) -> Container:
    container = Container(exif=data)
    decoded = decode_exif(data, sizes=True)
    size = main_image_size(decoded)
    if size is None:
        raise ContainerError("The TIFF holds no image directory with a size.")
    container.width, container.height = size
    container.decoded_exif = decoded
    return container


def read_bigtiff(data: bytes) -> Container:
    """BigTIFF: exifread reads classic TIFF only, so Pillow's header gives the size and tags (see extract.py)."""
    return Container()
