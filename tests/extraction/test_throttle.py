"""extraction/throttle.py, and the HTTP doors it guards (status URL, upload with a chosen id)."""

import socket
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient

from extraction import throttle
from extraction.access import session_token
from extraction.tasks import wait_for_inline_tasks
from tests.support.sample_images import jpeg_bytes


def redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def lookups(settings):
    settings.LOOKUP_FAILURES_PER_MINUTE = 5
    settings.REDIS_URL = ""
    throttle.lookups.clear()
    yield throttle.lookups
    throttle.lookups.clear()


def test_an_address_is_refused_past_the_limit_and_others_are_not(lookups):
    for _ in range(5):
        assert lookups.retry_after("10.0.0.1") == 0
        lookups.failed("10.0.0.1")
    assert 1 <= lookups.retry_after("10.0.0.1") <= 60
    assert lookups.retry_after("10.0.0.2") == 0


def test_a_limit_of_zero_is_off(lookups, settings):
    settings.LOOKUP_FAILURES_PER_MINUTE = 0
    for _ in range(100):
        lookups.failed("10.0.0.1")
    assert lookups.retry_after("10.0.0.1") == 0


def test_the_window_slides(lookups, monkeypatch):
    now = [1_000_040.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    for _ in range(5):
        lookups.failed("10.0.0.1")
    assert lookups.retry_after("10.0.0.1") == 60  # until the oldest of the five is a minute old
    now[0] += 59.5
    assert lookups.retry_after("10.0.0.1") == 1
    now[0] += 0.5
    assert lookups.retry_after("10.0.0.1") == 0


def a_client_that_tries_every_half_second(lookups, now: list[float], seconds: int) -> list[float]:
    """Try every 0.5 s for `seconds`, each try that is let through failing; the times let through."""
    let_through = []
    for step in range(seconds * 2):
        now[0] = 1_000_000.0 + step * 0.5
        if lookups.retry_after("10.0.0.1") == 0:
            lookups.failed("10.0.0.1")
            let_through.append(now[0])
    return let_through


def no_minute_has_more_than(times: list[float], limit: int) -> bool:
    return all(sum(1 for t in times if start <= t < start + 60) <= limit for start in times)


def test_a_burst_at_a_window_edge_gets_no_more_than_the_limit(lookups, monkeypatch):
    now = [1_000_059.0]  # a second before a fixed minute would have ended
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    for _ in range(5):
        lookups.failed("10.0.0.1")
    now[0] = 1_000_061.0  # a fixed window would start counting afresh here
    assert lookups.retry_after("10.0.0.1") == 58
    let_through = a_client_that_tries_every_half_second(lookups, now, 300)
    assert no_minute_has_more_than(let_through, 5), let_through
    assert len(let_through) >= 15  # and it is let through again as the minute slides: 5 a minute


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_every_process_shares_one_count(lookups, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.REDIS_PREFIX = f"test-throttle-{uuid.uuid4().hex}"
    throttle._down_until = 0.0
    for _ in range(5):
        lookups.failed("10.0.0.9")
    lookups._failures.clear()  # what another process sees: nothing of this one's memory
    assert lookups.retry_after("10.0.0.9") > 0
    lookups.clear()
    assert lookups.retry_after("10.0.0.9") == 0


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_the_window_slides_too(lookups, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.REDIS_PREFIX = f"test-throttle-{uuid.uuid4().hex}"
    throttle._down_until = 0.0
    now = [1_000_059.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    try:
        for _ in range(5):
            lookups.failed("10.0.0.1")
        now[0] = 1_000_061.0
        assert lookups.retry_after("10.0.0.1") == 58
        let_through = a_client_that_tries_every_half_second(lookups, now, 150)
        assert no_minute_has_more_than(let_through, 5), let_through
        assert len(let_through) == 5  # once the first five are a minute old
        assert not lookups._failures  # counted in Redis, not here
    finally:
        lookups.clear()


def test_a_redis_that_does_not_answer_falls_back_to_this_process(lookups, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    throttle._down_until = 0.0
    for _ in range(5):
        lookups.failed("10.0.0.3")
    assert lookups.retry_after("10.0.0.3") > 0
    throttle._down_until = 0.0


@pytest.mark.django_db(transaction=True)
async def test_guessed_status_urls_get_429_and_the_token_still_reads(lookups, settings):
    settings.EXTRACTION_WORKERS = "inline"
    client = AsyncClient()
    upload = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    stored = (await client.post("/api/images_mvp/extract", {"file": upload})).json()
    await wait_for_inline_tasks()
    codes = [(await client.get(f"/api/images_mvp/sessions/{uuid.uuid4()}")).status_code for _ in range(8)]
    assert codes == [404] * 5 + [429] * 3
    refused = await client.get(f"/api/images_mvp/sessions/{stored['sessionId']}")  # no token: a guess
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_requests"
    assert int(refused["Retry-After"]) >= 1
    token = session_token(stored["sessionId"])
    assert (await client.get(f"/api/images_mvp/sessions/{stored['sessionId']}?token={token}")).status_code == 200


@pytest.mark.django_db(transaction=True)
async def test_an_upload_with_a_taken_id_answers_as_a_free_one_and_counts(lookups, settings):
    settings.EXTRACTION_WORKERS = "inline"
    client = AsyncClient()
    taken = str(uuid.uuid4())
    image = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    assert (await client.post("/api/images_mvp/extract", {"file": image, "session_id": taken})).status_code == 202
    await wait_for_inline_tasks()
    answers = []
    for session_id in (taken, str(uuid.uuid4())):
        junk = SimpleUploadedFile("a.txt", b"not an image at all", content_type="text/plain")
        response = await client.post("/api/images_mvp/extract", {"file": junk, "session_id": session_id})
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] == (415, answers[1][1]) and answers[1][1]["error"] == "unsupported_format"
    again = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    taken_again = await client.post("/api/images_mvp/extract", {"file": again, "session_id": taken})
    assert taken_again.status_code == 409  # only where a free id would have been stored
    raw = await client.post(f"/api/images_mvp/extract?session_id={taken}", jpeg_bytes(), content_type="image/jpeg")
    assert raw.status_code == 409
    assert sum(len(times) for times in throttle.lookups._failures.values()) == 3


@pytest.mark.django_db(transaction=True)
async def test_unknown_resumable_upload_ids_are_counted_then_refused_alike(lookups, settings):
    from tests.extraction.test_tus import TUS, UPLOADS, create

    client = AsyncClient()
    held = await create(client, 1000)
    assert held.status_code == 201
    unknown = f"{UPLOADS}{uuid.uuid4().hex}"
    answers = [(await client.head(unknown, headers=TUS)).status_code for _ in range(3)]
    answers += [(await client.delete(unknown, headers=TUS)).status_code]
    answers += [(await client.patch(unknown, data=b"x", content_type="application/offset+octet-stream",
                                    headers={**TUS, "Upload-Offset": "0"})).status_code]
    assert answers == [404] * 5
    refused = [await client.head(unknown, headers=TUS), await client.head(held["Location"], headers=TUS)]
    # Past the limit: the same 429 for an id that names nothing and for one that names an upload.
    assert [r.status_code for r in refused] == [429, 429]
    assert refused[0]["Retry-After"] == refused[1]["Retry-After"] and int(refused[0]["Retry-After"]) >= 1
    patched = await client.patch(held["Location"], data=b"x", content_type="application/offset+octet-stream",
                                 headers={**TUS, "Upload-Offset": "0"})
    assert patched.status_code == 429 and patched.json()["error"] == "too_many_requests"
    assert sum(len(times) for times in throttle.lookups._failures.values()) == 5  # refusals count nothing
    lookups.clear()
    assert (await client.head(held["Location"], headers=TUS)).status_code == 200  # the upload itself was kept


@pytest.mark.django_db(transaction=True)
async def test_resumable_creation_with_a_taken_id_is_counted_then_refused(lookups, settings):
    from tests.extraction.test_tus import create

    settings.EXTRACTION_WORKERS = "inline"
    client = AsyncClient()
    taken = str(uuid.uuid4())
    image = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    assert (await client.post("/api/images_mvp/extract", {"file": image, "session_id": taken})).status_code == 202
    await wait_for_inline_tasks()
    codes = [(await create(client, 1000, session_id=taken)).status_code for _ in range(5)]
    assert codes == [409] * 5
    for session_id in (taken, str(uuid.uuid4())):  # a taken id and a free one: the same answer now
        refused = await create(client, 1000, session_id=session_id)
        assert refused.status_code == 429 and refused.json()["error"] == "too_many_requests"
        assert int(refused["Retry-After"]) >= 1
    assert (await create(client, 1000)).status_code == 201  # a server-made id looks nothing up


def test_after_a_redis_restart_the_next_count_goes_to_redis_on_a_fresh_connection(lookups, settings, tmp_path):
    """The pooled connection the restart dropped is replaced at once (one retry), not taken for a Redis
    that does not answer (which would count in this process for REDIS_RETRY_SECONDS)."""
    import shutil
    import subprocess
    import time as clock

    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary to start a Redis of this test's own")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(tmp_path)]

    def start() -> subprocess.Popen:
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return process
            except OSError:
                clock.sleep(0.05)
        raise AssertionError("redis-server did not start")

    redis_server = start()
    try:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        throttle._down_until = 0.0
        lookups.failed("10.0.0.5")
        redis_server.terminate()
        redis_server.wait(10)
        redis_server = start()  # empty: what it held is gone
        lookups.failed("10.0.0.5")
        assert throttle._down_until == 0.0  # no fallback: Redis answered on a new connection
        assert not lookups._failures
        assert len(throttle._redis().zrange(lookups._key("10.0.0.5"), 0, -1)) == 1
    finally:
        redis_server.terminate()
        redis_server.wait(10)
        throttle._down_until = 0.0
