"""What a session id may look like, and how the server makes one."""

import re
import uuid

SESSION_ID_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")


def is_valid_session_id(value: object) -> bool:
    return isinstance(value, str) and SESSION_ID_RE.fullmatch(value) is not None


def new_session_id() -> str:
    return str(uuid.uuid4())
