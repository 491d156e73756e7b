"""PNG clean copy: keep the critical chunks and those that say how to show the pixels; drop text, time and EXIF."""

import struct
import zlib

from .jpeg import NotCleanable
from .tiffmini import orientation_tiff, tiff_orientation

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary chunks that change how the image is drawn (colour, transparency, animation), not who made it.
_DRAWING = {b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL",
            b"fdAT", b"cICP", b"mDCv", b"cLLi"}


def clean_png(data: bytes, *, keep_orientation: bool, keep_icc: bool) -> bytes:
    if not data.startswith(_SIGNATURE):
        raise NotCleanable("the file does not start with the PNG signature")
    out = bytearray(_SIGNATURE)
    pos, end = len(_SIGNATURE), len(data)
    while pos + 12 <= end:
        length, kind = struct.unpack_from(">I4s", data, pos)
        chunk_end = pos + 12 + length
        if chunk_end > end:
            raise NotCleanable(f"the PNG chunk {kind!r} runs past the end of the file")
        critical = not kind[0] & 0x20
        if kind == b"eXIf":
            orientation = tiff_orientation(data[pos + 8 : pos + 8 + length]) if keep_orientation else None
            if orientation is not None:
                out += chunk(b"eXIf", orientation_tiff(orientation))  # where the original had it
        elif critical or kind in _DRAWING or (kind == b"iCCP" and keep_icc):
            out += data[pos:chunk_end]
        if kind == b"IEND":
            return bytes(out)
        pos = chunk_end
    raise NotCleanable("the PNG has no IEND chunk")


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
