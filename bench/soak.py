"""A soak run: a real server through rounds of real use, its resources counted after each round.

`python -m bench.soak [--seconds N] [--mode inline]` (`make soak`; default SOAK_SECONDS=600). After a
heavier warm-up round that fills the pools, each round opens and closes sockets, runs watched uploads of
real photos, failed uploads, uploads cut off mid-body and reconnecting watchers; then, once the server is idle, it prints the server's RSS, open fds, threads,
asyncio tasks, live consumers, rows by status, files under MEDIA_ROOT and temp files. At the end a
verdict per figure (see `verdicts`). Loopback only; every loop is bounded in count and time.
"""

import argparse
import asyncio
import io
import json
import os
import socket
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import websockets

from .servers import HOST, MODES, Deployment, Mode, rss_bytes

EXTRACT = "/api/images_mvp/extract"
PROGRESS = "/api/images_mvp/progress/"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "images" / "jpg"
TERMINAL = {"complete", "failed", "cancelled"}
CELERY = Mode(
    "soak-celery", "daphne", env={"EXTRACTION_WORKERS": "celery"}, redis=True,
    extra_processes=(
        ("-m", "celery", "-A", "imgmvp_site", "worker", "--concurrency", "1", "--loglevel", "WARNING"),
        ("-m", "celery", "-A", "imgmvp_site", "beat", "--loglevel", "WARNING", "--schedule", "/tmp/imgmvp-soak-celerybeat-schedule"),
    ),
    note="daphne with the Redis layer, extractions in a Celery worker",
)
SOAK_MODES = {"inline": MODES["daphne-memory"], "celery": CELERY}


@dataclass
class Round:
    index: int
    rss_mb: float  # the web server's
    workers_mb: float  # every other process of the deployment (Celery worker, its pool, beat), summed
    fds: int  # open files other than the database's (sockets, pipes, uploads, logs)
    db_fds: int  # the database files' (SQLite: each thread that kept its connection holds two)
    redis: int  # connections to Redis (channels-redis's pool)
    threads: int  # all of the web server's, /proc (its thread pools' and the rest)
    tasks: int
    consumers: int
    rows: dict[str, int]
    media_files: int
    temp_files: int
    kept: int  # clean copies and previews the retention keeps (named by rows): the media files allowed
    errors: list[str] = field(default_factory=list)
    pools: int = 0  # live ThreadPoolExecutors in the web server
    pool_threads: int = 0  # their threads: started on demand up to pool_max, then kept
    pool_max: int = 0

    @property
    def other_threads(self) -> int:
        """Threads outside the thread pools: these must come back to the idle count after every round."""
        return self.threads - self.pool_threads

    def line(self) -> str:
        rows = " ".join(f"{k}={v}" for k, v in sorted(self.rows.items()))
        return (f"{self.index:>5} {self.rss_mb:>8.1f} {self.workers_mb:>9.1f} {self.fds:>5} {self.db_fds:>6} {self.redis:>5} {self.threads:>7} {self.pool_threads:>4}/{self.pool_max:<4} {self.tasks:>5} "
                f"{self.consumers:>9} {self.media_files:>6} {self.kept:>5} {self.temp_files:>5}  {rows}"
                + (f"  errors: {len(self.errors)}" if self.errors else ""))


HEADER = f"{'round':>5} {'rss MB':>8} {'worker MB':>9} {'fds':>5} {'db fds':>6} {'redis':>5} {'threads':>7} {'in pools':>9} {'tasks':>5} {'consumers':>9} {'media':>6} {'kept':>5} {'temp':>5}  rows"


