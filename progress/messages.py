"""The JSON messages of the progress protocol (docs/protocol.md), built from the saved row."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from extraction.models import ExtractionSession

Status = ExtractionSession.Status


def iso(moment: datetime | None = None) -> str:
    return (moment or timezone.now()).isoformat().replace("+00:00", "Z")


def connected_message(session_id: str) -> dict[str, Any]:
    return {"type": "connected", "sessionId": session_id, "timestamp": iso()}


def pong_message() -> dict[str, Any]:
    return {"type": "pong", "timestamp": iso()}


def ping_message() -> dict[str, Any]:
    return {"type": "ping", "timestamp": iso()}


def error_message(code: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": code, "message": message, "timestamp": iso()}


def status_url(session_id: str) -> str:
    return reverse("extraction:session-status", kwargs={"session_id": session_id})


def session_message(session: ExtractionSession) -> dict[str, Any]:
    """The latest progress, complete or failed message for the session's saved state."""
    base = {"sessionId": session.id, "seq": session.seq, "timestamp": iso(session.updated_at)}
    if session.status == Status.COMPLETE:
        result = session.result or {}
        return {
            "type": "complete",
            **base,
            "progress": 100,
            "status": "Extraction complete!",
            "result": {"summary": result.get("summary", {}), "findings": result.get("findings", [])},
            "resultUrl": status_url(session.id),
        }
    if session.status == Status.FAILED:
        return {
            "type": "failed",
            **base,
            "progress": 0,
            "status": "Extraction failed",
            "error": {"code": session.error_code, "message": session.error_message},
        }
    return {
        "type": "progress",
        **base,
        "progress": session.progress,
        "status": session.status_message,
        "stage": session.stage,
    }


def session_snapshot(session: ExtractionSession) -> dict[str, Any]:
    """The HTTP status document: the session's state, with the full result or the error."""
    return {
        "sessionId": session.id,
        "status": session.status,
        "progress": session.progress if session.status != Status.FAILED else 0,
        "stage": session.stage,
        "message": session.status_message,
        "seq": session.seq,
        "timestamp": iso(session.updated_at),
        "file": {
            "name": session.original_name,
            "size": session.size,
            "format": session.format,
            "mimeType": session.mime_type,
            "sha256": session.sha256 or None,
        },
        "result": session.result if session.status == Status.COMPLETE else None,
        "error": (
            {"code": session.error_code, "message": session.error_message}
            if session.status == Status.FAILED
            else None
        ),
        "createdAt": iso(session.created_at),
        "finishedAt": iso(session.finished_at) if session.finished_at else None,
    }
