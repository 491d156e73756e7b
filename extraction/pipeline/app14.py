"""Reads Adobe's APP14 segment (DCT encoder version, flags and colour transform) into ExifTool's APP14 tags."""

import struct
from typing import Any

ADOBE_ID = b"Adobe"


def parse_app14(body: bytes) -> dict[str, Any]:
    """The APP14 tags of one segment body (starting with "Adobe"); {} when it is too short to hold them."""
    if not body.startswith(ADOBE_ID) or len(body) < 12:
        return {}
    version, flags0, flags1, transform = struct.unpack_from(">HHHB", body, 5)
    return {"DCTEncodeVersion": version, "APP14Flags0": flags0, "APP14Flags1": flags1, "ColorTransform": transform}
