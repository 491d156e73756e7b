"""A redis-server of a test's own on a free port: for tests that restart Redis or count its traffic
(the machine's Redis on 6379 is shared with everything else)."""

import shutil
import subprocess
import time

import pytest

from .servers import free_port


class OwnRedis:
    """A redis-server on a free port, with or without its data kept across a restart (append-only file)."""

    def __init__(self, tmp_path, *, keep_data: bool = False):
        if shutil.which("redis-server") is None:
            pytest.skip("no redis-server binary to start a Redis of this test's own")
        self.port = free_port()
        self.args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                     "--dir", str(tmp_path), "--appendonly", "yes" if keep_data else "no", "--appendfsync", "always"]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "OwnRedis":
        self.process = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip() != b"PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def info(self, section: str = "stats") -> dict[str, str]:
        """`INFO <section>` as a dict of strings."""
        out = subprocess.run(["redis-cli", "-p", str(self.port), "info", section], capture_output=True, text=True).stdout
        return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
