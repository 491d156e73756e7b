"""What a container reader hands on: the real pixel size and the metadata blocks it found."""

from dataclasses import dataclass, field
from typing import Any


class ContainerError(ValueError):
    """The container is too broken to find the image in it."""


@dataclass
class Container:
    width: int | None = None
    height: int | None = None
    exif: bytes | None = None  # a TIFF structure (the bytes after "Exif\0\0")
    exif_offset: int = 0  # where that structure starts in the file (ExifTool reports file offsets)
    xmp: list[bytes] = field(default_factory=list)
    iptc: bytes | None = None  # IPTC-IIM records
    more_iptc: list[bytes] = field(default_factory=list)  # further IPTC records (a FotoStation trailer's)
    icc: bytes | None = None
    # Format-specific facts, by ExifTool group (File, PNG, JFIF, RIFF, QuickTime, GIF, BMP ...).
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Vendor blocks a maker-note reader may want (e.g. FLIR's APP1 records).
    vendor: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # A TIFF file's reader already decoded its EXIF structure to find the image: spare a second pass.
    decoded_exif: Any = None

    def put(self, group: str, name: str, value: Any) -> None:
        if value is None or value == "":
            return
        self.groups.setdefault(group, {})[name] = value


def strip_exif_header(block: bytes) -> bytes:
    """EXIF blocks sometimes carry the JPEG "Exif\\0\\0" prefix: drop it."""
    if block.startswith(b"Exif\x00\x00"):
        return block[6:]
    if block.startswith(b"Exif\x00"):
        return block[5:]
    return block
