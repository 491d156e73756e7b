"""Printed-value tables per ExifTool group (family 0), merged into TABLES for `printed.print_groups`."""

from typing import Any

from . import app12, app14, composite, exif, file, flashpix, flir, gif, icc, iptc, jfif, meta, mpf, photoshop, png, quicktime, riff, xmp

TABLES: dict[str, dict[str, Any]] = {
    "EXIF": exif.TABLE,
    "ICC_Profile": icc.TABLE,
    "Photoshop": photoshop.TABLE,
    "APP14": app14.TABLE,
    "MPF": mpf.TABLE,
    "Ducky": app12.DUCKY,
    "FlashPix": flashpix.TABLE,
    "FotoStation": app12.FOTOSTATION,
    "APP1": flir.TABLE,
    "File": file.TABLE,
    "JFIF": jfif.TABLE,
    "IPTC": iptc.TABLE,
    "GIF": gif.TABLE,
    "Composite": composite.TABLE,
    "QuickTime": quicktime.TABLE,
    "PNG": png.TABLE,
    "RIFF": riff.TABLE,
    "XMP": xmp.TABLE,
    "Meta": meta.TABLE,
}
