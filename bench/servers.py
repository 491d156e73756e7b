"""Server modes as small declarative configs, and the processes that run them on loopback."""

import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# Our own Redis database when REDIS_URL is unset, so the bench does not share keys with test runs.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
EXTRA_ENV: dict[str, str] = {}  # from `--env NAME=VALUE`, applied to every server started


def raise_fd_limit() -> None:
    """Lift the soft open-files limit to the hard one (thousands of sockets in one process)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def redis_url() -> str | None:
    """REDIS_URL, or the local default database 13; None when nothing answers."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or HOST, parsed.port or 6379), timeout=1):
            return url
    except OSError:
        return None


@dataclass(frozen=True)
class Mode:
    """How to run the product: which ASGI server, which environment, which extra processes."""

    name: str
    server: str  # "daphne" or "uvicorn"
    env: dict[str, str] = field(default_factory=dict)
    redis: bool = False  # needs REDIS_URL; the channel layer goes through Redis
    # argv after `python`, run from the repo root; "{tmp}" in an item is the deployment's own folder.
    extra_processes: tuple[tuple[str, ...], ...] = ()
    note: str = ""
    skip_check: object = None  # a callable returning a reason to skip, or None
    sections: tuple[str, ...] | None = None  # only these sections (experiments); None: all
    app: str = "bench.asgi:application"  # the ASGI app the server runs

    def skip_reason(self) -> str | None:
        if self.redis and redis_url() is None:
            return f"no Redis answers at {os.environ.get('REDIS_URL') or DEFAULT_REDIS_URL} (set REDIS_URL)"
        if self.skip_check is not None:
            return self.skip_check()
        return None


MODES = {
    mode.name: mode
    for mode in (
        Mode("daphne-memory", "daphne", note="production default: daphne, in-memory layer, inline workers"),
        Mode("daphne-redis", "daphne", redis=True, note="daphne, channels-redis layer, inline workers"),
        Mode(
            "daphne-redis-celery",
            "daphne",
            env={"EXTRACTION_WORKERS": "celery"},
            redis=True,
            extra_processes=(
                ("-m", "celery", "-A", "imgmvp_site", "worker", "--concurrency", "1", "-l", "WARNING"),
                # The sweep of lost sessions runs in beat in celery mode (extraction/tasks.py).
                ("-m", "celery", "-A", "imgmvp_site", "beat", "-l", "WARNING", "-s", "{tmp}/celerybeat-schedule"),
            ),
            note="daphne + one Celery worker (one extraction at a time) and Celery beat, through Redis",
        ),
        Mode("uvicorn-memory", "uvicorn", note="comparison: uvicorn (h11, websockets), in-memory layer"),
        # Experiments: a setting against the default, measured in the same run.
        Mode(
            "exp-daphne-thread-extractions",
            "daphne",
            env={"EXTRACTION_PROCESSES": "0"},
            note="experiment: the pipeline in the extraction threads (EXTRACTION_PROCESSES=0)",
            sections=("e2e", "latency"),
        ),
    )
}
# What `python -m bench` runs without --modes; experiments run only when named.
DEFAULT_MODES = ("daphne-memory", "daphne-redis", "daphne-redis-celery", "uvicorn-memory")


def _server_argv(server: str, port: int, app: str = "bench.asgi:application") -> list[str]:
    if server == "daphne":
        return [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(port), app]
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "--host", HOST, "--port", str(port), "--lifespan", "on",
                "--no-access-log", "--log-level", "warning", app]
    raise ValueError(server)


