"""The client side of each measurement: real WebSocket and HTTP clients, on loopback only."""

import asyncio
import json
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import websockets

from .servers import cpu_seconds, rss_bytes

EXTRACT_PATH = "/api/images_mvp/extract"
BARE_UPLOAD_PATH = "/bench/bare-upload"
PROGRESS_PATH = "/api/images_mvp/progress/"
EXPECTED_PROGRESS = (10, 20, 30, 50, 70, 90)  # the stages before `complete`, in order


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass
class SessionRecord:
    """What one client saw of one session (or of one bare upload)."""

    response_seconds: float | None = None  # upload start -> HTTP response
    complete_seconds: float | None = None  # upload start -> `complete` received
    first_progress_seconds: float | None = None  # upload start -> first `progress` received
    latencies: list[float] = field(default_factory=list)  # saved (message timestamp) -> received, seconds
    stages: list[str] = field(default_factory=list)  # the stage (or type) of each latency, same order
    missed: bool = False  # a stage missing, seq not rising, or no `complete`
    miss_reason: str | None = None
    late: list[str] | None = None  # messages that came after the terminal one
    error: str | None = None
    stages_seen: int | None = None  # how many stages before the end the client learnt of (polling skips some)


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def new_session_id() -> str:
    return f"bench-{uuid.uuid4().hex}"


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp).timestamp()


def http_client(connections: int, timeout: float) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(limits=limits, timeout=timeout)


async def post_upload(client: httpx.AsyncClient, url: str, upload: Upload, session_id: str, kind: str):
    if kind == "multipart":
        return await client.post(url, files={"file": (upload.name, upload.data, "image/jpeg")},
                                 data={"session_id": session_id})
    return await client.post(url, content=upload.data, params={"session_id": session_id},
                             headers={"Content-Type": "image/jpeg", "X-Filename": upload.name})


def _judge(record: SessionRecord, received: list[tuple[float, float, dict]], started: float) -> None:
    """Fill timings and latencies from the received messages; flag missed stages or falling seq."""
    seqs = [message["seq"] for _, _, message in received if "seq" in message]
    progress = [message["progress"] for _, _, message in received if message.get("type") == "progress"]
    # The consumer sends the saved state on connect; when the upload wins that race, the first message
    # is the pending row's snapshot (progress 0, a lower seq): correct protocol, not a stage.
    while progress and progress[0] == 0:
        progress.pop(0)
    kinds = [message.get("type") for _, _, message in received]
    if any(later <= earlier for earlier, later in zip(seqs, seqs[1:])):
        record.miss_reason = f"seq went backwards: {seqs}"
    elif tuple(progress) != EXPECTED_PROGRESS:
        record.miss_reason = f"stages seen {progress}, want {list(EXPECTED_PROGRESS)}; types {kinds}"
    elif not kinds or kinds[-1] != "complete":
        record.miss_reason = f"ended with {kinds[-1:] or 'nothing'}"
    record.missed = record.miss_reason is not None
    for arrived, wall, message in received:
        if message.get("type") in ("progress", "complete") and "timestamp" in message:
            record.latencies.append(wall - _epoch(message["timestamp"]))
            record.stages.append(message.get("stage") or message["type"])
        if message.get("type") == "progress" and record.first_progress_seconds is None:
            record.first_progress_seconds = arrived - started
        if message.get("type") == "complete":
            record.complete_seconds = arrived - started
    if kinds and kinds[-1] == "failed":
        failed = received[-1][2]  # errors are flat: "error" is the code, beside "message" (docs/protocol.md)
        record.error = f"failed: {failed.get('error')}: {failed.get('message')}"


LATE_WINDOW = 0.25  # after the terminal message, keep listening this long for stragglers
_lingering: set[asyncio.Task] = set()


async def _read_until_end(socket, received: list) -> None:
    async for frame in socket:
        arrived, wall = time.perf_counter(), time.time()
        message = json.loads(frame)
        received.append((arrived, wall, message))
        if message.get("type") in ("complete", "failed"):
            return


async def _linger(socket, record: "SessionRecord") -> None:
    """Listen a little after `complete`: a stage arriving now was reordered, not lost. Then close."""
    try:
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), LATE_WINDOW))
            if message.get("type") in ("progress", "complete", "failed"):
                record.late = (record.late or []) + [f"{message['type']} {message.get('progress')} seq {message.get('seq')}"]
    except (asyncio.TimeoutError, websockets.ConnectionClosed):
        pass
    finally:
        await socket.close()


