"""extraction/selectors.py: the row by id, and the one state document of a session."""

import pytest

from extraction.access import owner_fingerprint, session_token
from extraction.models import ExtractionSession
from extraction.selectors import MISSING, REFUSED, session_get, session_state, session_state_for

pytestmark = pytest.mark.django_db

KEYS = {"type", "sessionId", "seq", "timestamp", "status", "progress", "stage", "statusText", "file", "result",
        "cleanUrl", "previewUrl", "error", "message", "createdAt", "finishedAt"}


def row(session_id="selector-row-1-long-client-chosen-id", **fields) -> ExtractionSession:
    return ExtractionSession.objects.create(id=session_id, seq=1, original_name="p.jpg", size=10, format="JPEG",
                                            mime_type="image/jpeg", client_chose_id=True, **fields)


def test_session_get_reads_the_row_and_none_for_unknown_or_malformed_ids():
    saved = row()
    assert session_get("selector-row-1-long-client-chosen-id").seq == saved.seq
    assert session_get("nobody-has-this") is None
    assert session_get("bad id;") is None


@pytest.mark.parametrize(
    "fields, kind, progress",
    [
        ({"status": "pending", "progress": 0}, "progress", 0),
        ({"status": "processing", "progress": 50, "stage": "extract"}, "progress", 50),
        ({"status": "complete", "progress": 100, "result": {"summary": {"Make": "Acme"}}}, "complete", 100),
        ({"status": "failed", "progress": 30, "error_code": "corrupt_image", "error_message": "Unreadable."}, "failed", 0),
        ({"status": "cancelled", "progress": 50, "stage": "extract"}, "cancelled", 0),
    ],
)
def test_every_state_has_the_same_keys(fields, kind, progress):
    state = session_state(row(**fields))
    assert set(state) == KEYS
    assert (state["type"], state["status"], state["progress"]) == (kind, fields["status"], progress)
    assert state["timestamp"].endswith("Z")
    assert state["file"] == {"name": "p.jpg", "size": 10, "format": "JPEG", "mimeType": "image/jpeg", "sha256": None}


def test_only_a_complete_state_carries_the_result_and_only_a_failed_one_the_error():
    complete = session_state(row("complete-row-1-long-client-chosen-id", status="complete", result={"summary": {}}, error_code="x"))
    assert complete["result"] == {"summary": {}} and complete["error"] is None and complete["message"] is None
    failed = session_state(row("failed-row-1-long-client-chosen-id", status="failed", result={"summary": {}},
                               error_code="corrupt_image", error_message="Unreadable."))
    assert failed["result"] is None
    assert (failed["error"], failed["message"]) == ("corrupt_image", "Unreadable.")


def test_the_preview_url_is_named_while_processing_and_complete_never_after_a_failure_or_cancel():
    for number, status in enumerate(("pending", "processing", "complete", "failed", "cancelled")):
        named = session_state(row(f"preview-row-{number}", status=status, preview_path="previews/x.jpg"))["previewUrl"]
        shown = status in ("processing", "complete")
        assert named == (f"/api/images_mvp/sessions/preview-row-{number}/preview" if shown else None), status
    assert session_state(row("preview-row-none", status="complete"))["previewUrl"] is None


def test_a_cancelled_state_carries_no_error_and_no_result():
    state = session_state(row("cancelled-row-1", status="cancelled", result={"summary": {}}))
    assert (state["type"], state["result"], state["error"], state["message"]) == ("cancelled", None, None, None)


def test_state_for_a_viewer_is_missing_refused_or_the_state():
    row("viewer-anon-1-long-client-chosen-id")
    ExtractionSession.objects.create(id="viewer-owned-1-long-client-chosen-id", seq=1, owner_key=owner_fingerprint("browser-key"))
    assert session_state_for("nobody-has-this", token=None, session_key=None) == MISSING
    assert session_state_for("viewer-owned-1-long-client-chosen-id", token=None, session_key="someone-else") == REFUSED
    assert session_state_for("viewer-owned-1-long-client-chosen-id", token=None, session_key="browser-key")["seq"] == 1
    assert session_state_for("viewer-owned-1-long-client-chosen-id", token=session_token("viewer-owned-1-long-client-chosen-id"), session_key=None)["seq"] == 1
    assert session_state_for("viewer-anon-1-long-client-chosen-id", token=None, session_key=None)["sessionId"] == "viewer-anon-1-long-client-chosen-id"


def test_a_complete_state_names_its_clean_copy_while_it_is_kept():
    kept = session_state(row("clean-row-1", status="complete", result={"summary": {}}, clean_path="clean/x.jpg"))
    assert kept["cleanUrl"] == "/api/images_mvp/sessions/clean-row-1/clean"
    gone = session_state(row("clean-row-2", status="complete", result={"summary": {}}))
    assert gone["cleanUrl"] is None
    pending = session_state(row("clean-row-3", status="processing", clean_path="clean/y.jpg"))
    assert pending["cleanUrl"] is None
