"""Reads an uploaded file once into memory and decides its format from the bytes."""

import hashlib
import mmap
import os
from dataclasses import dataclass

from .errors import PipelineError
from .formats import ImageFormat, detect_format

# Bigger files are mapped rather than read, so memory stays flat whatever the upload size.
_MMAP_FROM = 32 * 1024 * 1024


@dataclass
class Source:
    name: str
    data: bytes
    format: ImageFormat

    @property
    def size(self) -> int:
        return len(self.data)

    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def open_source(path: str, name: str | None = None) -> Source:
    """Read the file at `path` once; raise PipelineError if it is empty or not an image we read."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise PipelineError("empty_file", "The file is empty.")
            if size >= _MMAP_FROM:
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            else:
                data = handle.read()
    except OSError as exc:
        raise PipelineError("unreadable_file", f"The file could not be read: {exc.strerror or exc}.") from None
    fmt = detect_format(bytes(data[:64]))
    if fmt is None:
        raise PipelineError("unsupported_format", "The file is not an image format we read.")
    return Source(name=name or os.path.basename(path), data=data, format=fmt)  # type: ignore[arg-type]
