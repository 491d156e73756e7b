"""Services: every write to an ExtractionSession goes through here (create, run, complete, fail)."""

import logging
import secrets
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, close_old_connections, connection
from django.utils import timezone

from progress.broadcast import broadcast_session

from .models import ExtractionSession
from .pipeline import PipelineError, Stage, run_pipeline
from .pipeline.formats import HEAD_BYTES, detect_format
from .session_ids import is_valid_session_id, new_session_id
from .storage import local_path, upload_storage

logger = logging.getLogger(__name__)

Status = ExtractionSession.Status


class UploadRejected(Exception):
    """An upload we refuse before anything is stored; `code` is the stable error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class LostOwnership(Exception):
    """Another writer changed the row since we read it: this worker must stop writing."""


def session_id_check(session_id: str | None) -> str:
    """Return the client's session id, or a new UUID4 when none was given; refuse a malformed one."""
    if session_id in (None, ""):
        return new_session_id()
    if not is_valid_session_id(session_id):
        raise UploadRejected(
            "invalid_session_id", "session_id must be 8 to 64 characters of A-Z, a-z, 0-9, '_' and '-'."
        )
    return session_id


def session_create(*, session_id: str | None, upload: UploadedFile | None) -> ExtractionSession:
    """Store an upload and its pending row, or raise UploadRejected leaving nothing behind."""
    session_id = session_id_check(session_id)
    if upload is None:
        raise UploadRejected("missing_file", "Send the image as the multipart field 'file' or as the raw request body.")
    if upload.size == 0:
        raise UploadRejected("empty_file", "The uploaded file is empty.")
    if ExtractionSession.objects.filter(pk=session_id).exists():
        raise UploadRejected("session_exists", f"Session {session_id} already exists; use a new session id.")
    upload.seek(0)
    fmt = detect_format(upload.read(HEAD_BYTES))
    upload.seek(0)
    if fmt is None:
        raise UploadRejected(
            "unsupported_format",
            "The file is not an image we read (JPEG, PNG, WebP, TIFF, GIF, BMP, HEIC/HEIF, AVIF, DNG).",
        )
    storage = upload_storage()
    stored_path = storage.save(f"{secrets.token_hex(16)}.{fmt.extension}", upload)
    try:
        session = ExtractionSession.objects.create(
            id=session_id,
            seq=1,
            original_name=(upload.name or "")[:255],
            size=upload.size,
            format=fmt.name,
            mime_type=fmt.mime,
            stored_path=stored_path,
        )
    except IntegrityError:
        storage.delete(stored_path)
        raise UploadRejected("session_exists", f"Session {session_id} already exists; use a new session id.") from None
    except BaseException:
        storage.delete(stored_path)
        raise
    broadcast_session(session)  # "Queued": a watcher that connected first learns the upload arrived
    return session


def session_run(*, session_id: str) -> None:
    """Run the pipeline for a pending session, saving and broadcasting every stage."""
    close_old_connections()
    try:
        session = _session_claim(session_id)
        if session is None:
            return
        _session_process(session)
    finally:
        connection.close()  # this runs in a worker thread: give its connection back


def _session_claim(session_id: str) -> ExtractionSession | None:
    claimed = ExtractionSession.objects.filter(pk=session_id, status=Status.PENDING).update(
        status=Status.PROCESSING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        logger.info("session %s is not pending; nothing to run", session_id)
        return None
    return ExtractionSession.objects.get(pk=session_id)


def _session_process(session: ExtractionSession) -> None:
    def on_progress(stage: Stage) -> None:
        _session_advance(session, progress=stage.progress, stage=stage.name, status_message=stage.status)

    if not upload_storage().exists(session.stored_path):
        session_fail(session=session, code="upload_missing", message="The uploaded file is no longer stored.")
        return
    try:
        with local_path(session.stored_path) as path:
            result = run_pipeline(path, on_progress=on_progress, name=session.original_name)
    except LostOwnership:
        logger.warning("session %s changed under its worker; stopping", session.id)
    except PipelineError as exc:
        session_fail(session=session, code=exc.code, message=exc.message)
    except Exception:
        logger.exception("session %s: unexpected error in the pipeline", session.id)
        session_fail(session=session, code="internal_error", message="The extraction failed unexpectedly.")
    else:
        session_complete(session=session, result=result)


def session_complete(*, session: ExtractionSession, result: dict[str, Any]) -> None:
    facts = result.get("groups", {}).get("File", {})
    _session_advance(
        session,
        status=Status.COMPLETE,
        progress=100,
        stage="complete",
        status_message="Extraction complete!",
        result=result,
        sha256=facts.get("SHA256", ""),
        finished_at=timezone.now(),
    )


def session_fail(*, session: ExtractionSession, code: str, message: str) -> None:
    """End a session as failed with a stable error code; the stage it failed in is kept."""
    try:
        _session_advance(
            session,
            status=Status.FAILED,
            status_message="Extraction failed",
            error_code=code,
            error_message=message,
            finished_at=timezone.now(),
        )
    except LostOwnership:
        logger.warning("session %s changed under its worker; not marking it failed", session.id)


def _session_advance(session: ExtractionSession, **fields: Any) -> None:
    """Save `fields` if nobody else wrote since we read the row, then broadcast the new state."""
    fields["updated_at"] = timezone.now()
    updated = ExtractionSession.objects.filter(pk=session.pk, seq=session.seq).update(
        seq=session.seq + 1, **fields
    )
    if not updated:
        raise LostOwnership(session.pk)
    for name, value in fields.items():
        setattr(session, name, value)
    session.seq += 1
    broadcast_session(session)
