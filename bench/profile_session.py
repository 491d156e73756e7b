"""Where a session's server CPU goes: SQL statements, thread hops and sampled stacks per session.

    python -m bench.profile_session                     # 100 sessions, one after another, daphne-memory
    python -m bench.profile_session --py-spy            # and sample the server with py-spy meanwhile
    python -m bench.profile_session --env CLEAN_COPY_SECONDS=0 --rounds 200

The server runs `bench.profile_session:application`: the bench app, with counters wrapped around
Django's cursor (every SQL statement), asgiref's `SyncToAsync`/`AsyncToSync` (every thread hop and
its function) and the thread pools' `submit`. It works on trees whose bench has the same workloads
(run it from that tree's root), so old and new code are counted alike. Never imported by the product.
"""

import argparse
import asyncio
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

COUNTS_PATH = "/bench/profile-counts"

_counts: Counter = Counter()


def _install_counters() -> None:
    import concurrent.futures

    from asgiref import sync
    from django.db.backends import utils

    def counted(kind, original, name_of):
        def wrapper(self, *args, **kwargs):
            _counts[f"{kind} {name_of(self, args)}"] += 1
            return original(self, *args, **kwargs)

        return wrapper

    def sql_kind(_, args):
        words = str(args[0]).lstrip().split(None, 1) if args else ["?"]
        return (words[0] if words else "?").upper()

    def func_name(self, _):
        func = getattr(self, "func", None) or getattr(self, "awaitable", None)
        func = getattr(func, "__wrapped__", func)
        return getattr(func, "__qualname__", None) or type(func).__name__

    utils.CursorWrapper.execute = counted("sql", utils.CursorWrapper.execute, sql_kind)
    utils.CursorWrapper.executemany = counted("sql-many", utils.CursorWrapper.executemany, sql_kind)
    sync.SyncToAsync.__call__ = counted("sync_to_async", sync.SyncToAsync.__call__, func_name)
    sync.AsyncToSync.__call__ = counted("async_to_sync", sync.AsyncToSync.__call__, func_name)
    submit = concurrent.futures.ThreadPoolExecutor.submit
    concurrent.futures.ThreadPoolExecutor.submit = counted(
        "executor.submit", submit, lambda self, args: getattr(args[0], "__qualname__", "?") if args else "?")


def _make_application():
    from bench.asgi import application as bench_application  # sets Django up

    _install_counters()

    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == COUNTS_PATH:
            body = json.dumps(dict(_counts)).encode()
            _counts.clear()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return
        return await bench_application(scope, receive, send)

    return application


if os.environ.get("BENCH_PROFILE_COUNTERS") == "1":  # only inside the server this script starts
    application = _make_application()


# The client side ----------------------------------------------------------------------------------

def _frame(frame: str) -> str:
    """`func (path:line)` without the line, and with the path cut to package/module."""
    match = re.match(r"(.*) \((.*?)(?::\d+)?\)$", frame)
    if not match:
        return frame
    name, path = match.groups()
    parts = Path(path).parts
    for anchor in ("site-packages", "lib"):
        if anchor in parts:
            parts = parts[len(parts) - parts[::-1].index(anchor):]
            break
    else:
        parts = parts[-3:]
    return f"{name} ({'/'.join(parts)})"


