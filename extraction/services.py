"""Services: every write to an ExtractionSession goes through here (create, run, complete, fail), each
guarded by the `seq` and lease it read (`_row_update`), and each saved change is then `notify`-ed."""

import asyncio
import logging
import os
import secrets
import socket
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from imgmvp_site import metrics

from . import pipeline_pool, tasks
from .clean_copies import FOLDER as CLEAN_FOLDER, clean_copies_expire, clean_discard, clean_kept_fields, clean_target
from .connections import TRANSIENT_DATABASE_ERRORS, connection_checked, is_transient, with_retries
from .models import ExtractionSession
from .notifications import notify
from .pipeline import PipelineError, Stage, run_pipeline
from .pipeline.formats import HEAD_BYTES, detect_format
from .previews import FOLDER as PREVIEW_FOLDER, preview_discard, preview_target
from .rows import row_update
from .selectors import session_get
from .session_ids import is_valid_session_id, new_session_id
from .storage import StorageFailed, local_path, upload_store, upload_storage

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


def session_create(
    *, session_id: str | None, upload: UploadedFile | None, owner_key: str = ""
) -> ExtractionSession:
    """Store an upload and its pending row, or raise UploadRejected leaving nothing behind.

    `owner_key` is the uploader's Django session key (a browser upload), "" for an anonymous client.
    A storage that fails answers `storage_full` / `storage_unavailable`, a database that stays locked
    or unreachable for UPLOAD_DATABASE_RETRY_SECONDS `busy`; the stored file is removed either way.
    """
    client_chose_id = session_id not in (None, "")
    session_id = session_id_check(session_id)
    if upload is None:
        raise UploadRejected("missing_file", "Send the image as the multipart field 'file' or as the raw request body.")
    if upload.size == 0:
        raise UploadRejected("empty_file", "The uploaded file is empty.")
    if _for_upload(lambda: ExtractionSession.objects.filter(pk=session_id).exists()):
        raise UploadRejected("session_exists", f"Session {session_id} already exists; use a new session id.")
    upload.seek(0)
    fmt = detect_format(upload.read(HEAD_BYTES))
    upload.seek(0)
    if fmt is None:
        raise UploadRejected(
            "unsupported_format",
            "The file is not an image we read (JPEG, PNG, WebP, TIFF, GIF, BMP, HEIC/HEIF, AVIF, DNG).",
        )
    try:
        stored_path = upload_store(f"{secrets.token_hex(16)}.{fmt.extension}", upload)
    except StorageFailed as exc:
        raise UploadRejected(exc.code, exc.message) from exc
    try:
        session = _for_upload(lambda: ExtractionSession.objects.create(
            id=session_id,
            seq=1,
            original_name=clean_name(upload.name or "")[:255],
            size=upload.size,
            format=fmt.name,
            mime_type=fmt.mime,
            stored_path=stored_path,
            owner_key=owner_key or "",
            client_chose_id=client_chose_id,
            lease_owner=_queue_owner(),
        ))
    except IntegrityError:
        upload_storage().delete(stored_path)
        raise UploadRejected("session_exists", f"Session {session_id} already exists; use a new session id.") from None
    except BaseException:
        upload_storage().delete(stored_path)
        raise
    try:
        notify(session)  # "Queued": a watcher that connected first learns the upload arrived
    except asyncio.CancelledError:
        # The request was cancelled (its client hung up) while the notice was being sent from this
        # thread. The row is stored and must still run: it is not the upload that failed.
        logger.info("session %s: its client left while watchers were told; it runs anyway", session.id)
    return session


# How long an upload waits for a locked or lost database (on top of SQLite's own timeout) before
# answering `503 busy`.
UPLOAD_DATABASE_RETRY_SECONDS = 2.0


def _for_upload(query):
    try:
        return with_retries(query, within=UPLOAD_DATABASE_RETRY_SECONDS)
    except TRANSIENT_DATABASE_ERRORS as exc:
        if not is_transient(exc):
            raise
        logger.warning("upload refused: the database is busy or unreachable (%s)", exc)
        raise UploadRejected("busy", "The server is busy; try again in a few seconds.") from exc


_CONTROL_CHARACTERS = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)])


def clean_name(name: str) -> str:
    """A client's file name without control characters (NUL, newlines, escapes: PostgreSQL refuses a
    NUL, and none belongs in a name shown on a page or in a log)."""
    return name.translate(_CONTROL_CHARACTERS).strip()


