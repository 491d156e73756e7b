"""Starts real server processes for end-to-end tests (daphne; any other command, such as a Celery
worker, through `ServerProcess`), and stops them."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Environment for a server process with its own SQLite file and media folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="imgmvp_site.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="test-secret-key-for-e2e-only",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
        PREVIEWS="1",  # the default, explicit: a PREVIEWS=0 in the caller's environment does not leak in
    )
    env.pop("REDIS_URL", None)
    env.update(overrides)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )


def create_superuser(env: dict[str, str], *, password: str, username: str = "admin") -> None:
    """An admin account in the database `env` points at (after `migrate`)."""
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", username,
         "--email", f"{username}@example.com"],
        cwd=ROOT, env={**env, "DJANGO_SUPERUSER_PASSWORD": password}, check=True, timeout=120,
    )


class ServerProcess:
    """One child process with its output in a log file, stopped on exit."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path, port: int | None = None):
        self.args = args
        self.env = env
        self.log_path = log_path
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> "ServerProcess":
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def wait_http(self, timeout: float = 30) -> "ServerProcess":
        """Wait until the server answers HTTP (a 404 for an unknown session is an answer)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.output()}")
            try:
                urllib.request.urlopen(f"{self.base_url}/api/images_mvp/sessions/readiness-probe", timeout=1)
            except urllib.error.HTTPError:
                return self
            except OSError:
                time.sleep(0.1)
                continue
            return self
        raise TimeoutError(f"server did not answer within {timeout}s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if getattr(self, "log", None):
            self.log.close()


def daphne(tmp_path: Path, env: dict[str, str], name: str = "daphne") -> ServerProcess:
    port = free_port()
    args = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "imgmvp_site.asgi:application"]
    return ServerProcess(args, env, tmp_path / f"{name}.log", port).start().wait_http()
