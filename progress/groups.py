"""Builds channel-layer group names, only ever from a validated session id."""

from extraction.session_ids import is_valid_session_id


def session_group(session_id: str) -> str:
    """The group every watcher of `session_id` joins (ASCII, under Channels' 100-character limit)."""
    if not is_valid_session_id(session_id):
        raise ValueError(f"not a valid session id: {session_id!r}")
    return f"session.{session_id}"
