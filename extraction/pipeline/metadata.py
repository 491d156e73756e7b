"""Reads an image's metadata into ExifTool-style groups and a summary of key fields."""

import warnings
from typing import Any

import pillow_heif
from PIL import ExifTags, Image

from .errors import PipelineError
from .formats import ImageFormat

pillow_heif.register_heif_opener()

# Pillow refuses to open more pixels than this (a decompression bomb); we refuse them earlier.
MAX_IMAGE_PIXELS = 2 * Image.MAX_IMAGE_PIXELS

_SUMMARY_TAGS = ("Make", "Model", "Software", "LensModel", "DateTimeOriginal", "ExposureTime",
                 "FNumber", "ISO", "FocalLength", "Orientation")


def image_size(path: str) -> tuple[int, int]:
    """Open the image header (no pixel decode) and return its real pixel size."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError as exc:
        raise PipelineError("image_too_large", str(exc)) from None
    except Exception as exc:  # Pillow raises many types for broken files
        raise PipelineError("corrupt_image", f"The image could not be read: {exc}") from None
    if width <= 0 or height <= 0:
        raise PipelineError("corrupt_image", "The image has no pixels.")
    if width * height > MAX_IMAGE_PIXELS:
        raise PipelineError(
            "image_too_large",
            f"The image has {width}x{height} pixels, more than the {MAX_IMAGE_PIXELS} allowed.",
        )
    return width, height


def read_metadata(path: str, fmt: ImageFormat) -> dict[str, Any]:
    """Return {"summary": {...}, "groups": {...}} for the image at `path`."""
    width, height = image_size(path)
    exif: dict[str, Any] = {}
    try:
        with Image.open(path) as image:
            raw = image.getexif()
            merged = dict(raw)
            merged.update(raw.get_ifd(ExifTags.IFD.Exif))
            for tag, value in merged.items():
                name = ExifTags.TAGS.get(tag)
                if name:
                    exif[name] = _json_safe(value)
    except Exception as exc:
        raise PipelineError("corrupt_image", f"The metadata could not be read: {exc}") from None
    if "ISOSpeedRatings" in exif:
        exif["ISO"] = exif.pop("ISOSpeedRatings")
    summary = {tag: exif[tag] for tag in _SUMMARY_TAGS if tag in exif and exif[tag] not in ("", None)}
    summary["ImageWidth"], summary["ImageHeight"] = width, height
    groups = {"EXIF": exif} if exif else {}
    groups["Composite"] = {"ImageSize": f"{width}x{height}", "Megapixels": round(width * height / 1e6, 3)}
    return {"summary": summary, "groups": groups}


def _json_safe(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.rstrip(b"\x00").decode("latin-1")
    if isinstance(value, str):
        return value.strip().rstrip("\x00").strip()
    if isinstance(value, tuple):
        return [_json_safe(item) for item in value]
    if hasattr(value, "numerator") and hasattr(value, "denominator"):
        return float(value) if value.denominator else None
    return value
