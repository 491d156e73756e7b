"""One file in, one result record out: the schema shared by run_pipeline and extract_metadata."""

import os
from collections.abc import Callable
from typing import Any

from .composite import build_composite
from .containers import READERS, Container, ContainerError
from .errors import PipelineError
from .exif import decode_pillow_tiff
from .file_group import file_group, tiff_type
from .findings import analyse
from .header import PILLOW_FORMATS, Header, TooLarge, UnidentifiedImageError, open_header
from .jsonsafe import json_safe
from .metadata import read_groups
from .printed import print_groups
from .printing.quicktime import hints as quicktime_hints
from .source import Source, open_source
from .stages import ANALYSE, EXTRACT, FINALISE, START, STORE, VALIDATE, Stage
from .summary import build_summary

ProgressCallback = Callable[[Stage], None]

# Pillow's own decompression-bomb limit, doubled; we refuse by the header's pixel count, before any decode.
MAX_IMAGE_PIXELS = 2 * 89_478_485


def extract(path: str, *, on_progress: ProgressCallback, name: str | None = None,
            clean_to: str | None = None, preview_to: str | None = None) -> dict[str, Any]:
    """Run every stage for the file at `path`, reporting each; raise PipelineError for a file we cannot use.

    With `clean_to`, the last stage also writes a verified clean copy there; `result["clean"]` says
    what it removed and kept, or why there is none (the file's metadata is still the result).
    With `preview_to`, the extract stage also writes a small JPEG preview there, when one can be made
    safely (no file there means none could); it never fails the extraction.
    """
    on_progress(START)
    on_progress(VALIDATE)
    source = open_source(path, name)
    container = read_container(source)

    on_progress(STORE)
    facts = file_facts(source, container)

    on_progress(EXTRACT)
    if preview_to is not None:
        write_preview(path, preview_to)  # the image was read and is no bomb: ready before the next stage
    result = _guarded(read_result, source, container, facts)

    on_progress(ANALYSE)
    result["findings"] = _guarded(analyse, result)

    on_progress(FINALISE)
    if clean_to is not None:
        result["clean"] = _clean_copy(path, clean_to, result)
    return result


def _clean_copy(path: str, target: str, record: dict[str, Any]) -> dict[str, Any]:
    from .clean import clean_file  # the cleaner reads its copy back through this module

    try:
        return {"ok": True, "error": None, **clean_file(path, target, original=record)}
    except PipelineError as exc:
        return {"ok": False, "error": exc.as_dict()}


def write_preview(path: str, target: str) -> bool:
    """Write the image's preview to `target` (whole, or not at all); False when none could be made."""
    from .preview import make_preview  # Pillow's plugins and pillow-heif load only when previews are asked for

    try:
        preview = make_preview(path)
    except Exception:  # Pillow raises many types on hostile bytes; no preview is the answer, never a failure
        preview = None
    if preview is None:
        return False
    partial = f"{target}.part"
    try:
        with open(partial, "wb") as handle:
            handle.write(preview)
        os.replace(partial, target)
    except OSError:
        try:
            os.unlink(partial)
        except OSError:
            pass
        return False
    return True


def read_result(source: Source, container: Container, facts: dict[str, Any]) -> dict[str, Any]:
    """The record for a readable file, findings still empty: summary and groups from every metadata block."""
    groups, exif, hints = read_groups(container)
    raw = tiff_type(source, exif)
    if raw is not None:
        facts["FileType"], facts["MIMEType"], facts["FileTypeExtension"] = raw.name, raw.mime, raw.extension.upper()
    if exif is not None and exif.byte_order:
        facts["ExifByteOrder"] = exif.byte_order
    summary = json_safe(build_summary(groups, container.width, container.height))  # type: ignore[arg-type]
    composite, hints["Composite"] = build_composite(groups, summary, hints)
    if "QuickTime" in groups:
        hints["QuickTime"] = {**quicktime_hints(groups["QuickTime"]), **hints.get("QuickTime", {})}
    groups = json_safe({"File": facts, **groups, "Composite": composite})
    printed = json_safe(print_groups(groups, hints))
    return {"file": source.name, "ok": True, "error": None, "summary": summary, "groups": groups,
            "printed": printed, "findings": []}


