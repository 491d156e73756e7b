"""Services for resumable (tus) uploads: create one, append bytes, end it; the last byte makes a session.

The partial state lives on disk (extraction.tus_store), never in the database: a row appears only
when the upload is whole, through `session_submit`, exactly as for a plain upload.
"""

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .models import ExtractionSession
from .pipeline.formats import HEAD_BYTES, detect_format
from .services import UploadRejected, session_id_check, session_submit
from .storage import storage_failure
from .tus_store import TooManyBytes, TusStore, UploadBusy, UploadInfo

logger = logging.getLogger(__name__)

__all__ = ["UploadBusy", "UploadRejected", "resumable_append", "resumable_create", "resumable_get",
           "resumable_terminate", "resumables_sweep", "tus_store"]

UNSUPPORTED = "The file is not an image we read (JPEG, PNG, WebP, TIFF, GIF, BMP, HEIC/HEIF, AVIF, DNG)."


def tus_store() -> TusStore:
    return TusStore(settings.MEDIA_ROOT / "tus")


def too_large_message() -> str:
    limit = settings.MAX_UPLOAD_BYTES
    return f"The file is larger than the {limit / 1048576:.1f} MiB ({limit} bytes) allowed."


@contextmanager
def _storing(upload_id: str) -> Iterator[None]:
    """A disk error while the partial upload is written: `storage_full` (507) or `storage_unavailable`
    (503), never a 500; the store has already taken back what the failed write left."""
    try:
        yield
    except OSError as exc:
        logger.warning("tus upload %s: could not write to the upload folder: %s", upload_id, exc)
        failure = storage_failure(exc)
        raise UploadRejected(failure.code, failure.message) from exc


def resumable_create(*, length: int, metadata: dict[str, str], owner_key: str = "") -> UploadInfo:
    """Open a new partial upload of `length` bytes, or raise UploadRejected before any byte is stored."""
    if length > settings.MAX_UPLOAD_BYTES:
        raise UploadRejected("file_too_large", too_large_message())
    if length == 0:
        raise UploadRejected("empty_file", "The uploaded file is empty.")
    requested = metadata.get("session_id") or None
    if requested is not None:
        session_id_check(requested)
        if ExtractionSession.objects.filter(pk=requested).exists():
            raise UploadRejected("session_exists", f"Session {requested} already exists; use a new session id.")
    with _storing("(new)"):
        return tus_store().create(length=length, metadata=metadata, owner_key=owner_key, session_id=requested)


def resumable_get(upload_id: str) -> UploadInfo | None:
    """The upload's state, or None when it is unknown, ended or expired (expired ones are deleted here)."""
    store = tus_store()
    info = store.get(upload_id)
    if info is not None and _expired(info):
        try:
            with store.locked(upload_id):
                return _live(store, upload_id)
        except UploadBusy:
            return info  # a request is writing it: not abandoned
    return info


def _live(store: TusStore, upload_id: str) -> UploadInfo | None:
    """With the upload's lock held: its state, or None (and its files deleted) when it expired."""
    info = store.get(upload_id)
    if info is not None and _expired(info):
        store.delete(upload_id)
        return None
    return info


def resumable_append(*, upload_id: str, offset: int, stream: BinaryIO) -> tuple[UploadInfo, ExtractionSession | None]:
    """Write a PATCH body at `offset`; when it was the last byte, create the session (second item).

    Raises UploadRejected with a stable code; an upload refused for its content is deleted whole.
    """
    store = tus_store()
    if store.get(upload_id) is None:  # checked before locking: no lock file for an id that names nothing
        raise UploadRejected("upload_not_found", f"No upload {upload_id}; it may have expired or ended.")
    with _storing(upload_id), store.locked(upload_id):
        info = _live(store, upload_id)
        if info is None:
            store.delete(upload_id)  # it went while we waited: drop the lock file we made
            raise UploadRejected("upload_not_found", f"No upload {upload_id}; it may have expired or ended.")
        if info.finished_session:
            raise UploadRejected("upload_finished", f"Upload {upload_id} is complete: session {info.finished_session}.")
        if offset != info.offset:
            raise UploadRejected("offset_mismatch", f"Upload-Offset is {offset}, but the server holds {info.offset} bytes.")
        try:
            written = store.append(info, stream)
        except TooManyBytes:
            raise UploadRejected(
                "upload_length_exceeded", f"The body would pass the upload's declared length of {info.length} bytes."
            ) from None
        logger.info("tus upload %s: wrote %d bytes at offset %d (%d/%d)", upload_id, written, offset,
                    info.offset, info.length)
        if not info.format and info.offset >= min(HEAD_BYTES, info.length):
            fmt = detect_format(store.head(upload_id, HEAD_BYTES))
            if fmt is None:
                store.delete(upload_id)
                raise UploadRejected("unsupported_format", UNSUPPORTED)
            info.format = fmt.name
            try:
                store.save(info)
            except OSError as exc:  # the bytes and their count are saved: the format is sniffed again next time
                logger.warning("tus upload %s: could not record its format: %s", upload_id, exc)
        if info.offset < info.length:
            return info, None
        return info, _session_from(store, info)


def _session_from(store: TusStore, info: UploadInfo) -> ExtractionSession:
    """Hand the finished file to `session_submit` (it moves the file into the upload storage, then dispatches)."""
    path = store.part_path(info.id)
    name = info.metadata.get("filename") or "upload"
    try:
        with open(path, "rb") as handle:
            upload = FinishedUpload(handle, name=name, size=info.length, path=path)
            session = session_submit(session_id=info.session_id, upload=upload, owner_key=info.owner_key)
    except BaseException:
        store.delete(info.id)  # a refused or failed hand-off leaves nothing of the upload behind
        raise
    store.finish(info, session.id)
    logger.info("tus upload %s complete: session %s, %d bytes in %d requests, %d bytes written",
                info.id, session.id, info.length, info.requests, info.written)
    return session


class FinishedUpload(UploadedFile):
    """A finished partial file as a Django upload; FileSystemStorage moves it instead of copying 50 MB."""

    def __init__(self, file: BinaryIO, *, name: str, size: int, path: os.PathLike):
        super().__init__(file, name=name, content_type="application/octet-stream", size=size)
        self._path = os.fspath(path)

    def temporary_file_path(self) -> str:
        return self._path


def resumable_terminate(*, upload_id: str) -> bool:
    """Delete an upload and its bytes (tus termination); False when there was none."""
    store = tus_store()
    if store.get(upload_id) is None:
        return False
    with store.locked(upload_id):
        existed = store.get(upload_id) is not None
        store.delete(upload_id)
        return existed


def resumables_sweep() -> list[str]:
    """Delete partial uploads idle for UPLOAD_EXPIRY_SECONDS (and finished records as old); return their ids."""
    removed = tus_store().sweep(ttl_seconds=settings.UPLOAD_EXPIRY_SECONDS)
    if removed:
        logger.info("deleted %d expired resumable upload(s)", len(removed))
    return removed


def _expired(info: UploadInfo) -> bool:
    return time.time() > info.expires_at(settings.UPLOAD_EXPIRY_SECONDS)