def summarise_profile(path: Path, sessions: int, top: int) -> None:
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        count = int(count)
        frames = [_frame(frame) for frame in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    print(f"\npy-spy --gil: {total} samples over {sessions} calls (the thread holding the GIL)")
    print(f"{'inclusive':>9} {'self':>6}  function")
    for frame, count in inclusive.most_common(top):
        print(f"{100 * count / total:8.1f}% {100 * own[frame] / total:5.1f}%  {frame}")
    print(f"\n{'self':>6}  function (top self time)")
    for frame, count in own.most_common(top // 2):
        print(f"{100 * count / total:5.1f}%  {frame}")


async def _run(args) -> None:
    import httpx

    from bench.__main__ import photos
    from bench.servers import MODES, Deployment, cpu_user_system_between, cpu_user_system_of
    import websockets

    from bench.workloads import (EXTRACT_PATH, PROGRESS_PATH, finish_lingering, http_client, new_session_id,
                                 post_upload, product_session)

    overrides = dict(item.split("=", 1) for item in args.env)
    mode = dataclasses.replace(MODES[args.mode], app="bench.profile_session:application")
    deployment = Deployment(mode, label="profile", BENCH_PROFILE_COUNTERS="1", **overrides).start()
    uploads = photos()
    spy = None
    try:
        async with http_client(4, 30) as client:
            extract = f"{deployment.http}{EXTRACT_PATH}"

            async def session(index):
                record = await product_session(client, deployment.http, deployment.ws, uploads[index % len(uploads)],
                                               args.kind, 30)
                assert not record.missed, record.error or record.miss_reason

            async def socket_only(index):
                socket = await websockets.connect(f"{deployment.ws}{PROGRESS_PATH}{new_session_id()}", ping_interval=None)
                await socket.recv()  # `connected`
                await socket.close()

            async def upload_only(index):
                response = await post_upload(client, extract, uploads[index % len(uploads)], new_session_id(), args.kind)
                assert response.status_code == 202, response.text
                await asyncio.sleep(0.04)  # the extraction ends: no two overlap

            async def rejected_tiny(index):
                response = await client.post(f"{extract}?session_id=bad%20id", content=b"x",
                                             headers={"Content-Type": "image/jpeg"})
                assert response.status_code == 400, response.text

            part = {"session": session, "socket": socket_only, "upload": upload_only, "rejected": rejected_tiny}[args.part]

            async def sessions(count):
                for index in range(count):
                    await part(index)
                await finish_lingering()
                await asyncio.sleep(0.3)

            await sessions(10)  # warm-up: imports, connections, first queries
            await (await client.get(f"{deployment.http}{COUNTS_PATH}")).aread()
            if args.py_spy:
                out = Path(tempfile.mkdtemp()) / "profile.txt"
                py_spy = Path(sys.executable).parent / "py-spy"
                spy = subprocess.Popen([str(py_spy), "record", "--pid", str(deployment.pid), "--rate", str(args.rate),
                                        "--format", "raw", "--output", str(out), "--nonblocking", "--gil"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                await asyncio.sleep(1.0)  # py-spy attached
            before = cpu_user_system_of(deployment.pids)  # the server and its extraction children
            await sessions(args.rounds)
            user, system = cpu_user_system_between(before, cpu_user_system_of(deployment.pids))
            counts = (await client.get(f"{deployment.http}{COUNTS_PATH}")).json()
    finally:
        if spy is not None:
            spy.send_signal(2)
            spy.wait(30)
        deployment.stop()
    cpu = (user + system) / args.rounds * 1000
    print(f"{args.rounds} x {args.part}, {args.mode}, {args.kind}, env {overrides or '-'}, "
          f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}: server CPU {cpu:.2f} ms per session "
          "(includes the counters' own cost)")
    print(f"{'per session':>11}  counted")
    groups = Counter()
    for key, value in counts.items():
        groups[key.split(" ", 1)[0]] += value
    for key in sorted(counts, key=lambda key: (key.split(" ", 1)[0], -counts[key])):
        print(f"{counts[key] / args.rounds:11.2f}  {key}")
    for key, value in sorted(groups.items()):
        print(f"{value / args.rounds:11.2f}  ALL {key}")
    if spy is not None:
        summarise_profile(out, args.rounds, args.top)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--mode", default="daphne-memory")
    parser.add_argument("--part", default="session", choices=("session", "socket", "upload", "rejected"),
                        help="what is repeated: a whole session, a socket alone, an upload alone, a 400")
    parser.add_argument("--kind", default="raw", choices=("raw", "multipart"))
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="server environment")
    parser.add_argument("--py-spy", action="store_true", help="sample the server with py-spy (bench/requirements.txt)")
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--top", type=int, default=60)
    asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
