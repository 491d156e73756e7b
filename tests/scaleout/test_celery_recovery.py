"""Celery mode with the default lease, sweep and pending timeout (30, 10 and 120 s): everything killed
at once (SIGKILL of the web process, the worker with its pool, and beat) with sessions running and
queued, then restarted with no request made; and jobs lost with a Redis restart. Every session ends
within 45 s."""

import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from tests.support.scaleout import beat, hold, release, rows, stop_all, stored_path, upload, wait_until, worker
from tests.support.redis_server import OwnRedis
from tests.support.servers import ServerProcess, daphne, free_port

pytestmark = pytest.mark.e2e

DEFAULTED = ("EXTRACTION_LEASE_SECONDS", "EXTRACTION_REAPER_SECONDS", "EXTRACTION_PENDING_TIMEOUT_SECONDS",
             "CHANNEL_SEND_TIMEOUT_SECONDS")


def reading(env: dict[str, str], session_id: str) -> bool:
    row = rows(env, [session_id])[session_id]
    return row["status"] == "processing" and row["stage"] == "validate"


async def test_with_default_settings_a_sigkill_of_every_process_loses_no_session(scaleout_env, tmp_path):
    env = {key: value for key, value in scaleout_env.items() if key not in DEFAULTED}  # 30, 10, 120 s
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    web = daphne(tmp_path, env, "web-killed")
    work = worker(tmp_path, env, "worker-killed")
    scheduler = beat(tmp_path, env)
    processes = [web, work, scheduler]
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            running = str(uuid.uuid4())
            await upload(client, web.base_url, running)
            stored = stored_path(env, running)
            original = hold(stored)  # the one worker process hangs in its read: the others queue behind it
            await wait_until(lambda: reading(env, running), 60, "the worker to start reading")
            queued = [str(uuid.uuid4()) for _ in range(3)]
            for session_id in queued:
                await upload(client, web.base_url, session_id)
        assert {row["status"] for row in rows(env, queued).values()} == {"pending"}

        # A machine lost: every process at once (the worker with its pool process), no goodbye.
        work.signal_all(signal.SIGKILL)
        scheduler.signal_all(signal.SIGKILL)
        web.process.send_signal(signal.SIGKILL)
        for process in (web, work, scheduler):
            process.process.wait(10)
        release(stored, original)
        assert rows(env, [running])[running]["status"] == "processing"

        restarted_at = time.monotonic()
        port = free_port()
        args = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "imgmvp_site.asgi:application"]
        processes.append(ServerProcess(args, env, tmp_path / "web-restarted.log", port).start())  # no request, ever
        processes.append(worker(tmp_path, env, "worker-restarted"))
        processes.append(beat(tmp_path, env))
        ids = [running, *queued]
        await wait_until(lambda: {r["status"] for r in rows(env, ids).values()} == {"complete"}, 45,
                         "every session to complete")
        recovered_in = time.monotonic() - restarted_at
        print(f"\ncelery, default settings: 1 running + 3 queued sessions of SIGKILLed web, worker and beat "
              f"processes completed {recovered_in:.2f}s after the restart began (lease 30 s, sweep 10 s, "
              f"pending timeout 120 s)")
        assert rows(env, [running])[running]["attempts"] == 2
    finally:
        stop_all(*processes)


@pytest.mark.parametrize("keep_data", [False, True], ids=["restarted-empty", "restarted-with-its-data"])
async def test_with_default_settings_jobs_lost_with_a_redis_restart_are_sent_again_within_seconds(
    scaleout_env, tmp_path, keep_data
):
    """Two jobs wait in Redis (no worker yet), Redis stops, two uploads come while it is down (stored,
    their jobs not published), Redis comes back (empty, or with its data): all four complete, at
    default settings (pending timeout 120 s), within 45 s. Restarted empty, the sweep finds its marker
    gone and dispatches every pending session; with its data, the two unpublished ones were made due
    for the sweep's next pass when their publish failed."""
    redis = OwnRedis(tmp_path, keep_data=keep_data).start()
    env = {key: value for key, value in scaleout_env.items() if key not in DEFAULTED}
    env.update(MEDIA_ROOT=str(tmp_path / "media"), REDIS_URL=redis.url)
    web = daphne(tmp_path, env, "web")
    processes = [web, beat(tmp_path, env)]
    try:
        ids = [str(uuid.uuid4()) for _ in range(4)]
        async with httpx.AsyncClient(timeout=60) as client:
            for session_id in ids[:2]:
                await upload(client, web.base_url, session_id)
            redis.stop()
            for session_id in ids[2:]:
                await upload(client, web.base_url, session_id)  # 202: stored, its job not sent
        assert {row["status"] for row in rows(env, ids).values()} == {"pending"}
        redis.start()
        back_at = time.monotonic()
        processes.append(worker(tmp_path, env, "worker"))
        await wait_until(lambda: {r["status"] for r in rows(env, ids).values()} == {"complete"}, 45,
                         "every session to complete")
        print(f"\ncelery, default settings, Redis restarted {'with' if keep_data else 'without'} its data: "
              f"2 queued + 2 uploaded while it was down completed {time.monotonic() - back_at:.2f}s after "
              f"it was back (pending timeout 120 s)")
    finally:
        stop_all(*processes)
        redis.stop()
