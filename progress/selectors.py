"""Reads of session state for the consumer, wrapped for async code."""

from channels.db import database_sync_to_async

from extraction.models import ExtractionSession

from .messages import session_message


@database_sync_to_async
def session_message_or_none(session_id: str) -> dict | None:
    session = ExtractionSession.objects.filter(pk=session_id).first()
    return session_message(session) if session else None