async def finish_lingering() -> None:
    """Wait for the sockets still listening for stragglers (outside any timed window)."""
    while _lingering:
        await asyncio.gather(*list(_lingering), return_exceptions=True)


async def product_session(client: httpx.AsyncClient, http: str, ws: str, upload: Upload, kind: str,
                          timeout: float) -> SessionRecord:
    """Open the socket, upload, and read until `complete`: one user's session, timed."""
    record = SessionRecord()
    session_id = new_session_id()
    try:
        socket = await websockets.connect(f"{ws}{PROGRESS_PATH}{session_id}", ping_interval=None, max_size=None,
                                          open_timeout=timeout, close_timeout=2)
        try:
            connected = json.loads(await asyncio.wait_for(socket.recv(), timeout))
            if connected.get("type") != "connected":
                raise RuntimeError(f"first message was {connected!r}")
            received: list = []
            reader = asyncio.create_task(_read_until_end(socket, received))
            started = time.perf_counter()
            try:
                response = await post_upload(client, f"{http}{EXTRACT_PATH}", upload, session_id, kind)
                record.response_seconds = time.perf_counter() - started
                if response.status_code != 202:
                    raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
                await asyncio.wait_for(asyncio.shield(reader), timeout)
            finally:
                reader.cancel()
            _judge(record, received, started)
        finally:
            task = asyncio.create_task(_linger(socket, record))
            _lingering.add(task)
            task.add_done_callback(_lingering.discard)
    except Exception as exc:  # a failed session is counted and reported, never hidden
        record.error = record.error or f"{type(exc).__name__}: {exc}"[:300]
        record.missed = True
    return record


async def bare_upload(client: httpx.AsyncClient, http: str, upload: Upload, kind: str) -> SessionRecord:
    """The same upload to the bare endpoint, which only writes it to disk and answers 202."""
    record = SessionRecord()
    started = time.perf_counter()
    try:
        response = await post_upload(client, f"{http}{BARE_UPLOAD_PATH}", upload, new_session_id(), kind)
        record.response_seconds = time.perf_counter() - started
        if response.status_code != 202:
            record.error = f"HTTP {response.status_code}"
    except Exception as exc:
        record.error = f"{type(exc).__name__}: {exc}"[:300]
    return record


async def bare_ws_session(ws: str, timeout: float) -> SessionRecord:
    """One session's messages from the bare websockets server, timed like the product's."""
    record = SessionRecord()
    session_id = new_session_id()
    try:
        async with websockets.connect(f"{ws}/progress/{session_id}", ping_interval=None, max_size=None,
                                      open_timeout=timeout, close_timeout=2) as socket:
            await asyncio.wait_for(socket.recv(), timeout)
            received: list = []
            started = time.perf_counter()
            await socket.send(json.dumps({"type": "start"}))
            await asyncio.wait_for(_read_until_end(socket, received), timeout)
            _judge(record, received, started)
    except Exception as exc:
        record.error = f"{type(exc).__name__}: {exc}"[:300]
        record.missed = True
    return record


async def run_clients(clients: int, rounds: int, one_session) -> tuple[list[SessionRecord], float]:
    """`clients` concurrent clients, each running `rounds` sessions one after another; returns records, wall time."""

    async def client_loop(index: int) -> list[SessionRecord]:
        return [await one_session(index, round_) for round_ in range(rounds)]

    started = time.perf_counter()
    per_client = await asyncio.gather(*(client_loop(index) for index in range(clients)))
    wall = time.perf_counter() - started
    await finish_lingering()
    return [record for records in per_client for record in records], wall


