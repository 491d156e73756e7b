"""Previews through the real upload, status and preview URLs: made in the extract stage, served under the
status URL's access rules, deleted with the session's files."""

import io
import tracemalloc
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient
from django.utils import timezone
from PIL import Image

from extraction.clean_copies import clean_copies_expire
from extraction.models import ExtractionSession
from extraction.services import sessions_purge
from extraction.tasks import wait_for_inline_tasks
from tests.extraction.test_downloads import async_body
from tests.extraction.test_preview import CORPUS, dng_bytes, jpeg, png_header

pytestmark = pytest.mark.django_db(transaction=True)


def heic_bytes(size=(1280, 960), colour=(20, 180, 40)) -> bytes:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "HEIF", quality=80)
    return buffer.getvalue()


def dng_file() -> bytes:
    red_thumb = Image.new("RGB", (64, 40), (255, 0, 0)).tobytes()
    return dng_bytes(thumbnail=red_thumb, thumb_size=(64, 40), preview_jpeg=jpeg((1200, 800), colour=(0, 200, 0)),
                     orientation=6)


async def upload(client: AsyncClient, name: str, data: bytes, kind: str = "application/octet-stream") -> dict:
    response = await client.post("/api/images_mvp/extract", {"file": SimpleUploadedFile(name, data, kind)})
    assert response.status_code == 202, response.content
    await wait_for_inline_tasks()
    return response.json()


async def status(client: AsyncClient, started: dict) -> dict:
    response = await client.get(f"/api/images_mvp/sessions/{started['sessionId']}?token={started['token']}")
    assert response.status_code == 200
    return response.json()


