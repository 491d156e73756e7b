"""Bench-only ASGI app: the real application, plus a bare upload route that is the floor for uploads."""

import json
import os
import secrets
import tempfile
from pathlib import Path

from imgmvp_site.asgi import application as product_application

# Experiment switches for `python -m bench --env NAME=VALUE`, off by default: each tries a change
# to a server or interpreter setting without touching the product, so its effect can be measured.
if os.environ.get("BENCH_SWITCH_INTERVAL"):
    import sys

    sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL"]))  # GIL hand-off, default 0.005 s
BARE_UPLOAD_PATH = "/bench/bare-upload"
INTROSPECT_PATH = "/bench/introspect"


async def bare_upload(scope, receive, send):
    """Stream the request body to a file as it arrives and answer 202: no parsing, no database."""
    folder = Path(os.environ.get("BENCH_BARE_DIR") or tempfile.gettempdir())
    path = folder / f"bare-{secrets.token_hex(8)}.upload"
    size = 0
    try:
        with open(path, "wb") as out:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                out.write(chunk)
                if not message.get("more_body", False):
                    break
    finally:
        path.unlink(missing_ok=True)  # keep the disk bounded; the bytes were written
    body = json.dumps({"status": "received", "size": size}).encode()
    await send({
        "type": "http.response.start",
        "status": 202,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})


async def introspect(scope, receive, send):
    """What the soak run counts inside the server: asyncio tasks, threads, live consumer objects."""
    import asyncio
    import gc
    import threading

    from concurrent.futures import ThreadPoolExecutor

    gc.collect()  # a closed socket's consumer may wait in a reference cycle: count only the reachable
    objects = gc.get_objects()
    consumers = sum(1 for obj in objects if type(obj).__name__.endswith("Consumer"))
    # Thread pools start threads as work comes, up to their max, and keep them: their threads are
    # judged against that bound, every other thread against the idle count (bench/soak.py).
    pools = [obj for obj in objects if isinstance(obj, ThreadPoolExecutor) and not obj._shutdown]
    body = json.dumps({"tasks": len(asyncio.all_tasks()), "threads": threading.active_count(),
                       "consumers": consumers, "pools": len(pools),
                       "pool_threads": sum(len(pool._threads) for pool in pools),
                       "pool_max": sum(pool._max_workers for pool in pools)}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == BARE_UPLOAD_PATH:
        return await bare_upload(scope, receive, send)
    if scope["type"] == "http" and scope["path"] == INTROSPECT_PATH:
        return await introspect(scope, receive, send)
    return await product_application(scope, receive, send)
