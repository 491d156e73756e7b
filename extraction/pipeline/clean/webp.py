"""WebP clean copy: keep the image, alpha, animation and ICC chunks; EXIF cut to the orientation, XMP dropped."""

import struct

from .jpeg import NotCleanable
from .tiffmini import orientation_tiff, tiff_orientation

_IMAGE = {b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF"}
_ICC, _ALPHA, _EXIF, _XMP, _ANIMATION = 0x20, 0x10, 0x08, 0x04, 0x02


def clean_webp(data: bytes, *, keep_orientation: bool, keep_icc: bool) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise NotCleanable("the file is not a RIFF WEBP container")
    chunks: list[tuple[bytes, bytes]] = []
    pos, end = 12, min(len(data), 8 + struct.unpack_from("<I", data, 4)[0])
    while pos + 8 <= end:
        kind, size = struct.unpack_from("<4sI", data, pos)
        body = data[pos + 8 : pos + 8 + size]
        if len(body) < size:
            raise NotCleanable(f"the WebP chunk {kind!r} runs past the end of the file")
        chunks.append((kind, body))
        pos += 8 + size + (size & 1)
    kept: list[tuple[bytes, bytes]] = []
    for kind, body in chunks:
        if kind in _IMAGE or kind == b"VP8X" or (kind == b"ICCP" and keep_icc):
            kept.append((kind, body))
        elif kind == b"EXIF" and keep_orientation:
            orientation = tiff_orientation(body[6:] if body.startswith(b"Exif\x00") else body)
            if orientation is not None:
                kept.append((kind, orientation_tiff(orientation)))
    kinds = {kind for kind, _ in kept}
    out = bytearray()
    for kind, body in kept:
        if kind == b"VP8X" and len(body) >= 10:
            flags = body[0] & ~(_ICC | _EXIF | _XMP)
            flags |= (_ICC if b"ICCP" in kinds else 0) | (_EXIF if b"EXIF" in kinds else 0)
            body = bytes([flags]) + body[1:]
        out += struct.pack("<4sI", kind, len(body)) + body + (b"\x00" if len(body) & 1 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(out)) + b"WEBP" + bytes(out)