def summarise(records: list[SessionRecord], wall: float) -> dict:
    ok = [record for record in records if record.error is None]
    complete = [record.complete_seconds for record in ok if record.complete_seconds is not None]
    response = [record.response_seconds for record in ok if record.response_seconds is not None]
    first = [record.first_progress_seconds for record in ok if record.first_progress_seconds is not None]
    latencies = [latency for record in ok for latency in record.latencies]
    by_stage: dict[str, list[float]] = {}
    for record in ok:
        for stage, latency in zip(record.stages, record.latencies):
            by_stage.setdefault(stage, []).append(latency)
    errors = sorted({record.error for record in records if record.error})
    return {
        "sessions": len(records),
        "ok": len(ok),
        "errors": len(records) - len(ok),
        "error_examples": errors[:3],
        "missed": sum(1 for record in records if record.missed),
        "miss_examples": sorted({record.miss_reason for record in records if record.miss_reason})[:3],
        "late_after_terminal": [record.late for record in records if record.late][:3],
        "wall_seconds": wall,
        "per_second": len(ok) / wall if wall else None,
        "complete_p50": percentile(complete, 50),
        "complete_p95": percentile(complete, 95),
        "complete_p99": percentile(complete, 99),
        "response_p50": percentile(response, 50),
        "response_p95": percentile(response, 95),
        "response_p99": percentile(response, 99),
        "first_progress_p50": percentile(first, 50),
        "first_progress_p99": percentile(first, 99),
        "latency_count": len(latencies),
        "latency_p50": percentile(latencies, 50),
        "latency_p99": percentile(latencies, 99),
        # Which message the tail comes from: p50 / p99 per stage ("queued" is the upload's own).
        "latency_by_stage": {stage: [percentile(values, 50), percentile(values, 99), len(values)]
                             for stage, values in by_stage.items()},
    }


async def idle_capacity(ws: str, pid: int, sockets: int, window: float, settle: float = 3.0,
                        on_idle=None) -> dict:
    """Open `sockets` progress sockets, then read the server's RSS growth and its CPU while they idle."""
    warm = [await websockets.connect(f"{ws}{PROGRESS_PATH}{new_session_id()}", ping_interval=None)
            for _ in range(20)]
    for socket in warm:
        await socket.recv()
        await socket.close()
    await asyncio.sleep(1)
    rss_before = rss_bytes(pid)
    gate = asyncio.Semaphore(100)  # at most this many handshakes in flight
    opened: list = []
    pings = 0
    failures: list[str] = []

    async def drain(socket) -> None:
        nonlocal pings
        try:
            async for frame in socket:
                if json.loads(frame).get("type") == "ping":
                    pings += 1
        except websockets.ConnectionClosed:
            pass

    async def open_one() -> None:
        async with gate:
            try:
                socket = await websockets.connect(f"{ws}{PROGRESS_PATH}{new_session_id()}", ping_interval=None,
                                                  open_timeout=60)
                await asyncio.wait_for(socket.recv(), 60)
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}"[:200])
                return
            opened.append((socket, asyncio.create_task(drain(socket))))

    started = time.perf_counter()
    await asyncio.gather(*(open_one() for _ in range(sockets)))
    open_seconds = time.perf_counter() - started
    await asyncio.sleep(settle)
    rss_open = rss_bytes(pid)
    profiler = on_idle() if on_idle else None  # a profiler for the idle window, stopped after it
    pings_before = pings
    cpu_before, clock_before = cpu_seconds(pid), time.perf_counter()
    await asyncio.sleep(window)
    cpu_after, clock_after = cpu_seconds(pid), time.perf_counter()
    rss_end = rss_bytes(pid)
    pings_in_window = pings - pings_before
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)
        profiler.wait(30)

    async def close_one(socket, task) -> None:
        async with gate:
            task.cancel()
            await socket.close()

    await asyncio.gather(*(close_one(socket, task) for socket, task in opened), return_exceptions=True)
    count = len(opened)
    return {
        "sockets": count,
        "failed": len(failures),
        "failure_examples": sorted(set(failures))[:3],
        "open_seconds": open_seconds,
        "rss_before_mb": rss_before / 2**20,
        "rss_open_mb": rss_open / 2**20,
        "rss_end_mb": rss_end / 2**20,
        "kb_per_socket": (rss_open - rss_before) / count / 1024 if count else None,
        "cpu_percent_of_one_core": (cpu_after - cpu_before) / (clock_after - clock_before) * 100,
        "window_seconds": clock_after - clock_before,
        "pings_per_socket_in_window": pings_in_window / count if count else 0,
        "cpu_us_per_ping": (cpu_after - cpu_before) / pings_in_window * 1e6 if pings_in_window else None,
    }


