"""Walks WebP RIFF chunks: canvas or frame size, the VP8/VP8L/ALPH/ANIM headers (`RIFF` group), EXIF, XMP, ICC."""

import struct

from .base import Container, ContainerError, strip_exif_header

# An animation lists one ANMF chunk per frame; more than this is not a picture worth summing.
_MAX_CHUNKS = 100_000


def read_webp(data: bytes) -> Container:
    container = Container()
    end = min(len(data), 8 + struct.unpack_from("<I", data, 4)[0])
    pos = 12
    frame: tuple[int, int] | None = None
    duration = 0
    frames = 0
    for _ in range(_MAX_CHUNKS):
        if pos + 8 > end:
            break
        kind, size = struct.unpack_from("<4sI", data, pos)
        body = data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
        if kind == b"VP8X" and len(body) >= 10:
            container.width = 1 + int.from_bytes(body[4:7], "little")
            container.height = 1 + int.from_bytes(body[7:10], "little")
            container.put("RIFF", "WebP_Flags", body[0])
            container.put("RIFF", "ImageWidth", container.width)
            container.put("RIFF", "ImageHeight", container.height)
        elif kind == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
            w, h = struct.unpack_from("<HH", body, 6)
            frame = frame or (w & 0x3FFF, h & 0x3FFF)
            container.put("RIFF", "VP8Version", body[0] >> 1 & 7)
            container.put("RIFF", "ImageWidth", w & 0x3FFF)
            container.put("RIFF", "HorizontalScale", w >> 14)
            container.put("RIFF", "ImageHeight", h & 0x3FFF)
            container.put("RIFF", "VerticalScale", h >> 14)
        elif kind == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
            bits = int.from_bytes(body[1:5], "little")
            size_wh = ((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1)
            frame = frame or size_wh
            container.put("RIFF", "ImageWidth", size_wh[0])
            container.put("RIFF", "ImageHeight", size_wh[1])
        elif kind == b"ALPH" and body:
            container.put("RIFF", "AlphaPreprocessing", body[0] >> 4 & 3)
            container.put("RIFF", "AlphaFiltering", body[0] >> 2 & 3)
            container.put("RIFF", "AlphaCompression", body[0] & 3)
        elif kind == b"ANIM" and len(body) >= 6:
            blue, green, red, alpha = body[:4]  # stored in byte order B, G, R, A
            container.put("RIFF", "BackgroundColor", f"{red} {green} {blue} {alpha}")
            container.put("RIFF", "AnimationLoopCount", struct.unpack_from("<H", body, 4)[0])
        elif kind == b"ANMF" and len(body) >= 15:
            frames += 1
            duration += int.from_bytes(body[12:15], "little")  # milliseconds
        elif kind == b"EXIF":
            container.exif = strip_exif_header(body)
            container.exif_offset = pos - size - (size & 1) + (len(body) - len(container.exif))
        elif kind == b"XMP ":
            container.xmp.append(body)
        elif kind == b"ICCP":
            container.icc = body
    if frames:
        container.put("RIFF", "Duration", duration / 1000)
    if container.width is None and frame is not None:
        container.width, container.height = frame
    if container.width is None:
        raise ContainerError("The WebP holds no image frame.")
    return container
