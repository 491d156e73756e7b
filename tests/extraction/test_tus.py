"""Resumable uploads over tus 1.0 at /api/images_mvp/uploads/, through Django's async client and the
real URL routes; the live-server run with the tuspy client is in tests/e2e/test_tus_live.py."""

import base64
import io
import time
import uuid

import pytest
from django.core.management import call_command
from django.test import AsyncClient
from django.utils.http import parse_http_date

from extraction.access import token_session_id
from extraction.tasks import wait_for_inline_tasks
from extraction.models import ExtractionSession
from extraction.resumable import resumables_sweep, tus_store
from extraction.tus import parse_metadata
from tests.conftest import stored_files
from tests.support.images import jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)

UPLOADS = "/api/images_mvp/uploads/"
TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"


def metadata(**values: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


async def create(client, length: int, **meta: str):
    headers = {**TUS, "Upload-Length": str(length)}
    if meta:
        headers["Upload-Metadata"] = metadata(**meta)
    return await client.post(UPLOADS, headers=headers)


async def patch(client, location: str, offset: int, body: bytes, content_type: str = OCTETS):
    return await client.patch(location, data=body, content_type=content_type,
                              headers={**TUS, "Upload-Offset": str(offset)})


def tus_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "tus"
    return sorted(folder.iterdir()) if folder.exists() else []


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code and body["message"]
    assert response["Tus-Resumable"] == "1.0.0"


def assert_gone(head) -> None:
    """A HEAD for an upload the server does not hold: 404, and no Upload-Offset (tus core)."""
    assert head.status_code == 404
    assert "Upload-Offset" not in head and head["Tus-Resumable"] == "1.0.0"


async def test_options_says_what_the_server_supports(settings):
    response = await AsyncClient().options(UPLOADS)
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination", "expiration"}
    assert int(response["Tus-Max-Size"]) == settings.MAX_UPLOAD_BYTES


async def test_an_upload_in_three_patches_becomes_a_complete_session(settings):
    data = jpeg_bytes(make="TusMake")
    session_id = str(uuid.uuid4())
    client = AsyncClient()
    created = await create(client, len(data), filename="résumé.jpg", session_id=session_id)
    assert created.status_code == 201, created.content
    location = created["Location"]
    assert location.startswith("http://testserver/api/images_mvp/uploads/")
    expires = parse_http_date(created["Upload-Expires"])
    assert abs(expires - (time.time() + settings.UPLOAD_EXPIRY_SECONDS)) < 5
    # No row until the last byte: a partial upload is not a session.
    assert await ExtractionSession.objects.acount() == 0

    cuts = [0, 10, len(data) // 2, len(data)]
    for start, end in zip(cuts, cuts[1:-1]):
        response = await patch(client, location, start, data[start:end])
        assert response.status_code == 204, response.content
        assert int(response["Upload-Offset"]) == end
        assert "Upload-Expires" in response
        head = await client.head(location, headers=TUS)
        assert head.status_code == 200
        assert (int(head["Upload-Offset"]), int(head["Upload-Length"])) == (end, len(data))
        assert head["Cache-Control"] == "no-store"
    assert await ExtractionSession.objects.acount() == 0

    last = await patch(client, location, cuts[2], data[cuts[2]:])
    assert last.status_code == 200, last.content
    body = last.json()
    assert body["sessionId"] == session_id == last["Imgmvp-Session-Id"]
    assert token_session_id(last["Imgmvp-Token"]) == session_id
    assert last["Imgmvp-Status-Url"] == body["statusUrl"]
    assert body["progressUrl"].startswith(f"ws://testserver/api/images_mvp/progress/{session_id}?token=")
    assert int(last["Upload-Offset"]) == len(data)
    await wait_for_inline_tasks()
    session = await ExtractionSession.objects.aget(pk=session_id)
    assert session.status == "complete", session.error_message
    assert session.original_name == "résumé.jpg" and session.size == len(data) and session.format == "JPEG"
    assert session.result["summary"]["Make"] == "TusMake"
    assert session.client_chose_id
    status = await client.get(body["statusUrl"])
    assert status.json()["status"] == "complete"
    # The part file was moved into the upload storage (and deleted there with the finished session);
    # only the small finished record is left, so a client that lost the last answer can ask again.
    assert [path.suffix for path in tus_files(settings) if path.suffix != ".lock"] == [".info"]
    again = await client.head(location, headers=TUS)
    assert int(again["Upload-Offset"]) == len(data) and again["Imgmvp-Session-Id"] == session_id
    assert_error(await patch(client, location, len(data), b"x"), 409, "upload_finished")


async def test_without_a_session_id_the_server_makes_one_that_needs_the_token(settings):
    data = jpeg_bytes()
    client = AsyncClient()
    location = (await create(client, len(data)))["Location"]
    response = await patch(client, location, 0, data)
    session_id = response.json()["sessionId"]
    uuid.UUID(session_id)
    await wait_for_inline_tasks()
    session = await ExtractionSession.objects.aget(pk=session_id)
    assert not session.client_chose_id and session.original_name == "upload"
    assert (await client.get(f"/api/images_mvp/sessions/{session_id}")).status_code == 404
    assert (await client.get(response["Imgmvp-Status-Url"])).status_code == 200


async def test_a_browser_upload_belongs_to_its_django_session(settings):
    data = jpeg_bytes()
    browser = AsyncClient()
    await browser.get("/")  # the upload page gives the browser its session cookie
    location = (await create(browser, len(data)))["Location"]
    session_id = (await patch(browser, location, 0, data)).json()["sessionId"]
    await wait_for_inline_tasks()
    session = await ExtractionSession.objects.aget(pk=session_id)
    assert session.owner_key
    assert (await browser.get(f"/api/images_mvp/sessions/{session_id}")).status_code == 200
    assert (await AsyncClient().get(f"/api/images_mvp/sessions/{session_id}")).status_code == 404


async def test_an_offset_that_does_not_match_is_409_and_changes_nothing(settings):
    data = jpeg_bytes()
    client = AsyncClient()
    location = (await create(client, len(data)))["Location"]
    await patch(client, location, 0, data[:100])
    for wrong in (0, 50, 101, 10_000):
        assert_error(await patch(client, location, wrong, data[wrong:wrong + 10] or b"x"), 409, "offset_mismatch")
    head = await client.head(location, headers=TUS)
    assert head["Upload-Offset"] == "100"


async def test_over_the_cap_is_413_at_creation_before_any_byte(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    assert_error(await create(AsyncClient(), 1001), 413, "file_too_large")
    assert tus_files(settings) == []
    assert (await create(AsyncClient(), 1000)).status_code == 201


async def test_a_body_past_the_declared_length_is_413_and_keeps_nothing_of_it(settings):
    data = jpeg_bytes()
    client = AsyncClient()
    location = (await create(client, len(data)))["Location"]
    await patch(client, location, 0, data[:100])
    assert_error(await patch(client, location, 100, data[100:] + b"extra"), 413, "upload_length_exceeded")
    assert (await client.head(location, headers=TUS))["Upload-Offset"] == "100"


async def test_bytes_that_are_no_image_are_415_and_the_upload_is_gone(settings):
    client = AsyncClient()
    location = (await create(client, 5000, filename="notes.jpg"))["Location"]
    assert_error(await patch(client, location, 0, b"%PDF-1.7\n" + b"x" * 200), 415, "unsupported_format")
    assert tus_files(settings) == []
    assert_gone(await client.head(location, headers=TUS))
    assert await ExtractionSession.objects.acount() == 0


async def test_a_first_patch_shorter_than_the_sniffed_head_is_judged_when_enough_arrived(settings):
    client = AsyncClient()
    location = (await create(client, 5000))["Location"]
    assert (await patch(client, location, 0, b"GIF")).status_code == 204  # too few bytes to judge yet
    assert_error(await patch(client, location, 3, b"\x00" * 200), 415, "unsupported_format")
    assert tus_files(settings) == []


async def test_patch_needs_the_offset_content_type(settings):
    client = AsyncClient()
    location = (await create(client, 100))["Location"]
    assert_error(await patch(client, location, 0, b"\xff\xd8\xff", content_type="image/jpeg"), 415,
                 "invalid_content_type")


async def test_delete_removes_the_partial_file(settings):
    data = jpeg_bytes()
    client = AsyncClient()
    location = (await create(client, len(data)))["Location"]
    await patch(client, location, 0, data[:200])
    assert any(path.suffix == ".part" and path.stat().st_size == 200 for path in tus_files(settings))
    response = await client.delete(location, headers=TUS)
    assert response.status_code == 204
    assert tus_files(settings) == []
    assert_gone(await client.head(location, headers=TUS))
    assert_error(await patch(client, location, 200, data[200:]), 404, "upload_not_found")
    assert_error(await client.delete(location, headers=TUS), 404, "upload_not_found")
    assert await ExtractionSession.objects.acount() == 0 and stored_files(settings) == []


async def test_an_abandoned_upload_is_deleted_by_the_sweep_after_expiry(settings):
    client = AsyncClient()
    data = jpeg_bytes()
    stale = (await create(client, len(data)))["Location"]
    await patch(client, stale, 0, data[:100])
    fresh = (await create(client, len(data)))["Location"]
    store = tus_store()
    stale_id = stale.rsplit("/", 1)[1]
    info = store.get(stale_id)
    info.touched_at -= settings.UPLOAD_EXPIRY_SECONDS + 1  # as if idle past the expiry
    store.save(info)
    assert resumables_sweep() == [stale_id]
    assert {path.name.split(".")[0] for path in tus_files(settings)} == {fresh.rsplit("/", 1)[1]}
    assert_gone(await client.head(stale, headers=TUS))
    assert (await client.head(fresh, headers=TUS)).status_code == 200


async def test_an_expired_upload_is_404_even_before_the_sweep(settings):
    settings.UPLOAD_EXPIRY_SECONDS = 0
    client = AsyncClient()
    location = (await create(client, 100))["Location"]
    time.sleep(0.01)
    assert_error(await patch(client, location, 0, b"\xff\xd8\xff"), 404, "upload_not_found")
    assert tus_files(settings) == []


def test_purge_uploads_command_runs_the_sweep(settings):
    store = tus_store()
    old = store.create(length=10, metadata={}, now=time.time() - settings.UPLOAD_EXPIRY_SECONDS - 60)
    kept = store.create(length=10, metadata={})
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert out.getvalue().strip() == "deleted 1 expired upload(s)"
    assert store.get(old.id) is None and store.get(kept.id) is not None


def test_the_sweep_deletes_stray_files_by_their_age(settings):
    store = tus_store()
    orphan = store.create(length=10, metadata={})
    (store.root / f"{orphan.id}.info").unlink()  # a crash between the two files of a creation
    assert store.sweep(ttl_seconds=3600) == []
    assert store.sweep(ttl_seconds=3600, now=time.time() + 3601) == [orphan.id]
    assert list(store.root.iterdir()) == []


async def test_requests_without_tus_resumable_are_412(settings):
    response = await AsyncClient().post(UPLOADS, headers={"Upload-Length": "10"})
    assert_error(response, 412, "tus_version_unsupported")
    assert response["Tus-Version"] == "1.0.0"


@pytest.mark.parametrize("headers", [{}, {"Upload-Length": "-1"}, {"Upload-Length": "ten"},
                                     {"Upload-Length": "10", "Upload-Metadata": "filename not-base64!"}])
async def test_a_malformed_creation_is_400(settings, headers):
    assert_error(await AsyncClient().post(UPLOADS, headers={**TUS, **headers}), 400, "invalid_request")
    assert tus_files(settings) == []


async def test_empty_and_bad_session_ids_are_refused_at_creation(settings):
    assert_error(await create(AsyncClient(), 0), 400, "empty_file")
    assert_error(await create(AsyncClient(), 10, session_id="bad id!"), 400, "invalid_session_id")
    await ExtractionSession.objects.acreate(id="taken-session-1")
    assert_error(await create(AsyncClient(), 10, session_id="taken-session-1"), 409, "session_exists")
    assert tus_files(settings) == []


async def test_unknown_and_malformed_upload_ids_are_404(settings):
    for upload_id in ("0" * 32, "A" * 32, "0" * 31 + "g", "x"):
        assert_gone(await AsyncClient().head(f"{UPLOADS}{upload_id}", headers=TUS))
        assert_error(await AsyncClient().delete(f"{UPLOADS}{upload_id}", headers=TUS), 404, "upload_not_found")
        assert_error(await patch(AsyncClient(), f"{UPLOADS}{upload_id}", 0, b"\xff\xd8\xff"), 404, "upload_not_found")
    assert tus_files(settings) == []  # not even a lock file for an id that names nothing


async def test_method_override_lets_a_post_act_as_patch(settings):
    data = jpeg_bytes()
    client = AsyncClient()
    location = (await create(client, len(data)))["Location"]
    response = await client.post(location, data=data[:10], content_type=OCTETS,
                                 headers={**TUS, "Upload-Offset": "0", "X-HTTP-Method-Override": "PATCH"})
    assert response.status_code == 204 and response["Upload-Offset"] == "10"


def test_metadata_parsing():
    assert parse_metadata("") == {}
    assert parse_metadata(metadata(filename="a b,c.jpg") + ",flag") == {"filename": "a b,c.jpg", "flag": ""}
    with pytest.raises(ValueError):
        parse_metadata("filename ###")



async def test_a_session_id_taken_before_the_last_byte_is_409_and_leaves_nothing(settings):
    data = jpeg_bytes()
    client = AsyncClient()
    location = (await create(client, len(data), session_id="raced-session-1"))["Location"]
    await patch(client, location, 0, data[:100])
    await ExtractionSession.objects.acreate(id="raced-session-1")  # another upload got there first
    assert_error(await patch(client, location, 100, data[100:]), 409, "session_exists")
    assert tus_files(settings) == [] and stored_files(settings) == []
    assert await ExtractionSession.objects.acount() == 1


async def test_a_patch_while_another_writes_the_upload_is_423(settings):
    client = AsyncClient()
    location = (await create(client, 100))["Location"]
    with tus_store().locked(location.rsplit("/", 1)[1]):  # as a request in another process would
        assert_error(await patch(client, location, 0, b"\xff\xd8\xff"), 423, "upload_locked")
        assert_error(await client.delete(location, headers=TUS), 423, "upload_locked")
    assert (await patch(client, location, 0, b"\xff\xd8\xff")).status_code == 204


async def test_a_finished_uploads_record_is_swept_after_expiry_too(settings):
    data = jpeg_bytes()
    client = AsyncClient()
    location = (await create(client, len(data)))["Location"]
    assert (await patch(client, location, 0, data)).status_code == 200
    await wait_for_inline_tasks()
    upload_id = location.rsplit("/", 1)[1]
    assert resumables_sweep() == []  # fresh: kept, so a client that lost the last answer can HEAD it
    info = tus_store().get(upload_id)
    info.touched_at -= settings.UPLOAD_EXPIRY_SECONDS + 1
    tus_store().save(info)
    assert resumables_sweep() == [upload_id]
    assert tus_files(settings) == []
    assert_gone(await client.head(location, headers=TUS))