async def preview_of(client: AsyncClient, state: dict, token: str) -> Image.Image:
    response = await client.get(f"{state['previewUrl']}?token={token}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    image = Image.open(io.BytesIO(await async_body(response)))
    image.load()
    return image


@pytest.mark.parametrize("name, data, size, colour", [
    ("IMG_0001.JPG", jpeg((1600, 1200), colour=(200, 100, 50)), (480, 360), (200, 100, 50)),
    ("IMG_0002.HEIC", None, (480, 360), (20, 180, 40)),  # made in the test: pillow-heif may be missing
    ("DSC_0003.DNG", None, (320, 480), (0, 200, 0)),  # the embedded JPEG preview, turned upright
])
async def test_a_preview_is_served_at_the_states_preview_url(name, data, size, colour, settings):
    data = data or (heic_bytes() if name.endswith("HEIC") else dng_file())
    client = AsyncClient()
    started = await upload(client, name, data)
    state = await status(client, started)
    assert state["status"] == "complete", state
    assert state["previewUrl"] == f"/api/images_mvp/sessions/{started['sessionId']}/preview"
    image = await preview_of(client, state, started["token"])
    assert image.format == "JPEG" and image.size == size
    pixel = image.getpixel((image.width // 2, image.height // 2))
    assert all(abs(got - want) < 40 for got, want in zip(pixel, colour)), pixel
    session = await ExtractionSession.objects.aget(pk=started["sessionId"])
    assert session.preview_path.startswith("previews/")
    assert (settings.MEDIA_ROOT / "uploads" / session.preview_path).is_file()


@pytest.mark.skipif(not (CORPUS / "heic" / "IMG_2927.HEIC").is_file(), reason="../shared/corpus is not here")
async def test_a_corpus_iphone_heic_gets_an_upright_preview():
    pytest.importorskip("pillow_heif")
    client = AsyncClient()
    started = await upload(client, "IMG_2927.HEIC", (CORPUS / "heic" / "IMG_2927.HEIC").read_bytes())
    state = await status(client, started)
    assert state["status"] == "complete", state
    image = await preview_of(client, state, started["token"])
    # ExifTool: 3024 x 4032 as shown (the file's rotation applied); no thumbnail item, so the primary is reduced.
    assert image.size == (360, 480)


async def test_the_preview_is_named_while_the_session_is_still_processing():
    from tests.support.communicators import connect, receive_until_end

    watcher = await connect("preview-early-1-long-client-chosen-id")
    response = await AsyncClient().post("/api/images_mvp/extract", {
        "file": SimpleUploadedFile("p.jpg", jpeg((800, 600))), "session_id": "preview-early-1-long-client-chosen-id"})
    assert response.status_code == 202
    messages = await receive_until_end(watcher)
    await watcher.disconnect()
    named = [(m["type"], m["stage"]) for m in messages if m["previewUrl"]]
    # Made in the extract stage; named by the next saved stage, before the session ends.
    assert named[0] == ("progress", "analyse"), named
    assert all(m["previewUrl"] is None for m in messages if m["stage"] in ("queued", "start", "validate", "store"))


async def test_without_the_token_or_the_cookie_the_preview_is_the_same_404_as_a_missing_session():
    started = await upload(AsyncClient(), "p.jpg", jpeg((300, 200)))
    url = f"/api/images_mvp/sessions/{started['sessionId']}/preview"
    stranger = await AsyncClient().get(url)
    missing = await AsyncClient().get("/api/images_mvp/sessions/no-such-session-1/preview")
    assert stranger.status_code == missing.status_code == 404
    assert stranger.json()["error"] == missing.json()["error"] == "session_not_found"
    assert (await AsyncClient().post(f"{url}?token={started['token']}")).status_code == 405


async def test_a_decompression_bomb_gets_no_preview_and_no_memory_spike(settings):
    # 12000 x 8000 = 96 MP: under the pipeline's limit (its metadata is read), too many pixels to decode.
    client = AsyncClient()
    tracemalloc.start()
    try:
        started = await upload(client, "bomb.png", png_header(12_000, 8_000), "image/png")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    state = await status(client, started)
    assert state["status"] == "complete" and state["previewUrl"] is None
    assert peak < 32 * 1024 * 1024, f"peak Python allocations {peak / 1048576:.0f} MiB"  # a decode is 288 MB
    response = await client.get(f"/api/images_mvp/sessions/{started['sessionId']}/preview?token={started['token']}")
    assert response.status_code == 404 and response.json()["error"] == "no_preview"
    assert not (settings.MEDIA_ROOT / "uploads" / "previews").exists() or not any(
        (settings.MEDIA_ROOT / "uploads" / "previews").iterdir())
    # Past every limit: the session fails (image_too_large) and nothing is written.
    worse = await upload(client, "worse.png", png_header(100_000, 100_000), "image/png")
    assert (await status(client, worse))["error"] == "image_too_large"
    assert (await ExtractionSession.objects.aget(pk=worse["sessionId"])).preview_path == ""


async def test_a_failed_session_keeps_no_preview(settings, monkeypatch):
    # The image is read and its preview made in the extract stage; then the analyse stage fails.
    def broken_analysis(record):
        raise ValueError("a parser gap")

    monkeypatch.setattr("extraction.pipeline.extract.analyse", broken_analysis)
    client = AsyncClient()
    started = await upload(client, "a.jpg", jpeg((640, 480)))
    state = await status(client, started)
    assert state["status"] == "failed" and state["error"] == "corrupt_image" and state["previewUrl"] is None
    previews = settings.MEDIA_ROOT / "uploads" / "previews"
    assert not previews.exists() or not any(previews.iterdir())


async def test_previews_expire_with_the_clean_copies_and_go_with_purged_sessions(settings):
    client = AsyncClient()
    first, second = await upload(client, "a.jpg", jpeg((300, 200))), await upload(client, "b.jpg", jpeg((300, 200)))
    stored = {}
    for started in (first, second):
        session = await ExtractionSession.objects.aget(pk=started["sessionId"])
        stored[started["sessionId"]] = settings.MEDIA_ROOT / "uploads" / session.preview_path
        assert stored[started["sessionId"]].is_file()
    await sync_to_async(clean_copies_expire)()  # not yet past CLEAN_COPY_SECONDS: kept
    assert all(path.is_file() for path in stored.values())
    await ExtractionSession.objects.filter(pk=first["sessionId"]).aupdate(
        finished_at=timezone.now() - timedelta(seconds=settings.CLEAN_COPY_SECONDS + 1))
    await sync_to_async(clean_copies_expire)()
    assert not stored[first["sessionId"]].exists() and stored[second["sessionId"]].is_file()
    assert (await status(client, first))["previewUrl"] is None
    response = await client.get(f"/api/images_mvp/sessions/{first['sessionId']}/preview?token={first['token']}")
    assert response.status_code == 404
    rows, _ = await sync_to_async(sessions_purge)(older_than=timedelta(seconds=-1))
    assert rows == 2 and not stored[second["sessionId"]].exists()


async def test_no_previews_are_made_when_nothing_is_kept(settings):
    settings.CLEAN_COPY_SECONDS = 0
    client = AsyncClient()
    started = await upload(client, "a.jpg", jpeg((300, 200)))
    assert (await status(client, started))["previewUrl"] is None
    assert not (settings.MEDIA_ROOT / "uploads" / "previews").exists()
