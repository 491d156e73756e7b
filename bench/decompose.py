"""Server CPU per part of a session: what a session costs on this stack before any extraction.

A whole session is a progress socket, an upload through Django, the pipeline and eight state
messages; the bare ASGI route only writes the bytes to disk. This measures the parts one client at a
time on one `daphne-memory` server (inline extraction), so the floor under a session is a measurement,
not a guess:

    python -m bench.decompose                 # 150 of each; --rounds N, --mode daphne-redis, --kind multipart

Each row is the server process's user and system CPU over N requests one after another, divided by N.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

import websockets

from .__main__ import photos
from .servers import MODES, ROOT, Deployment, cpu_user_system_between, cpu_user_system_of, wait_for_quiet
from .workloads import (BARE_UPLOAD_PATH, EXTRACT_PATH, PROGRESS_PATH, bare_upload, finish_lingering, http_client,
                        new_session_id, post_upload, product_session)


async def measure(deployment: Deployment, rounds: int, part) -> tuple[float, float]:
    """Milliseconds of server user and system CPU per call of `part` (calls one after another)."""
    await finish_lingering()
    wait_for_quiet(0.3, 30)
    before = cpu_user_system_of(deployment.pids)  # the server and its extraction children
    for index in range(rounds):
        await part(index)
    await finish_lingering()
    await asyncio.sleep(0.3)  # background work started by the last call (an extraction) ends
    user, system = cpu_user_system_between(before, cpu_user_system_of(deployment.pids))
    return user / rounds * 1000, system / rounds * 1000


async def run(args) -> list[tuple[str, float, float]]:
    uploads = photos()
    deployment = Deployment(MODES[args.mode]).start()
    rows = []
    try:
        async with http_client(4, 30) as client:
            extract = f"{deployment.http}{EXTRACT_PATH}"

            async def session(index):
                record = await product_session(client, deployment.http, deployment.ws, uploads[index % len(uploads)],
                                               args.kind, 30)
                assert not record.missed, record.error or record.miss_reason

            async def bare(index):
                record = await bare_upload(client, deployment.http, uploads[index % len(uploads)], args.kind)
                assert record.error is None, record.error

            async def socket_only(index):
                socket = await websockets.connect(f"{deployment.ws}{PROGRESS_PATH}{new_session_id()}", ping_interval=None)
                await socket.recv()  # `connected`: the consumer ran, joined its group and read the row
                await socket.close()

            async def upload_without_socket(index):
                response = await post_upload(client, extract, uploads[index % len(uploads)], new_session_id(), args.kind)
                assert response.status_code == 202, response.text
                await asyncio.sleep(0.04)  # let the extraction finish: no two sessions overlap

            async def rejected(index):
                # A malformed session id: Django reads the body, runs middleware and the view, answers 400.
                response = await post_upload(client, extract, uploads[index % len(uploads)], "bad id", args.kind)
                assert response.status_code == 400, response.text

            async def rejected_tiny(index):
                response = await client.post(f"{extract}?session_id=bad%20id", content=b"x",
                                             headers={"Content-Type": "image/jpeg"})
                assert response.status_code == 400, response.text

            for _ in range(10):  # warm-up: imports, connections, first queries
                await session(0)
            parts = (
                ("whole session (socket, upload, pipeline, 8 messages)", session),
                (f"bare upload ({BARE_UPLOAD_PATH}, no Django)", bare),
                ("progress socket: open, `connected`, close", socket_only),
                ("upload + pipeline, no socket", upload_without_socket),
                ("POST through Django answered 400, same body", rejected),
                ("POST through Django answered 400, 1-byte body", rejected_tiny),
            )
            for name, part in parts:
                user, system = await measure(deployment, args.rounds, part)
                rows.append((name, user, system))
                print(f"{name:55s} {user + system:6.2f} ms  (user {user:.2f}, system {system:.2f})", flush=True)
        # The same sessions' own work without a server: store the upload, write the row, run the pipeline.
        child = subprocess.run([sys.executable, "-m", "bench.decompose", "--in-process", "--rounds", str(args.rounds)],
                               cwd=ROOT, env=deployment.env, capture_output=True, text=True, check=True)
        user, system = json.loads(child.stdout.strip().splitlines()[-1])
        name = "in one process, no server: session_create + session_run"
        rows.append((name, user, system))
        print(f"{name:55s} {user + system:6.2f} ms  (user {user:.2f}, system {system:.2f})", flush=True)
    finally:
        deployment.stop()
    return rows


def in_process(rounds: int) -> tuple[float, float]:
    """CPU per session of `session_create` + `session_run` as the server runs them (an upload thread
    with a kept connection, then an extraction thread), on an event loop, with nobody watching."""
    import django

    django.setup()
    from asgiref.sync import sync_to_async
    from django.core.files.uploadedfile import SimpleUploadedFile

    from extraction import services, tasks
    from extraction.connections import with_kept_connection

    uploads = photos()

    def create(index):
        upload = uploads[index % len(uploads)]
        return services.session_create(session_id=new_session_id(),
                                       upload=SimpleUploadedFile(upload.name, upload.data, "image/jpeg"))

    create_in_thread = sync_to_async(with_kept_connection(create), thread_sensitive=False)

    async def sessions(count):
        for index in range(count):
            session = await create_in_thread(index)
            await tasks._run_inline(session.id)

    import multiprocessing

    def processes() -> list[int]:  # this one and its extraction children (EXTRACTION_PROCESSES)
        return [os.getpid(), *(child.pid for child in multiprocessing.active_children())]

    asyncio.run(sessions(10))
    before = cpu_user_system_of(processes())
    asyncio.run(sessions(rounds))
    user, system = cpu_user_system_between(before, cpu_user_system_of(processes()))
    return user / rounds * 1000, system / rounds * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--mode", default="daphne-memory", choices=[name for name in MODES if "celery" not in name])
    parser.add_argument("--kind", default="raw", choices=("raw", "multipart"))
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)  # the last row's child
    args = parser.parse_args(argv)
    if args.in_process:
        print(json.dumps(in_process(args.rounds)))
        return
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(f"server CPU per call, {args.mode}, {args.kind} uploads, {args.rounds} calls each, started {started}")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
