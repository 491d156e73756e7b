"""The peers of the bench (bench/peers/): each starts as the bench starts it, serves one real session
to the end through the bench's own client, saves its one row, and runs with our daphne multipart fix."""

import asyncio
import os
import socket
import sqlite3

import pytest

from bench import workloads
from bench.__main__ import one_photo, peer_photos
from bench.servers import HOST, PEERS, PeerDeployment
from tests.support.services import missing

pytestmark = pytest.mark.e2e

PATCH_ON = os.environ.get("DAPHNE_MULTIPART_PATCH", "1") not in ("0", "false", "no")


def _photo():
    return one_photo(peer_photos(0.8e6, 3.5e6))


def _rows(deployment: PeerDeployment, package: str) -> list[tuple]:
    with sqlite3.connect(deployment.tmp / "db.sqlite3") as db:
        return db.execute(f"SELECT session_id, status FROM {package}_extraction").fetchall()


def _refused_before_the_body(port: int) -> bytes:
    """Headers declaring a body over the cap, and no body: the fix answers 413 at once."""
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(b"POST /api/images_mvp/extract HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 999999999\r\n\r\n")
        return sock.recv(4096)


def _check_fix(deployment: PeerDeployment) -> None:
    if PATCH_ON:
        answer = _refused_before_the_body(deployment.port)
        assert answer.startswith(b"HTTP/1.1 413") and b"file_too_large" in answer, answer[:300]


def test_plan_direct_serves_one_session_in_order_and_saves_its_row():
    photo = _photo()
    with PeerDeployment(PEERS["plan_direct"]) as deployment:
        async def one():
            async with workloads.http_client(2, 20) as client:
                record = await workloads.product_session(client, deployment.http, deployment.ws, photo, "multipart", 20)
                await workloads.finish_lingering()
                return record

        record = asyncio.run(one())
        assert record.error is None and not record.missed, (record.error, record.miss_reason, deployment.log())
        assert record.stages == ["start", "validate", "store", "extract", "analyse", "finalise", "complete"]
        assert not record.late
        assert [status for _, status in _rows(deployment, "plan_direct_site")] == ["complete"]
        _check_fix(deployment)


def test_celery_progress_serves_one_polled_session_and_saves_its_row():
    if PEERS["celery_progress"].skip_reason():
        missing(PEERS["celery_progress"].skip_reason())
    photo = _photo()
    with PeerDeployment(PEERS["celery_progress"]) as deployment:
        async def one():
            async with workloads.http_client(2, 20) as client:
                return await workloads.polled_session(client, deployment.http, photo, 20)

        record = asyncio.run(one())
        assert record.error is None and not record.missed, (record.error, record.miss_reason, deployment.log())
        # Every stage's staleness is known (from the task's stageTimes), and the end's.
        assert record.stages == ["10", "20", "30", "50", "70", "90", "complete"]
        assert all(latency > -0.01 for latency in record.latencies), record.latencies
        assert [status for _, status in _rows(deployment, "celery_progress_site")] == ["complete"]
        _check_fix(deployment)
