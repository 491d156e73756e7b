"""Progress sends that fail or hang (Redis down) are logged, bounded, and never fail the extraction."""

import socket
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from extraction import services
from extraction.models import ExtractionSession
from progress import broadcast
from tests.support.sample_images import jpeg_bytes
from tests.support.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted = []
    stop = threading.Event()

    def accept_forever():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture(autouse=True)
def no_pause_left_over(monkeypatch):
    monkeypatch.setattr(broadcast, "_paused_until", 0.0)


def run_with_redis_at(settings, port: int) -> tuple[ExtractionSession, float]:
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [f"redis://127.0.0.1:{port}/0"]}}
    }
    settings.CHANNEL_SEND_TIMEOUT_SECONDS = 1
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")
    session = services.session_create(session_id=None, upload=upload)
    started = time.monotonic()
    services.session_run(session_id=session.id)
    return ExtractionSession.objects.get(pk=session.id), time.monotonic() - started


def test_redis_refusing_connections_does_not_fail_the_extraction(settings, caplog):
    row, elapsed = run_with_redis_at(settings, free_port())  # nothing listens there
    assert row.status == ExtractionSession.Status.COMPLETE
    assert "could not broadcast session" in caplog.text
    assert elapsed < 7 * 1 + 2  # 7 saved changes, each send given up after at most 1s


def test_a_hung_redis_is_given_up_on_after_the_send_timeout(settings, silent_server, caplog):
    row, elapsed = run_with_redis_at(settings, silent_server)
    assert row.status == ExtractionSession.Status.COMPLETE
    assert "could not broadcast session" in caplog.text
    # The first send times out; later progress sends are skipped for a while; the final one is tried.
    assert elapsed < 2 * 1 + 1.5
    assert "skipped broadcasting session" in caplog.text
    print(f"\nextraction with a hung Redis took {elapsed:.2f}s (1s send timeout)")


def test_sends_from_a_thread_with_no_loop_share_one_redis_connection(settings, own_redis):
    """A Celery worker's thread has no event loop: its sends go through one kept loop, so the layer
    keeps one connection instead of opening one per send (async_to_sync's new loop each time)."""
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [own_redis.url]}}
    }
    before = int(own_redis.info()["total_connections_received"])
    session, _ = run_with_redis_at(settings, own_redis.port)
    assert session.status == "complete" and session.seq >= 8  # every stage was saved, so sent
    opened = int(own_redis.info()["total_connections_received"]) - before
    assert opened <= 2, f"{opened} connections for {session.seq} sends"  # the layer's one, and the second INFO's
