"""Services for clean copies: where the last stage writes one, when it expires, and what a download serves."""

import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ExtractionSession
from .pipeline.clean import KEEP_NONE, clean_file
from .pipeline.formats import detect_format
from .rows import row_update
from .storage import upload_storage

logger = logging.getLogger(__name__)

FOLDER = "clean"


@dataclass(frozen=True)
class CleanTarget:
    name: str  # in the upload storage
    path: str  # on this machine's disk, where the pipeline writes it


def clean_target(session: ExtractionSession) -> CleanTarget | None:
    """Where this session's clean copy goes; None when copies are off or the storage has no local disk."""
    if settings.CLEAN_COPY_SECONDS <= 0:
        return None
    extension = os.path.splitext(session.stored_path)[1] or ".img"
    name = f"{FOLDER}/{secrets.token_hex(16)}{extension}"
    storage = upload_storage()
    try:
        path = storage.path(name)
    except NotImplementedError:
        logger.warning("the upload storage has no local path: no clean copies are made")
        return None
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return CleanTarget(name, path)


def clean_kept_fields(target: CleanTarget | None, result: dict) -> dict:
    """The row's clean-copy fields once a run completed: kept for CLEAN_COPY_SECONDS when one was made."""
    if target is None or not (result.get("clean") or {}).get("ok"):
        clean_discard(target)
        return {}
    return {"clean_path": target.name,
            "clean_expires_at": timezone.now() + timedelta(seconds=settings.CLEAN_COPY_SECONDS)}


def clean_discard(target: CleanTarget | str | None) -> None:
    """Delete a clean copy (a run that did not complete, an expired or purged session); never raises."""
    name = target.name if isinstance(target, CleanTarget) else target
    if not name:
        return
    try:
        upload_storage().delete(name)
    except Exception:
        logger.warning("could not delete the clean copy %s", name, exc_info=True)


def clean_copies_expire() -> int:
    """Delete the clean copies past their time (the row keeps `clean_expires_at`: downloads then say 410).

    The same pass ends the previews (they share the clean copies' retention); the count is of clean copies.
    """
    from .previews import previews_expire  # previews sit beside clean copies; imported late, no cycle

    previews_expire()
    expired = ExtractionSession.objects.filter(clean_expires_at__lt=timezone.now()).exclude(clean_path="")
    count = 0
    for session_id, name in expired.values_list("pk", "clean_path"):
        clean_discard(name)
        count += row_update(session_id, {"clean_path": name}, clean_path="")
    return count


def clean_download_name(session: ExtractionSession) -> str:
    """`<stem>-clean.<ext>` from the name the client sent (the extension its format's when it had none)."""
    stem, extension = os.path.splitext(os.path.basename(session.original_name or "image"))
    if not extension:
        with upload_storage().open(session.clean_path, "rb") as handle:
            found = detect_format(handle.read(64))
        extension = f".{found.extension}" if found else ""
    return f"{stem or 'image'}-clean{extension}"


def clean_open(session: ExtractionSession, *, keep: str):
    """An open file of the clean copy to stream; `keep=none` derives one without orientation and profile."""
    storage = upload_storage()
    if keep != KEEP_NONE:
        return storage.open(session.clean_path, "rb")
    folder = tempfile.mkdtemp(prefix="imgmvp-clean-")
    target = os.path.join(folder, "copy")
    try:
        clean_file(storage.path(session.clean_path), target, keep=KEEP_NONE)
        handle = open(target, "rb")  # the open file outlives its name: nothing is left on disk
    finally:
        for leftover in (target, folder):
            try:
                os.unlink(leftover) if leftover == target else os.rmdir(leftover)
            except OSError:
                pass
    return handle
