"""The two EXIF facts a clean copy keeps or needs: the orientation in a TIFF block, and a block holding only it."""

import struct

from ..makers.base import read_ifd

ORIENTATION_TAG = 0x0112


def tiff_orientation(tiff: bytes) -> int | None:
    """IFD0's Orientation (1-8) in a TIFF/EXIF structure, or None where it has none or a bad one."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    order = tiff[:2].decode()
    (ifd0,) = struct.unpack_from("<I" if order == "II" else ">I", tiff, 4)
    entry = read_ifd(tiff, ifd0, order).get(ORIENTATION_TAG)
    value = entry.value if entry is not None else None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def orientation_tiff(orientation: int) -> bytes:
    """A big-endian TIFF structure whose only tag is IFD0's Orientation: the EXIF a clean copy carries."""
    return b"MM\x00\x2a" + struct.pack(">IHHHIHHI", 8, 1, ORIENTATION_TAG, 3, 1, orientation, 0, 0)
