"""The socket's own frames of the progress protocol (docs/protocol.md); session states come from
`extraction.selectors.session_state`."""

from typing import Any

from extraction.selectors import iso
from imgmvp_site.errors import ApiError


def connected_message(session_id: str) -> dict[str, Any]:
    return {"type": "connected", "sessionId": session_id, "timestamp": iso()}


def pong_message() -> dict[str, Any]:
    return {"type": "pong", "timestamp": iso()}


def ping_message() -> dict[str, Any]:
    return {"type": "ping", "timestamp": iso()}


def error_message(error: ApiError) -> dict[str, Any]:
    return {"type": "error", **error.body(), "timestamp": iso()}
