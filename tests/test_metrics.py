"""imgmvp_site/metrics.py and metrics_asgi.py: /metrics behind its token, the database's counts, what
the services and the ASGI edge count, read back through the real view, services and router."""

import asyncio
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from prometheus_client import REGISTRY

from extraction import services
from extraction.models import ExtractionSession
from imgmvp_site.metrics_asgi import observed
from progress.routing import websocket_urlpatterns
from tests.support.sample_images import jpeg_bytes

Status = ExtractionSession.Status
TOKEN = "scrape-token-for-tests"
ROOT = Path(__file__).resolve().parents[1]


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(text: str, name: str, **labels) -> float | None:
    """The value of `name{labels}` in Prometheus text output, or None."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if found == labels:
            return float(match[3])
    return None


def create(data: bytes | None = None) -> ExtractionSession:
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes() if data is None else data, content_type="image/jpeg")
    return services.session_create(session_id=None, upload=upload, owner_key="")


def test_metrics_are_off_unless_a_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN])
def test_metrics_refuse_a_missing_or_wrong_bearer_token(client, settings, header):
    settings.METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"] == "unauthorized"
    assert "imgmvp" not in response.content.decode()


@pytest.mark.django_db
def test_metrics_count_stored_sessions_by_status_and_code_and_the_queue(client, settings):
    settings.METRICS_TOKEN = TOKEN
    pending = [create() for _ in range(3)]
    failed = create()
    ExtractionSession.objects.filter(pk=failed.pk).update(status=Status.FAILED, error_code="corrupt_image")
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert scraped(text, "imgmvp_sessions", status="pending", code="") == len(pending)
    assert scraped(text, "imgmvp_sessions", status="failed", code="corrupt_image") == 1
    assert scraped(text, "imgmvp_queue_depth") == 3
    assert 0 <= scraped(text, "imgmvp_queue_oldest_seconds") < 60
    # This process's own metrics come with it: Python's process collector and ours.
    assert scraped(text, "imgmvp_sockets_open") is not None


@pytest.mark.django_db
def test_metrics_with_no_sessions_say_zero_queued(client, settings):
    settings.METRICS_TOKEN = TOKEN
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert scraped(text, "imgmvp_queue_depth") == 0
    assert scraped(text, "imgmvp_queue_oldest_seconds") == 0


@pytest.mark.django_db(transaction=True)
def test_a_completed_run_counts_its_end_and_times_every_stage(caplog):
    stages = ["start", "validate", "store", "extract", "analyse", "finalise"]
    before = {stage: sample("imgmvp_stage_duration_seconds_count", stage=stage) for stage in stages}
    ended = sample("imgmvp_sessions_finished_total", status="complete", code="")
    session = create()
    with caplog.at_level("INFO", logger="extraction"):
        services.session_run(session_id=session.id)
    assert ExtractionSession.objects.get(pk=session.id).status == Status.COMPLETE
    assert sample("imgmvp_sessions_finished_total", status="complete", code="") == ended + 1
    for stage in stages:
        assert sample("imgmvp_stage_duration_seconds_count", stage=stage) == before[stage] + 1, stage
    assert f"session {session.id} complete stage=complete code=-" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_counts_its_code_and_logs_id_stage_and_code_on_one_line(caplog):
    session = create(data=b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    with caplog.at_level("INFO", logger="extraction"):
        services.session_run(session_id=session.id)
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == Status.FAILED and row.error_code
    assert sample("imgmvp_sessions_finished_total", status="failed", code=row.error_code) >= 1
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"session {session.id} failed")]
    assert lines == [f"session {session.id} failed stage={row.stage} code={row.error_code}"]


@pytest.mark.django_db(transaction=True)
async def test_sockets_are_counted_open_until_they_end_and_their_closes_by_code():
    app = observed(URLRouter(websocket_urlpatterns))
    opened, closes = sample("imgmvp_sockets_open"), sample("imgmvp_socket_closes_total", code="4404")
    communicator = WebsocketCommunicator(app, "/no/such/socket")
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_output(2))["code"] == 4404
    assert sample("imgmvp_socket_closes_total", code="4404") == closes + 1
    await communicator.disconnect()
    assert sample("imgmvp_sockets_open") == opened


async def test_an_open_socket_counts_one_while_it_lives():
    gate = asyncio.Event()

    async def held(scope, receive, send):  # a socket accepted, held until the test lets it go
        await receive()
        await send({"type": "websocket.accept"})
        await gate.wait()

    opened = sample("imgmvp_sockets_open")
    communicator = WebsocketCommunicator(observed(held), "/held")
    assert (await communicator.connect())[0]
    assert sample("imgmvp_sockets_open") == opened + 1
    gate.set()
    await communicator.wait(2)
    assert sample("imgmvp_sockets_open") == opened


@pytest.mark.django_db(transaction=True)
async def test_a_socket_over_the_process_cap_counts_a_refusal(settings):
    settings.PROGRESS_MAX_SOCKETS = 0
    refused = sample("imgmvp_socket_refusals_total")
    path = f"/api/images_mvp/progress/{uuid.uuid4()}"
    communicator = WebsocketCommunicator(observed(URLRouter(websocket_urlpatterns)), path)
    await communicator.connect()
    assert (await communicator.receive_output(2))["code"] == 4429
    await communicator.disconnect()
    assert sample("imgmvp_socket_refusals_total") == refused + 1


def test_in_multiprocess_mode_one_scrape_sums_every_process(tmp_path):
    """PROMETHEUS_MULTIPROC_DIR: two processes count, a third answers for both (prometheus_client's mode)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "imgmvp_site.settings"}
    count = "import django; django.setup(); from imgmvp_site import metrics; metrics.upload_received('tus', 10)"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True, timeout=60, cwd=ROOT)
    read = "import django; django.setup(); from imgmvp_site import metrics; print(metrics._process_metrics().decode())"
    text = subprocess.run([sys.executable, "-c", read], env=env, check=True, timeout=60, capture_output=True, text=True,
                          cwd=ROOT)
    assert scraped(text.stdout, "imgmvp_upload_bytes_total", kind="tus") == 20
