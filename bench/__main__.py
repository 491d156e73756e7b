"""`python -m bench`: run the measurements against real servers on loopback and print one table.

Results go to bench/results/latest.json (and a Markdown copy of the table to latest.md); the `peers`
section (ours against bench/peers/, `--peers-only`) also prints its own table and writes peers.json and peers.md.
"""

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from . import servers, workloads
from .servers import (DEFAULT_MODES, MODES, PEERS, ROOT, BareWebsocketServer, Deployment, OtherLoad, PeerDeployment,
                      raise_fd_limit, redis_url, rss_bytes, wait_for_quiet)
from .workloads import TotalRssSampler, Upload

RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT.parent / "shared" / "corpus" / "images"
SECTIONS = ("e2e", "latency", "idle", "extraction", "memory", "peers")
UPLOAD_KINDS = ("raw", "multipart")


# ---------------------------------------------------------------- inputs

def photos(low: int = 1_000_000, high: int = 3_000_000, want: int = 6) -> list[Upload]:
    """Real 1-3 MB JPEGs from the shared corpus, or Pillow-made noisy JPEGs of that size when it is absent."""
    found = sorted(path for path in CORPUS.glob("jpg/*") if low <= path.stat().st_size <= high) if CORPUS.is_dir() else []
    if found:
        return [Upload(path.name, path.read_bytes()) for path in found[:want]]
    import io
    import random

    from PIL import Image

    made = []
    for index in range(want):
        rng = random.Random(index)
        image = Image.frombytes("RGB", (1200, 900), rng.randbytes(1200 * 900 * 3))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        made.append(Upload(f"generated-{index}.jpg", buffer.getvalue()))
    return made


def big_upload(photo: Upload, size: int) -> Upload:
    """A real JPEG padded after its end marker to `size` bytes: a large, still readable image file."""
    return Upload(f"big-{size // 1_000_000}MB.jpg", photo.data + b"\0" * max(0, size - len(photo.data)))


def machine() -> dict:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    def command(*argv: str) -> str | None:
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip() or None
        except OSError:
            return None

    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    redis_version = None
    if redis_url():
        import redis

        try:
            redis_version = redis.Redis.from_url(redis_url()).info()["redis_version"]
        except Exception:
            pass
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gb": round(int(meminfo[1]) / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": {name: version(name) for name in (
            "Django", "channels", "daphne", "Twisted", "channels-redis", "uvicorn", "websockets", "httpx",
            "pillow", "ExifRead")},
        "redis_server": redis_version,
        "exiftool": command("exiftool", "-ver"),
    }


# ---------------------------------------------------------------- sections

def quiet(args) -> None:
    """Let other processes' bursts pass (a shared machine) before a measurement starts."""
    if args.quiet_wait > 0:
        wait_for_quiet(args.quiet_cores, args.quiet_wait)


async def section_e2e(deployment: Deployment, args, uploads: list[Upload], profile_to: Path | None) -> dict:
    """Product sessions against bare uploads of the same bytes, for raw bodies and multipart."""
    out = {}
    async with workloads.http_client(args.clients + 10, args.timeout) as client:
        for kind in UPLOAD_KINDS:
            def product(index, round_, kind=kind):
                upload = uploads[(index + round_) % len(uploads)]
                return workloads.product_session(client, deployment.http, deployment.ws, upload, kind, args.timeout)

            def bare(index, round_, kind=kind):
                return workloads.bare_upload(client, deployment.http, uploads[(index + round_) % len(uploads)], kind)

            await workloads.run_clients(2, 1, product)  # warm-up: imports, connections, first queries
            await workloads.run_clients(2, 1, bare)
            quiet(args)
            with OtherLoad(*deployment.pids) as load:
                records, wall = await workloads.run_clients(args.clients, args.rounds, bare)
            bare_summary = {**workloads.summarise(records, wall), "others_cores": load.cores,
                            "server_cpu_seconds": load.server_seconds}
            profiler = start_profiler(deployment.pid, profile_to, f"e2e-{kind}") if profile_to else None
            quiet(args)
            with OtherLoad(*deployment.pids) as load:
                records, wall = await workloads.run_clients(args.clients, args.rounds, product)
            if profiler:
                stop_profiler(profiler)
            out[kind] = {"bare": bare_summary,
                         "product": {**workloads.summarise(records, wall), "others_cores": load.cores,
                                     "server_cpu_seconds": load.server_seconds}}
    return out


