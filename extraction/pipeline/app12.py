"""Reads Photoshop's "Save for Web" APP12 block ("Ducky"): JPEG quality, comment and copyright."""

import struct
from typing import Any

DUCKY_ID = b"Ducky"
_DUCKY_NAMES = {1: "Quality", 2: "Comment", 3: "Copyright"}


def parse_ducky(body: bytes) -> dict[str, Any]:
    """Ducky tags: Quality (a percentage), then the comment and copyright as UTF-16 strings."""
    tags: dict[str, Any] = {}
    pos, end = len(DUCKY_ID), len(body)
    while pos + 4 <= end:
        tag, size = struct.unpack_from(">HH", body, pos)
        pos += 4
        if tag == 0 or pos + size > end:
            break
        data = body[pos : pos + size]
        pos += size
        name = _DUCKY_NAMES.get(tag)
        if name == "Quality" and size >= 4:
            tags[name] = struct.unpack_from(">I", data)[0]
        elif name and size >= 4:
            count = struct.unpack_from(">I", data)[0]
            tags[name] = data[4 : 4 + 2 * count].decode("utf-16-be", "replace").rstrip("\x00")
    return tags
