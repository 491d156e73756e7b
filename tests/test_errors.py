"""One error shape, `{"error": code, "message": sentence}`, at every door a client reads (docs/protocol.md)."""

import pytest
from django.test import AsyncClient

from extraction.tasks import wait_for_inline_tasks
from extraction.models import ExtractionSession
from extraction.selectors import session_state
from imgmvp_site.errors import ApiError
from tests.support.communicators import connect, receive_until_end, upload
from tests.support.images import corrupt_jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def assert_error_shape(document: dict, code: str) -> None:
    """The code is a string beside a non-empty sentence, at the document's top level (never nested)."""
    assert document["error"] == code
    assert isinstance(document["message"], str) and document["message"]


def test_the_error_type_builds_the_shape():
    assert ApiError("file_too_large", "Too big.").body() == {"error": "file_too_large", "message": "Too big."}


async def test_an_http_upload_error_has_the_shape():
    response = await AsyncClient().post("/api/images_mvp/extract", b"not an image", content_type="image/jpeg")
    assert response.status_code == 415
    assert set(response.json()) == {"error", "message"}
    assert_error_shape(response.json(), "unsupported_format")


async def test_an_http_status_error_has_the_shape():
    response = await AsyncClient().get("/api/images_mvp/sessions/nobody-has-this")
    assert response.status_code == 404
    assert set(response.json()) == {"error", "message"}
    assert_error_shape(response.json(), "session_not_found")


async def test_a_socket_error_frame_has_the_shape():
    watcher = await connect("error-frame-1-long-client-chosen-id")
    await watcher.send_to(text_data="not json")
    frame = await watcher.receive_json_from()
    assert set(frame) == {"type", "error", "message", "timestamp"}
    assert frame["type"] == "error"
    assert_error_shape(frame, "invalid_message")
    await watcher.disconnect()


async def test_a_failed_message_has_the_shape():
    watcher = await connect("failed-shape-1-long-client-chosen-id")
    await upload("failed-shape-1-long-client-chosen-id", corrupt_jpeg_bytes())
    failed = (await receive_until_end(watcher))[-1]
    assert failed["type"] == "failed"
    assert_error_shape(failed, "corrupt_image")
    await watcher.disconnect()


async def test_the_stored_state_of_a_failed_session_has_the_shape():
    await upload("stored-shape-1-long-client-chosen-id", corrupt_jpeg_bytes())
    await wait_for_inline_tasks()
    row = await ExtractionSession.objects.aget(pk="stored-shape-1-long-client-chosen-id")
    assert (row.error_code, bool(row.error_message)) == ("corrupt_image", True)
    assert_error_shape(session_state(row), "corrupt_image")
    document = (await AsyncClient().get("/api/images_mvp/sessions/stored-shape-1-long-client-chosen-id")).json()
    assert document == session_state(row)  # the status document is the same state