def _guarded(step: Callable[..., Any], *args: Any) -> Any:
    try:
        return step(*args)
    except PipelineError:
        raise
    except Exception as exc:  # a parser gap on hostile bytes must end as a clean code, never a traceback
        raise PipelineError("corrupt_image", f"The metadata could not be read: {exc}") from None


def extract_file(path: str, *, name: str | None = None) -> dict[str, Any]:
    """The result record for one file; a file we cannot use gives ok=False and its error, never an exception."""
    try:
        return extract(path, on_progress=_ignore, name=name)
    except PipelineError as exc:
        return error_record(name or os.path.basename(path), exc)


def error_record(name: str, exc: PipelineError) -> dict[str, Any]:
    return {"file": name, "ok": False, "error": exc.as_dict(), "summary": {}, "groups": {}, "printed": {},
            "findings": []}


def read_container(source: Source) -> Container:
    """Find the metadata blocks and the real pixel size; refuse broken files and decompression bombs."""
    reader = READERS[source.format.name]
    try:
        container = reader(source.data)
    except ContainerError as exc:
        raise PipelineError("corrupt_image", str(exc)) from None
    except Exception as exc:  # truncated or hostile structures raise many types; all mean the same here
        raise PipelineError("corrupt_image", f"The image structure could not be read: {exc}") from None
    _refuse_bombs(container.width, container.height)  # before Pillow sees the file
    header = _pillow_header(source, container)
    if header is not None and header.tiff_tags is not None:
        container.decoded_exif = decode_pillow_tiff(header.tiff_tags)
    if header is not None and source.format.name in _PILLOW_SIZED and container.height != 0:
        # Pillow's size is the image's. Not for TIFF (a DNG or TIFF raw keeps the full-size image in a
        # SubIFD; Pillow reports IFD0, often a preview), HEIF/AVIF (pillow-heif reports the size after
        # rotation; ExifTool reports the stored, clean-aperture size), nor a JPEG whose height is left
        # to a DNL marker after the scan (ExifTool reports 0, as does our SOF reading).
        container.width, container.height = header.width, header.height
    if container.width is None or container.height is None:
        raise PipelineError("corrupt_image", "The image declares no pixel size.")
    _refuse_bombs(container.width, container.height)
    return container


# Formats whose pixel size we take from Pillow's header; the others keep the container reader's size.
_PILLOW_SIZED = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "BTF"}


def _pillow_header(source: Source, container: Container) -> Header | None:
    """Pillow's header for the file; None (with a warning) where Pillow fails but our reader found an image."""
    if source.format.name not in PILLOW_FORMATS:
        return None  # a raw Pillow has no reader for: our container reader's size stands
    try:
        return open_header(source.data, source.format.name)
    except TooLarge as exc:
        raise PipelineError("image_too_large", f"The image is too large: {exc}") from None
    except Exception as exc:  # Pillow raises many types on broken headers
        # (its "cannot identify" message names a buffer's address: keep the text stable)
        reason = "not a header Pillow recognises" if isinstance(exc, UnidentifiedImageError) else str(exc)
        if container.width is None or container.height is None:
            raise PipelineError("corrupt_image", f"The image header could not be read: {reason}") from None
        # ExifTool reads the metadata of files whose image data is broken; so do we, with a warning.
        container.warnings.append(f"Pillow: the image header could not be read: {reason}")
        return None


def _refuse_bombs(width: int | None, height: int | None) -> None:
    # A zero stays as read: a JPEG may leave its height to a later DNL marker, and ExifTool reports 0 too.
    if width is not None and height is not None and width * height > MAX_IMAGE_PIXELS:
        raise PipelineError(
            "image_too_large", f"The image has {width}x{height} pixels, more than the {MAX_IMAGE_PIXELS} allowed."
        )


def file_facts(source: Source, container: Container) -> dict[str, Any]:
    group = file_group(source)
    facts: dict[str, Any] = {
        "FileName": source.name,
        "FileSize": source.size,
        "FileType": group.pop("FileType"),
        "FileTypeExtension": group.pop("FileTypeExtension"),
        "MIMEType": source.format.mime,
        "SHA256": source.sha256(),
        "ImageWidth": container.width,
        "ImageHeight": container.height,
        **group,
    }
    facts.update(container.groups.get("File", {}))
    return facts


def _ignore(stage: Stage) -> None:
    pass
