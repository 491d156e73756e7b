"""`python -m bench.scaling`: what one session costs each tier, and how throughput follows the process count.

It measures, on real processes on this machine, the figures docs/scaling.md plans from:

- per session: web CPU (the daphne processes), worker CPU (the `celery worker` processes and their
  pool children), Redis commands, bytes and main-thread CPU, PostgreSQL transactions, rows written
  (by table), new connections and statement time;
- sessions/s with W daphne + C Celery workers ("WxC", `--configs`, default 1x1 and 2x2), configs
  alternating, `--rounds` rounds each, min / median / max;
- idle progress sockets: server RSS and Redis memory per socket, Redis commands and server CPU per
  socket opened, server CPU per ping;
- one progress `group_send` from sync code, as a worker makes it today (`async_to_sync`: an event
  loop, so a Redis connection, per send) and from one kept loop: Redis and sender CPU per send.

What it starts: its own `redis-server` on a random port (other traffic on 6379 would pollute the
counts), a fresh PostgreSQL database per deployment (on BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres; dropped after), and per round the daphne-redis-celery
mode of bench/servers.py widened to W daphne and C `celery worker --concurrency 1` processes, plus its
one beat. No proxy: the client spreads its sessions over the daphne ports (client i uses port i mod W).

How it counts: each round warms up, waits for PostgreSQL's statistics to flush (a backend reports
them at most ~10 s after it goes idle), reads every counter (A), idles `--idle-seconds` (B), runs
`--clients` concurrent clients x `--sessions` sessions each (1-3 MB corpus JPEGs, raw body, socket
first, read until `complete`) (C), waits for the flush again (D). Per session = (the load window's
delta - the idle rate x its length) / completed sessions. Redis: `INFO all` on a raw socket before
and after, less this script's own INFO calls and bytes. PostgreSQL: `pg_stat_database` (read from
the `postgres` database, so the reads do not count) and `pg_stat_user_tables` (read on a connection
of its own, subtracted). CPU: /proc/<pid>/stat of each process tree; Redis's from its own INFO.

Usage:

    python -m bench.scaling                       # 1x1 and 2x2, 3 rounds each, then 2,000 idle sockets
    python -m bench.scaling --configs 1x1,1x2,2x2 --rounds 3 --clients 30 --sessions 4
    python -m bench.scaling --quick               # smoke: one short round each, 100 sockets, 50 sends
    python -m bench.scaling --render bench/results/scaling.json   # the tables of an earlier run

Results: bench/results/scaling.json, and the tables on stdout. Projections (the last tables) are
arithmetic on the measured medians with the assumptions printed beside them, not measurements.
"""

import argparse
import asyncio
import contextlib
import json
import math
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from imgmvp_site import settings as product_settings

from . import workloads
from .__main__ import photos
from .servers import (HOST, MODES, ROOT, Deployment, Mode, OtherLoad, _server_argv, cpu_seconds, descendants,
                      free_port, raise_fd_limit, wait_for_quiet)

RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


# ---------------------------------------------------------------- Redis: our own server, counted

class RedisServer:
    """A redis-server of our own on a random loopback port, no persistence, removed on exit."""

    def __init__(self, executable: str = "redis-server"):
        self.executable = shutil.which(executable)
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="imgmvp-scaling-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def __enter__(self) -> "RedisServer":
        if not self.executable:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--maxclients", "20000", "--loglevel", "warning"],
            stdout=open(self.dir / "redis.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=raise_fd_limit)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                RedisProbe(self.port).read()
                return self
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"redis-server on {self.port} did not answer")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def parse_info(text: str) -> dict:
    """`INFO all` text -> {"fields": {name: value}, "commands": {name: calls}, "usec": {name: microseconds}}."""
    fields, commands, usec = {}, {}, {}
    for line in text.splitlines():
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, value = line.split(":", 1)
        if name.startswith("cmdstat_"):
            stats = dict(item.split("=", 1) for item in value.split(","))
            commands[name[len("cmdstat_"):]] = int(stats["calls"])
            usec[name[len("cmdstat_"):]] = int(stats["usec"])
            continue
        try:
            fields[name] = float(value) if "." in value else int(value)
        except ValueError:
            fields[name] = value
    return {"fields": fields, "commands": commands, "usec": usec}


class RedisProbe:
    """Reads `INFO all` on one raw connection, and counts its own commands and bytes to subtract them.

    When INFO runs, Redis has read its command (counted in total_net_input_bytes) but not yet written
    its reply, and has not yet counted the call: so `own_in` includes this command, `own_out` and
    `own_calls` only the earlier ones.
    """

    COMMAND = b"*2\r\n$4\r\nINFO\r\n$3\r\nall\r\n"

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.sent = self.received = self.calls = 0

    def read(self) -> dict:
        if self.sock is None:
            self.sock = socket.create_connection((HOST, self.port), timeout=10)
            self.file = self.sock.makefile("rb")
        self.sock.sendall(self.COMMAND)
        self.sent += len(self.COMMAND)
        header = self.file.readline()
        if not header.startswith(b"$"):
            raise OSError(f"unexpected INFO reply {header[:80]!r}")
        body = self.file.read(int(header[1:]) + 2)
        info = parse_info(body.decode())
        info.update(own_in=self.sent, own_out=self.received, own_calls=self.calls)
        self.received += len(header) + len(body)
        self.calls += 1
        return info

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def redis_cpu(info: dict) -> float:
    """CPU seconds of Redis's main thread (the one that runs every command), else of the process."""
    fields = info["fields"]
    if "used_cpu_user_main_thread" in fields:
        return fields["used_cpu_user_main_thread"] + fields["used_cpu_sys_main_thread"]
    return fields["used_cpu_user"] + fields["used_cpu_sys"]


