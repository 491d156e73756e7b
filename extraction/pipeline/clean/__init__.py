"""Clean copies: identifying metadata removed by container surgery, never by re-encoding, then proven by reading back.

`clean_image(data, keep=...)` edits the container (one function per format); `clean_file(src, dst)` writes
the copy, reads it back with our own extractor and refuses it (`clean_failed`) when anything identifying
is left. Pure: no Django; the caller decides where files go.
"""

import mmap
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import PipelineError
from ..extract import error_record, extract_file, read_container, read_result
from ..formats import detect_format
from ..source import Source
from .gif import clean_gif
from .heif import clean_heif
from .jpeg import NotCleanable, clean_jpeg
from .png import clean_png
from .tiff import Unsupported, clean_tiff
from .webp import clean_webp

KEEP_DEFAULT, KEEP_NONE = "default", "none"
KEEP_CHOICES = (KEEP_DEFAULT, KEEP_NONE)

Cleaner = Callable[..., bytes]
CLEANERS: dict[str, Cleaner] = {
    "JPEG": clean_jpeg, "PNG": clean_png, "WEBP": clean_webp, "GIF": clean_gif, "TIFF": clean_tiff,
    "HEIC": clean_heif, "HEIF": clean_heif, "AVIF": clean_heif,
}
_NOT_CLEANED = {
    "BMP": "BMP files carry no identifying metadata to remove",
    "BTF": "BigTIFF files are not cleaned",
    "DNG": "DNG and other raw files keep their image in maker-specific structures",
}
# Groups that only ever hold what the clean copy removes.
_IDENTIFYING_GROUPS = {"XMP", "IPTC", "Photoshop", "MakerNotes", "APP1", "APP12", "Ducky", "FotoStation",
                       "FlashPix", "MPF", "PrintIM"}
# EXIF tags a clean TIFF keeps to draw its pixels (TIFF 6.0 image structure), and the orientation.
_STRUCTURE_TAGS = {
    "Orientation", "SubfileType", "OldSubfileType", "ImageWidth", "ImageHeight", "BitsPerSample", "Compression",
    "PhotometricInterpretation", "Thresholding", "CellWidth", "CellLength", "FillOrder", "StripOffsets",
    "SamplesPerPixel", "RowsPerStrip", "StripByteCounts", "MinSampleValue", "MaxSampleValue", "XResolution",
    "YResolution", "PlanarConfiguration", "GrayResponseUnit", "GrayResponseCurve", "ResolutionUnit",
    "TransferFunction", "Predictor", "WhitePoint", "PrimaryChromaticities", "ColorMap", "TileWidth",
    "TileLength", "TileOffsets", "TileByteCounts", "InkSet", "ExtraSamples", "SampleFormat", "SMinSampleValue",
    "SMaxSampleValue", "JPEGTables", "YCbCrCoefficients", "YCbCrSubSampling", "YCbCrPositioning",
    "ReferenceBlackWhite", "ExifByteOrder",
}


@dataclass
class CleanCopy:
    data: bytes
    format: str


def clean_image(data: bytes, *, keep: str = KEEP_DEFAULT) -> CleanCopy:
    """The clean copy's bytes; PipelineError `clean_unsupported` (with the reason) for formats we do not clean."""
    found = detect_format(bytes(data[:64]))
    name = found.name if found else "unknown"
    cleaner = CLEANERS.get(name)
    if cleaner is None:
        reason = _NOT_CLEANED.get(name, "the file is not an image format we read")
        raise PipelineError("clean_unsupported", f"A clean copy of this {name} file cannot be made: {reason}.")
    try:
        return CleanCopy(cleaner(bytes(data), keep_orientation=keep != KEEP_NONE, keep_icc=keep != KEEP_NONE), name)
    except Unsupported as exc:
        raise PipelineError("clean_unsupported", f"A clean copy of this file cannot be made: {exc}.") from None
    except (NotCleanable, IndexError, ValueError) as exc:  # struct errors on truncated files are ValueErrors
        raise PipelineError("clean_failed", f"The file's structure could not be cleaned: {exc}.") from None


def leftovers(record: dict[str, Any], *, keep: str = KEEP_DEFAULT) -> list[str]:
    """What identifying is still in a record read from a clean copy (`Group:Tag`); [] when it is clean."""
    left = []
    for group, values in record.get("groups", {}).items():
        for tag in values:
            if (group in _IDENTIFYING_GROUPS or tag.startswith("GPS")
                    or (group == "EXIF" and tag not in _STRUCTURE_TAGS)
                    or (group == "EXIF" and tag == "Orientation" and keep == KEEP_NONE)
                    or (group == "File" and tag == "Comment")):
                left.append(f"{group}:{tag}")
    return left


