"""Helpers for tests that run several web and worker processes on one database and one Redis."""

import asyncio
import os
import sys
import time
from pathlib import Path

import httpx
import psycopg

from tests.support.sample_images import jpeg_bytes
from tests.support.servers import ServerProcess

STAGES = ["queued", "start", "validate", "store", "extract", "analyse", "finalise"]


def worker(tmp_path: Path, env: dict[str, str], name: str) -> ServerProcess:
    args = [sys.executable, "manage.py", "runworker", "extraction"]
    return ServerProcess(args, env, tmp_path / f"{name}.log").start()


def rows(env: dict[str, str], session_ids: list[str]) -> dict[str, dict]:
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        cursor = conn.execute(
            "SELECT id, status, stage, stored_path, lease_owner, attempts, error_code "
            "FROM extraction_extractionsession WHERE id = ANY(%s)",
            (session_ids,),
        )
        names = [column.name for column in cursor.description]
        return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


async def upload(client: httpx.AsyncClient, base_url: str, session_id: str) -> dict:
    response = await client.post(
        f"{base_url}/api/images_mvp/extract",
        files={"file": ("photo.jpg", jpeg_bytes(), "image/jpeg")},
        data={"session_id": session_id},
    )
    assert response.status_code == 202, response.text
    return response.json()


def stop_all(*processes: ServerProcess) -> None:
    for process in processes:
        process.stop()


async def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stored_path(env: dict[str, str], session_id: str) -> Path:
    return Path(env["MEDIA_ROOT"]) / "uploads" / rows(env, [session_id])[session_id]["stored_path"]


def hold(stored: Path) -> bytes:
    """Swap a stored original for a FIFO nobody writes (a hung read, as on a stalled shared volume).

    Atomic, so a run never finds the file missing; returns the original bytes for `release`.
    """
    original = stored.read_bytes()
    fifo = stored.with_suffix(".fifo")
    os.mkfifo(fifo)
    os.replace(fifo, stored)
    return original


def release(stored: Path, original: bytes) -> None:
    """Put the original back (atomically) for the next worker to read."""
    replacement = stored.with_suffix(".tmp")
    replacement.write_bytes(original)
    os.replace(replacement, stored)
