"""Printed-value tables per ExifTool group (family 0), merged into TABLES for `printed.print_groups`."""

from typing import Any

from . import composite, exif, meta, png, quicktime, riff, xmp

TABLES: dict[str, dict[str, Any]] = {
    "EXIF": exif.TABLE,
    "Composite": composite.TABLE,
    "QuickTime": quicktime.TABLE,
    "PNG": png.TABLE,
    "RIFF": riff.TABLE,
    "XMP": xmp.TABLE,
    "Meta": meta.TABLE,
}
