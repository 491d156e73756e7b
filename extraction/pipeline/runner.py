"""Runs the stages of one extraction in order, reporting each as it begins."""

import hashlib
import os
from collections.abc import Callable
from typing import Any

from .errors import PipelineError
from .findings import analyse
from .formats import HEAD_BYTES, detect_format
from .metadata import image_size, read_metadata
from .stages import ANALYSE, EXTRACT, FINALISE, START, STORE, VALIDATE, Stage

ProgressCallback = Callable[[Stage], None]

_HASH_CHUNK = 1024 * 1024


def run_pipeline(path: str, *, on_progress: ProgressCallback, name: str | None = None) -> dict[str, Any]:
    """Extract the metadata of the image at `path`; raise PipelineError for a file we cannot use."""
    on_progress(START)

    on_progress(VALIDATE)
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head:
        raise PipelineError("empty_file", "The file is empty.")
    fmt = detect_format(head)
    if fmt is None:
        raise PipelineError("unsupported_format", "The file is not an image format we read.")
    image_size(path)

    on_progress(STORE)
    facts = {
        "FileName": name or os.path.basename(path),
        "FileSize": os.path.getsize(path),
        "FileType": fmt.name,
        "MIMEType": fmt.mime,
        "SHA256": _sha256(path),
    }

    on_progress(EXTRACT)
    metadata = read_metadata(path, fmt)

    on_progress(ANALYSE)
    findings = analyse(metadata)

    on_progress(FINALISE)
    groups = {"File": facts, **metadata["groups"]}
    return {
        "file": facts["FileName"],
        "ok": True,
        "error": None,
        "summary": metadata["summary"],
        "groups": groups,
        "findings": findings,
    }


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
