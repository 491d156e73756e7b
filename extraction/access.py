"""Who may watch a session: the holder of its token, its uploader's browser, or (anonymous uploads
with a client-chosen id of 22 characters or more) whoever knows that id."""

import hashlib

from django.core import signing

from .models import ExtractionSession

TOKEN_SALT = "imgmvp.extraction.session-token"

# A client-chosen id is a secret only when it cannot be guessed: 22 characters of the 64 allowed are
# 132 bits (a UUID4 is 36). A shorter one (`test1234`) is watched with the token only.
SECRET_ID_MIN_LENGTH = 22


def session_token(session_id: str) -> str:
    """The watch token for a session: its id, signed with SECRET_KEY."""
    return signing.dumps(session_id, salt=TOKEN_SALT)


def token_session_id(token: str | None) -> str | None:
    """The session id a token was made for, or None for a missing, forged or malformed token."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def owner_fingerprint(session_key: str | None) -> str:
    """What the row keeps of the uploader's Django session key: a hash, never the key itself."""
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


def session_may_view(session: ExtractionSession, *, token: str | None, session_key: str | None) -> bool:
    """True when the request shows the session's token, comes from its owner, or needs no secret but a
    client-chosen id long enough to be one."""
    return may_view(session.id, access_facts(session), token=token, session_key=session_key)


def access_facts(session: ExtractionSession) -> dict:
    """What deciding access needs of a session's row (kept server-side: never sent to a client)."""
    return {"owner_key": session.owner_key, "client_chose_id": session.client_chose_id}


def may_view(session_id: str, facts: dict, *, token: str | None, session_key: str | None) -> bool:
    """`session_may_view` from the row's access facts, without the row."""
    if token_session_id(token) == session_id:
        return True
    if facts["owner_key"]:
        return bool(session_key) and owner_fingerprint(session_key) == facts["owner_key"]
    return bool(facts["client_chose_id"]) and len(session_id) >= SECRET_ID_MIN_LENGTH
