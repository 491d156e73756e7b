"""Helpers for tests that run several web and Celery worker processes on one database and one Redis."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

from tests.support.sample_images import jpeg_bytes
from tests.support.servers import ServerProcess

STAGES = ["queued", "start", "validate", "store", "extract", "analyse", "finalise"]


class CeleryProcess(ServerProcess):
    """A Celery worker or beat: its prefork children share its process group, and die with it."""

    def signal_all(self, signum: int) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes, as a machine lost would."""
        self.signal_all(signal.SIGKILL)
        if self.process:
            self.process.wait(10)

    def stop(self) -> None:
        self.signal_all(signal.SIGCONT)  # a stopped one cannot shut down
        self.signal_all(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass  # a warm shutdown waits for a run that may be held forever
        self.kill()
        if getattr(self, "log", None):
            self.log.close()

    def owns(self, lease_owner: str) -> bool:
        """True if the lease (`host:pid:random`) is held by this worker or one of its pool processes."""
        try:
            return os.getpgid(int(lease_owner.split(":")[1])) == self.process.pid
        except (IndexError, ValueError, ProcessLookupError):
            return False


def worker(tmp_path: Path, env: dict[str, str], name: str) -> CeleryProcess:
    """`celery -A imgmvp_site worker`, one extraction at a time (the prefork pool, one process)."""
    args = [sys.executable, "-m", "celery", "-A", "imgmvp_site", "worker", "--concurrency", "1",
            "--loglevel", "INFO", "--hostname", f"{name}@%h"]
    return CeleryProcess(args, env, tmp_path / f"{name}.log").start()


def beat(tmp_path: Path, env: dict[str, str]) -> CeleryProcess:
    """`celery -A imgmvp_site beat`: the one process that schedules the sweep in celery mode."""
    args = [sys.executable, "-m", "celery", "-A", "imgmvp_site", "beat", "--loglevel", "INFO",
            "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid")]
    return CeleryProcess(args, env, tmp_path / "beat.log").start()


def rows(env: dict[str, str], session_ids: list[str]) -> dict[str, dict]:
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        cursor = conn.execute(
            "SELECT id, status, stage, stored_path, lease_owner, attempts, error_code "
            "FROM extraction_extractionsession WHERE id = ANY(%s)",
            (session_ids,),
        )
        names = [column.name for column in cursor.description]
        return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


async def upload(client: httpx.AsyncClient, base_url: str, session_id: str) -> dict:
    response = await client.post(
        f"{base_url}/api/images_mvp/extract",
        files={"file": ("photo.jpg", jpeg_bytes(), "image/jpeg")},
        data={"session_id": session_id},
    )
    assert response.status_code == 202, response.text
    return response.json()


def pipeline_runs(*workers: ServerProcess) -> int:
    """How many claims won (each one pipeline run) the workers' logs show: "... claimed by X (attempt N)"."""
    return sum(len(re.findall(r"claimed by \S+ \(attempt \d+\)", w.log_path.read_text(errors="replace")))
               for w in workers)


def log_lines(folder: Path, needle: str, limit: int = 40) -> list[str]:
    """The lines of the processes' logs in `folder` that mention `needle` (for a failure's message)."""
    found = []
    for log in sorted(folder.glob("*.log")):
        found += [f"{log.name}: {line.rstrip()}" for line in log.read_text(errors="replace").splitlines() if needle in line]
    return found[-limit:]


def stop_all(*processes: ServerProcess) -> None:
    for process in processes:
        process.stop()


async def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stored_path(env: dict[str, str], session_id: str) -> Path:
    return Path(env["MEDIA_ROOT"]) / "uploads" / rows(env, [session_id])[session_id]["stored_path"]


def hold(stored: Path) -> bytes:
    """Swap a stored original for a FIFO nobody writes (a hung read, as on a stalled shared volume).

    Atomic, so a run never finds the file missing; returns the original bytes for `release`.
    """
    original = stored.read_bytes()
    fifo = stored.with_suffix(".fifo")
    os.mkfifo(fifo)
    os.replace(fifo, stored)
    return original


def release(stored: Path, original: bytes) -> None:
    """Put the original back (atomically) for the next worker to read."""
    replacement = stored.with_suffix(".tmp")
    replacement.write_bytes(original)
    os.replace(replacement, stored)
