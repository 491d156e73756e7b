"""The HTTP API: POST /api/images_mvp/extract and GET /api/images_mvp/sessions/<id>."""

import json
import uuid

import pytest
from channels.testing import HttpCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient

from imgmvp_site.asgi import application
from extraction.access import token_session_id
from extraction.tasks import wait_for_inline_tasks
from extraction.models import ExtractionSession
from tests.conftest import stored_files, temp_files
from tests.support.images import corrupt_jpeg_bytes, jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)

EXTRACT = "/api/images_mvp/extract"


def jpeg_upload(name="photo.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), content_type="image/jpeg")


async def post_multipart(**fields):
    return await AsyncClient().post(EXTRACT, fields)


async def assert_nothing_left(settings):
    assert await ExtractionSession.objects.acount() == 0
    assert stored_files(settings) == []
    assert temp_files(settings) == []


async def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]


async def test_upload_answers_202_with_urls_and_stores_a_pending_row(settings):
    session_id = str(uuid.uuid4())
    response = await post_multipart(file=jpeg_upload(), session_id=session_id)
    assert response.status_code == 202
    body = response.json()
    assert body["sessionId"] == session_id
    assert body["status"] == "pending"  # the row's real status: stored, waiting for a worker
    assert body["message"] == "File upload started"
    token = body["token"]
    assert token_session_id(token) == session_id
    assert body["progressUrl"] == f"ws://testserver/api/images_mvp/progress/{session_id}?token={token}"
    assert body["statusUrl"] == f"http://testserver/api/images_mvp/sessions/{session_id}?token={token}"
    await wait_for_inline_tasks()
    session = await ExtractionSession.objects.aget(pk=session_id)
    assert session.status == "complete"
    assert session.original_name == "photo.jpg"
    assert session.format == "JPEG"
    assert len(session.sha256) == 64


async def test_without_a_session_id_the_server_makes_a_uuid4():
    response = await post_multipart(file=jpeg_upload())
    assert response.status_code == 202
    assert uuid.UUID(response.json()["sessionId"]).version == 4
    await wait_for_inline_tasks()


async def test_raw_body_upload_with_query_session_id():
    session_id = "raw-body-session-1-long-client-chosen-id"
    response = await AsyncClient().post(
        f"{EXTRACT}?session_id={session_id}",
        jpeg_bytes(),
        content_type="image/jpeg",
        headers={"X-Filename": "my%20photo.jpg"},
    )
    assert response.status_code == 202, response.content
    await wait_for_inline_tasks()
    session = await ExtractionSession.objects.aget(pk=session_id)
    assert session.original_name == "my photo.jpg"
    assert session.status == "complete"


async def test_missing_file_is_400(settings):
    await assert_error(await post_multipart(session_id="abcdefgh"), 400, "missing_file")
    await assert_error(await AsyncClient().post(EXTRACT, b"", content_type="image/jpeg"), 400, "missing_file")
    await assert_nothing_left(settings)


async def test_empty_file_is_400(settings):
    await assert_error(await post_multipart(file=jpeg_upload(data=b"")), 400, "empty_file")
    await assert_nothing_left(settings)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("multipart/form-data", b"--x\r\n"),  # no boundary
        ("multipart/form-data; boundary=", b"--\r\n"),  # an empty one
        ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
         + b"x" * (3 * 1024 * 1024)),  # a form field past DATA_UPLOAD_MAX_MEMORY_SIZE
    ],
)
async def test_a_multipart_body_django_cannot_read_is_400_json(settings, content_type, body):
    await assert_error(await AsyncClient().post(EXTRACT, body, content_type=content_type), 400, "invalid_request")
    await assert_nothing_left(settings)


@pytest.mark.parametrize("bad_id", ["short", "x" * 65, "has space", "semi;colon", "../etc/pass", "ünïcode-id"])
async def test_malformed_session_id_is_400(settings, bad_id):
    await assert_error(await post_multipart(file=jpeg_upload(), session_id=bad_id), 400, "invalid_session_id")
    await assert_nothing_left(settings)


async def test_session_id_already_used_is_409(settings):
    assert (await post_multipart(file=jpeg_upload(), session_id="used-id-123")).status_code == 202
    await wait_for_inline_tasks()
    files_before = stored_files(settings)
    await assert_error(await post_multipart(file=jpeg_upload(), session_id="used-id-123"), 409, "session_exists")
    assert await ExtractionSession.objects.acount() == 1
    assert stored_files(settings) == files_before
    assert temp_files(settings) == []


async def test_file_over_the_limit_is_413_and_nothing_is_kept(settings):
    settings.MAX_UPLOAD_BYTES = 10_000
    big = jpeg_bytes() + b"\x00" * 20_000
    await assert_error(await post_multipart(file=jpeg_upload(data=big)), 413, "file_too_large")
    await assert_error(await AsyncClient().post(EXTRACT, big, content_type="image/jpeg"), 413, "file_too_large")
    await assert_nothing_left(settings)