def redis_delta(a: dict, b: dict) -> dict:
    """What others (not this probe) made Redis do between two readings."""
    own_calls = b["own_calls"] - a["own_calls"]
    commands = {name: calls - a["commands"].get(name, 0) for name, calls in b["commands"].items()}
    commands["info"] = commands.get("info", 0) - own_calls
    fa, fb = a["fields"], b["fields"]
    return {
        "commands": {name: calls for name, calls in commands.items() if calls},
        # Time spent inside commands (commandstats); the main thread's CPU adds I/O, connections, replies.
        "command_seconds": (sum(b["usec"].values()) - sum(a["usec"].values())
                            - (b["usec"].get("info", 0) - a["usec"].get("info", 0))) / 1e6,
        "commands_total": fb["total_commands_processed"] - fa["total_commands_processed"] - own_calls,
        "in_bytes": fb["total_net_input_bytes"] - fa["total_net_input_bytes"] - (b["own_in"] - a["own_in"]),
        "out_bytes": fb["total_net_output_bytes"] - fa["total_net_output_bytes"] - (b["own_out"] - a["own_out"]),
        "cpu_seconds": redis_cpu(b) - redis_cpu(a),
        "memory_bytes": fb["used_memory"] - fa["used_memory"],
        "connections": fb["total_connections_received"] - fa["total_connections_received"],
    }


# ---------------------------------------------------------------- PostgreSQL: a database per deployment

def postgres_url() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    return url


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def postgres_reason() -> str | None:
    """Why PostgreSQL cannot be used, or None."""
    try:
        import psycopg

        with psycopg.connect(with_database(postgres_url(), "postgres"), connect_timeout=3):
            return None
    except Exception as exc:  # no server, no driver, no rights: say which
        return f"no PostgreSQL at {postgres_url()} ({type(exc).__name__}: {exc})".strip()[:300]


DATABASE_FIELDS = ("xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_deleted", "sessions",
                   "active_time")


TABLES_QUERY = """
    SELECT coalesce(parent.relname || ' (TOAST)', s.relname), s.n_tup_ins, s.n_tup_upd, s.n_tup_del
    FROM pg_stat_all_tables s LEFT JOIN pg_class parent ON parent.reltoastrelid = s.relid
    WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema')
"""


class PostgresDatabase:
    """A fresh database for one deployment, and readings of its statistics; dropped on exit."""

    def __init__(self):
        import psycopg

        self.psycopg = psycopg
        self.admin_url = with_database(postgres_url(), "postgres")
        self.name = f"imgmvp_scaling_{secrets.token_hex(4)}"
        self.url = with_database(postgres_url(), self.name)
        self.readings = 0  # per-table reads done on a connection to this database: 1 session, 1 commit each

    def __enter__(self) -> "PostgresDatabase":
        with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.admin = self.psycopg.connect(self.admin_url, autocommit=True)
        return self

    def __exit__(self, *exc) -> None:
        self.admin.close()
        with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def read(self) -> dict:
        """This database's counters (read from `postgres`, so not counted), then its tables' (counted)."""
        row = self.admin.execute(f"SELECT {', '.join(DATABASE_FIELDS)} FROM pg_stat_database WHERE datname = %s",
                                 [self.name]).fetchone()
        totals = dict(zip(DATABASE_FIELDS, (float(value or 0) for value in row)))
        own = self.readings
        with self.psycopg.connect(self.url, autocommit=True) as conn:
            # TOAST tables too: a large value (the result document) is written there, in ~2 KB chunks.
            tables = {name: {"inserted": ins, "updated": upd, "deleted": dele}
                      for name, ins, upd, dele in conn.execute(TABLES_QUERY)}
        self.readings += 1
        return {"totals": totals, "tables": tables, "own": own, "at": time.monotonic()}


def postgres_delta(a: dict, b: dict) -> dict:
    own = b["own"] - a["own"]  # our per-table reads that ended between the two readings
    totals = {name: b["totals"][name] - a["totals"][name] for name in DATABASE_FIELDS}
    totals["xact_commit"] -= own
    totals["sessions"] -= own
    tables = {}
    for name, after in b["tables"].items():
        before = a["tables"].get(name, {"inserted": 0, "updated": 0, "deleted": 0})
        change = {key: after[key] - before[key] for key in after}
        if any(change.values()):
            tables[name] = change
    return {"totals": totals, "tables": tables, "seconds": b["at"] - a["at"]}


# ---------------------------------------------------------------- the deployment: W daphne + C workers

@dataclass(frozen=True)
class Config:
    web: int
    workers: int

    @property
    def name(self) -> str:
        return f"{self.web}x{self.workers}"

    @classmethod
    def parse(cls, text: str) -> "Config":
        web, _, workers = text.partition("x")
        return cls(int(web), int(workers))


