"""The socket's own frames of the progress protocol (docs/protocol.md); session states come from
`extraction.selectors.session_state`."""

import json
from typing import Any, NamedTuple

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


class Frame(NamedTuple):
    """A session state to send: its `seq` and type (for ordering) and its JSON text, encoded once."""

    seq: int
    kind: str
    text: str

    @classmethod
    def of(cls, state: dict) -> "Frame":
        return cls(state["seq"], state["type"], json.dumps(state))
