"""A TIFF-based file (TIFF, BigTIFF, DNG and TIFF raw): the file is itself the EXIF structure."""

from ..exif import decode_exif, main_image_size
from .base import Container, ContainerError


def read_tiff(data: bytes) -> Container:
    container = Container(exif=data)
    decoded = decode_exif(data)
    size = main_image_size(decoded)
    if size is None:
        raise ContainerError("The TIFF holds no image directory with a size.")
    container.width, container.height = size
    container.decoded_exif = decoded
    return container
