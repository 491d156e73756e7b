"""Selectors: reads of ExtractionSession rows."""

from .models import ExtractionSession
from .session_ids import is_valid_session_id


def session_get(session_id: str) -> ExtractionSession | None:
    """The session's row, or None for an unknown or malformed id."""
    if not is_valid_session_id(session_id):
        return None
    return ExtractionSession.objects.filter(pk=session_id).first()
