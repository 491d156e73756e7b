"""Selectors: reads of ExtractionSession rows."""

from .models import ExtractionSession


def session_get(session_id: str) -> ExtractionSession | None:
    """The session's row, or None when there is none."""
    return ExtractionSession.objects.filter(pk=session_id).first()
