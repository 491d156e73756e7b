"""Reads of a session's state: the row by id, and the one JSON document of its state (HTTP and WebSocket)."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from imgmvp_site.errors import ApiError

from .access import session_may_view
from .models import ExtractionSession
from .previews import preview_shown
from .rows import row_get
from .session_ids import is_valid_session_id

Status = ExtractionSession.Status

# What a watcher may learn about a session besides its state: it does not exist (yet), or it is refused.
MISSING = "missing"
REFUSED = "refused"

# The message type a state is sent as over the socket (docs/protocol.md).
STATE_TYPES = {Status.COMPLETE: "complete", Status.FAILED: "failed", Status.CANCELLED: "cancelled"}


def iso(moment: datetime | None = None) -> str:
    """ISO-8601 in UTC with a `Z`, as every document and message carries it."""
    return (moment or timezone.now()).isoformat().replace("+00:00", "Z")


def session_get(session_id: str) -> ExtractionSession | None:
    """The session's row, or None for an unknown or malformed id."""
    if not is_valid_session_id(session_id):
        return None
    return row_get(session_id)


def session_state(session: ExtractionSession) -> dict[str, Any]:
    """The session's saved state: the status document and every state message of the socket."""
    ended = session.status in (Status.FAILED, Status.CANCELLED)  # not complete: no progress to show
    complete = session.status == Status.COMPLETE
    state = {
        "type": STATE_TYPES.get(session.status, "progress"),
        "sessionId": session.id,
        "seq": session.seq,
        "timestamp": iso(session.updated_at),
        "status": session.status,
        "progress": 100 if complete else 0 if ended else session.progress,
        "stage": session.stage,
        "statusText": session.status_message,
        "file": {
            "name": session.original_name,
            "size": session.size,
            "format": session.format,
            "mimeType": session.mime_type,
            "sha256": session.sha256 or None,
        },
        "result": session.result if complete else None,
        # The verified clean copy while it is kept (add the session's token, as to the status URL).
        "cleanUrl": f"/api/images_mvp/sessions/{session.id}/clean" if complete and session.clean_path else None,
        # The small preview, from the moment the server has read the image (same access rules).
        "previewUrl": f"/api/images_mvp/sessions/{session.id}/preview" if preview_shown(session) else None,
        "error": None,
        "message": None,
        "createdAt": iso(session.created_at),
        "finishedAt": iso(session.finished_at) if session.finished_at else None,
    }
    if session.status == Status.FAILED:
        state.update(ApiError(session.error_code, session.error_message).body())
    return state


def session_state_for(session_id: str, *, token: str | None, session_key: str | None) -> dict[str, Any] | str:
    """The session's state for this viewer, or MISSING, or REFUSED when it may not see it."""
    session = session_get(session_id)
    if session is None:
        return MISSING
    if not session_may_view(session, token=token, session_key=session_key):
        return REFUSED
    return session_state(session)