def session_submit(
    *, session_id: str | None, upload: UploadedFile | None, owner_key: str = ""
) -> ExtractionSession:
    """`session_create`, then hand the session to a worker once its row is committed."""
    session = session_create(session_id=session_id, upload=upload, owner_key=owner_key)
    transaction.on_commit(lambda: tasks.session_dispatch(session.id))
    return session


def session_run(*, session_id: str) -> None:
    """Claim a pending session, then run the pipeline, saving (and notifying of) every stage.

    A no-op when the session is not pending: a repeated job for it costs one read.
    """
    connection_checked()  # this thread's connection is kept from one session to the next
    try:
        session = _session_claim(session_id)
        if session is None:
            return
        renewer = _LeaseRenewer(session)
        renewer.start()
        try:
            _session_process(session, renewer)
        finally:
            renewer.stop()
    finally:
        connection_checked()


def _lease_expiry():
    return timezone.now() + timedelta(seconds=settings.EXTRACTION_LEASE_SECONDS)


def _session_claim(session_id: str) -> ExtractionSession | None:
    """Take the lease on a pending session; None when another worker has it or it is not pending."""
    session = with_retries(lambda: session_get(session_id), within=settings.EXTRACTION_LEASE_SECONDS)
    if session is None or session.status != Status.PENDING:
        logger.info("session %s is not pending; nothing to run", session_id)
        return None
    owner = f"{_worker_name()}-{secrets.token_hex(4)}"
    now = timezone.now()
    fields = {
        "status": Status.PROCESSING,
        "lease_owner": owner,
        "lease_expires_at": _lease_expiry(),
        "attempts": session.attempts + 1,
        "started_at": now,
        "updated_at": now,
    }
    # Written only over the pending state just read: of workers claiming at once, one wins.
    guard = {"status": Status.PENDING, "seq": session.seq, "lease_owner": session.lease_owner}
    if not _row_update(session.pk, guard, **fields):
        logger.info("session %s was claimed by another worker", session_id)
        return None
    for name, value in fields.items():
        setattr(session, name, value)
    logger.info("session %s claimed by %s (attempt %d)", session_id, owner, session.attempts)
    return session


def session_lease_renew(*, session_id: str, owner: str) -> bool:
    """Push the lease's expiry forward; False when `owner` no longer holds it."""
    # No `seq` bump: the lease is bookkeeping, not a state a watcher sees.
    return _row_update(session_id, {"status": Status.PROCESSING, "lease_owner": owner}, lease_expires_at=_lease_expiry())


