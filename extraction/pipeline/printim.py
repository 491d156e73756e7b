"""Reads Epson's Print Image Matching block (found by `exif_blocks.find_printim`) into ExifTool's PrintIM tags."""

from typing import Any

PRINTIM_ID = b"PrintIM\x00"


def parse_printim(block: bytes) -> dict[str, Any]:
    """PrintIMVersion of one block starting "PrintIM\\0"; its numbered entries have no public names (ExifTool
    shows them only as unknown tags), so they are not reported."""
    if not block.startswith(PRINTIM_ID) or len(block) < 16:
        return {}
    version = block[8:12].decode("latin-1").strip("\x00")
    return {"PrintIMVersion": version} if version.isprintable() else {}
