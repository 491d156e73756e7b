"""Reads a GIF's screen descriptor, its comment, XMP and looping extensions, and its frames' delays."""

import struct

from .base import Container, ContainerError

_MAX_BLOCKS = 100_000


def read_gif(data: bytes) -> Container:
    if len(data) < 13:
        raise ContainerError("The GIF header is truncated.")
    container = Container()
    width, height, flags, background = struct.unpack_from("<HHBB", data, 6)
    container.width, container.height = width, height
    container.put("GIF", "GIFVersion", data[3:6].decode("latin-1"))
    container.put("GIF", "ImageWidth", width)
    container.put("GIF", "ImageHeight", height)
    container.put("GIF", "HasColorMap", flags >> 7)
    container.put("GIF", "ColorResolutionDepth", (flags >> 4 & 7) + 1)
    container.put("GIF", "BitsPerPixel", (flags & 7) + 1)
    container.put("GIF", "BackgroundColor", background)
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0
    delay = 0  # hundredths of a second, summed over the graphic control extensions
    for _ in range(_MAX_BLOCKS):
        if pos >= len(data):
            break
        kind = data[pos]
        if kind == 0x3B:
            break
        if kind == 0x21 and pos + 2 <= len(data):
            label = data[pos + 1]
            blocks, pos = _sub_blocks(data, pos + 2)
            if label == 0xFE:
                container.put("File", "Comment", b"".join(blocks).decode("latin-1").strip())
            elif label == 0xF9 and blocks and len(blocks[0]) >= 3:
                delay += struct.unpack_from("<H", blocks[0], 1)[0]
                if blocks[0][0] & 1 and len(blocks[0]) >= 4 and "TransparentColor" not in container.groups["GIF"]:
                    container.put("GIF", "TransparentColor", blocks[0][3])  # the first frame's
            elif label == 0xFF and blocks and blocks[0][:11] in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):
                if len(blocks) > 1 and len(blocks[1]) >= 3 and blocks[1][0] == 1:
                    container.put("GIF", "AnimationIterations", struct.unpack_from("<H", blocks[1], 1)[0])
            elif label == 0xFF and blocks and blocks[0][:11] == b"XMP DataXMP":
                # XMP's sub-block lengths are part of its text (the "magic trailer"): rejoin raw bytes.
                raw = b"".join(bytes([len(b)]) + b for b in blocks[1:])
                container.xmp.append(raw.split(b"<?xpacket end", 1)[0] + b"<?xpacket end='w'?>")
        elif kind == 0x2C and pos + 10 <= len(data):
            frames += 1
            local = data[pos + 9]
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1  # + LZW minimum code size
            _, pos = _sub_blocks(data, pos, keep=False)
        else:
            break
    container.put("GIF", "FrameCount", frames or None)
    if delay:
        container.put("GIF", "Duration", delay / 100)
    return container


def _sub_blocks(data: bytes, pos: int, keep: bool = True) -> tuple[list[bytes], int]:
    blocks = []
    while pos < len(data):
        size = data[pos]
        pos += 1
        if size == 0:
            break
        if keep:
            blocks.append(data[pos : pos + size])
        pos += size
    return blocks, pos
