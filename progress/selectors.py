"""Reads of session state for the consumer, wrapped for async code."""

from extraction.access import session_may_view
from extraction.connections import database_sync_to_async
from extraction.selectors import session_get

from .messages import session_message

# What a watcher may learn about a session: it does not exist (yet), it is refused, or its state.
MISSING = "missing"
REFUSED = "refused"


@database_sync_to_async
def session_view(session_id: str, *, token: str | None, session_key: str | None) -> dict | str:
    """The session's latest message for this watcher, or MISSING, or REFUSED when it may not see it."""
    session = session_get(session_id)
    if session is None:
        return MISSING
    if not session_may_view(session, token=token, session_key=session_key):
        return REFUSED
    return session_message(session)
