"""Where a progress message's latency goes, hop by hop, one session at a time.

    python -m bench.latency_trace [--sessions 60]

Runs `daphne-memory` with `bench.trace_asgi` (the bench app with timestamps at each hop), drives
sessions one after another as the latency section does, and prints p50/p90/p99 of each hop: the
stage's row write (from the time stamped into the row to the write's end), the hand-off to the event
loop, the channel layer to the consumer, the consumer to daphne, daphne to the socket write, and the
client's own figure (socket write to receipt is the rest of it). With one session at a time the
events are in order, so each message's hops are read off in sequence.
"""

import argparse
import asyncio
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from .__main__ import photos
from .servers import MODES, Deployment
from .workloads import finish_lingering, http_client, percentile, product_session

HOPS = (("stamped", "saved", "row write (stamp to end of UPDATE)"),
        ("saved", "loop", "hand-off to the event loop"),
        ("loop", "consumer", "channel layer to the consumer"),
        ("consumer", "to_daphne", "consumer to daphne"),
        ("to_daphne", "socket_write", "daphne/Twisted to the socket write"),
        ("stamped", "socket_write", "in the server, in all"))


def messages(events: list, since: float) -> list[dict]:
    """Each message's hop times: from its `stamped` event to the first socket write after `to_daphne`."""
    found, current = [], None
    for name, moment, _ in events:
        if name == "stamped":
            current = {"stamped": moment}
        elif current is None:
            continue
        elif name == "socket_write":
            if "to_daphne" in current:
                current["socket_write"] = moment
                found.append(current)
                current = None
        else:
            current[name] = moment
    return [message for message in found if message["stamped"] >= since and len(message) == 6]


async def drive(deployment: Deployment, sessions: int) -> tuple[float, list[float]]:
    uploads = photos()
    latencies = []
    async with http_client(4, 30) as client:
        for index in range(sessions + 5):
            if index == 5:
                await finish_lingering()
                started = time.time()
                latencies.clear()
            record = await product_session(client, deployment.http, deployment.ws, uploads[index % len(uploads)],
                                           "raw", 30)
            assert not record.missed, record.error or record.miss_reason
            latencies.extend(record.latencies)
        await finish_lingering()
    return started, latencies


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=60)
    args = parser.parse_args(argv)
    out = Path(tempfile.mkdtemp(prefix="imgmvp-trace-")) / "events.json"
    mode = replace(MODES["daphne-memory"], name="daphne-memory-traced", app="bench.trace_asgi:application")
    deployment = Deployment(mode, BENCH_TRACE_OUT=str(out)).start()
    try:
        started, latencies = asyncio.run(drive(deployment, args.sessions))
    finally:
        deployment.stop()
    traced = messages(json.loads(out.read_text()), started)
    print(f"{len(traced)} messages of {args.sessions} sessions, one at a time, "
          f"started {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(started))}; ms p50 / p90 / p99")
    for start, end, label in HOPS:
        values = [(message[end] - message[start]) * 1000 for message in traced]
        print(f"  {label:42s} {percentile(values, 50):6.3f} {percentile(values, 90):6.3f} {percentile(values, 99):6.3f}")
    values = [value * 1000 for value in latencies]
    print(f"  {'at the client (the latency section)':42s} {percentile(values, 50):6.3f} {percentile(values, 90):6.3f} "
          f"{percentile(values, 99):6.3f}")


if __name__ == "__main__":
    main()