def cluster_mode(config: Config) -> tuple[Mode, list[int]]:
    """bench/servers.py's daphne-redis-celery mode with W daphne and C worker processes; the extra ports."""
    base = MODES["daphne-redis-celery"]
    worker = next(argv for argv in base.extra_processes if "worker" in argv)
    beat = next(argv for argv in base.extra_processes if "beat" in argv)
    ports = [free_port() for _ in range(config.web - 1)]
    extra = tuple(tuple(_server_argv(base.server, port, base.app)[1:]) for port in ports)
    extra += tuple((*worker, "-n", f"scaling{index}@%h") for index in range(config.workers))
    return replace(base, name=f"scaling-{config.name}", extra_processes=(*extra, beat),
                   note=f"{config.web} daphne + {config.workers} celery worker (--concurrency 1) + beat"), ports


def wait_http(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}/api/images_mvp/sessions/readiness-probe", timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"daphne on {port} did not answer within {timeout}s")


def process_groups(deployment: Deployment) -> dict[str, list[int]]:
    """The deployment's live pids by tier: web (daphne), worker (celery worker and its pool), beat."""
    groups: dict[str, list[int]] = {"web": [], "worker": [], "beat": []}
    for process in deployment.processes:
        if process.poll() is not None:
            continue
        argv = list(process.args)
        tier = "web" if "daphne" in argv else "beat" if "beat" in argv else "worker"
        groups[tier] += [process.pid, *descendants([process.pid])]
    return groups


def postgres_cluster_cpu() -> float | None:
    """CPU seconds of the local PostgreSQL cluster: the postmaster, its reaped children (cutime) and live ones.

    Backends come and go (a connection per request), so only the postmaster's cumulative children time
    sees them all. The cluster is shared with whatever else uses it: context, not a per-session cost.
    """
    processes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        processes[int(stat.parent.name)] = (comm, int(fields[1]), [int(value) for value in fields[11:15]])
    roots = [pid for pid, (comm, parent, _) in processes.items()
             if comm == "postgres" and processes.get(parent, ("",))[0] != "postgres"]
    if not roots:
        return None
    ticks = 0
    for root in roots:
        ticks += sum(processes[root][2])  # utime, stime, cutime, cstime
        ticks += sum(sum(processes[pid][2][:2]) for pid in descendants([root]) if pid in processes)
    return ticks / os.sysconf("SC_CLK_TCK")


def tier_cpu(groups: dict[str, list[int]]) -> dict[str, float]:
    out = {}
    for tier, pids in groups.items():
        total = 0.0
        for pid in pids:
            try:
                total += cpu_seconds(pid)
            except (FileNotFoundError, ProcessLookupError):
                pass
        out[tier] = total
    out["client"] = cpu_seconds(os.getpid())
    out["postgres"] = postgres_cluster_cpu() or 0.0
    return out


@dataclass
class Reading:
    at: float
    cpu: dict[str, float]
    redis: dict


def take(groups, probe: RedisProbe) -> Reading:
    return Reading(time.monotonic(), tier_cpu(groups), probe.read())


def interval(a: Reading, b: Reading) -> dict:
    return {"seconds": b.at - a.at, "cpu": {tier: b.cpu[tier] - a.cpu[tier] for tier in a.cpu},
            "redis": redis_delta(a.redis, b.redis)}


# ---------------------------------------------------------------- one round

async def run_sessions(ports: list[int], clients: int, sessions: int, uploads, timeout: float):
    async with workloads.http_client(clients + 10, timeout) as client:
        def one(index, round_):
            port = ports[index % len(ports)]
            upload = uploads[(index + round_) % len(uploads)]
            return workloads.product_session(client, f"http://{HOST}:{port}", f"ws://{HOST}:{port}", upload,
                                             "raw", timeout)

        return await workloads.run_clients(clients, sessions, one)


def net(load: float, idle_rate: float, seconds: float, count: int) -> float | None:
    """Per-unit cost of the load window: its total less what idling would have cost in that time."""
    return (load - idle_rate * seconds) / count if count else None


