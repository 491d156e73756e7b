"""Printed-value tables per ExifTool group (family 0), merged into TABLES for `printed.print_groups`."""

from typing import Any

from . import exif, file, gif, iptc, jfif

TABLES: dict[str, dict[str, Any]] = {
    "EXIF": exif.TABLE,
    "File": file.TABLE,
    "JFIF": jfif.TABLE,
    "IPTC": iptc.TABLE,
    "GIF": gif.TABLE,
}