def photos(limit: int = 6) -> list[tuple[str, bytes]]:
    """Real photos from the shared corpus (0.1-1.2 MB), or made ones where it is absent."""
    found = sorted(CORPUS.glob("*.jpg"), key=lambda p: p.stat().st_size)[-40:] if CORPUS.is_dir() else []
    picked = [(p.name, p.read_bytes()) for p in found[:: max(1, len(found) // limit)][:limit]]
    if picked:
        return picked
    from PIL import Image

    made = []
    for index in range(limit):
        buffer = io.BytesIO()
        Image.new("RGB", (800 + index, 600), (index * 40, 90, 160)).save(buffer, "JPEG", quality=90)
        made.append((f"made-{index}.jpg", buffer.getvalue()))
    return made


def new_id() -> str:
    return str(uuid.uuid4())


async def watched_upload(client: httpx.AsyncClient, ws: str, name: str, data: bytes, *, reconnect: bool) -> str:
    """Open the socket, upload, read to the end (closing and reopening once when `reconnect`); the last type."""
    session_id = new_id()
    url = f"{ws}{PROGRESS}{session_id}"
    async with websockets.connect(url, ping_interval=None, max_size=None, open_timeout=10) as sock:
        await asyncio.wait_for(sock.recv(), 10)  # connected
        response = await client.post(EXTRACT, files={"file": (name, data, "image/jpeg")}, data={"session_id": session_id})
        if response.status_code != 202:
            return f"http {response.status_code}"
        if not reconnect:
            return await _read_to_end(sock)
        await asyncio.wait_for(sock.recv(), 10)
    async with websockets.connect(url, ping_interval=None, max_size=None, open_timeout=10) as sock:
        return await _read_to_end(sock)


async def _read_to_end(sock) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message = json.loads(await asyncio.wait_for(sock.recv(), 60))
        if message.get("type") in TERMINAL or message.get("status") in TERMINAL:
            return message.get("type") if message.get("type") in TERMINAL else message["status"]
    return "timeout"


async def idle_sockets(ws: str, count: int) -> None:
    """Open `count` sockets on fresh ids, then close them all."""
    opened = []
    for _ in range(count):
        try:
            opened.append(await websockets.connect(f"{ws}{PROGRESS}{new_id()}", ping_interval=None, open_timeout=10))
        except Exception:  # a refused socket is the server's answer; the soak counts resources, not answers
            pass
    await asyncio.gather(*(sock.close() for sock in opened), return_exceptions=True)


def cut_upload(port: int, size: int = 2_000_000) -> None:
    """Declare a body of `size` bytes, send half, hang up: the server must keep nothing."""
    with socket.create_connection((HOST, port), timeout=10) as conn:
        conn.sendall(
            f"POST {EXTRACT}?session_id={new_id()} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: image/jpeg\r\n"
            f"X-Filename: cut.jpg\r\nContent-Length: {size}\r\n\r\n".encode()
        )
        conn.sendall(b"\xff\xd8\xff" + bytes(size // 2))


async def one_round(deployment: Deployment, pictures: list, *, sockets: int, uploads: int) -> list[str]:
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=deployment.http, timeout=60) as client:
        await idle_sockets(deployment.ws, sockets)
        jobs = [watched_upload(client, deployment.ws, *pictures[i % len(pictures)], reconnect=i % 3 == 2)
                for i in range(uploads)]
        for outcome in await asyncio.gather(*jobs, return_exceptions=True):
            if outcome != "complete":
                errors.append(f"watched upload ended {outcome!r}")
        for _ in range(3):
            response = await client.post(EXTRACT, files={"file": ("notes.txt", b"not an image", "text/plain")})
            if response.status_code < 400:
                errors.append(f"a text upload answered {response.status_code}")
        for _ in range(2):
            await asyncio.to_thread(cut_upload, deployment.port)
    return errors


def count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder)) if folder.exists() else 0


def rows_by_status(database: Path) -> dict[str, int]:
    with sqlite3.connect(database, timeout=20) as conn:
        return dict(conn.execute("SELECT status, COUNT(*) FROM extraction_extractionsession GROUP BY status"))


def clean_copies_kept(database: Path) -> int:
    with sqlite3.connect(database, timeout=20) as conn:
        # A clean copy and a preview per row that names one: both are kept for CLEAN_COPY_SECONDS.
        # (A failed or cancelled row may still name its deleted preview until the expiry pass: not counted.)
        return conn.execute("SELECT COALESCE(SUM((clean_path != '') + (preview_path != ''"
                            " AND status IN ('processing', 'complete'))), 0) FROM extraction_extractionsession"
                            ).fetchone()[0]


def measure(deployment: Deployment, index: int, errors: list[str], temp: Path) -> Round:
    pid = deployment.pid
    fds, db_fds, redis = open_files(pid)  # before the introspection request opens a socket of its own
    threads = int(next(line.split()[1] for line in open(f"/proc/{pid}/status") if line.startswith("Threads:")))
    inside = introspect(deployment)
    workers = [p for p in deployment.pids if p != pid]
    return Round(index, rss_bytes(pid) / 2**20, sum(tree_rss(p) for p in workers) / 2**20, fds, db_fds, redis, threads, inside["tasks"],
                 inside["consumers"], rows_by_status(deployment.tmp / "db.sqlite3"),
                 count_files(deployment.tmp / "media"), count_files(temp), clean_copies_kept(deployment.tmp / "db.sqlite3"),
                 errors, inside.get("pools", 0), inside.get("pool_threads", 0), inside.get("pool_max", 0))


def tree_rss(pid: int) -> int:
    """RSS of a process and its children (a Celery worker's pool processes), in bytes."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += rss_bytes(current)
        except (OSError, AttributeError):
            continue
        todo.extend(children.get(current, []))
    return total


def open_files(pid: int) -> tuple[int, int, int]:
    """(open fds but the database's and Redis's, the database's, connections to Redis).

    Kept database connections (two files per thread) and channels-redis's connection pool (it keeps as
    many connections as were ever in use at once) are counted apart from the rest.
    """
    to_redis = _sockets_to_port(pid, 6379)  # every such socket of the machine: kept only when it is ours
    others = database = redis = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if os.path.basename(target).startswith("db.sqlite3"):
            database += 1
        elif target.startswith("socket:[") and target[8:-1] in to_redis:
            redis += 1
        else:
            others += 1
    return others, database, redis


def _sockets_to_port(pid: int, port: int) -> set[str]:
    """Inodes of the process's TCP sockets whose remote end is `port` on this machine."""
    found = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and int(fields[2].rsplit(":", 1)[1], 16) == port:
                found.add(fields[9])
    return found


def connected_sockets(pid: int, port: int) -> int:
    """The server's TCP connections on its own port (clients still open or closing; not its Redis or DB)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16) if len(fields) > 9 else 0
            if local_port == port and fields[9] in inodes and fields[3] != "0A":  # 0A: LISTEN
                count += 1
    return count


def settle(deployment: Deployment, seconds: float = 30) -> None:
    """Wait (bounded) until no session is pending or processing, every client connection has closed, and
    the consumers of closed sockets have finished (with the Redis layer their group_discard takes a
    round trip or two after the close)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = rows_by_status(deployment.tmp / "db.sqlite3")
        if not rows.get("pending") and not rows.get("processing") and connected_sockets(deployment.pid, deployment.port) == 0:
            break
        time.sleep(0.2)
    time.sleep(0.5)
    # channels-redis's receive shields its blocking pop (5 s timeout): a closed socket's consumer can
    # stay referenced until that pop returns. A leaked one never goes; wait past the pop, bounded.
    teardown = time.monotonic() + (12 if deployment.mode.redis else 5)
    while time.monotonic() < teardown and introspect(deployment)["consumers"]:
        time.sleep(0.25)


def introspect(deployment: Deployment) -> dict:
    return json.loads(httpx.get(f"{deployment.http}/bench/introspect", timeout=30).text)


def verdicts(rounds: list[Round]) -> list[tuple[str, bool, str]]:
    """One (figure, passed, detail) per goal of the soak issue."""
    if len(rounds) < 3:
        return [("rounds", False, f"only {len(rounds)} rounds: too few to judge")]
    # Pools fill during the first rounds (threads, their kept database connections): the idle counts are
    # the plateau over the first third, and no later round may pass it.
    warm = rounds[: max(2, len(rounds) // 3)]
    later = rounds[len(warm):]
    third = rounds[len(rounds) // 3]
    end = sum(r.rss_mb for r in rounds[-2:]) / 2
    growth = (end - third.rss_mb) / third.rss_mb
    out = [("rss", growth < 0.05, f"{third.rss_mb:.1f} MB at round {third.index} -> {end:.1f} MB at the end"
                                 f" ({growth:+.1%}; goal < +5%)")]
    if third.workers_mb:
        worker_end = sum(r.workers_mb for r in rounds[-2:]) / 2
        worker_growth = (worker_end - third.workers_mb) / third.workers_mb
        out.append(("worker rss", worker_growth < 0.05, f"{third.workers_mb:.1f} MB at round {third.index} -> "
                                                       f"{worker_end:.1f} MB at the end ({worker_growth:+.1%}; goal < +5%)"))
    # Threads: those outside the thread pools come back to the idle count; a pool may start threads up
    # to its max at any round (work arriving at once), never past it, and no pool is added after warm-up.
    for name in ("fds", "other_threads", "pools", "tasks", "consumers"):
        idle = max(getattr(r, name) for r in warm)
        worst = max(getattr(r, name) for r in later)
        out.append((name.replace("_", " "), worst <= idle, f"idle {idle}, highest after a later round {worst}"))
    over_max = [r for r in rounds if r.pool_threads > r.pool_max]
    out.append(("pool threads", not over_max, f"within the pools' max in every round (highest {max(r.pool_threads for r in rounds)}"
                                              f" of {max(r.pool_max for r in rounds)})" if not over_max else
                f"round {over_max[0].index}: {over_max[0].pool_threads} pool threads over their max {over_max[0].pool_max}"))
    if third.redis:  # a pool keeps its high-water mark: judged as a plateau, like RSS
        redis_end = max(r.redis for r in rounds[-2:])
        out.append(("redis conns", redis_end <= third.redis * 1.05 + 1,
                    f"{third.redis} at round {third.index} -> {redis_end} at the end (goal: within 5%)"))
    # A thread keeps its database connection (extraction/connections.py): two files each, one shared -shm.
    over = [r for r in rounds if r.db_fds > 2 * r.threads + 1]
    out.append(("db fds", not over, "at most two per thread in every round" if not over else
                f"round {over[0].index}: {over[0].db_fds} database files for {over[0].threads} threads"))
    files = max(r.media_files - r.kept + r.temp_files for r in rounds)
    out.append(("files", files == 0, f"most files left after a round beyond the clean copies and previews the retention keeps:"
                                     f" {files} (media + temp)"))
    stuck = sum(r.rows.get("pending", 0) + r.rows.get("processing", 0) for r in rounds[-1:])
    out.append(("sessions", stuck == 0, f"{stuck} sessions not ended at the end"))
    errors = sum(len(r.errors) for r in rounds)
    out.append(("errors", errors == 0, f"{errors} client-side surprises"))
    return out


def run(*, seconds: float, mode: str, sockets: int, uploads: int, max_rounds: int | None = None,
        out=sys.stdout) -> list[tuple[str, bool, str]]:
    deployment = Deployment(SOAK_MODES[mode], label=f"soak-{mode}")
    temp = deployment.tmp / "tmp"
    temp.mkdir(parents=True)
    deployment.env["TMPDIR"] = str(temp)
    deployment.env["PREVIEWS"] = "1"  # every file the product can keep is kept, so leaks of any show
    pictures = photos()
    rounds: list[Round] = []
    with deployment:
        print(f"soak: mode {mode}, {seconds:.0f} s, per round {sockets} sockets, {uploads} watched uploads"
              f" (a third reconnecting), 3 failed and 2 cut-off uploads", file=out)
        print(HEADER, file=out)
        # A heavier first round, not counted, fills the thread pools as busy hours would.
        asyncio.run(one_round(deployment, pictures, sockets=sockets, uploads=3 * uploads))
        settle(deployment)
        started = time.monotonic()
        index = 0
        while time.monotonic() - started < seconds and (max_rounds is None or index < max_rounds):
            index += 1
            errors = asyncio.run(one_round(deployment, pictures, sockets=sockets, uploads=uploads))
            settle(deployment)
            rounds.append(measure(deployment, index, errors, temp))
            print(rounds[-1].line(), file=out, flush=True)
        for error in sorted({e for r in rounds for e in r.errors})[:10]:
            print(f"  error: {error}", file=out)
    results = verdicts(rounds)
    for name, passed, detail in results:
        print(f"{'PASS' if passed else 'FAIL'} {name}: {detail}", file=out)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 600)))
    parser.add_argument("--mode", choices=sorted(SOAK_MODES), action="append")
    parser.add_argument("--sockets", type=int, default=200, help="sockets opened and closed per round")
    parser.add_argument("--uploads", type=int, default=12, help="watched uploads per round")
    args = parser.parse_args()
    failed = False
    for mode in args.mode or sorted(SOAK_MODES):
        results = run(seconds=args.seconds, mode=mode, sockets=args.sockets, uploads=args.uploads)
        failed |= not all(passed for _, passed, _ in results)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
