"""WebP chunks under ExifTool's RIFF names, from files built chunk by chunk."""

import struct

from extraction.pipeline.containers.webp import read_webp
from extraction.pipeline.printed import print_groups


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack("<4sI", kind, len(body)) + body + (b"\x00" if len(body) & 1 else b"")


def riff(*chunks: bytes) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def vp8(width: int, height: int, version: int = 0) -> bytes:
    tag = (version << 1) | 0x10  # key frame, show frame
    return chunk(b"VP8 ", bytes([tag, 0, 0]) + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\x00" * 4)


def vp8x(flags: int, width: int, height: int) -> bytes:
    return chunk(b"VP8X", bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


def test_simple_lossy_frame():
    tags = read_webp(riff(vp8(776, 909 | 0x4000, version=1))).groups["RIFF"]
    assert (tags["ImageWidth"], tags["ImageHeight"], tags["VerticalScale"], tags["HorizontalScale"]) == (776, 909, 1, 0)
    printed = print_groups({"RIFF": tags})["RIFF"]
    assert printed["VP8Version"] == "1 (bilinear reconstruction, simple loop)"


def test_extended_file_with_alpha_and_animation():
    frames = [chunk(b"ANMF", b"\x00" * 12 + (1010).to_bytes(3, "little") + b"\x00") for _ in range(3)]
    data = riff(vp8x(0x12, 320, 240), chunk(b"ANIM", bytes([0, 0, 0, 255]) + struct.pack("<H", 0)), *frames,
                chunk(b"ALPH", bytes([0b00_01_10_01])))
    container = read_webp(data)
    tags = container.groups["RIFF"]
    assert (container.width, container.height, tags["ImageWidth"], tags["ImageHeight"]) == (320, 240, 320, 240)
    assert tags["BackgroundColor"] == "0 0 0 255" and tags["AnimationLoopCount"] == 0
    assert tags["Duration"] == 3.03
    assert (tags["AlphaPreprocessing"], tags["AlphaFiltering"], tags["AlphaCompression"]) == (1, 2, 1)
    printed = print_groups({"RIFF": tags})["RIFF"]
    assert printed["WebP_Flags"] == "Animation, Alpha" and printed["AnimationLoopCount"] == "inf"
    assert printed["Duration"] == "3.03 s"


def test_lossless_frame_size():
    bits = (399) | (300 << 14)
    tags = read_webp(riff(chunk(b"VP8L", b"\x2f" + bits.to_bytes(4, "little")))).groups["RIFF"]
    assert (tags["ImageWidth"], tags["ImageHeight"]) == (400, 301)


def test_truncated_chunks_never_raise():
    for kind in (b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF"):
        data = riff(vp8(10, 10), chunk(kind, b"\x01"))
        assert read_webp(data).width == 10
