"""Celery mode with the default lease, sweep and pending timeout: everything killed at once (SIGKILL
of the web process, the worker with its pool, and beat) with one session running and three queued,
then restarted, and no request made: every session ends within 45 s."""

import signal
import sys
import time
import uuid

import httpx
import pytest

from tests.support.scaleout import beat, hold, release, rows, stop_all, stored_path, upload, wait_until, worker
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