async def test_file_at_the_limit_is_accepted(settings):
    data = jpeg_bytes()
    settings.MAX_UPLOAD_BYTES = len(data)
    assert (await post_multipart(file=jpeg_upload(data=data))).status_code == 202
    await wait_for_inline_tasks()


async def test_a_declared_length_far_over_the_limit_is_refused_before_parsing(settings):
    settings.MAX_UPLOAD_BYTES = 10_000
    communicator = HttpCommunicator(
        application,
        "POST",
        EXTRACT,
        body=b"x" * 100,
        headers=[(b"host", b"localhost"), (b"content-type", b"image/jpeg"), (b"content-length", str(50 * 1024 * 1024).encode())],
    )
    response = await communicator.get_response()
    assert response["status"] == 413
    assert json.loads(response["body"])["error"] == "file_too_large"
    await assert_nothing_left(settings)


async def test_format_is_decided_by_content_not_name_or_type(settings):
    text = SimpleUploadedFile("photo.jpg", b"this is not an image at all", content_type="image/jpeg")
    await assert_error(await post_multipart(file=text), 415, "unsupported_format")
    await assert_nothing_left(settings)
    # A real JPEG named .txt and declared text/plain is still a JPEG.
    disguised = SimpleUploadedFile("notes.txt", jpeg_bytes(), content_type="text/plain")
    response = await post_multipart(file=disguised, session_id="disguised-jpeg")
    assert response.status_code == 202
    await wait_for_inline_tasks()
    assert (await ExtractionSession.objects.aget(pk="disguised-jpeg")).format == "JPEG"


async def test_get_on_extract_is_405_json():
    await assert_error(await AsyncClient().get(EXTRACT), 405, "method_not_allowed")


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
async def test_other_methods_on_the_status_url_are_405_json(method):
    client = AsyncClient(enforce_csrf_checks=True)  # as a real server checks
    response = await getattr(client, method)("/api/images_mvp/sessions/abcdefgh")
    await assert_error(response, 405, "method_not_allowed")


async def test_status_of_a_finished_session_has_the_result():
    await post_multipart(file=jpeg_upload(data=jpeg_bytes(make="Acme", model="Cam 9")), session_id="status-ok-1-long-client-chosen-id")
    await wait_for_inline_tasks()
    response = await AsyncClient().get("/api/images_mvp/sessions/status-ok-1-long-client-chosen-id")
    assert response.status_code == 200
    body = response.json()
    assert body["sessionId"] == "status-ok-1-long-client-chosen-id"
    assert body["status"] == "complete"
    assert body["progress"] == 100
    assert body["statusText"] == "Extraction complete!"
    assert body["seq"] >= 8
    assert body["error"] is None and body["message"] is None
    assert body["result"]["summary"]["Make"] == "Acme"
    assert body["result"]["summary"]["Model"] == "Cam 9"
    assert body["file"]["format"] == "JPEG"


async def test_status_of_a_failed_session_carries_the_one_error_shape():
    await post_multipart(file=jpeg_upload(data=corrupt_jpeg_bytes()), session_id="status-bad-1-long-client-chosen-id")
    await wait_for_inline_tasks()
    body = (await AsyncClient().get("/api/images_mvp/sessions/status-bad-1-long-client-chosen-id")).json()
    assert body["status"] == "failed"
    assert body["error"] == "corrupt_image"
    assert isinstance(body["message"], str) and body["message"]
    assert body["result"] is None


async def test_status_of_an_unknown_or_malformed_session_is_404():
    await assert_error(await AsyncClient().get("/api/images_mvp/sessions/nobody-has-this"), 404, "session_not_found")
    await assert_error(await AsyncClient().get("/api/images_mvp/sessions/bad%20id"), 404, "session_not_found")


@pytest.mark.parametrize("path", ["/api/images_mvp/nothing-here", "/api/images_mvp/sessions/a/b", "/api/"])
async def test_an_unknown_api_path_is_a_json_404(path):
    response = await AsyncClient().get(path)
    await assert_error(response, 404, "not_found")


async def test_outside_the_api_a_404_is_djangos_page():
    response = await AsyncClient().get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


