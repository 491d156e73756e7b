"""Walks WebP RIFF chunks: canvas or frame size, EXIF, XMP, ICC."""

import struct

from .base import Container, ContainerError, strip_exif_header


def read_webp(data: bytes) -> Container:
    container = Container()
    end = min(len(data), 8 + struct.unpack_from("<I", data, 4)[0])
    pos = 12
    frame: tuple[int, int] | None = None
    while pos + 8 <= end:
        kind, size = struct.unpack_from("<4sI", data, pos)
        body = data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
        if kind == b"VP8X" and len(body) >= 10:
            container.width = 1 + int.from_bytes(body[4:7], "little")
            container.height = 1 + int.from_bytes(body[7:10], "little")
            container.put("RIFF", "WebP_Flags", body[0])
        elif kind == b"VP8 " and frame is None and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
            w, h = struct.unpack_from("<HH", body, 6)
            frame = (w & 0x3FFF, h & 0x3FFF)
            container.put("RIFF", "VP8Version", body[0] >> 1 & 7)
        elif kind == b"VP8L" and frame is None and len(body) >= 5 and body[0] == 0x2F:
            bits = int.from_bytes(body[1:5], "little")
            frame = ((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1)
        elif kind == b"EXIF":
            container.exif = strip_exif_header(body)
            container.exif_offset = pos - size - (size & 1) + (len(body) - len(container.exif))
        elif kind == b"XMP ":
            container.xmp.append(body)
        elif kind == b"ICCP":
            container.icc = body
    if container.width is None and frame is not None:
        container.width, container.height = frame
    if container.width is None:
        raise ContainerError("The WebP holds no image frame.")
    return container
