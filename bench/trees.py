"""The product at several checkouts, measured by one client in one run, the checkouts alternating.

    git worktree add /tmp/before 45a9308
    python -m bench.trees /tmp/before . .,CLEAN_COPY_SECONDS=0,PREVIEWS=0 [--rounds 3]

Each argument is a checkout's root, then `,NAME=VALUE` server settings for it. Every round starts each
one afresh (`daphne-memory`: its own SQLite file and media folder) and runs, in turn: --clients
clients x --sessions of the peer table's corpus JPEGs (sessions/s, p99 upload->result, server CPU per
session over all its processes, peak RSS) and one client x --one sessions of the photo nearest 1 MB
(upload->result p50, staleness p50/p99). The client is this checkout's (`bench.workloads`), so older
trees are measured as the current code is. Prints min/median/max per figure over the rounds.
"""

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from . import workloads
from .__main__ import MODES, one_photo, peer_photos, quiet
from .servers import Deployment, OtherLoad
from .workloads import TotalRssSampler

FIGURES = (  # (name, key, scale, format)
    ("sessions/s, {clients} clients", "per_second", 1, "{:.1f}"),
    ("p99 upload->result, {clients} clients, ms", "complete_p99", 1000, "{:.0f}"),
    ("server CPU per session, ms", "cpu_ms", 1, "{:.1f}"),
    ("peak RSS, all processes, MB", "peak_mb", 1, "{:.0f}"),
    ("p50 upload->result, one client, ms", "one_p50", 1000, "{:.1f}"),
    ("staleness p50, one client, ms", "stale_p50", 1000, "{:.2f}"),
    ("staleness p99, one client, ms", "stale_p99", 1000, "{:.2f}"),
    ("sessions incomplete or out of order", "missed", 1, "{:.0f}"),
    ("others' load, cores", "others", 1, "{:.2f}"),
)


def parse_tree(argument: str) -> tuple[str, Path, dict[str, str]]:
    root, *settings = argument.split(",")
    env = dict(setting.split("=", 1) for setting in settings)
    return argument, Path(root).resolve(), env


async def measure(root: Path, env: dict[str, str], args, uploads, one) -> dict:
    with Deployment(MODES["daphne-memory"], label="trees", root=root, **env) as deployment:
        async with workloads.http_client(args.clients + 5, args.timeout) as client:
            def session(upload):
                return workloads.product_session(client, deployment.http, deployment.ws, upload, "multipart", args.timeout)

            await workloads.run_clients(2, 1, lambda index, round_: session(uploads[index % len(uploads)]))  # warm-up
            await asyncio.sleep(0.5)
            quiet(args)
            rounds = max(1, args.sessions // args.clients)
            with TotalRssSampler(lambda: deployment.pids) as sampler, OtherLoad(*deployment.pids) as load:
                records, wall = await workloads.run_clients(
                    args.clients, rounds, lambda index, round_: session(uploads[(index * rounds + round_) % len(uploads)]))
            many = workloads.summarise(records, wall)
            quiet(args)
            records, wall = await workloads.run_clients(1, args.one, lambda index, round_: session(one))
            single = workloads.summarise(records, wall)
    return {"per_second": many["per_second"], "complete_p99": many["complete_p99"],
            "cpu_ms": load.server_seconds / many["ok"] * 1000 if many["ok"] else None,
            "peak_mb": max(sampler.samples) / 2**20 if sampler.samples else None,
            "one_p50": single["complete_p50"], "stale_p50": single["latency_p50"], "stale_p99": single["latency_p99"],
            "missed": many["missed"] + single["missed"], "others": load.cores}


def cell(values: list[float | None], scale: float, form: str) -> str:
    values = [value * scale for value in values if value is not None]
    if not values:
        return "-"
    if len(values) == 1:
        return form.format(values[0])
    return f"{form.format(statistics.median(values))} ({form.format(min(values))}-{form.format(max(values))})"


async def run(args) -> str:
    trees = [parse_tree(argument) for argument in args.trees]
    uploads = peer_photos(0.8e6, 3.5e6)
    one = one_photo(uploads)
    results: dict[str, list[dict]] = {name: [] for name, _, _ in trees}
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for index in range(args.rounds):
        for name, root, env in trees[index % len(trees):] + trees[:index % len(trees)]:
            print(f"[trees] round {index + 1}/{args.rounds}: {name}", flush=True)
            results[name].append(await measure(root, env, args, uploads, one))
    lines = [f"bench.trees, {started}, {args.rounds} round(s), trees alternating; median (min-max)", "",
             "| figure | " + " | ".join(f"`{name}`" for name, _, _ in trees) + " |",
             "|---|" + "---|" * len(trees)]
    for label, key, scale, form in FIGURES:
        label = label.format(clients=args.clients)
        lines.append(f"| {label} | " + " | ".join(cell([r[key] for r in results[name]], scale, form)
                                                   for name, _, _ in trees) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", help="ROOT[,NAME=VALUE...]")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=120)
    parser.add_argument("--one", type=int, default=60, help="sessions of the one client")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--quiet-cores", type=float, default=0.3)
    parser.add_argument("--quiet-wait", type=float, default=30.0)
    print(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
