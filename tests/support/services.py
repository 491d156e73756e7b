"""Finding the outside services a test needs: skip where absent, fail when CI requires them."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def missing(reason: str):
    """Skip with `reason`, or fail with it when REQUIRE_SERVICES=1 (CI must not skip silently)."""
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def redis_url() -> str:
    """REDIS_URL, or the local default; skips (or fails under CI) when nothing answers."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if not reachable(url, 6379):
        missing(f"no Redis answers at {url} (set REDIS_URL)")
    return url


def postgres_url() -> str:
    """DATABASE_URL when it names PostgreSQL, else the local default; skips where none answers."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/test"
    if not reachable(url, 5432):
        missing(f"no PostgreSQL answers at {url} (set DATABASE_URL)")
    return url


def executable(name: str, path: str | None = None) -> str:
    found = path if path and os.path.exists(path) else shutil.which(name)
    if not found:
        missing(f"{name} is not installed")
    return found