class RssSampler:
    """Samples a process's RSS every `interval` seconds in a thread, so a busy event loop cannot delay it."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(rss_bytes(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------- the polling peer (bench/peers/celery_progress)

POLL_SECONDS = 0.5  # celery-progress's JavaScript default (`pollInterval`)


def _judge_polled(record: SessionRecord, polls: list[tuple[float, float, dict]], started: float) -> None:
    """Timings, staleness and order from the polls of one celery-progress session.

    Staleness of a stage: from when the task recorded it (its result's `stageTimes`, taken just after
    `set_progress` wrote it to the result backend) to the first poll answer showing it or a later stage;
    of the end: from the task's `finished` (just before it returned) to the poll answer saying complete.
    A poller never sees every stage: stages it skipped count as known at the poll that passed them.
    """
    shown = []  # the progress each poll showed, the end as 100
    for arrived, wall, info in polls:
        if info.get("complete"):
            shown.append(100)
        elif info.get("state") == "PROGRESS":
            shown.append(int(info["progress"]["current"]))
            if record.first_progress_seconds is None:
                record.first_progress_seconds = arrived - started
        else:
            shown.append(0)  # PENDING or STARTED: no stage recorded yet
    last = polls[-1][2] if polls else {}
    if not last.get("complete"):
        record.miss_reason = f"no complete after {len(polls)} polls"
    elif not last.get("success"):
        record.error = f"failed: {str(last.get('result'))[:200]}"
        record.miss_reason = "failed"
    elif any(later < earlier for earlier, later in zip(shown, shown[1:])):
        record.miss_reason = f"progress went backwards: {shown}"
    elif any(value not in (0, 100, *EXPECTED_PROGRESS) for value in shown):
        record.miss_reason = f"unknown progress values: {shown}"
    record.missed = record.miss_reason is not None
    record.stages_seen = len({value for value in shown if value in EXPECTED_PROGRESS})
    if not last.get("complete") or not last.get("success"):
        return
    record.complete_seconds = polls[-1][0] - started
    if record.first_progress_seconds is None:
        record.first_progress_seconds = record.complete_seconds
    outcome = last.get("result") or {}
    marks = sorted((int(progress), moment) for progress, moment in (outcome.get("stageTimes") or {}).items())
    for progress, moment in marks:
        for (arrived, wall, _), value in zip(polls, shown):
            if value >= progress:
                record.latencies.append(wall - moment)
                record.stages.append(str(progress))
                break
    if outcome.get("finished") is not None:
        record.latencies.append(polls[-1][1] - outcome["finished"])
        record.stages.append("complete")


async def polled_session(client: httpx.AsyncClient, http: str, upload: Upload, timeout: float,
                         poll_seconds: float = POLL_SECONDS) -> SessionRecord:
    """Upload (multipart), then poll the celery-progress URL as its JavaScript does (at once, then
    `poll_seconds` after each answer) until it says complete: one user's session, timed."""
    record = SessionRecord()
    started = time.perf_counter()
    try:
        response = await post_upload(client, f"{http}{EXTRACT_PATH}", upload, new_session_id(), "multipart")
        record.response_seconds = time.perf_counter() - started
        if response.status_code != 202:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        url = f"{http}{response.json()['progressUrl']}"
        polls: list[tuple[float, float, dict]] = []
        while True:
            answer = await client.get(url)
            arrived, wall = time.perf_counter(), time.time()
            if answer.status_code != 200:
                raise RuntimeError(f"poll: HTTP {answer.status_code}: {answer.text[:200]}")
            polls.append((arrived, wall, answer.json()))
            if polls[-1][2].get("complete"):
                break
            if arrived - started > timeout:
                raise TimeoutError(f"not complete after {timeout} s")
            await asyncio.sleep(poll_seconds)
        _judge_polled(record, polls, started)
    except Exception as exc:  # counted and reported, never hidden
        record.error = record.error or f"{type(exc).__name__}: {exc}"[:300]
        record.missed = True
    return record


class TotalRssSampler(RssSampler):
    """Samples the summed RSS of every process `pids()` names (a server, its workers and their
    children), every `interval` seconds in a thread."""

    def __init__(self, pids, interval: float = 0.05):
        super().__init__(0, interval)
        self.pids = pids

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self.pids():
                try:
                    total += rss_bytes(pid)
                except (FileNotFoundError, ProcessLookupError, AttributeError):
                    pass  # a process that ended between the listing and the read
            self.samples.append(total)
            self._stop.wait(self.interval)
