"""POST /api/images_mvp/sessions/<id>/cancel through the real router: queued and running sessions end
`cancelled` with their files gone, watchers see it, a finished one answers 409 not_cancellable."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient

from extraction import services, tasks
from extraction.models import ExtractionSession
from extraction.tasks import wait_for_inline_tasks
from tests.conftest import stored_files
from tests.extraction.test_preview import jpeg
from tests.support.communicators import connect

pytestmark = pytest.mark.django_db(transaction=True)


def all_files(settings) -> list:
    uploads = settings.MEDIA_ROOT / "uploads"
    return sorted(path for path in uploads.rglob("*") if path.is_file()) if uploads.exists() else []


async def upload(client: AsyncClient, session_id: str | None = None) -> dict:
    fields = {"file": SimpleUploadedFile("IMG_0001.JPG", jpeg((800, 600)), "image/jpeg")}
    if session_id:
        fields["session_id"] = session_id
    response = await client.post("/api/images_mvp/extract", fields)
    assert response.status_code == 202, response.content
    return response.json()


async def cancel(client: AsyncClient, started: dict, *, token: bool = True):
    query = f"?token={started['token']}" if token else ""
    return await client.post(f"/api/images_mvp/sessions/{started['sessionId']}/cancel{query}")


async def receive_until(watcher, kind: str) -> list[dict]:
    messages = []
    while not messages or messages[-1]["type"] != kind:
        messages.append(await watcher.receive_json_from(timeout=10))
        assert messages[-1]["type"] in ("progress", kind), messages[-1]
    return messages


async def test_a_queued_session_is_cancelled_its_original_deleted_and_never_run(settings):
    settings.MAX_CONCURRENT_EXTRACTIONS = 1
    client = AsyncClient()
    async with tasks._semaphore():  # the one extraction slot is busy: the upload waits queued
        started = await upload(client, "cancel-queued-1-long-client-chosen-id")
        watcher = await connect("cancel-queued-1-long-client-chosen-id")
        assert (await watcher.receive_json_from())["status"] == "pending"
        assert len(stored_files(settings)) == 1
        response = await cancel(client, started)
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["type"], body["status"], body["progress"], body["error"]) == ("cancelled", "cancelled", 0, None)
        assert body["previewUrl"] is None and body["result"] is None
        message = await watcher.receive_json_from(timeout=5)
        assert (message["type"], message["seq"]) == ("cancelled", body["seq"])
        assert all_files(settings) == []
    await wait_for_inline_tasks()  # its job runs now and finds nothing to do
    session = await ExtractionSession.objects.aget(pk="cancel-queued-1-long-client-chosen-id")
    assert (session.status, session.seq, session.result) == ("cancelled", body["seq"], None)
    assert await watcher.receive_nothing()
    await watcher.disconnect()
    again = await cancel(client, started)
    assert again.status_code == 409 and again.json()["error"] == "not_cancellable"


@pytest.mark.parametrize("held", ["analyse", "finalise"])  # its preview written but not named yet; named
async def test_a_running_session_stops_at_its_next_stage_and_writes_nothing_more(held, settings, monkeypatch):
    reached, release = threading.Event(), threading.Event()
    real = services.run_pipeline

    def paused_pipeline(path, *, on_progress, **options):
        def progress(stage):
            if stage.name == held:  # hold before the stage is saved
                reached.set()
                release.wait(10)
            on_progress(stage)
        return real(path, on_progress=progress, **options)

    monkeypatch.setattr(services, "run_pipeline", paused_pipeline)
    client = AsyncClient()
    watcher = await connect("cancel-running-1-long-client-chosen-id")
    started = await upload(client, "cancel-running-1-long-client-chosen-id")
    assert await sync_to_async(reached.wait)(10)
    seen = await receive_until(watcher, "progress")
    while seen[-1]["stage"] != {"analyse": "extract", "finalise": "analyse"}[held]:
        seen += await receive_until(watcher, "progress")
    assert bool(seen[-1]["previewUrl"]) == (held == "finalise")  # named by the stage after extract
    assert len(all_files(settings)) == 2  # the original and its preview
    response = await cancel(client, started)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    message = await watcher.receive_json_from(timeout=5)
    assert message["type"] == "cancelled" and message["previewUrl"] is None
    release.set()
    await wait_for_inline_tasks()
    session = await ExtractionSession.objects.aget(pk="cancel-running-1-long-client-chosen-id")
    assert (session.status, session.seq, session.result, session.clean_path) == (
        "cancelled", message["seq"], None, "")
    assert all_files(settings) == []  # no original, no preview, no clean copy written after the cancel
    assert await watcher.receive_nothing()
    await watcher.disconnect()
    preview = await client.get(f"/api/images_mvp/sessions/cancel-running-1-long-client-chosen-id/preview?token={started['token']}")
    assert preview.status_code == 404


async def test_a_finished_session_is_not_cancellable_and_keeps_its_files(settings):
    client = AsyncClient()
    started = await upload(client)
    await wait_for_inline_tasks()
    before = all_files(settings)
    assert before  # its clean copy and preview
    response = await cancel(client, started)
    assert response.status_code == 409
    assert response.json() == {"error": "not_cancellable", "message":
                               "The session is complete: only a pending or processing session can be cancelled."}
    assert all_files(settings) == before
    assert (await ExtractionSession.objects.aget(pk=started["sessionId"])).status == "complete"


async def test_cancel_follows_the_status_urls_access_rules(settings):
    settings.MAX_CONCURRENT_EXTRACTIONS = 1
    async with tasks._semaphore():
        owner = AsyncClient()
        await owner.get("/")  # the page gives the browser its session cookie
        started = await upload(owner)
        stranger = await cancel(AsyncClient(), started, token=False)
        missing = await AsyncClient().post("/api/images_mvp/sessions/no-such-session-1/cancel")
        assert stranger.status_code == missing.status_code == 404
        assert stranger.json()["error"] == missing.json()["error"] == "session_not_found"
        assert (await owner.get(f"/api/images_mvp/sessions/{started['sessionId']}/cancel")).status_code == 405
        # The uploader's cookie alone: the page's CSRF token is due (the token alone needs none).
        checked = AsyncClient(enforce_csrf_checks=True)
        checked.cookies = owner.cookies
        refused = await cancel(checked, started, token=False)
        assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed"
        page = await checked.get("/")
        csrf = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else checked.cookies["csrftoken"].value
        allowed = await checked.post(f"/api/images_mvp/sessions/{started['sessionId']}/cancel",
                                     headers={"X-CSRFToken": csrf})
        assert allowed.status_code == 200 and allowed.json()["status"] == "cancelled"
    await wait_for_inline_tasks()


async def test_a_cancelled_file_sent_again_completes(settings):
    settings.MAX_CONCURRENT_EXTRACTIONS = 1
    client = AsyncClient()
    async with tasks._semaphore():
        started = await upload(client)
        assert (await cancel(client, started)).status_code == 200
    retried = await upload(client)
    await wait_for_inline_tasks()
    state = (await client.get(f"/api/images_mvp/sessions/{retried['sessionId']}?token={retried['token']}")).json()
    assert state["status"] == "complete" and state["previewUrl"]