def clean_file(source: str, target: str, *, keep: str = KEEP_DEFAULT, original: dict[str, Any] | None = None
               ) -> dict[str, Any]:
    """Write the clean copy of `source` to `target`, verified; return what was removed and kept.

    Raises PipelineError (`clean_unsupported`, `clean_failed`, `unreadable_file`); `target` never
    outlives a failure.
    """
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise PipelineError("unreadable_file", f"The file could not be read: {exc.strerror}.") from None
    copy = clean_image(data, keep=keep)
    original = original if original is not None else extract_file(source)
    with open(target, "xb") as handle:  # never overwrites: an existing target raises FileExistsError
        try:
            handle.write(copy.data)
        except BaseException:
            handle.close()
            _remove(target)
            raise
    try:
        record = read_back(target)
        left = leftovers(record, keep=keep) if record["ok"] else [f"unreadable: {record['error']['code']}"]
        if left:
            raise PipelineError("clean_failed", f"The copy still holds {', '.join(left[:5])}: it is not served.")
    except BaseException:
        _remove(target)
        raise
    return {"bytes": len(copy.data), "format": copy.format, **describe(original, record, keep=keep)}


def read_back(path: str) -> dict[str, Any]:
    """The copy's record as `extract_file` reads it (same reader, same groups), minus what no check reads.

    Skipped: the File facts the bytes give (SHA-256 of the whole copy, size, name, type) and the findings.
    The copy is mapped, not read: the readers touch its header segments and its end, so the scan (nearly
    all of a photo) is never copied; the digest was the one step that walked all of it.
    """
    try:
        source = _map_copy(path)
        container = read_container(source)
        try:
            return read_result(source, container, dict(container.groups.get("File", {})))
        except PipelineError:
            raise
        except Exception as exc:  # as extract(): a parser gap on hostile bytes is a clean code, never a traceback
            raise PipelineError("corrupt_image", f"The metadata could not be read: {exc}") from None
    except PipelineError as exc:
        return error_record(os.path.basename(path), exc)


def _map_copy(path: str) -> Source:
    """The written copy as a Source over an mmap (what open_source does for big uploads), same error codes."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                raise PipelineError("empty_file", "The file is empty.")
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as exc:
        raise PipelineError("unreadable_file", f"The file could not be read: {exc.strerror or exc}.") from None
    found = detect_format(data[:64])
    if found is None:
        raise PipelineError("unsupported_format", "The file is not an image format we read.")
    return Source(name=os.path.basename(path), data=data, format=found)  # type: ignore[arg-type]


def describe(original: dict[str, Any], copy: dict[str, Any], *, keep: str = KEEP_DEFAULT) -> dict[str, Any]:
    """What the copy lost and kept, by group, in words a person reads."""
    before, after = original.get("groups", {}), copy.get("groups", {})
    removed_tags = {
        group: len(set(values) - set(after.get(group, {})))
        for group, values in before.items()
        if group not in ("File", "Composite", "ExifTool")
    }
    had_gps = any(tag.startswith("GPS") for tag in before.get("EXIF", {}))
    thumbnail = any("Thumbnail" in tag or "Preview" in tag for values in before.values() for tag in values)
    removed: list[str] = ["GPS position"] if had_gps else []
    for group, count in sorted(removed_tags.items(), key=lambda item: -item[1]):
        if count:
            gps = sum(tag.startswith("GPS") for tag in before[group]) if group == "EXIF" else 0
            if count - gps:
                tags = count - gps
                removed.append("maker notes" if group == "MakerNotes" else f"{tags} {group} tag{'s' * (tags != 1)}")
    if "Comment" in before.get("File", {}) and "Comment" not in after.get("File", {}):
        removed.append("comment")
    if thumbnail:
        removed.append("embedded thumbnail")
    kept = []
    if "Orientation" in after.get("EXIF", {}) or "Rotation" in after.get("QuickTime", {}):
        kept.append("orientation")
    if after.get("ICC_Profile"):
        kept.append("colour profile")
    sentence = ("Removed: " + ", ".join(removed) + "." if removed else "Nothing identifying was found.") + (
        " Kept: " + ", ".join(kept) + "." if kept else "")
    return {"removed": removed, "kept": kept, "removedTags": {g: n for g, n in removed_tags.items() if n},
            "summary": sentence, "verified": True}


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