async def section_latency(deployment: Deployment, args, uploads: list[Upload]) -> dict:
    """Saved -> received latency of every stage message, with the bare websockets server as the floor.

    Measured at each load level of --latency-clients (concurrent sessions), since extraction threads
    compete with the event loop for the GIL.
    """
    out = {}
    for clients in args.latency_clients:
        rounds = max(1, args.latency_sessions // clients)
        async with workloads.http_client(clients + 5, args.timeout) as client:
            def product(index, round_):
                upload = uploads[(index + round_) % len(uploads)]
                return workloads.product_session(client, deployment.http, deployment.ws, upload, "raw", args.timeout)

            await workloads.run_clients(2, 1, product)
            quiet(args)
            with OtherLoad(deployment.pid) as load:
                records, wall = await workloads.run_clients(clients, rounds, product)
        product_summary = {**workloads.summarise(records, wall), "others_cores": load.cores}
        with BareWebsocketServer() as bare_server:
            def bare(index, round_):
                return workloads.bare_ws_session(bare_server.ws, args.timeout)

            await workloads.run_clients(2, 1, bare)
            quiet(args)
            with OtherLoad(bare_server.process.pid) as load:
                records, wall = await workloads.run_clients(clients, rounds, bare)
        out[str(clients)] = {"clients": clients, "product": product_summary,
                             "bare_ws": {**workloads.summarise(records, wall), "others_cores": load.cores}}
    return out


async def section_idle(mode, args) -> dict:
    with Deployment(mode, label=f"{mode.name}-idle", PROGRESS_PING_SECONDS=str(args.ping_seconds)) as deployment:
        quiet(args)
        with OtherLoad(deployment.pid) as load:
            result = await workloads.idle_capacity(
                deployment.ws, deployment.pid, args.sockets, args.idle_window,
                on_idle=(lambda: start_profiler(deployment.pid, RESULTS / "profiles" / mode.name, "idle"))
                if args.profile else None)
    result["others_cores"] = load.cores
    result["ping_seconds"] = args.ping_seconds
    return result


async def section_memory(mode, args, uploads: list[Upload]) -> dict:
    """Peak server RSS (all its processes) while several clients upload a large file at once, above the
    warmed-up idle RSS."""
    big = big_upload(uploads[0], args.big_mb * 1_000_000)
    out = {}
    for kind in UPLOAD_KINDS:  # a fresh server per kind: memory kept by the allocator would hide growth
        with Deployment(mode, label=f"{mode.name}-memory-{kind}") as deployment:
            async with workloads.http_client(args.big_clients + 5, args.timeout) as client:
                def warm(index, round_, kind=kind):
                    return workloads.product_session(client, deployment.http, deployment.ws, uploads[0], kind,
                                                     args.timeout)

                def upload(index, round_, kind=kind):
                    return workloads.product_session(client, deployment.http, deployment.ws, big, kind, args.timeout)

                await workloads.run_clients(2, 1, warm)
                await asyncio.sleep(1)
                # Every process of the server: its extraction children (EXTRACTION_PROCESSES) decode there.
                idle = sum(rss_bytes(pid) for pid in deployment.pids)
                quiet(args)
                with TotalRssSampler(lambda: deployment.pids) as sampler, OtherLoad(*deployment.pids) as load:
                    records, wall = await workloads.run_clients(args.big_clients, 1, upload)
        summary = workloads.summarise(records, wall)
        out[kind] = {
            "clients": args.big_clients,
            "file_mb": len(big.data) / 1e6,
            "idle_mb": idle / 2**20,
            "peak_mb": max(sampler.samples) / 2**20,
            "above_idle_mb": (max(sampler.samples) - idle) / 2**20,
            "samples": len(sampler.samples),
            "ok": summary["ok"],
            "errors": summary["errors"],
            "error_examples": summary["error_examples"],
            "wall_seconds": wall,
            "others_cores": load.cores,
        }
    return out


def section_extraction(args) -> dict:
    """Run bench/bench_extraction.py (written with the extraction issue) when it exists, and read its JSON."""
    script = ROOT / "bench" / "bench_extraction.py"
    if not script.exists():
        return {"available": False, "reason": "bench/bench_extraction.py is missing"}
    argv = [sys.executable, str(script)]  # run as its docstring says; its options are its author's business
    started = time.perf_counter()
    run = subprocess.run(argv, cwd=ROOT, timeout=1800)
    result_path = RESULTS / "extraction.json"
    if run.returncode != 0 or not result_path.exists():
        return {"available": False, "reason": f"bench_extraction exited {run.returncode} without extraction.json"}
    data = json.loads(result_path.read_text())
    return {"available": True, "seconds": time.perf_counter() - started, **_extraction_rates(data), "raw": data}


def _extraction_rates(data: dict) -> dict:
    """Our files/s and ExifTool's from extraction.json.

    The layout written by bench_extraction.py: {"exiftool": {"files_per_s"}, "<our runner>": {"files_per_s",
    "ratio_vs_exiftool"}, ...}; the first of ours (the batch command, like ExifTool's batch run) is the one
    judged, the others are shown.
    """
    theirs = (data.get("exiftool") or {}).get("files_per_s")
    ours = [(name, entry) for name, entry in data.items()
            if name != "exiftool" and isinstance(entry, dict) and "files_per_s" in entry]
    return {
        "exiftool_files_per_s": theirs,
        "ours_name": ours[0][0] if ours else None,
        "ours_files_per_s": ours[0][1]["files_per_s"] if ours else None,
        "others": {name: entry["files_per_s"] for name, entry in ours[1:]},
    }


# ---------------------------------------------------------------- peers (issue 17)

OURS = "imgmvp"


def peer_photos(low: float, high: float) -> list[Upload]:
    """Every corpus JPEG of `low`..`high` bytes (real photos); Pillow-made ones when the corpus is absent."""
    found = sorted(path for path in CORPUS.glob("jpg/*") if low <= path.stat().st_size <= high) if CORPUS.is_dir() else []
    return [Upload(path.name, path.read_bytes()) for path in found] or photos(int(low), int(high))


def one_photo(uploads: list[Upload], size: float = 1_000_000) -> Upload:
    """The photo nearest `size` bytes: the one-client runs all upload it."""
    return min(uploads, key=lambda upload: abs(len(upload.data) - size))


def _peer_deployment(system: str, args):
    if system == OURS:
        return Deployment(MODES[args.peers_ours], label=f"peers-{args.peers_ours}")
    return PeerDeployment(PEERS[system], label=f"peers-{system}")


def _skip_reason(system: str, args) -> str | None:
    return MODES[args.peers_ours].skip_reason() if system == OURS else PEERS[system].skip_reason()


def _session_maker(system: str, deployment, client, args):
    """The one client program, per system: a WebSocket session (ours, the direct plan) or a polled one."""
    if system == "celery_progress":
        return lambda upload: workloads.polled_session(client, deployment.http, upload, args.timeout, args.poll_seconds)
    return lambda upload: workloads.product_session(client, deployment.http, deployment.ws, upload, "multipart",
                                                    args.timeout)


async def peer_round(system: str, deployment, args, uploads: list[Upload], one: Upload) -> dict:
    """One system, one round: --peer-clients clients for throughput, CPU and RSS; then one client for latency and staleness."""
    async with workloads.http_client(args.peer_clients + 5, args.timeout) as client:
        session = _session_maker(system, deployment, client, args)
        await workloads.run_clients(2, 1, lambda index, round_: session(uploads[index % len(uploads)]))  # warm-up
        await asyncio.sleep(0.5)
        idle = sum(rss_bytes(pid) for pid in deployment.pids)
        rounds = max(1, args.peer_sessions // args.peer_clients)
        quiet(args)
        with TotalRssSampler(lambda: deployment.pids) as sampler, OtherLoad(*deployment.pids) as load:
            records, wall = await workloads.run_clients(
                args.peer_clients, rounds,
                lambda index, round_: session(uploads[(index * rounds + round_) % len(uploads)]))
        many = {**workloads.summarise(records, wall), "others_cores": load.cores,
                "server_cpu_seconds": load.server_seconds, "processes": len(deployment.pids),
                "idle_rss_mb": idle / 2**20, "peak_rss_mb": max(sampler.samples) / 2**20 if sampler.samples else None}
        many["cpu_ms_per_session"] = load.server_seconds / many["ok"] * 1000 if many["ok"] else None
        quiet(args)
        with OtherLoad(*deployment.pids) as load:
            records, wall = await workloads.run_clients(1, args.peer_one_sessions, lambda index, round_: session(one))
        single = {**workloads.summarise(records, wall), "others_cores": load.cores}
        seen = [record.stages_seen for record in records if record.stages_seen is not None]
        single["stages_seen_mean"] = sum(seen) / len(seen) if seen else None
    return {"many": many, "one": single}


# (figure, where in a round, lower is better, goal as ratio ours/best peer or absolute, unit)
PEER_FIGURES = (
    ("sessions/s, {clients} clients", ("many", "per_second"), False, (">=", 1.25), "/s"),
    ("p50 upload->result, {clients} clients", ("many", "complete_p50"), True, None, "ms"),
    ("p99 upload->result, {clients} clients", ("many", "complete_p99"), True, ("<=", 0.7), "ms"),
    ("upload->response p50, {clients} clients", ("many", "response_p50"), True, None, "ms"),
    ("p50 upload->result, one client", ("one", "complete_p50"), True, ("<=", 0.8), "ms"),
    ("p99 upload->result, one client", ("one", "complete_p99"), True, None, "ms"),
    ("server CPU per session, {clients} clients", ("many", "cpu_ms_per_session"), True, ("<=", 0.8), "cpu"),
    ("peak RSS, {clients} clients (all processes)", ("many", "peak_rss_mb"), True, ("<=", 0.6), "MB"),
    ("staleness p50, one session", ("one", "latency_p50"), True, None, "ms"),
    ("staleness p99, one session", ("one", "latency_p99"), True, ("abs<=", 0.002), "ms"),
    ("sessions incomplete or out of order", None, True, ("abs=", 0), "n"),
    ("others' load during the {clients}-client run, cores", ("many", "others_cores"), True, None, "cores"),
)


def _figure(round_: dict, where) -> float | None:
    if where is None:  # over both runs of the round
        return float(round_["many"]["missed"] + round_["one"]["missed"])
    return round_[where[0]].get(where[1])


def _spread(values: list) -> dict | None:
    values = sorted(value for value in values if value is not None)
    if not values:
        return None
    return {"min": values[0], "median": statistics.median(values), "max": values[-1], "n": len(values)}


def _fmt(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return _ms(value)
    if unit == "/s" or unit == "cpu" or unit == "MB" or unit == "cores":
        return f"{value:.1f}"
    return f"{value:.0f}"


def _fmt_spread(spread: dict | None, unit: str) -> str:
    if spread is None:
        return "-"
    if spread["n"] == 1 or spread["min"] == spread["max"]:
        return _fmt(spread["median"], unit)
    return f"{_fmt(spread['median'], unit)} ({_fmt(spread['min'], unit)}-{_fmt(spread['max'], unit)})"


UNIT_WORDS = {"ms": " ms", "/s": " sessions/s", "cpu": " ms CPU", "MB": " MB", "n": "", "cores": " cores"}


def peer_rows(peers: dict) -> list[dict]:
    """One row per figure: each system's median (min-max over rounds), ours / the best peer, the goal."""
    systems = [name for name in peers["systems"] if peers["results"].get(name, {}).get("rounds")]
    rows = []
    for label, where, lower, goal, unit in PEER_FIGURES:
        spreads = {name: _spread([_figure(round_, where) for round_ in peers["results"][name]["rounds"]])
                   for name in systems}
        medians = {name: spread["median"] for name, spread in spreads.items() if spread is not None}
        ours = medians.get(OURS)
        others = {name: value for name, value in medians.items() if name != OURS}
        best = (min if lower else max)(others, key=others.get) if others else None
        ratio = ours / others[best] if best and ours is not None and others[best] else None
        if unit == "cores":
            best, ratio = None, None  # the machine's noise, not a figure of the systems
        passed, goal_text = None, "-"
        if goal and goal[0] in (">=", "<="):
            goal_text = f"{goal[0]} {goal[1]}x best peer"
            if ratio is not None:
                passed = ratio >= goal[1] if goal[0] == ">=" else ratio <= goal[1]
        elif goal and goal[0] == "abs<=":
            goal_text = f"<= {_fmt(goal[1], unit)}{UNIT_WORDS[unit]}"
            passed = None if ours is None else ours <= goal[1]
        elif goal and goal[0] == "abs=":
            goal_text = f"= {goal[1]}"
            passed = None if ours is None else ours == goal[1]
        rows.append({"figure": label.format(clients=peers["config"]["clients"]),
                     **{name: _fmt_spread(spreads.get(name), unit) for name in peers["systems"]},
                     "best peer": best or "-",
                     "ratio": "-" if ratio is None else f"{ratio:.2f}",
                     "goal": goal_text, "result": "n/a" if passed is None else ("PASS" if passed else "FAIL")})
    return rows


def peer_columns(peers: dict) -> list[str]:
    return ["figure", *peers["systems"], "best peer", "ratio", "goal", "result"]


def peer_notes(peers: dict) -> list[str]:
    """The facts the table's cells need: sizes, rounds, noise, what the poller saw, the failures."""
    config = peers["config"]
    notes = [f"{config['rounds']} round(s), systems alternating (order rotated each round); each cell: median "
             f"(min-max) over rounds. {config['clients']}-client runs: {config['clients']} clients x {config['sessions_each']} "
             f"sessions of {config['photos']} corpus JPEGs ({config['low_mb']:.2f}-{config['high_mb']:.2f} MB, "
             f"multipart); one-client runs: {config['one_sessions']} sessions of {config['one_name']} "
             f"({config['one_mb']:.2f} MB). imgmvp = mode {config['ours']}.",
             "Server CPU and peak RSS: every process of the system (daphne; the Celery worker and its pool "
             "processes), Redis apart; RSS is the sum of each process's RSS, sampled every 50 ms.",
             "Staleness: WebSocket systems, receive time minus the message's timestamp (imgmvp: the row's save; "
             "plan_direct: just before group_send); celery_progress, the first poll answer showing the stage or a "
             f"later one minus the time set_progress returned (the task's stageTimes), polling every "
             f"{config['poll_seconds']} s.",
             "Ratio: ours / the best peer's median; the others' load row is the noise: read figures measured "
             "above ~0.3 cores as noisy."]
    for name in peers["systems"]:
        entry = peers["results"].get(name, {})
        if entry.get("skipped"):
            notes.append(f"{name}: skipped: {entry['skipped']}")
            continue
        rounds = entry.get("rounds", [])
        others = [value for round_ in rounds for value in (round_["many"].get("others_cores"),
                                                            round_["one"].get("others_cores")) if value is not None]
        errors = sorted({error for round_ in rounds for run in ("many", "one")
                         for error in round_[run]["error_examples"] + round_[run]["miss_examples"]})
        seen = [round_["one"].get("stages_seen_mean") for round_ in rounds if round_["one"].get("stages_seen_mean")
                is not None]
        procs = max((round_["many"].get("processes") or 0 for round_ in rounds), default=0)
        notes.append(f"{name}: {procs} process(es) measured; other processes used up to "
                     f"{max(others) if others else 0:.1f} cores"
                     + (f"; the poller saw {sum(seen) / len(seen):.1f} of 6 stages per session" if seen else "")
                     + (f"; problems: {'; '.join(errors[:3])}" if errors else ""))
    return notes


def peer_table(peers: dict) -> str:
    columns = peer_columns(peers)
    rows = peer_rows(peers)
    cells = [[row[column] for column in columns] for row in rows]
    widths = [max(len(column), *(len(cell[i]) for cell in cells)) for i, column in enumerate(columns)]
    line = lambda values: "  ".join(value.ljust(width) for value, width in zip(values, widths)).rstrip()  # noqa: E731
    return "\n".join([line(columns), line("-" * width for width in widths), *(line(cell) for cell in cells),
                      "", *peer_notes(peers)])


def peer_markdown(peers: dict) -> str:
    columns = peer_columns(peers)
    head = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n"
    body = "".join("| " + " | ".join(row[column] for column in columns) + " |\n" for row in peer_rows(peers))
    return head + body + "\n" + "".join(f"- {note}\n" for note in peer_notes(peers))


async def section_peers(args) -> dict:
    """Ours and each peer measured by the same client in the same run, systems alternating, per round."""
    uploads = peer_photos(args.peer_low_mb * 1e6, args.peer_high_mb * 1e6)
    one = one_photo(uploads)
    systems = [OURS, *args.peers]
    sizes = [len(upload.data) for upload in uploads]
    peers = {"systems": systems, "results": {name: {"rounds": []} for name in systems},
             "config": {"rounds": args.peer_rounds, "clients": args.peer_clients,
                        "sessions_each": max(1, args.peer_sessions // args.peer_clients),
                        "photos": len(uploads), "low_mb": min(sizes) / 1e6, "high_mb": max(sizes) / 1e6,
                        "one_sessions": args.peer_one_sessions, "one_name": one.name, "one_mb": len(one.data) / 1e6,
                        "ours": args.peers_ours, "poll_seconds": args.poll_seconds}}
    for name in systems:
        reason = _skip_reason(name, args)
        if reason:
            print(f"[bench] peers: {name} skipped: {reason}", flush=True)
            peers["results"][name] = {"skipped": reason}
    live = [name for name in systems if not peers["results"][name].get("skipped")]
    for index in range(args.peer_rounds):
        order = live[index % len(live):] + live[:index % len(live)] if live else []
        for name in order:
            print(f"[bench] peers: round {index + 1}/{args.peer_rounds}: {name}", flush=True)
            with _peer_deployment(name, args) as deployment:
                round_ = await peer_round(name, deployment, args, uploads, one)
            peers["results"][name]["rounds"].append(round_)
            many, single = round_["many"], round_["one"]
            print(f"[bench] peers:   {many['per_second']:.1f} sessions/s, p99 {_ms(many['complete_p99'])} ms, "
                  f"one client p50 {_ms(single['complete_p50'])} ms, missed {many['missed'] + single['missed']}",
                  flush=True)
    return peers


# ---------------------------------------------------------------- profiling

def start_profiler(pid: int, folder: Path, name: str) -> subprocess.Popen | None:
    """py-spy record against the server process while the product run goes (collapsed stacks)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        py_spy = Path(sys.executable).parent / "py-spy"
        # BENCH_PROFILE_GIL=1: only samples of the thread holding the GIL (Python-level CPU).
        gil = ["--gil"] if os.environ.get("BENCH_PROFILE_GIL") else []
        process = subprocess.Popen([str(py_spy) if py_spy.exists() else "py-spy", "record", "--pid", str(pid), "--rate", os.environ.get("BENCH_PROFILE_RATE", "200"), "--format", "raw",
                                    "--output", str(folder / f"{name}.txt"), "--nonblocking", *gil],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        print("py-spy is not installed (pip install -r bench/requirements.txt); no profile", file=sys.stderr)
        return None
    time.sleep(1)
    return process


def stop_profiler(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


# ---------------------------------------------------------------- goals and table

def _ms(value):
    return "-" if value is None else f"{value * 1000:.0f}" if value >= 0.1 else f"{value * 1000:.1f}"


def _others(*summaries) -> str:
    """How busy other processes kept the machine during these runs: the noise next to each figure."""
    cores = [summary.get("others_cores") for summary in summaries if summary.get("others_cores") is not None]
    return f"; others {max(cores):.1f} cores" if cores else ""


def _cpu_each(summary: dict, unit: str) -> str:
    """Server CPU per completed unit: what each one costs, whatever else limited the rate."""
    seconds, ok = summary.get("server_cpu_seconds"), summary.get("ok")
    return f"; server CPU {seconds / ok * 1000:.1f} ms/{unit}" if seconds is not None and ok else ""


def _ratio_row(section, mode, case, measured, baseline, ratio, goal, passed):
    return {"section": section, "mode": mode, "case": case, "measured": measured, "baseline": baseline,
            "ratio": None if ratio is None else float(f"{ratio:.3g}"), "goal": goal,
            "result": "n/a" if passed is None else ("PASS" if passed else "FAIL")}


# The goals against a bare route and a bare websockets server were retired by issue 17 (goals are now
# ratios to same-run peers: the `peers` section's own table): those rows show the floor, not a verdict.
RETIRED = "floor only"


def goal_rows(results: dict) -> list[dict]:
    rows = []
    for mode, sections in results["modes"].items():
        if "skipped" in sections:
            rows.append(_ratio_row("all", mode, "-", f"skipped: {sections['skipped']}", "-", None, "-", None))
            continue
        for kind, e2e in sections.get("e2e", {}).items():
            product, bare = e2e["product"], e2e["bare"]
            ratio = product["per_second"] / bare["per_second"] if bare["per_second"] and product["per_second"] else None
            rows.append(_ratio_row(
                "e2e throughput", mode, f"{kind}, {product['sessions']} sessions{_others(product, bare)}",
                f"{product['per_second']:.1f} sessions/s{_cpu_each(product, 'session')}",
                f"bare {bare['per_second']:.1f} uploads/s{_cpu_each(bare, 'upload')}",
                ratio, RETIRED, None))
            p99, bare_p99 = product["complete_p99"], bare["response_p99"]
            ratio = p99 / bare_p99 if p99 and bare_p99 else None
            rows.append(_ratio_row(
                "e2e upload->complete", mode, kind,
                f"p50 {_ms(product['complete_p50'])} / p95 {_ms(product['complete_p95'])} / p99 {_ms(p99)} ms; "
                f"first progress p50 {_ms(product['first_progress_p50'])} p99 {_ms(product['first_progress_p99'])} ms",
                f"bare p50 {_ms(bare['response_p50'])} / p99 {_ms(bare_p99)} ms", ratio, RETIRED, None))
            rows.append(_ratio_row(
                "e2e missed stages", mode, kind,
                f"{product['missed']} of {product['sessions']} (errors {product['errors']})"
                + (f" e.g. {product['error_examples'][0]}" if product["error_examples"] else "")
                + (f"; arrived after complete: {product['late_after_terminal'][0]}"
                   if product.get("late_after_terminal") else ""),
                "-", None, "= 0", product["missed"] == 0 and product["errors"] == 0))
        for level in sections.get("latency", {}).values():
            product, bare = level["product"], level["bare_ws"]
            ratio = product["latency_p99"] / bare["latency_p99"] if product["latency_p99"] and bare["latency_p99"] else None
            rows.append(_ratio_row(
                "progress latency", mode,
                f"{level['clients']} concurrent, {product['latency_count']} messages{_others(product, bare)}",
                f"p50 {_ms(product['latency_p50'])} / p99 {_ms(product['latency_p99'])} ms"
                + (f"; missed {product['missed']}: {product['miss_examples'][0]}" if product["miss_examples"] else "")
                + (f"; errors {product['errors']}: {product['error_examples'][0]}" if product["error_examples"] else "")
                + (f"; after complete: {product['late_after_terminal'][0]}" if product.get("late_after_terminal") else ""),
                f"bare websockets p50 {_ms(bare['latency_p50'])} / p99 {_ms(bare['latency_p99'])} ms",
                ratio, RETIRED if product["errors"] == 0 else "no errors",
                None if product["errors"] == 0 else False))
        if "idle" in sections:
            idle = sections["idle"]
            rows.append(_ratio_row(
                "idle memory", mode, f"{idle['sockets']} sockets (failed {idle['failed']}){_others(idle)}",
                f"{idle['kb_per_socket']:.1f} KB/socket (RSS {idle['rss_before_mb']:.0f} -> {idle['rss_open_mb']:.0f} MB)",
                "-", None, "<= 40 KB", idle["kb_per_socket"] is not None and idle["kb_per_socket"] <= 40))
            rows.append(_ratio_row(
                "idle CPU", mode, f"pings every {idle['ping_seconds']} s",
                f"{idle['cpu_percent_of_one_core']:.2f}% of one core over {idle['window_seconds']:.0f} s "
                f"({idle['pings_per_socket_in_window']:.1f} pings/socket, "
                f"{idle['cpu_us_per_ping'] or 0:.0f} us CPU per ping)",
                "-", None, "< 5%", idle["cpu_percent_of_one_core"] < 5))
        for kind, memory in sections.get("memory", {}).items():
            rows.append(_ratio_row(
                "RSS under upload", mode, f"{kind}, {memory['clients']} x {memory['file_mb']:.0f} MB{_others(memory)}",
                f"+{memory['above_idle_mb']:.0f} MB (idle {memory['idle_mb']:.0f}, peak {memory['peak_mb']:.0f} MB; "
                f"{memory['ok']} ok)",
                "-", None, "<= 150 MB", memory["above_idle_mb"] <= 150 and memory["errors"] == 0))
    extraction = results.get("extraction")
    if extraction is not None:
        if not extraction.get("available"):
            rows.append(_ratio_row("extraction", "-", "-", f"not available: {extraction['reason']}", "-", None,
                                   ">= 2x", None))
        else:
            ours, theirs = extraction.get("ours_files_per_s"), extraction.get("exiftool_files_per_s")
            ratio = ours / theirs if ours and theirs else None
            others = "".join(f"; {name} {rate:.0f} files/s" for name, rate in extraction.get("others", {}).items())
            rows.append(_ratio_row("extraction", "-", f"{extraction.get('ours_name')}{others}",
                                   f"{ours:.1f} files/s" if ours else "?",
                                   f"exiftool {theirs:.1f} files/s" if theirs else "?", ratio, ">= 2x",
                                   None if ratio is None else ratio >= 2))
    return rows


COLUMNS = ("section", "mode", "case", "measured", "baseline", "ratio", "goal", "result")


def table(rows: list[dict]) -> str:
    cells = [[str(row[column]) if row[column] is not None else "-" for column in COLUMNS] for row in rows]
    widths = [max(len(column), *(len(cell[i]) for cell in cells)) for i, column in enumerate(COLUMNS)]
    line = lambda values: "  ".join(value.ljust(width) for value, width in zip(values, widths)).rstrip()  # noqa: E731
    return "\n".join([line(COLUMNS), line("-" * width for width in widths), *(line(cell) for cell in cells)])


def markdown(rows: list[dict]) -> str:
    head = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n"
    return head + "".join(
        "| " + " | ".join(str(row[c]) if row[c] is not None else "-" for c in COLUMNS).replace("\n", " ") + " |\n"
        for row in rows)


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients in e2e (default 50)")
    parser.add_argument("--rounds", type=int, default=3, help="sessions per client in e2e (default 3)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma list of {', '.join(SECTIONS)}")
    parser.add_argument("--modes", default=None,
                        help=f"comma list of {', '.join(MODES)} (default: {', '.join(DEFAULT_MODES)})")
    parser.add_argument("--quick", action="store_true", help="small N everywhere: a smoke run in about a minute")
    parser.add_argument("--profile", action="store_true", help="py-spy the server during e2e (bench/results/profiles)")
    parser.add_argument("--latency-clients", default="1,10", help="comma list of concurrent sessions (default 1,10)")
    parser.add_argument("--latency-sessions", type=int, default=50, help="sessions per latency level (default 50)")
    parser.add_argument("--sockets", type=int, default=2000, help="idle sockets (default 2000)")
    parser.add_argument("--idle-window", type=float, default=20.0, help="seconds of idle CPU measurement")
    parser.add_argument("--ping-seconds", type=int, default=5, help="PROGRESS_PING_SECONDS while idle")
    parser.add_argument("--big-clients", type=int, default=5)
    parser.add_argument("--big-mb", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=120.0, help="per session, seconds")
    parser.add_argument("--output", default=str(RESULTS / "latest.json"))
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for every server (experiments, e.g. UVICORN_WS_PER_MESSAGE_DEFLATE=false)")
    parser.add_argument("--quiet-cores", type=float, default=0.3,
                        help="before each measurement wait until other processes use fewer cores than this")
    parser.add_argument("--quiet-wait", type=float, default=30.0, help="but wait at most this many seconds")
    parser.add_argument("--render", metavar="JSON", help="only print the table of an earlier results file")
    peers = parser.add_argument_group("peers (issue 17): ours against bench/peers/ in the same run")
    peers.add_argument("--peers-only", action="store_true", help="run only the peer table (same as --only peers)")
    peers.add_argument("--peers", default=",".join(PEERS), help=f"comma list of {', '.join(PEERS)} (default: all)")
    peers.add_argument("--peers-ours", default="daphne-memory", help="our mode in the peer table (default daphne-memory)")
    peers.add_argument("--peer-rounds", type=int, default=3, help="rounds, systems alternating (default 3)")
    peers.add_argument("--peer-clients", type=int, default=30, help="concurrent clients (default 30)")
    peers.add_argument("--peer-sessions", type=int, default=120, help="sessions at --peer-clients (default 120)")
    peers.add_argument("--peer-one-sessions", type=int, default=60, help="sessions of the one client (default 60)")
    peers.add_argument("--peer-low-mb", type=float, default=0.8, help="smallest corpus photo, MB (default 0.8)")
    peers.add_argument("--peer-high-mb", type=float, default=3.5, help="largest corpus photo, MB (default 3.5)")
    peers.add_argument("--poll-seconds", type=float, default=workloads.POLL_SECONDS,
                       help="the celery-progress client's poll interval (default 0.5, its JavaScript's)")
    args = parser.parse_args(argv)
    if args.peers_only:
        args.only = "peers"
    if args.quick:
        args.clients, args.rounds = min(args.clients, 5), 1
        args.latency_clients, args.latency_sessions = "1,2", 4
        args.sockets, args.idle_window, args.ping_seconds = min(args.sockets, 100), 3.0, 1
        args.big_clients, args.big_mb = 2, 5
        args.quiet_wait = min(args.quiet_wait, 5.0)  # a smoke run: its figures are not results anyway
        args.peer_rounds, args.peer_clients = 1, min(args.peer_clients, 5)
        args.peer_sessions, args.peer_one_sessions = min(args.peer_sessions, 10), min(args.peer_one_sessions, 5)
    for item in args.env:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--env wants NAME=VALUE, got {item!r}")
        servers.EXTRA_ENV[name] = value
    args.latency_clients = [int(n) for n in str(args.latency_clients).split(",") if n.strip()]
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    args.peers = [name.strip() for name in args.peers.split(",") if name.strip()]
    unknown = set(args.peers) - set(PEERS)
    if unknown:
        parser.error(f"unknown peer(s): {', '.join(sorted(unknown))}")
    if args.peers_ours not in MODES:
        parser.error(f"unknown mode for --peers-ours: {args.peers_ours}")
    args.modes = [name.strip() for name in args.modes.split(",")] if args.modes else list(DEFAULT_MODES)
    unknown = set(args.modes) - set(MODES)
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(sorted(unknown))}")
    return args


async def run(args) -> dict:
    uploads = photos()
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(),
               "config": {key: value for key, value in vars(args).items()},
               "uploads": [{"name": upload.name, "bytes": len(upload.data)} for upload in uploads], "modes": {}}
    for name in args.modes:
        mode = MODES[name]
        wanted = [section for section in args.only if mode.sections is None or section in mode.sections]
        if not set(wanted) - {"extraction", "peers"}:
            continue  # nothing this mode would run
        reason = mode.skip_reason()
        if reason:
            print(f"[bench] {name}: skipped: {reason}", flush=True)
            results["modes"][name] = {"skipped": reason, "note": mode.note}
            continue
        sections = results["modes"][name] = {"note": mode.note}
        if "e2e" in wanted or "latency" in wanted:
            with Deployment(mode, label=f"{mode.name}-e2e") as deployment:
                if "e2e" in wanted:
                    print(f"[bench] {name}: e2e, {args.clients} clients x {args.rounds}", flush=True)
                    profile_to = RESULTS / "profiles" / name if args.profile else None
                    sections["e2e"] = await section_e2e(deployment, args, uploads, profile_to)
                if "latency" in wanted:
                    print(f"[bench] {name}: latency at {args.latency_clients} concurrent sessions", flush=True)
                    sections["latency"] = await section_latency(deployment, args, uploads)
        if "idle" in wanted:
            print(f"[bench] {name}: idle, {args.sockets} sockets", flush=True)
            sections["idle"] = await section_idle(mode, args)
        if "memory" in wanted:
            print(f"[bench] {name}: memory, {args.big_clients} x {args.big_mb} MB uploads", flush=True)
            sections["memory"] = await section_memory(mode, args, uploads)
    if "extraction" in args.only:
        print("[bench] extraction", flush=True)
        results["extraction"] = section_extraction(args)
    if "peers" in args.only:
        print(f"[bench] peers: {OURS} ({args.peers_ours}) against {', '.join(args.peers)}", flush=True)
        results["peers"] = await section_peers(args)
    return results


def write_peers(results: dict, output: Path) -> Path:
    """The peer table beside the results: peers.json (with the machine and the time) and peers.md."""
    path = output.with_name("peers.json")
    path.write_text(json.dumps({key: results.get(key) for key in ("started", "argv", "machine", "config", "peers")},
                               indent=2, default=str) + "\n")
    path.with_suffix(".md").write_text(
        f"Peer table, {results['started']} ({results['machine']['nproc']} CPUs); "
        f"`python -m bench {' '.join(results.get('argv') or [])}`\n\n" + peer_markdown(results["peers"]))
    return path


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.render:
        results = json.loads(Path(args.render).read_text())
        if results.get("modes") is not None:
            print(table(goal_rows(results)))
        if results.get("peers"):
            print("\n" + peer_table(results["peers"]))
        return 0
    raise_fd_limit()
    results = asyncio.run(run(args))
    results["argv"] = sys.argv[1:] if argv is None else list(argv)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")  # first: the data outlives a table bug
    rows = goal_rows(results)
    results["table"] = rows
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    if rows:
        output.with_suffix(".md").write_text(markdown(rows))
    facts = results["machine"]
    print()
    print(f"imgmvp bench, {results['started']}: {facts['nproc']} CPUs ({facts['cpu']}), {facts['ram_gb']} GB RAM, "
          f"Python {facts['python']}, daphne {facts['versions']['daphne']}, uvicorn {facts['versions']['uvicorn']}, "
          f"Redis {facts['redis_server']}; {'quick' if args.quick else 'full'} run")
    if rows:
        print(table(rows))
    if results.get("peers"):
        print(f"\npeers: ours / the best peer, same run ({' '.join(results['argv'])})")
        print(peer_table(results["peers"]))
        print(f"\npeer table written to {write_peers(results, output)} (and .md)")
    print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