async def one_round(config: Config, index: int, redis_server: RedisServer, args, uploads) -> dict:
    mode, extra_ports = cluster_mode(config)
    with PostgresDatabase() as database:
        deployment = Deployment(mode, label=f"scaling-{config.name}-{index}", DATABASE_URL=database.url,
                                REDIS_URL=redis_server.url)
        with deployment:
            for port in extra_ports:
                wait_http(port)
            ports = [deployment.port, *extra_ports]
            probe = RedisProbe(redis_server.port)
            try:
                # Warm-up: imports, first queries, every worker ready (each takes a job at a time).
                await run_sessions(ports, max(2 * config.web, 2 * config.workers), 2, uploads, args.timeout)
                # Only now: a Celery worker forks its pool process some time after it starts.
                groups = process_groups(deployment)
                time.sleep(args.flush_seconds)
                pg_a, a = database.read(), take(groups, probe)
                time.sleep(args.idle_seconds)
                pg_b, b = database.read(), take(groups, probe)
                if args.quiet_wait > 0:
                    wait_for_quiet(args.quiet_cores, args.quiet_wait)
                    pg_b, b = database.read(), take(groups, probe)
                pids = [pid for tier in groups.values() for pid in tier] + [redis_server.process.pid]
                with OtherLoad(*pids) as load:
                    records, wall = await run_sessions(ports, args.clients, args.sessions, uploads, args.timeout)
                c = take(groups, probe)
                if process_groups(deployment) != groups:
                    raise RuntimeError(f"{config.name}: processes changed during the round: {groups} -> "
                                       f"{process_groups(deployment)}")
                time.sleep(args.flush_seconds)
                pg_d = database.read()
                exited = [list(process.args[1:5]) for process in deployment.processes if process.poll() is not None]
            finally:
                probe.close()
    summary = workloads.summarise(records, wall)
    idle, window = interval(a, b), interval(b, c)
    pg_idle, pg_window = postgres_delta(pg_a, pg_b), postgres_delta(pg_b, pg_d)
    ok = summary["ok"]
    if not ok:
        raise RuntimeError(f"{config.name} round {index}: no session completed: {summary['error_examples']}")
    rate = lambda value, seconds: value / seconds if seconds else 0.0  # noqa: E731
    per_session = {
        **{f"{tier}_cpu_ms": 1000 * net(window["cpu"][tier], rate(idle["cpu"][tier], idle["seconds"]),
                                        window["seconds"], ok) for tier in ("web", "worker", "beat")},
        "client_cpu_ms": 1000 * window["cpu"]["client"] / ok,
        # The whole local cluster, shared with anything else using it: an upper bound, not our cost alone.
        "postgres_cluster_cpu_ms": 1000 * net(window["cpu"]["postgres"], rate(idle["cpu"]["postgres"], idle["seconds"]),
                                              window["seconds"], ok),
        "redis_cpu_ms": 1000 * net(window["redis"]["cpu_seconds"], rate(idle["redis"]["cpu_seconds"], idle["seconds"]),
                                   window["seconds"], ok),
        "redis_command_ms": 1000 * net(window["redis"]["command_seconds"],
                                       rate(idle["redis"]["command_seconds"], idle["seconds"]), window["seconds"], ok),
    }
    for key in ("commands_total", "in_bytes", "out_bytes", "connections"):
        per_session[f"redis_{key}"] = net(window["redis"][key], rate(idle["redis"][key], idle["seconds"]),
                                          window["seconds"], ok)
    for key in DATABASE_FIELDS:
        per_session[f"db_{key}"] = net(pg_window["totals"][key], rate(pg_idle["totals"][key], pg_idle["seconds"]),
                                       pg_window["seconds"], ok)
    commands = {name: net(calls, rate(idle["redis"]["commands"].get(name, 0), idle["seconds"]), window["seconds"], ok)
                for name, calls in window["redis"]["commands"].items()}
    tables = {name: {key: value / ok for key, value in change.items()} for name, change in pg_window["tables"].items()} if ok else {}
    return {
        "config": config.name, "round": index, "ports": ports, "summary": {
            key: summary[key] for key in ("sessions", "ok", "errors", "error_examples", "missed", "miss_examples",
                                          "wall_seconds", "per_second", "complete_p50", "complete_p99",
                                          "response_p50", "response_p99")},
        "cores": {**{tier: value / window["seconds"] for tier, value in window["cpu"].items()},
                  "redis": window["redis"]["cpu_seconds"] / window["seconds"], "others": load.cores},
        "per_session": per_session, "redis_commands": commands, "db_tables": tables,
        "idle_per_second": {"redis_commands": rate(idle["redis"]["commands_total"], idle["seconds"]),
                            "db_xact_commit": rate(pg_idle["totals"]["xact_commit"], pg_idle["seconds"]),
                            **{f"{tier}_cpu": rate(idle["cpu"][tier], idle["seconds"]) for tier in ("web", "worker", "beat")}},
        "exited_early": exited,
    }


# ---------------------------------------------------------------- idle sockets

