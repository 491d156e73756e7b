"""Services for previews: where the extract stage writes one, when it is deleted, and what the row keeps."""

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ExtractionSession
from .rows import row_update
from .storage import upload_storage

logger = logging.getLogger(__name__)

FOLDER = "previews"
CONTENT_TYPE = "image/jpeg"  # what the pipeline's write_preview makes

Status = ExtractionSession.Status
# A preview is shown while the session runs and once it completes; a failed or cancelled one has none.
SHOWN = (Status.PROCESSING, Status.COMPLETE)


@dataclass(frozen=True)
class PreviewTarget:
    name: str  # in the upload storage
    path: str  # on this machine's disk, where the pipeline writes it

    def made(self) -> bool:
        return os.path.exists(self.path)


def preview_target(session: ExtractionSession) -> PreviewTarget | None:
    """Where this session's preview goes; None when previews are off (PREVIEWS=0), nothing is kept
    (CLEAN_COPY_SECONDS is 0) or the storage has no local disk."""
    if not settings.PREVIEWS or settings.CLEAN_COPY_SECONDS <= 0:
        return None
    name = f"{FOLDER}/{secrets.token_hex(16)}.jpg"
    try:
        path = upload_storage().path(name)
    except NotImplementedError:
        logger.warning("the upload storage has no local path: no previews are made")
        return None
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return PreviewTarget(name, path)


def preview_discard(target: PreviewTarget | str | None) -> None:
    """Delete a preview (a run that failed, was cancelled or lost its lease; an expired session); never raises."""
    name = target.name if isinstance(target, PreviewTarget) else target
    if not name:
        return
    try:
        upload_storage().delete(name)
    except Exception:
        logger.warning("could not delete the preview %s", name, exc_info=True)


def preview_shown(session: ExtractionSession) -> bool:
    """True when the session's preview may be served (and is named in its state)."""
    return bool(session.preview_path) and session.status in SHOWN


def previews_expire() -> int:
    """Delete the previews past their time: a complete session's after CLEAN_COPY_SECONDS (as its clean
    copy), a failed or cancelled one's at once. Returns how many rows let go of one."""
    cutoff = timezone.now() - timedelta(seconds=max(0, settings.CLEAN_COPY_SECONDS))
    ended = ExtractionSession.objects.exclude(preview_path="").filter(status__in=(Status.FAILED, Status.CANCELLED))
    expired = ExtractionSession.objects.exclude(preview_path="").filter(status=Status.COMPLETE, finished_at__lt=cutoff)
    count = 0
    for rows in (ended, expired):
        for session_id, name in rows.values_list("pk", "preview_path"):
            preview_discard(name)
            count += row_update(session_id, {"preview_path": name}, preview_path="")
    return count


def preview_open(session: ExtractionSession):
    """An open file of the session's stored preview."""
    return upload_storage().open(session.preview_path, "rb")