class Deployment:
    """One running mode: its own SQLite file and media folder, a server process, its extra processes."""

    def __init__(self, mode: Mode, label: str = "", root: Path | None = None, **env_overrides: str):
        self.mode = mode
        self.root = root or ROOT  # the checkout the server runs from (bench/trees.py runs older ones)
        self.label = label or mode.name
        self.tmp = Path(tempfile.mkdtemp(prefix=f"imgmvp-bench-{mode.name}-"))
        self.port = free_port()
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="imgmvp_site.settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"sqlite:///{self.tmp / 'db.sqlite3'}",
            MEDIA_ROOT=str(self.tmp / "media"),
            BENCH_BARE_DIR=str(self.tmp / "bare"),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            # Every load client is 127.0.0.1, opening sockets on fresh ids by the hundred: guesses by
            # shape. The throttle is tested in tests/e2e/test_abuse_sockets.py, not measured here.
            LOOKUP_FAILURES_PER_MINUTE="0",
        )
        self.env.pop("REDIS_URL", None)
        if mode.redis:
            self.env["REDIS_URL"] = redis_url() or DEFAULT_REDIS_URL
            # Its own keys (channel layer and Celery queue): no job left by an earlier run reaches this one.
            self.env["REDIS_PREFIX"] = f"bench-{self.tmp.name}"
        self.env.update(mode.env)
        self.env.update(EXTRA_ENV)
        self.env.update(env_overrides)
        self.processes: list[subprocess.Popen] = []
        self.server: subprocess.Popen | None = None

    @property
    def http(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.server.pid

    @property
    def pids(self) -> list[int]:
        """The server, its extra processes and their children (a Celery worker's pool process): all it runs."""
        roots = [process.pid for process in self.processes if process.poll() is None]
        return roots + descendants(roots)

    def _spawn(self, argv: list[str], log_name: str) -> subprocess.Popen:
        log = open(self.tmp / log_name, "ab")
        process = subprocess.Popen(argv, cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=raise_fd_limit)
        log.close()
        self.processes.append(process)
        return process

    def start(self, timeout: float = 60) -> "Deployment":
        (self.tmp / "bare").mkdir()
        with open(self.tmp / "migrate.log", "wb") as log:
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=self.root, env=self.env,
                           stdout=log, stderr=subprocess.STDOUT, check=True, timeout=180)
        self.server = self._spawn(_server_argv(self.mode.server, self.port, self.mode.app), "server.log")
        for index, argv in enumerate(self.mode.extra_processes):
            self._spawn([sys.executable, *(item.replace("{tmp}", str(self.tmp)) for item in argv)], f"extra-{index}.log")
        self._wait_http(timeout)
        for process in self.processes[1:]:
            if process.poll() is not None:
                raise RuntimeError(f"{self.mode.name}: {process.args[1:5]} exited with {process.returncode}")
        return self

    def _wait_http(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"{self.mode.name}: server exited with {self.server.returncode}:\n{self.log()}")
            try:
                urllib.request.urlopen(f"{self.http}/api/images_mvp/sessions/readiness-probe", timeout=1)
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
                continue
            return
        raise TimeoutError(f"{self.mode.name}: server did not answer within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        path = self.tmp / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        logs = ROOT / "bench" / "results" / "logs"  # kept for a look after the run (not committed)
        logs.mkdir(parents=True, exist_ok=True)
        for log in self.tmp.glob("*.log"):
            shutil.copyfile(log, logs / f"{self.label}-{log.name}")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> "Deployment":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class BareWebsocketServer:
    """The bare `websockets` server of bench/bare_ws.py in its own process: the latency floor."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def ws(self) -> str:
        return f"ws://{HOST}:{self.port}"

    def __enter__(self) -> "BareWebsocketServer":
        self.process = subprocess.Popen([sys.executable, "-m", "bench.bare_ws", "--port", str(self.port)], cwd=ROOT,
                                        start_new_session=True, preexec_fn=raise_fd_limit)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("bare websockets server did not start")

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


# /proc readers for one process.
_CLK_TCK = os.sysconf("SC_CLK_TCK")


def descendants(pids: list[int]) -> list[int]:
    """Every live process below `pids` (children, grandchildren...), read from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        parents.setdefault(int(text[text.rindex(")") + 2:].split()[1]), []).append(int(stat.parent.name))
    found, todo = [], list(pids)
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_bytes(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) * 1024


def cpu_user_system(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of the process (all its threads) so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) / _CLK_TCK, int(fields[12]) / _CLK_TCK


def cpu_user_system_of(pids: list[int]) -> dict[int, tuple[float, float]]:
    """`cpu_user_system` of each process that is still there (the server and its children)."""
    readings = {}
    for pid in pids:
        try:
            readings[pid] = cpu_user_system(pid)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return readings


def cpu_user_system_between(before: dict[int, tuple[float, float]], after: dict[int, tuple[float, float]]
                            ) -> tuple[float, float]:
    """User and system CPU seconds spent between two `cpu_user_system_of` readings, over every process
    of the later one (one started in between, such as an extraction child, counts whole)."""
    user = sum(u - before.get(pid, (0.0, 0.0))[0] for pid, (u, _) in after.items())
    system = sum(s - before.get(pid, (0.0, 0.0))[1] for pid, (_, s) in after.items())
    return user, system


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process (all its threads) so far."""
    return sum(cpu_user_system(pid))


def _machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat, idle and iowait left out)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / _CLK_TCK


def wait_for_quiet(limit_cores: float, patience: float) -> float | None:
    """Wait up to `patience` seconds for other processes to use under `limit_cores`; return the last reading."""
    deadline = time.monotonic() + patience
    while True:
        with OtherLoad() as load:
            time.sleep(1)
        if load.cores < limit_cores or time.monotonic() >= deadline:
            return load.cores


class OtherLoad:
    """Measures how many cores processes other than ours kept busy during a measurement.

    The machine may be shared (other test runs); a figure measured while others used a core is
    not comparable to a quiet one, so every run reports this next to its numbers.
    """

    def __init__(self, *pids: int):
        self.pids = (os.getpid(), *pids)
        self.cores: float | None = None
        # CPU seconds the measured processes (not this client) used in the window: the cost side of a rate.
        self.server_seconds: float | None = None

    def _servers(self) -> float:
        total = 0.0
        for pid in self.pids[1:]:
            try:
                total += cpu_seconds(pid)
            except (FileNotFoundError, ProcessLookupError):
                pass
        return total

    def _own(self) -> float:
        total = 0.0
        for pid in self.pids:
            try:
                total += cpu_seconds(pid)
            except (FileNotFoundError, ProcessLookupError):
                pass
        return total

    def __enter__(self) -> "OtherLoad":
        self._busy, self._own_start, self._clock = _machine_busy_seconds(), self._own(), time.monotonic()
        self._servers_start = self._servers()
        return self

    def __exit__(self, *exc) -> None:
        elapsed = time.monotonic() - self._clock
        others = (_machine_busy_seconds() - self._busy) - (self._own() - self._own_start)
        self.cores = max(0.0, others / elapsed) if elapsed > 0 else None
        self.server_seconds = self._servers() - self._servers_start


# ---------------------------------------------------------------- peers (bench/peers/, issue 17)

PEERS_DIR = ROOT / "bench" / "peers"


@dataclass(frozen=True)
class Peer:
    """A peer project under bench/peers/: its folder, its Django package, its extra processes."""

    name: str
    folder: str  # under bench/peers/
    package: str  # its Django project package (settings, asgi)
    redis: bool = False
    # argv after `python`, run from the repository root; "{package}" is replaced by the package.
    extra_processes: tuple[tuple[str, ...], ...] = ()
    note: str = ""

    def skip_reason(self) -> str | None:
        if self.redis and redis_url() is None:
            return f"no Redis answers at {os.environ.get('REDIS_URL') or DEFAULT_REDIS_URL} (set REDIS_URL)"
        return None


PEERS = {
    peer.name: peer
    for peer in (
        Peer("plan_direct", "plan_direct", "plan_direct_site",
             note="the original plan, direct: Channels in-memory layer, create_task + sync_to_async, one row at the end"),
        # Celery's default pool: prefork, one process per CPU (what `celery worker` gives unconfigured).
        Peer("celery_progress", "celery_progress", "celery_progress_site", redis=True,
             extra_processes=(("-m", "celery", "-A", "{package}", "worker", "-l", "WARNING"),),
             note="Celery task (Redis broker + backend), celery-progress ProgressRecorder, client polls every 500 ms"),
    )
}


class PeerDeployment(Deployment):
    """One running peer: daphne (with our multipart fix, applied by the peer's asgi.py) and its extra
    processes, its own SQLite file and media folder, the repository root on PYTHONPATH for our pipeline."""

    def __init__(self, peer: Peer, label: str = ""):
        self.peer = peer
        mode = Mode(peer.name, "daphne", redis=peer.redis, app=f"{peer.package}.asgi:application")
        super().__init__(mode, label=label or peer.name)
        folder = PEERS_DIR / peer.folder
        self.folder = folder
        for name in ("BENCH_BARE_DIR", "DATABASE_URL", "LOOKUP_FAILURES_PER_MINUTE"):
            self.env.pop(name, None)
        self.env.update(
            DJANGO_SETTINGS_MODULE=f"{peer.package}.settings",
            PYTHONPATH=os.pathsep.join([str(folder), str(ROOT)]),
            PEER_DB=str(self.tmp / "db.sqlite3"),
            PEER_QUEUE=f"bench-{self.tmp.name}",  # its own Celery queue: no job left by an earlier run
        )

    def start(self, timeout: float = 60) -> "PeerDeployment":
        with open(self.tmp / "migrate.log", "wb") as log:
            subprocess.run([sys.executable, str(self.folder / "manage.py"), "migrate", "--noinput", "-v0"], cwd=ROOT,
                           env=self.env, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=180)
        self.server = self._spawn(_server_argv("daphne", self.port, self.mode.app), "server.log")
        for index, argv in enumerate(self.peer.extra_processes):
            self._spawn([sys.executable, *(item.replace("{package}", self.peer.package) for item in argv)],
                        f"extra-{index}.log")
        self._wait_http(timeout)
        if self.peer.extra_processes:
            self._wait_celery(timeout)
        for process in self.processes[1:]:
            if process.poll() is not None:
                raise RuntimeError(f"{self.peer.name}: {process.args[1:5]} exited with {process.returncode}")
        return self

    def _wait_celery(self, timeout: float) -> None:
        """Until a worker answers a ping: the first session must not time the worker's boot."""
        argv = [sys.executable, "-m", "celery", "-A", self.peer.package, "inspect", "ping", "--timeout", "2"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if subprocess.run(argv, cwd=ROOT, env=self.env, capture_output=True, timeout=30).returncode == 0:
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.peer.name}: no Celery worker answered within {timeout}s")

    def __enter__(self) -> "PeerDeployment":
        return self.start()
