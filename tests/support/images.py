"""Images made by the tests themselves, with known metadata."""

import io

from PIL import Image


def jpeg_bytes(*, make: str = "TestMake", model: str = "TestModel 1", size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 100, 50))
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_bytes(size=(16, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size).save(buffer, "PNG")
    return buffer.getvalue()


def corrupt_jpeg_bytes() -> bytes:
    """Starts like a JPEG, then nothing a decoder can use."""
    return b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + b"\x13" * 200
