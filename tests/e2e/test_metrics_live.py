"""/metrics on a real daphne: a real upload and socket, then a scrape as Prometheus would make it."""

import asyncio
import json
import uuid

import httpx
import pytest
import websockets

from tests.support import servers
from tests.support.images import jpeg_bytes
from tests.test_metrics import scraped

pytestmark = pytest.mark.e2e
TOKEN = "live-scrape-token"


async def scrape(client: httpx.AsyncClient, server) -> str:
    response = await client.get(f"{server.base_url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return response.text


async def test_a_scrape_reports_the_upload_its_stages_its_end_and_no_socket_left_open(tmp_path):
    env = servers.server_env(tmp_path, METRICS_TOKEN=TOKEN)
    servers.migrate(env)
    server = servers.daphne(tmp_path, env)
    try:
        photo = jpeg_bytes(make="MetricsMake")
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{server.base_url}/metrics")).status_code == 401
            upload = await client.post(
                f"{server.base_url}/api/images_mvp/extract",
                files={"file": ("photo.jpg", photo, "image/jpeg")},
                data={"session_id": str(uuid.uuid4())},
            )
            assert upload.status_code == 202, upload.text
            async with websockets.connect(upload.json()["progressUrl"]) as socket:
                while json.loads(await asyncio.wait_for(socket.recv(), 20))["type"] not in ("complete", "failed"):
                    pass
                during = await scrape(client, server)
            assert scraped(during, "imgmvp_sockets_open") == 1
            for _ in range(50):  # the socket's end reaches the app just after the client's close
                after = await scrape(client, server)
                if scraped(after, "imgmvp_sockets_open") == 0:
                    break
                await asyncio.sleep(0.1)
    finally:
        server.stop()
    assert scraped(after, "imgmvp_sockets_open") == 0
    assert scraped(after, "imgmvp_upload_bytes_total", kind="multipart") >= len(photo)
    assert scraped(after, "imgmvp_sessions", status="complete", code="") == 1
    assert scraped(after, "imgmvp_queue_depth") == 0
    assert scraped(after, "imgmvp_sessions_finished_total", status="complete", code="") == 1
    assert scraped(after, "imgmvp_stage_duration_seconds_count", stage="extract") == 1
