"""Inline mode (extractions in the web processes) over Redis and PostgreSQL: watched across
processes, and a killed web process's sessions recovered by the next one."""

import asyncio
import sys
import time
import uuid

import httpx
import pytest

from tests.support.scaleout import STAGES, hold, release, rows, stop_all, stored_path, upload, wait_until
from tests.support.servers import ServerProcess, daphne, free_port
from tests.support.watchers import start_watching

pytestmark = pytest.mark.e2e


@pytest.fixture
def inline_env(scaleout_env, tmp_path):
    return {**scaleout_env, "EXTRACTION_WORKERS": "inline", "MEDIA_ROOT": str(tmp_path / "media")}


async def test_an_upload_through_one_web_process_is_watched_through_another(inline_env, tmp_path):
    a, b = daphne(tmp_path, inline_env, "web-a"), daphne(tmp_path, inline_env, "web-b")
    try:
        session_id = str(uuid.uuid4())
        watcher = await start_watching(b.ws_url, session_id)
        async with httpx.AsyncClient(timeout=10) as client:
            await upload(client, a.base_url, session_id)
        watched = await asyncio.wait_for(watcher, timeout=20)
        assert watched.stages == STAGES
        assert watched.last["type"] == "complete"
    finally:
        stop_all(a, b)


async def test_a_restarted_web_process_finishes_what_the_killed_one_left(inline_env, tmp_path):
    web = daphne(tmp_path, inline_env, "web-killed")
    processes = [web]
    try:
        # Hold an extraction mid-session: its stored file becomes a FIFO nobody writes (a hung read).
        # The run may read the file before the swap and complete; then try again with a new upload.
        for _ in range(5):
            session_id = str(uuid.uuid4())
            async with httpx.AsyncClient(timeout=10) as client:
                body = await upload(client, web.base_url, session_id)
            stored = stored_path(inline_env, session_id)
            try:
                original = hold(stored)
            except FileNotFoundError:  # already complete: its original was deleted
                continue
            await asyncio.sleep(0.5)
            if rows(inline_env, [session_id])[session_id]["status"] != "complete":
                break
        else:
            raise AssertionError("5 extractions in a row finished before they could be held")
        await wait_until(lambda: rows(inline_env, [session_id])[session_id]["status"] == "processing", 10, "the claim")
        web.kill()
        release(stored, original)

        restarted_at = time.monotonic()
        heir = daphne(tmp_path, inline_env, "web-restarted")  # its sweep starts with the server, no request needed
        processes.append(heir)
        watcher = await start_watching(heir.ws_url, session_id, token=body["token"])
        watched = await asyncio.wait_for(watcher, timeout=20)
        print(f"\ninline: session of a killed web process completed {time.monotonic() - restarted_at:.2f}s after restart")
        assert watched.last["type"] == "complete"
        row = rows(inline_env, [session_id])[session_id]
        assert (row["status"], row["attempts"]) == ("complete", 2)
    finally:
        stop_all(*processes)


async def test_with_default_settings_a_restarted_web_process_finishes_the_killed_ones_sessions_in_seconds(
    inline_env, tmp_path
):
    """No request reaches the restarted process: its sweep starts with the server, and takes back at
    once the session the killed process was running (not after the 30 s lease) and those waiting in
    its queue (not after the 120 s pending timeout)."""
    env = {**inline_env, "MAX_CONCURRENT_EXTRACTIONS": "1"}
    for name in ("EXTRACTION_LEASE_SECONDS", "EXTRACTION_REAPER_SECONDS", "EXTRACTION_PENDING_TIMEOUT_SECONDS"):
        env.pop(name)  # the defaults: 30, 10 and 120 s
    web = daphne(tmp_path, env, "web-killed")
    processes = [web]
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            for _ in range(5):  # hold one run mid-session (see the test above)
                running = str(uuid.uuid4())
                await upload(client, web.base_url, running)
                stored = stored_path(env, running)
                try:
                    original = hold(stored)
                except FileNotFoundError:
                    continue
                await asyncio.sleep(0.5)
                if rows(env, [running])[running]["status"] == "processing":
                    break
            else:
                raise AssertionError("5 extractions in a row finished before they could be held")
            queued = [str(uuid.uuid4()) for _ in range(3)]
            for session_id in queued:  # behind the held one: the one extraction slot is taken
                await upload(client, web.base_url, session_id)
        assert {row["status"] for row in rows(env, queued).values()} == {"pending"}
        web.kill()
        release(stored, original)

        restarted_at = time.monotonic()
        port = free_port()
        args = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "imgmvp_site.asgi:application"]
        processes.append(ServerProcess(args, env, tmp_path / "web-restarted.log", port).start())  # no request, ever
        ids = [running, *queued]
        await wait_until(lambda: {r["status"] for r in rows(env, ids).values()} == {"complete"}, 25, "all to complete")
        recovered_in = time.monotonic() - restarted_at
        print(f"\ninline, default settings: the killed process's 1 running + 3 queued sessions completed "
              f"{recovered_in:.2f}s after the restart began (lease 30 s, pending timeout 120 s)")
        assert recovered_in < 15
        assert rows(env, [running])[running]["attempts"] == 2
    finally:
        stop_all(*processes)