async def test_an_unexpected_error_in_the_api_is_a_json_500(monkeypatch):
    async def broken(session_id, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("extraction.views._state_for", broken)
    response = await AsyncClient(raise_request_exception=False).get("/api/images_mvp/sessions/abcdefgh")
    await assert_error(response, 500, "internal_error")
    assert "a bug" not in response.content.decode()


async def test_a_request_for_an_unknown_host_is_a_json_400(settings):
    settings.ALLOWED_HOSTS = ["example.org"]
    response = await AsyncClient().get("/api/images_mvp/sessions/abcdefgh")
    await assert_error(response, 400, "invalid_request")


async def test_control_characters_in_names_are_stripped_before_they_are_stored():
    raw_id, form_id = "nul-in-name-raw", "nul-in-name-form"
    response = await AsyncClient().post(f"{EXTRACT}?session_id={raw_id}", jpeg_bytes(), content_type="image/jpeg",
                                        headers={"X-Filename": "evil%00name%0d%0a%1b[31m.jpg"})
    assert response.status_code == 202, response.content
    assert (await post_multipart(session_id=form_id, file=jpeg_upload(name="a\x00b\x7f\x9bc.jpg"))).status_code == 202
    await wait_for_inline_tasks()
    assert (await ExtractionSession.objects.aget(pk=raw_id)).original_name == "evilname[31m.jpg"
    assert (await ExtractionSession.objects.aget(pk=form_id)).original_name == "abc.jpg"


async def test_a_form_encoded_post_without_a_file_is_400_missing_file(settings):
    response = await AsyncClient().post(EXTRACT, "session_id=abcdefgh", content_type="application/x-www-form-urlencoded")
    await assert_error(response, 400, "missing_file")
    await assert_nothing_left(settings)


async def test_a_chunked_multipart_upload_is_read(settings):
    boundary = "chunked-form"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"session_id\"\r\n\r\nchunked-form-1\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + jpeg_bytes() + f"\r\n--{boundary}--\r\n".encode()
    communicator = HttpCommunicator(  # no content-length: a chunked request as a server hands it on
        application, "POST", EXTRACT, body=body,
        headers=[(b"host", b"localhost"), (b"content-type", f"multipart/form-data; boundary={boundary}".encode())],
    )
    response = await communicator.get_response()
    assert response["status"] == 202, response["body"]
    await wait_for_inline_tasks()
    assert (await ExtractionSession.objects.aget(pk="chunked-form-1")).status == "complete"
    assert temp_files(settings) == []


@pytest.mark.parametrize("failure, status, code", [
    (OSError(28, "No space left on device"), 507, "storage_full"),
    (OSError(30, "Read-only file system"), 503, "storage_unavailable"),
])
async def test_a_storage_failure_has_its_own_code_and_leaves_nothing(settings, monkeypatch, failure, status, code):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage._save

    def save_then_fail(self, name, content):
        real_save(self, name, content)  # the bytes land, as a partial file would, then the disk fails
        raise failure

    monkeypatch.setattr(FileSystemStorage, "_save", save_then_fail)
    for response in (await post_multipart(file=jpeg_upload()),
                     await AsyncClient().post(EXTRACT, jpeg_bytes(), content_type="image/jpeg")):
        await assert_error(response, status, code)
        assert int(response["Retry-After"]) > 0
    await assert_nothing_left(settings)


async def test_an_upload_that_cannot_get_the_database_is_503_busy(settings, monkeypatch):
    from django.db import OperationalError
    from django.db.models import QuerySet

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "create", locked)
    response = await AsyncClient().post(EXTRACT, jpeg_bytes(), content_type="image/jpeg")
    await assert_error(response, 503, "busy")
    assert int(response["Retry-After"]) > 0
    await assert_nothing_left(settings)


async def test_a_client_gone_while_watchers_are_told_of_its_upload_still_gets_its_session_run(settings):
    """The request is cancelled (the client hung up) while the storing thread sends the "Queued" notice
    through the event loop: the cancellation reaches that thread; the stored session must still run."""
    import asyncio

    from asgiref.sync import async_to_sync
    from channels.testing import ApplicationCommunicator

    from extraction import notifications

    reached = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def slow_send():
        loop.call_soon_threadsafe(reached.set)
        await asyncio.sleep(5)

    def notifier(session):
        if session.status == "pending":
            async_to_sync(slow_send)()

    previous = notifications._notifier
    notifications.set_notifier(notifier)
    try:
        body = jpeg_bytes()
        communicator = ApplicationCommunicator(application, {
            "type": "http", "method": "POST", "path": EXTRACT, "query_string": b"session_id=gone-client-1",
            "headers": [(b"host", b"localhost"), (b"content-type", b"image/jpeg"),
                        (b"content-length", str(len(body)).encode())],
        })
        await communicator.send_input({"type": "http.request", "body": body})
        await asyncio.wait_for(reached.wait(), 10)
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(10)
        for _ in range(100):  # the session is dispatched from the storing thread: give it a moment
            await wait_for_inline_tasks()
            session = await ExtractionSession.objects.aget(pk="gone-client-1")
            if session.status != "pending":
                break
            await asyncio.sleep(0.05)
        assert session.status == "complete"
    finally:
        notifications.set_notifier(previous)
