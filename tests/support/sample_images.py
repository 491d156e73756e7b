"""Small real images made by Pillow, with EXIF, for tests that need an upload."""

import io

from PIL import Image


def jpeg_bytes(size: tuple[int, int] = (64, 48), color: str = "teal") -> bytes:
    """A JPEG with a camera make and model in its EXIF."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "TestMake"  # Make
    exif[0x0110] = "TestModel"  # Model
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()