def group_key_bytes(url: str, sample: int = 200) -> float | None:
    """Mean `MEMORY USAGE` of the channel layer's group keys (one per watched session), over a sample."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = []
        for key in client.scan_iter(match="*:group:*", count=1000):
            keys.append(key)
            if len(keys) >= sample:
                break
        sizes = [client.memory_usage(key) or 0 for key in keys]
        return statistics.mean(sizes) if sizes else None
    finally:
        client.close()


async def idle_sockets(redis_server: RedisServer, args) -> dict:
    """S progress sockets on one daphne (celery mode, Redis layer): RSS, Redis memory and commands per socket."""
    mode, _ = cluster_mode(Config(1, 1))
    with PostgresDatabase() as database:
        with Deployment(mode, label="scaling-sockets", DATABASE_URL=database.url, REDIS_URL=redis_server.url,
                        PROGRESS_PING_SECONDS=str(args.ping_seconds)) as deployment:
            probe = RedisProbe(redis_server.port)
            readings = {}

            def opened():
                readings["open"], readings["cpu_open"] = probe.read(), cpu_seconds(deployment.pid)
                readings["group_bytes"] = group_key_bytes(redis_server.url)

            time.sleep(1)
            readings["before"], readings["cpu_before"] = probe.read(), cpu_seconds(deployment.pid)
            result = await workloads.idle_capacity(deployment.ws, deployment.pid, args.sockets, args.socket_window,
                                                   on_idle=opened)
            time.sleep(1)
            readings["after"] = probe.read()
            probe.close()
    opening, closing = redis_delta(readings["before"], readings["open"]), redis_delta(readings["open"], readings["after"])
    count = result["sockets"] or 1
    return {
        **result,
        "ping_seconds": args.ping_seconds,
        # Opening includes the 20 warm-up sockets idle_capacity opens and closes first, and its settle time.
        "cpu_ms_per_socket_opened": 1000 * (readings["cpu_open"] - readings["cpu_before"]) / count,
        "redis_bytes_per_socket": opening["memory_bytes"] / count,
        "redis_group_key_bytes": readings["group_bytes"],
        "redis_connections_opened": opening["connections"],
        "redis_commands_per_socket": opening["commands_total"] / count,
        "redis_commands_open": {name: calls / count for name, calls in opening["commands"].items()},
        "redis_commands_idle_and_close": {name: calls / count for name, calls in closing["commands"].items()},
    }


# ---------------------------------------------------------------- broadcasts: one Redis connection each, or kept

def broadcast_cost(redis_server: RedisServer, sends: int, payload_bytes: int = 3000) -> dict:
    """Redis's cost of a progress `group_send` made from sync code, two ways, with the product's layer config.

    "new loop per send" is what a worker does today (`async_to_sync` from a plain thread: a fresh event
    loop per call, and channels-redis keeps its connections per loop, so each send connects and says
    HELLO); "kept loop" sends every message from one long-lived loop in a thread, reusing connections.
    """
    import threading

    from asgiref.sync import async_to_sync
    from channels_redis.core import RedisChannelLayer

    config = product_settings.CHANNEL_LAYERS["default"].get("CONFIG", {})
    hosts = [{**host, "address": redis_server.url} for host in config.get("hosts", [{}])]
    # The shape of progress.broadcast.state_event: the frame's text, encoded once by the sender.
    message = {"type": "progress.update", "seq": 1, "kind": "progress", "text": "x" * payload_bytes}
    probe = RedisProbe(redis_server.port)
    out = {}

    def measured(name, call):
        """`call(coroutine_function, *args)` runs it to the end from this (sync) thread, one way or the other."""
        layer = RedisChannelLayer(hosts=hosts, prefix=f"bench-broadcast-{secrets.token_hex(4)}",
                                  capacity=config.get("capacity", 100))
        group = "session-bench"
        call(layer.group_add, group, "specific.bench!watcher")
        call(layer.group_send, group, message)  # warm
        before, cpu_before, clock = probe.read(), cpu_seconds(os.getpid()), time.perf_counter()
        for _ in range(sends):
            call(layer.group_send, group, message)
        wall, cpu = time.perf_counter() - clock, cpu_seconds(os.getpid()) - cpu_before
        delta = redis_delta(before, probe.read())
        call(layer.flush)
        out[name] = {"redis_cpu_us": 1e6 * delta["cpu_seconds"] / sends,
                     "redis_command_us": 1e6 * delta["command_seconds"] / sends,
                     "commands": delta["commands_total"] / sends, "connections": delta["connections"] / sends,
                     "in_bytes": delta["in_bytes"] / sends, "sender_cpu_us": 1e6 * cpu / sends,
                     "wall_us": 1e6 * wall / sends}

    measured("new loop per send", lambda function, *args: async_to_sync(function)(*args))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        measured("kept loop", lambda function, *args: asyncio.run_coroutine_threadsafe(function(*args), loop).result())
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()  # here, with no loop running in this thread (channels-redis flushes on close)
    probe.close()
    return {"sends": sends, "payload_bytes": payload_bytes, "ways": out}


# ---------------------------------------------------------------- tables

def spread(values) -> tuple[float, float, float] | None:
    values = [value for value in values if value is not None]
    return (min(values), statistics.median(values), max(values)) if values else None


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        low, mid, high = value
        return f"{mid:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"
    return f"{value:.{digits}f}"


def render(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(header), *(len(row[i]) for row in rows)) if rows else len(header)
              for i, header in enumerate(headers)]
    line = lambda cells: "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)])


def by_config(results: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for entry in results["rounds"]:
        out.setdefault(entry["config"], []).append(entry)
    return out


COST_ROWS = (
    ("web CPU, ms (daphne)", "web_cpu_ms", 1),
    ("worker CPU, ms (celery worker + pool)", "worker_cpu_ms", 1),
    ("beat CPU, ms", "beat_cpu_ms", 2),
    ("load client CPU, ms (not the system's)", "client_cpu_ms", 1),
    ("PostgreSQL cluster CPU, ms (whole local cluster: an upper bound)", "postgres_cluster_cpu_ms", 1),
    ("Redis main-thread CPU, ms", "redis_cpu_ms", 2),
    ("  of which inside commands (commandstats usec)", "redis_command_ms", 2),
    ("Redis commands", "redis_commands_total", 1),
    ("Redis bytes in (to Redis)", "redis_in_bytes", 0),
    ("Redis bytes out (from Redis)", "redis_out_bytes", 0),
    ("Redis new connections", "redis_connections", 2),
    ("PostgreSQL transactions (commits, read-only too)", "db_xact_commit", 1),
    ("PostgreSQL rollbacks", "db_xact_rollback", 2),
    ("PostgreSQL rows inserted", "db_tup_inserted", 1),
    ("PostgreSQL rows updated", "db_tup_updated", 1),
    ("PostgreSQL rows deleted", "db_tup_deleted", 1),
    ("PostgreSQL new connections", "db_sessions", 2),
    ("PostgreSQL backend busy time, ms (active_time: statements, commit waits)", "db_active_time", 1),
)


def costs(results: dict) -> dict[str, float]:
    """The median over every round of each per-session figure: what the projections use."""
    return {key: statistics.median([entry["per_session"].get(key) for entry in results["rounds"]
                                    if entry["per_session"].get(key) is not None] or [0.0])
            for _, key, _ in COST_ROWS}


def tables(results: dict) -> str:
    configs = by_config(results)
    names = list(configs)
    out = []
    meta = results["meta"]
    out.append(f"imgmvp scaling bench, {meta['started']} to {meta.get('finished', '?')}: {meta['nproc']} CPUs, "
               f"{meta['clients']} clients x {meta['sessions']} sessions per round, {meta['rounds']} rounds per config "
               f"(alternating), uploads {meta['upload_mb']:.2f} MB mean; load average at start {meta['loadavg_start']}, "
               f"at end {meta.get('loadavg_end', '?')}")
    if names:  # none when only the sockets or the broadcasts were measured (--configs '')
        out.append("\nMEASURED: throughput (client spreads sessions over the daphne ports; min-max over rounds in brackets)")
        rows = []
        for name in names:
            entries = configs[name]
            summaries = [entry["summary"] for entry in entries]
            cores = lambda tier: spread([entry["cores"].get(tier) for entry in entries])  # noqa: E731
            rows.append([
                name, fmt(spread([s["per_second"] for s in summaries])),
                fmt(spread([s["complete_p50"] * 1000 for s in summaries if s["complete_p50"]]), 0),
                fmt(spread([s["complete_p99"] * 1000 for s in summaries if s["complete_p99"]]), 0),
                f"{sum(s['errors'] for s in summaries)} / {sum(s['missed'] for s in summaries)}",
                fmt(cores("web"), 2), fmt(cores("worker"), 2), fmt(cores("redis"), 2), fmt(cores("postgres"), 2),
                fmt(cores("client"), 2), fmt(cores("others"), 2),
            ])
        out.append(render(["config", "sessions/s", "p50 ms", "p99 ms", "errors/missed", "web cores", "worker cores",
                           "redis cores", "PG cluster cores", "client cores", "others cores"], rows))
        out.append("(others: every process not ours, the PostgreSQL cluster's included; cores are of the load window)")
        if len(names) > 1:
            base = names[0]
            base_rate = statistics.median([entry["summary"]["per_second"] for entry in configs[base]])
            ratios = ", ".join(
                f"{name}: {statistics.median([entry['summary']['per_second'] for entry in configs[name]]) / base_rate:.2f}x"
                for name in names[1:]) if base_rate else "-"
            out.append(f"median sessions/s against {base}: {ratios}")
        out.append("\nMEASURED: per-session cost (median over rounds, min-max in brackets; idle background subtracted)")
        rows = [[label, *(fmt(spread([entry["per_session"].get(key) for entry in configs[name]]), digits) for name in names)]
                for label, key, digits in COST_ROWS]
        out.append(render(["per session", *names], rows))
        out.append("\nMEASURED: Redis commands per session (median over rounds)")
        commands = sorted({command for entry in results["rounds"] for command in entry["redis_commands"]})
        rows = [[command, *(fmt(statistics.median([entry["redis_commands"].get(command, 0.0) for entry in configs[name]]), 2)
                            for name in names)] for command in commands]
        rows = [row for row in rows if any(cell not in ("0.00", "-0.00") for cell in row[1:])]
        rows.sort(key=lambda row: -float(row[1]))
        out.append(render(["command", *names], rows))
        out.append("\nMEASURED: PostgreSQL rows written per session, by table (median over rounds)")
        table_names = sorted({table for entry in results["rounds"] for table in entry["db_tables"]})
        rows = []
        for table in table_names:
            cells = []
            for name in names:
                cells.append(" / ".join(
                    fmt(statistics.median([entry["db_tables"].get(table, {}).get(key, 0.0) for entry in configs[name]]), 2)
                    for key in ("inserted", "updated", "deleted")))
            rows.append([table, *cells])
        out.append(render(["table (inserted / updated / deleted)", *names], rows))
    idle = results.get("sockets")
    if idle:
        out.append(f"\nMEASURED: {idle['sockets']} idle progress sockets on one daphne (Redis layer; failed {idle['failed']}; "
                   f"pings every {idle['ping_seconds']} s)")
        rows = [
            ["daphne RSS per socket, KB", fmt(idle["kb_per_socket"])],
            ["daphne CPU, % of a core", f"{fmt(idle['cpu_percent_of_one_core'], 2)} over {idle['window_seconds']:.0f} s"],
            ["daphne CPU per ping, us", fmt(idle["cpu_us_per_ping"], 0)],
            ["daphne CPU per socket opened (handshake, group add, snapshot), ms",
             fmt(idle.get("cpu_ms_per_socket_opened"), 2) + f" ({idle['sockets'] / idle['open_seconds']:.0f} opened/s, "
             "100 handshakes in flight)"],
            ["Redis memory per socket (used_memory), bytes",
             fmt(idle["redis_bytes_per_socket"], 0) + f" (new Redis connections meanwhile: {idle.get('redis_connections_opened', '?')})"],
            ["Redis MEMORY USAGE of one group key, bytes", fmt(idle.get("redis_group_key_bytes"), 0)],
            ["Redis commands per socket opened", fmt(idle["redis_commands_per_socket"], 2) + " ("
             + ", ".join(f"{name} {calls:.2f}" for name, calls in sorted(idle["redis_commands_open"].items())
                         if calls >= 0.01) + ")"],
        ]
        out.append(render(["idle sockets", "value"], rows))
    broadcasts = results.get("broadcasts")
    if isinstance(broadcasts, dict):
        broadcasts = [broadcasts]  # a results file from before the rounds
    if broadcasts:
        first = broadcasts[0]
        out.append(f"\nMEASURED: one progress group_send from sync code ({len(broadcasts)} rounds x {first['sends']} "
                   f"each way, alternating; {first['payload_bytes']} B payload, the product's channels-redis config, "
                   "no web process; median (min-max))")
        keys = ("redis_cpu_us", "redis_command_us", "commands", "connections", "in_bytes", "sender_cpu_us", "wall_us")
        rows = [[name, *(fmt(spread([run["ways"][name][key] for run in broadcasts]), 2 if key in ("commands", "connections") else 0)
                        for key in keys)] for name in first["ways"]]
        out.append(render(["way", "Redis CPU us", "in commands us", "commands", "connections", "bytes in",
                           "sender CPU us", "wall us"], rows))
    if names:
        out.append("\n" + projections(results))
    return "\n".join(out)


def projections(results: dict) -> str:
    """PROJECTED: processes, machines and service load for 100 / 1,000 / 10,000 sessions/s and 1M sockets."""
    cost = costs(results)
    meta = results["meta"]
    budget, cores = meta["core_budget"], meta["machine_cores"]
    out = [f"PROJECTED from the medians above (arithmetic, not measured): each process planned at {budget:.0%} of a "
           f"core, {cores}-core machines, uploads of {meta['upload_mb']:.2f} MB"]
    rows = []
    for rate in (100, 1_000, 10_000):
        web = math.ceil(rate * cost["web_cpu_ms"] / 1000 / budget)
        workers = math.ceil(rate * cost["worker_cpu_ms"] / 1000 / budget)
        machines = math.ceil((web + workers) / cores)
        rows.append([
            f"{rate:,}", str(web), str(workers), str(machines),
            f"{rate * cost['redis_cpu_ms'] / 1000:.2f}", str(math.ceil(rate * cost["redis_cpu_ms"] / 1000 / budget)),
            f"{rate * cost['redis_commands_total']:,.0f}",
            f"{rate * (cost['redis_in_bytes'] + cost['redis_out_bytes']) * 8 / 1e6:,.1f}",
            f"{rate * cost['db_xact_commit']:,.0f}", f"{rate * (cost['db_tup_inserted'] + cost['db_tup_updated'] + cost['db_tup_deleted']):,.0f}",
            f"{rate * cost['db_sessions']:,.0f}", f"{rate * cost['db_active_time'] / 1000:.1f}",
            f"{rate * meta['upload_mb'] * 8 / 1000:,.2f}",
        ])
    out.append(render(["sessions/s", "daphne", "worker procs", f"{cores}-core machines", "Redis main thread, cores",
                       "Redis hosts", "Redis cmds/s", "Redis Mbit/s", "PG xacts/s", "PG rows/s", "PG new conns/s",
                       "PG busy backends", "upload Gbit/s"], rows))
    idle = results.get("sockets")
    if idle and idle.get("kb_per_socket"):
        sockets = 1_000_000
        per_process = meta["sockets_per_process"]
        processes = math.ceil(sockets / per_process)
        ping_cpu = (idle["cpu_us_per_ping"] or 0) / 1e6
        base_rss_mb = idle["rss_before_mb"]
        out.append(f"\nPROJECTED: {sockets:,} open sockets at {per_process:,} per daphne (PROGRESS_MAX_SOCKETS), "
                   f"pings every {meta['default_ping_seconds']} s (the default)")
        rows = [
            ["daphne processes", f"{processes:,}"],
            ["daphne RAM, GB (sockets + each process's idle RSS)",
             f"{(sockets * idle['kb_per_socket'] * 1024 + processes * base_rss_mb * 2**20) / 2**30:,.1f}"],
            ["ping CPU, cores", f"{sockets / meta['default_ping_seconds'] * ping_cpu:.2f}"],
            ["Redis memory for group keys, MB (one per watched session)",
             f"{sockets * (idle.get('redis_group_key_bytes') or idle['redis_bytes_per_socket']) / 2**20:,.0f}"],
            ["daphne CPU to (re)open them all once, core-seconds",
             f"{sockets * (idle.get('cpu_ms_per_socket_opened') or 0) / 1000:,.0f}"],
            ["Redis commands to (re)connect them all once", f"{sockets * idle['redis_commands_per_socket']:,.0f}"],
            ["proxy file descriptors (client side + upstream side)", f"{2 * sockets:,}"],
        ]
        out.append(render(["1M sockets", "value"], rows))
    return "\n".join(out)


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", default="1x1,2x2", help="comma list of WEBxWORKERS (default 1x1,2x2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per config, configs alternating (default 3)")
    parser.add_argument("--clients", type=int, default=30, help="concurrent clients (default 30)")
    parser.add_argument("--sessions", type=int, default=4, help="sessions per client per round (default 4)")
    parser.add_argument("--sockets", type=int, default=2000, help="idle sockets; 0 skips that part (default 2000)")
    parser.add_argument("--broadcasts", type=int, default=500,
                        help="group_sends per way in the broadcast comparison; 0 skips it (default 500)")
    parser.add_argument("--socket-window", type=float, default=10.0, help="seconds of idle-socket CPU measurement")
    parser.add_argument("--ping-seconds", type=int, default=5, help="PROGRESS_PING_SECONDS while the sockets idle")
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="background window before each load")
    parser.add_argument("--flush-seconds", type=float, default=11.0,
                        help="wait for PostgreSQL backends to report their statistics (they do within ~10 s idle)")
    parser.add_argument("--quiet-cores", type=float, default=0.3)
    parser.add_argument("--quiet-wait", type=float, default=20.0,
                        help="before each load wait up to this long for other processes to use under --quiet-cores")
    parser.add_argument("--timeout", type=float, default=120.0, help="per session, seconds")
    parser.add_argument("--core-budget", type=float, default=0.7, help="projections: planned load per process/core")
    parser.add_argument("--machine-cores", type=int, default=16, help="projections: cores per machine")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round, 4 clients x 2, 100 sockets")
    parser.add_argument("--output", default=str(RESULTS / "scaling.json"))
    parser.add_argument("--render", metavar="JSON", help="only print the tables of an earlier results file")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.clients, args.sessions = 1, 4, 2
        args.sockets, args.socket_window, args.ping_seconds = min(args.sockets, 100), 3.0, 1
        args.idle_seconds, args.quiet_wait, args.broadcasts = 3.0, 0.0, min(args.broadcasts, 50)
    args.configs = [Config.parse(item.strip()) for item in args.configs.split(",") if item.strip()]
    return args


def skip_reason() -> str | None:
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    return postgres_reason()


@contextlib.contextmanager
def own_redis_url(url: str):
    """REDIS_URL for this process while the run lasts (Deployment reads it): nothing of ours touches 6379."""
    before = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("REDIS_URL", None)
        else:
            os.environ["REDIS_URL"] = before


async def run(args) -> dict:
    uploads = photos()
    results = {
        "meta": {
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "nproc": len(os.sched_getaffinity(0)),
            "loadavg_start": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
            "clients": args.clients, "sessions": args.sessions, "rounds": args.rounds,
            "configs": [config.name for config in args.configs], "argv": sys.argv[1:],
            "upload_mb": statistics.mean(len(upload.data) for upload in uploads) / 1e6,
            "core_budget": args.core_budget, "machine_cores": args.machine_cores,
            # The product's defaults (or this environment's values), read from its settings module.
            "sockets_per_process": product_settings.PROGRESS_MAX_SOCKETS,
            "default_ping_seconds": product_settings.PROGRESS_PING_SECONDS,
        },
        "rounds": [],
    }
    with RedisServer() as redis_server, own_redis_url(redis_server.url):
        results["meta"]["redis_port"] = redis_server.port
        for index in range(1, args.rounds + 1):
            for config in args.configs:
                print(f"[scaling] round {index}: {config.name} ({config.web} daphne + {config.workers} workers)",
                      flush=True)
                entry = await one_round(config, index, redis_server, args, uploads)
                summary = entry["summary"]
                print(f"[scaling]   {summary['per_second']:.1f} sessions/s, {summary['ok']} ok, {summary['errors']} errors, "
                      f"others {entry['cores']['others'] or 0:.2f} cores", flush=True)
                results["rounds"].append(entry)
        if args.broadcasts:
            print(f"[scaling] {args.broadcasts} group_sends each way, {max(1, args.rounds)} rounds", flush=True)
            # In a thread of its own: it calls async_to_sync, as a Celery worker's thread does.
            results["broadcasts"] = [await asyncio.to_thread(broadcast_cost, redis_server, args.broadcasts)
                                     for _ in range(max(1, args.rounds))]
        if args.sockets:
            print(f"[scaling] {args.sockets} idle sockets", flush=True)
            results["sockets"] = await idle_sockets(redis_server, args)
    results["meta"]["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    results["meta"]["loadavg_end"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return results


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.render:
        print(tables(json.loads(Path(args.render).read_text())))
        return 0
    reason = skip_reason()
    if reason:
        print(f"[scaling] cannot run: {reason}", file=sys.stderr)
        return 2
    raise_fd_limit()
    results = asyncio.run(run(args))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print()
    print(tables(results))
    print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