class _LeaseRenewer(threading.Thread):
    """Renews a session's lease while its pipeline runs; notices when the lease was taken away."""

    def __init__(self, session: ExtractionSession):
        super().__init__(name=f"lease-{session.pk}", daemon=True)
        self.session_id = session.pk
        self.owner = session.lease_owner
        self.stopped = threading.Event()
        self.lost = threading.Event()
        self.gave_up = threading.Event()

    def run(self) -> None:
        interval = max(0.2, settings.EXTRACTION_LEASE_SECONDS / 3)
        # A run hung past its limit stops renewing, so the sweep can give the session to another worker.
        give_up_at = time.monotonic() + settings.EXTRACTION_MAX_RUN_SECONDS
        try:
            while not self.stopped.wait(interval):
                if time.monotonic() > give_up_at:
                    logger.warning("session %s: still running after %ss; no longer renewing its lease",
                                   self.session_id, settings.EXTRACTION_MAX_RUN_SECONDS)
                    self.gave_up.set()
                    return
                try:
                    if not session_lease_renew(session_id=self.session_id, owner=self.owner):
                        self.lost.set()
                        return
                except Exception:
                    logger.warning("session %s: could not renew its lease", self.session_id, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def _session_process(session: ExtractionSession, renewer: _LeaseRenewer) -> None:
    preview = preview_target(session)

    def on_progress(stage: Stage) -> None:
        if renewer.lost.is_set():
            raise LostOwnership(session.pk)
        metrics.stage_reached(session.pk, stage.name)
        fields = {}
        if preview is not None and session.preview_path != preview.name and preview.made():
            # The extract stage wrote it: the next saved stage names it, so watchers get previewUrl.
            stale, fields["preview_path"] = session.preview_path, preview.name
        _session_advance(
            session,
            progress=stage.progress,
            stage=stage.name,
            status_message=stage.status,
            lease_expires_at=_lease_expiry(),
            **fields,
        )
        if fields and stale:
            preview_discard(stale)  # an earlier, lost run's preview

    if not upload_storage().exists(session.stored_path):
        session_fail(session=session, code="upload_missing", message="The uploaded file is no longer stored.")
        return
    target = clean_target(session)
    try:
        with local_path(session.stored_path) as path:
            result = _pipeline_run(path, on_progress=on_progress, name=session.original_name,
                                   clean_to=target.path if target else None,
                                   preview_to=preview.path if preview else None)
    except LostOwnership:
        clean_discard(target)
        preview_discard(preview)  # cancelled or taken over: whoever holds the row now keeps its own files
        logger.warning("session %s: its lease was taken over; this worker stops writing", session.id)
    except PipelineError as exc:
        clean_discard(target)
        preview_discard(preview)
        session_fail(session=session, code=exc.code, message=exc.message)
    except Exception as exc:
        clean_discard(target)
        preview_discard(preview)
        if renewer.gave_up.is_set() or isinstance(exc, pipeline_pool.Overdue):
            # Stopped past its limit (Celery's soft time limit, a killed child): left to the sweep, as a hung run.
            logger.warning("session %s: stopped after EXTRACTION_MAX_RUN_SECONDS; left to the sweep", session.id)
            return
        logger.exception("session %s: unexpected error in the pipeline", session.id)
        session_fail(session=session, code="internal_error", message="The extraction failed unexpectedly.")
    else:
        if preview is not None and session.preview_path != preview.name:
            preview_discard(preview)  # written after the last saved stage, or not at all: never named
        session_complete(session=session, result=result, clean=clean_kept_fields(target, result))


def _pipeline_run(path: str, **kwargs) -> dict[str, Any]:
    """The pure pipeline, in this thread or (EXTRACTION_PROCESSES > 0) in a child process."""
    if settings.EXTRACTION_PROCESSES > 0:
        # Killed where Celery's soft time limit would stop it: one lease after the renewer gave up.
        limit = settings.EXTRACTION_MAX_RUN_SECONDS + settings.EXTRACTION_LEASE_SECONDS
        return pipeline_pool.run(run_pipeline, path, processes=settings.EXTRACTION_PROCESSES, timeout=limit, **kwargs)
    return run_pipeline(path, **kwargs)


def session_complete(*, session: ExtractionSession, result: dict[str, Any], clean: dict[str, Any] | None = None
                     ) -> None:
    """End a session as complete, release its lease, and drop its original (its clean copy stays, `clean`)."""
    facts = result.get("groups", {}).get("File", {})
    try:
        _session_advance(
            session,
            status=Status.COMPLETE,
            progress=100,
            stage="complete",
            status_message="Extraction complete!",
            result=result,
            sha256=facts.get("SHA256", ""),
            finished_at=timezone.now(),
            lease_owner="",
            lease_expires_at=None,
            **(clean or {}),
        )
    except LostOwnership:
        clean_discard((clean or {}).get("clean_path"))
        preview_discard(session.preview_path)  # the row changed (cancelled, taken over): this run's files go
        logger.warning("session %s changed under its worker; not marking it complete", session.id)
        return
    logger.info("session %s complete stage=complete code=-", session.id)
    metrics.session_ended(session.pk, Status.COMPLETE)
    _upload_discard(session)


def session_fail(*, session: ExtractionSession, code: str, message: str, where: dict[str, Any] | None = None) -> bool:
    """End a session as failed with a stable error code (its stage is kept); False if it changed under us."""
    try:
        _session_advance(
            session,
            where=where,
            status=Status.FAILED,
            status_message="Extraction failed",
            error_code=code,
            error_message=message,
            finished_at=timezone.now(),
            lease_owner="",
            lease_expires_at=None,
        )
    except LostOwnership:
        logger.warning("session %s changed under its worker; not marking it failed", session.id)
        return False
    logger.info("session %s failed stage=%s code=%s", session.id, session.stage, code)
    metrics.session_ended(session.pk, Status.FAILED, code)
    _upload_discard(session)
    return True


class NotCancellable(Exception):
    """The session has ended (complete, failed or cancelled already): there is nothing to cancel."""

    def __init__(self, status: str):
        super().__init__(f"The session is {status}: only a pending or processing session can be cancelled.")
        self.status = status


CANCELLABLE = (Status.PENDING, Status.PROCESSING)


def session_cancel(*, session: ExtractionSession) -> ExtractionSession:
    """End a pending or processing session as cancelled and delete its stored files, or raise NotCancellable.

    The write takes the row from whoever holds it (its `seq` and lease change), so a running pipeline's
    next guarded write fails (LostOwnership) and it stops writing, discarding what it made meanwhile.
    """
    for _ in range(20):  # the running worker may save a stage between our read and our write: read again
        if session.status not in CANCELLABLE:
            raise NotCancellable(session.status)
        now = timezone.now()
        fields = {"status": Status.CANCELLED, "status_message": "Cancelled", "finished_at": now, "updated_at": now,
                  "lease_owner": "", "lease_expires_at": None, "preview_path": "", "clean_path": "",
                  "clean_expires_at": None}
        if _row_update(session.pk, {"seq": session.seq, "status__in": CANCELLABLE}, seq=session.seq + 1, **fields):
            files = (session.stored_path, session.preview_path, session.clean_path)
            for name, value in fields.items():
                setattr(session, name, value)
            session.seq += 1
            _files_discard(session.id, *files)  # first, so `cancelled` reaching a watcher means they are gone
            notify(session)
            logger.info("session %s cancelled", session.id)
            return session
        session = session_get(session.pk)
        if session is None:
            raise NotCancellable("gone")
    raise NotCancellable("changing")


def _files_discard(session_id: str, *names: str) -> None:
    """Delete stored files of a session (the original too, whatever KEEP_UPLOADS says: the user withdrew it)."""
    storage = upload_storage()
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:
            logger.warning("session %s: could not delete %s", session_id, name, exc_info=True)


def _upload_discard(session: ExtractionSession) -> None:
    """Delete a finished session's original, unless KEEP_UPLOADS asks to keep it."""
    if settings.KEEP_UPLOADS or not session.stored_path:
        return
    try:
        upload_storage().delete(session.stored_path)
    except Exception:
        logger.warning("session %s: could not delete its original %s", session.id, session.stored_path, exc_info=True)


def sessions_reap(*, pending_older_than: timedelta | None = None) -> list[str]:
    """Take back sessions whose worker was lost; return the ids that must be dispatched again.

    A processing session whose lease expired, or whose lease holder was a process of this machine
    that no longer runs (a restarted server: at once, not after the lease), goes back to pending, or
    ends `failed` with `worker_lost` once it was claimed EXTRACTION_MAX_ATTEMPTS times. A pending
    session queued by a process of this machine that no longer runs is dispatched again at once; any
    pending for longer than `pending_older_than` (default EXTRACTION_PENDING_TIMEOUT_SECONDS) is too:
    its job may have been lost. Every write is conditional, so many sweeps may run at once.
    """
    if pending_older_than is None:
        pending_older_than = timedelta(seconds=settings.EXTRACTION_PENDING_TIMEOUT_SECONDS)
    now = timezone.now()
    again: list[str] = []
    expired = {"status": Status.PROCESSING, "lease_expires_at__lt": now}
    here = Q(lease_owner__startswith=f"{socket.gethostname()}:")
    for session in ExtractionSession.objects.filter(Q(**expired) | (here & Q(status=Status.PROCESSING))).order_by("created_at"):
        if session.lease_expires_at is not None and session.lease_expires_at < now:
            where = expired  # not renewed since we read it
        elif _owner_gone(session.lease_owner):
            where = {"status": Status.PROCESSING}  # its holder is gone: nobody renews it
        else:
            continue
        if session.attempts >= settings.EXTRACTION_MAX_ATTEMPTS:
            if session_fail(
                session=session,
                code="worker_lost",
                message=f"The worker running this extraction was lost {session.attempts} times; giving up.",
                where=where,
            ):
                logger.warning("session %s: worker lost %s times; failed", session.id, session.attempts)
            continue
        try:
            _session_advance(
                session,
                where=where,
                status=Status.PENDING,
                progress=0,
                stage="queued",
                status_message="Queued again: its worker was lost",
                lease_owner=_queue_owner(),
                lease_expires_at=None,
            )
        except LostOwnership:
            continue
        logger.warning("session %s: its worker was lost; dispatching it again", session.id)
        again.append(session.id)
    from .resumable import resumables_sweep  # resumable uploads end in services: imported late, no cycle

    clean_copies_expire()  # the sweep also ends the clean copies past CLEAN_COPY_SECONDS
    resumables_sweep()  # and deletes resumable uploads idle past UPLOAD_EXPIRY_SECONDS
    orphans = ExtractionSession.objects.filter(here, status=Status.PENDING).values_list("pk", "lease_owner")
    for session_id, owner in orphans.order_by("created_at"):
        if _owner_gone(owner) and _row_update(
            session_id, {"status": Status.PENDING, "lease_owner": owner}, lease_owner=_queue_owner(), updated_at=now
        ):
            logger.warning("session %s: the process that queued it is gone; dispatching it again", session_id)
            again.append(session_id)
    stale = ExtractionSession.objects.filter(status=Status.PENDING, updated_at__lte=now - pending_older_than)
    for session_id in stale.order_by("created_at").values_list("pk", flat=True):
        # Touch it, so the next sweep does not dispatch it again at once.
        if _row_update(
            session_id,
            {"status": Status.PENDING, "updated_at__lte": now - pending_older_than},
            updated_at=now,
            lease_owner=_queue_owner(),
        ):
            again.append(session_id)
    return list(dict.fromkeys(again))


# Who holds a row is written `host:pid:life[-claim]`: `life` is drawn once per process, so a process
# that reuses a dead one's pid (pid 1 in a restarted container) does not pass for it.
_LIFE = secrets.token_hex(4)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_LIFE}"


