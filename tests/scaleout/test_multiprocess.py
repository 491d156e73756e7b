"""Celery mode across processes and their faults: daphne web processes, `celery -A imgmvp_site worker`
processes and one `celery beat` on one Redis and one PostgreSQL; jobs delivered twice; a worker
killed mid-session; Redis restarted during a run."""

import asyncio
import errno
import json
import os
import signal
import subprocess
import time
import uuid

import httpx
import psycopg
import pytest
import websockets

from tests.support.scaleout import (
    STAGES,
    beat,
    hold,
    log_lines,
    pipeline_runs,
    release,
    rows,
    stop_all,
    stored_path,
    upload,
    wait_until,
    worker,
)
from tests.support.servers import daphne, free_port
from tests.support.services import executable
from tests.support.watchers import start_watching

pytestmark = pytest.mark.e2e


def reading(env: dict[str, str], session_id: str, process) -> bool:
    """True once `process` holds the session's lease and has begun the stage that reads the file."""
    row = rows(env, [session_id])[session_id]
    return process.owns(row["lease_owner"]) and row["stage"] == "validate"


def feed_fifo(path, data: bytes) -> bool:
    """Write `data` into a FIFO if a reader has it open; False (at once) when none has."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            return False
        raise
    try:
        os.set_blocking(fd, True)
        os.write(fd, data)
    except BrokenPipeError:
        pass  # it read what it needed and closed
    finally:
        os.close(fd)
    return True


async def upload_held(web, env: dict[str, str]):
    """Upload a session watched through `web`, then hold its stored file (see `hold`).

    Returns (session id, watcher, stored path, the original bytes for `release`).
    """
    session_id = str(uuid.uuid4())
    watcher = await start_watching(web.ws_url, session_id)
    async with httpx.AsyncClient(timeout=10) as client:
        await upload(client, web.base_url, session_id)
    stored = stored_path(env, session_id)
    return session_id, watcher, stored, hold(stored)


async def test_two_web_and_two_worker_processes_complete_20_uploads_watched_across(scaleout_env, tmp_path):
    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media")}
    web = [daphne(tmp_path, env, "web-a"), daphne(tmp_path, env, "web-b")]
    workers = [worker(tmp_path, env, "worker-1"), worker(tmp_path, env, "worker-2")]
    try:
        ids = [str(uuid.uuid4()) for _ in range(20)]
        watchers = await asyncio.gather(*(start_watching(web[(i + 1) % 2].ws_url, sid) for i, sid in enumerate(ids)))
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=10) as client:
            accepted = await asyncio.gather(*(upload(client, web[i % 2].base_url, sid) for i, sid in enumerate(ids)))
            seen = await asyncio.wait_for(asyncio.gather(*watchers), timeout=60)
            elapsed = time.monotonic() - started
            for i, (body, watched) in enumerate(zip(accepted, seen)):
                assert watched.last["type"] == "complete", (watched.session_id, watched.messages)
                # Watchers joined before their upload: every stage arrives, once, in order, seq rising.
                assert watched.stages == STAGES, (watched.session_id, watched.stages, log_lines(tmp_path, watched.session_id))
                seqs = [m["seq"] for m in watched.messages]
                assert seqs == sorted(set(seqs))
                # The token works through the other process too.
                status_url = body["statusUrl"].replace(web[i % 2].base_url, web[(i + 1) % 2].base_url)
                status = (await client.get(status_url)).json()
                assert status["status"] == "complete"
                # Saved through the ORM on PostgreSQL: the JSON result, the hash, the times.
                assert status["result"]["summary"] and status["seq"] == seqs[-1]
                assert len(status["file"]["sha256"]) == 64 and status["finishedAt"]
        stored = rows(env, ids)
        assert {row["status"] for row in stored.values()} == {"complete"}
        assert {row["lease_owner"] for row in stored.values()} == {""}
        assert not any((tmp_path / "media" / "uploads" / row["stored_path"]).exists() for row in stored.values())
        claims = [pipeline_runs(w) for w in workers]
        print(f"\n20 uploads over 2 web + 2 Celery worker processes: {elapsed:.2f}s; claims per worker {claims}")
        assert sum(claims) == 20 and all(claims)  # prefetch 1: an idle worker is never left waiting
    finally:
        stop_all(*web, *workers)


async def test_a_worker_killed_mid_session_is_replaced(scaleout_env, tmp_path):
    """A worker is held mid-session (its stored file is a FIFO nobody writes: a hung read, as on a
    stalled shared volume), then SIGKILLed with its pool; the sweep (beat) takes the session back once
    its lease expires, and another worker runs it."""
    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media")}
    web = daphne(tmp_path, env, "web")
    processes = [web, beat(tmp_path, env)]
    try:
        session_id, watcher, stored, original = await upload_held(web, env)

        doomed = worker(tmp_path, env, "worker-doomed")
        processes.append(doomed)
        await wait_until(lambda: reading(env, session_id, doomed), 20, "the doomed worker to start reading")
        doomed.signal_all(signal.SIGSTOP)
        doomed.kill()  # SIGKILL, the pool process too
        assert rows(env, [session_id])[session_id]["status"] == "processing"

        release(stored, original)
        killed_at = time.monotonic()
        processes.append(worker(tmp_path, env, "worker-heir"))
        watched = await asyncio.wait_for(watcher, timeout=30)
        recovered_in = time.monotonic() - killed_at
        print(f"\nsession of a SIGKILLed worker completed {recovered_in:.2f}s after the kill (lease 2s, sweep 1s)")

        assert watched.last["type"] == "complete"
        row = rows(env, [session_id])[session_id]
        assert (row["status"], row["attempts"], row["lease_owner"]) == ("complete", 2, "")
        assert recovered_in < 15
    finally:
        stop_all(*processes)


async def test_a_session_whose_workers_keep_dying_ends_worker_lost(scaleout_env, tmp_path):
    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media")}
    web = daphne(tmp_path, env, "web")
    processes = [web, beat(tmp_path, env)]
    try:
        # Every worker hangs on the held file, as on a poison file that kills its reader.
        session_id, watcher, stored, _ = await upload_held(web, env)
        for attempt in range(1, 4):
            doomed = worker(tmp_path, env, f"worker-{attempt}")
            processes.append(doomed)
            await wait_until(lambda: reading(env, session_id, doomed), 20, "a worker to start reading")
            doomed.kill()
        processes.append(worker(tmp_path, env, "worker-last"))
        watched = await asyncio.wait_for(watcher, timeout=20)
        assert watched.last["type"] == "failed"
        assert watched.last["error"] == "worker_lost"
        row = rows(env, [session_id])[session_id]
        assert (row["status"], row["error_code"], row["attempts"]) == ("failed", "worker_lost", 3)
        # The original is deleted just after the final state is saved and sent.
        await wait_until(lambda: not stored.exists(), 5, "the original to be deleted")
    finally:
        stop_all(*processes)


async def test_redis_restarted_during_a_run(scaleout_env, tmp_path):
    redis_server = executable("redis-server")
    port = free_port()
    redis_args = [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    def start_redis() -> subprocess.Popen:
        process = subprocess.Popen(redis_args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() != b"PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        return process

    redis = start_redis()
    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media"), "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    web = daphne(tmp_path, env, "web")
    work = worker(tmp_path, env, "worker")
    scheduler = beat(tmp_path, env)
    try:
        ids = [str(uuid.uuid4()) for _ in range(6)]
        watchers = await asyncio.gather(*(start_watching(web.ws_url, sid) for sid in ids))
        async with httpx.AsyncClient(timeout=10) as client:
            await asyncio.gather(*(upload(client, web.base_url, sid) for sid in ids[:3]))
            redis.kill()
            redis.wait(10)
            down_at = time.monotonic()
            await asyncio.gather(*(upload(client, web.base_url, sid) for sid in ids[3:]))  # saved; the job is not sent
            uploads_while_down = time.monotonic() - down_at
            await asyncio.sleep(1)
            redis = start_redis()
            back_at = time.monotonic()
            seen = await asyncio.wait_for(asyncio.gather(*watchers), timeout=45)
            settled_in = time.monotonic() - back_at
            for watched in seen:
                assert watched.last["type"] == "complete", (watched.session_id, watched.messages)
                status = (await client.get(f"{web.base_url}/api/images_mvp/sessions/{watched.session_id}")).json()
                assert status["status"] == "complete" and status["seq"] == watched.last["seq"]
        assert {row["status"] for row in rows(env, ids).values()} == {"complete"}
        assert work.process.poll() is None, "the worker must survive a Redis restart"
        assert web.process.poll() is None and scheduler.process.poll() is None
        print(
            f"\nRedis down ~1s: 3 uploads took {uploads_while_down:.2f}s while down; all 6 watchers ended complete "
            f"{settled_in:.2f}s after Redis came back; reconnects {[w.connects for w in seen]}"
        )
    finally:
        stop_all(web, work, scheduler)
        redis.kill()
        redis.wait(10)


async def test_a_frozen_worker_that_wakes_after_a_takeover_writes_nothing(scaleout_env, tmp_path):
    """SIGSTOP a worker mid-session; another takes the session over and finishes it; SIGCONT the
    first and let its read finish: its lease is gone, so it must not touch the finished row."""
    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media")}
    web = daphne(tmp_path, env, "web")
    processes = [web, beat(tmp_path, env)]
    try:
        session_id, watcher, stored, original = await upload_held(web, env)
        held = tmp_path / "held-fifo"
        os.link(stored, held)  # to feed the frozen worker's read later

        frozen = worker(tmp_path, env, "worker-frozen")
        processes.append(frozen)
        await wait_until(lambda: reading(env, session_id, frozen), 20, "the worker to start reading the file")
        frozen.signal_all(signal.SIGSTOP)
        release(stored, original)
        processes.append(worker(tmp_path, env, "worker-heir"))
        watched = await asyncio.wait_for(watcher, timeout=30)
        assert watched.last["type"] == "complete"
        finished = rows(env, [session_id])[session_id]

        frozen.signal_all(signal.SIGCONT)
        # It either finds its lease gone at its next write, or first opens the file to read: feed it then.
        noticed = lambda: "taken over" in frozen.output() or "changed under" in frozen.output()  # noqa: E731
        await wait_until(lambda: noticed() or feed_fifo(held, original), 15, "the woken worker to go on")
        await wait_until(noticed, 15, "the woken worker to notice it lost the lease")
        assert frozen.process.poll() is None  # it stopped that session, not itself
        assert rows(env, [session_id])[session_id] == finished
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            status, seq = conn.execute(
                "SELECT status, seq FROM extraction_extractionsession WHERE id = %s", (session_id,)
            ).fetchone()
        assert (status, seq) == ("complete", watched.last["seq"])
    finally:
        stop_all(*processes)


async def test_idle_sockets_and_workers_outlast_redis_blocking_reads(scaleout_env, tmp_path):
    """channels-redis blocks 5 s in BZPOPMIN; redis-py 8 used to time reads out at 5 s too, closing
    every idle socket with 1011."""
    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media")}
    web = daphne(tmp_path, env, "web")
    idle_worker = worker(tmp_path, env, "worker")
    try:
        async with websockets.connect(f"{web.ws_url}/api/images_mvp/progress/{uuid.uuid4()}") as socket:
            assert json.loads(await socket.recv())["type"] == "connected"
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(socket.recv(), timeout=7)  # nothing arrives, and nothing closes
        assert idle_worker.process.poll() is None
        assert "Exception inside application" not in web.output()
        assert "ERROR" not in idle_worker.output()
    finally:
        stop_all(web, idle_worker)


async def test_one_job_delivered_to_two_workers_at_once_runs_the_pipeline_once(scaleout_env, tmp_path):
    """The job is published twice (as a redelivery does) and each copy reaches its own worker while
    the test holds a lock on the row, so both claims wait at the same UPDATE; when it is released, one
    claim wins and runs the pipeline, the other finds the row no longer pending and writes nothing."""
    from celery import Celery

    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media")}
    web = daphne(tmp_path, env, "web")
    processes = [web]
    app = Celery(broker=env["REDIS_URL"])
    app.conf.broker_transport_options = {"global_keyprefix": f"{env['REDIS_PREFIX']}:celery:"}
    try:
        session_id = str(uuid.uuid4())
        watcher = await start_watching(web.ws_url, session_id)
        with psycopg.connect(env["DATABASE_URL"]) as lock:
            async with httpx.AsyncClient(timeout=10) as client:
                await upload(client, web.base_url, session_id)  # its job waits: no worker runs yet
            lock.execute("SELECT 1 FROM extraction_extractionsession WHERE id = %s FOR UPDATE", (session_id,))
            app.send_task("extraction.session_run", args=[session_id])  # the same job, again
            workers = [worker(tmp_path, env, "worker-a"), worker(tmp_path, env, "worker-b")]
            processes += workers

            def claims_waiting() -> bool:
                with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
                    return conn.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%%extraction_extractionsession%%'"
                    ).fetchone()[0] == 2

            await wait_until(claims_waiting, 30, "both workers' claims to wait on the row")
        # The lock is released: both UPDATEs run now.
        watched = await asyncio.wait_for(watcher, timeout=30)
        assert watched.last["type"] == "complete"
        assert watched.stages == STAGES  # every stage once: one run wrote them
        row = rows(env, [session_id])[session_id]
        assert (row["status"], row["attempts"], row["lease_owner"]) == ("complete", 1, "")
        assert pipeline_runs(*workers) == 1
        await wait_until(lambda: any("was claimed by another worker" in w.output() for w in workers), 10,
                         "the losing claim to be logged")
    finally:
        app.close()
        stop_all(*processes)


async def test_a_run_past_its_limit_is_stopped_by_celerys_soft_limit_and_retried_by_the_sweep(scaleout_env, tmp_path):
    """EXTRACTION_MAX_RUN_SECONDS=1: the held read is interrupted by Celery's soft time limit (1 s +
    one 2 s lease), the run writes nothing, the worker goes on with the next job, and the sweep gives
    the session a second attempt once its lease ran out."""
    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media"), "EXTRACTION_MAX_RUN_SECONDS": "1"}
    web = daphne(tmp_path, env, "web")
    processes = [web]
    try:
        session_id, watcher, stored, original = await upload_held(web, env)
        only = worker(tmp_path, env, "worker")
        processes.append(only)
        await wait_until(lambda: reading(env, session_id, only), 30, "the worker to start reading")
        await wait_until(lambda: "left to the sweep" in only.output(), 20, "the soft time limit to stop the run")
        assert "Soft time limit (3s) exceeded" in only.output() and only.process.poll() is None
        assert rows(env, [session_id])[session_id]["status"] == "processing"  # it wrote nothing
        async with httpx.AsyncClient(timeout=10) as client:  # the worker is free for the next job
            other = str(uuid.uuid4())
            await upload(client, web.base_url, other)
            await wait_until(lambda: rows(env, [other])[other]["status"] == "complete", 20, "the next job")
        release(stored, original)
        processes.append(beat(tmp_path, env))
        watched = await asyncio.wait_for(watcher, timeout=30)
        assert watched.last["type"] == "complete"
        assert rows(env, [session_id])[session_id]["attempts"] == 2
    finally:
        stop_all(*processes)


async def test_a_pool_process_killed_mid_run_has_its_job_given_back_and_the_session_runs_once_more(
    scaleout_env, tmp_path
):
    """SIGKILL the pool process that runs a held session, not its worker: Celery gives the job back
    (reject_on_worker_lost) and redelivers it, and beat's sweep sees the holder's pid gone and
    dispatches the session again; of those deliveries, one claim wins: two runs in all, one per attempt."""
    env = {**scaleout_env, "MEDIA_ROOT": str(tmp_path / "media")}
    web = daphne(tmp_path, env, "web")
    processes = [web, beat(tmp_path, env)]
    try:
        session_id, watcher, stored, original = await upload_held(web, env)
        pool = worker(tmp_path, env, "worker")
        processes.append(pool)
        await wait_until(lambda: reading(env, session_id, pool), 30, "the worker to start reading")
        child = int(rows(env, [session_id])[session_id]["lease_owner"].split(":")[1])
        assert child != pool.process.pid  # a pool process, not the worker itself
        release(stored, original)
        os.kill(child, signal.SIGKILL)
        watched = await asyncio.wait_for(watcher, timeout=30)
        assert watched.last["type"] == "complete"
        row = rows(env, [session_id])[session_id]
        assert (row["status"], row["attempts"], row["lease_owner"]) == ("complete", 2, "")
        log = pool.output()
        assert "WorkerLostError" in log and pool.process.poll() is None
        await asyncio.sleep(2)  # let any later delivery of the job arrive: it must not run again
        assert pipeline_runs(pool) == 2
    finally:
        stop_all(*processes)