def _queue_owner() -> str:
    """What a pending row records of who will run it: this process in inline mode (its in-memory
    queue holds the session), nobody in celery mode (the broker holds the job)."""
    return _worker_name() if settings.EXTRACTION_WORKERS == "inline" else ""


def _owner_gone(owner: str) -> bool:
    """True when `owner` was a process of this machine that no longer runs (its pid is free, or is
    this process in a later life). Elsewhere, or alive, or unknown: False (the lease decides)."""
    host, _, rest = owner.partition(":")
    pid, _, life = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return not life.startswith(_LIFE)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists (another user's)
    return False


def sessions_purge(*, older_than: timedelta) -> tuple[int, int]:
    """Delete finished sessions created before `older_than` ago and their originals.

    Also deletes stored files that no session refers to and that are older than that (left by a
    crash between storing a file and saving its row). Returns (rows deleted, files deleted).
    """
    cutoff = timezone.now() - older_than
    storage = upload_storage()
    old = ExtractionSession.objects.filter(status__in=ExtractionSession.TERMINAL, created_at__lt=cutoff)
    files = 0
    for names in old.values_list("stored_path", "clean_path", "preview_path"):
        for name in names:
            if name and storage.exists(name):
                storage.delete(name)
                files += 1
    rows, _ = old.delete()
    files += clean_copies_expire()
    try:
        _, names = storage.listdir("")
    except (NotImplementedError, FileNotFoundError):
        names = []
    for name in names:
        if storage.get_modified_time(name) < cutoff and not ExtractionSession.objects.filter(stored_path=name).exists():
            storage.delete(name)
            files += 1
    try:
        _, copies = storage.listdir(CLEAN_FOLDER)
    except (NotImplementedError, FileNotFoundError):
        copies = []
    for name in (f"{CLEAN_FOLDER}/{copy}" for copy in copies):
        if storage.get_modified_time(name) < cutoff and not ExtractionSession.objects.filter(clean_path=name).exists():
            storage.delete(name)
            files += 1
    try:
        _, previews = storage.listdir(PREVIEW_FOLDER)
    except (NotImplementedError, FileNotFoundError):
        previews = []
    for name in (f"{PREVIEW_FOLDER}/{preview}" for preview in previews):
        if storage.get_modified_time(name) < cutoff and not ExtractionSession.objects.filter(preview_path=name).exists():
            storage.delete(name)
            files += 1
    return rows, files


def _session_advance(session: ExtractionSession, *, where: dict[str, Any] | None = None, **fields: Any) -> None:
    """Save `fields` if nobody else wrote since we read the row, then notify of the new state.

    The write also requires the lease we read (only the lease holder writes) and `where`, if given.
    """
    fields["updated_at"] = timezone.now()
    guard = {"seq": session.seq, "lease_owner": session.lease_owner}
    if not _row_update(session.pk, guard, where=where, seq=session.seq + 1, **fields):
        raise LostOwnership(session.pk)
    for name, value in fields.items():
        setattr(session, name, value)
    session.seq += 1
    notify(session)


def _row_update(session_id: str, guard: dict[str, Any], *, where: dict[str, Any] | None = None, **fields: Any) -> bool:
    """The one write to an existing row (`rows.row_update`): `fields`, only where the `guard` lookups
    (and `where`'s) still hold; True if the row was written."""
    guard = {**guard, **(where or {})}
    # A locked or lost database is waited out, within the lease, instead of failing the session: the
    # guard makes a repeated write harmless (it writes nothing if another writer came in between).
    return with_retries(lambda: row_update(session_id, guard, **fields), within=settings.EXTRACTION_LEASE_SECONDS)
