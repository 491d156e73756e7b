"""Counts failures per client address in fixed windows, and says how long an address must wait.

Per process by default; with REDIS_URL set the counts live in Redis (one counter for every process),
and a Redis that does not answer falls back to this process's own count rather than failing requests.
Called straight from async code (no thread per call): a dict lookup, or one Redis round trip bounded
by REDIS_TIMEOUT_SECONDS, and after a Redis error none for REDIS_RETRY_SECONDS.
"""

import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5
REDIS_RETRY_SECONDS = 5  # after a Redis error, count locally this long before trying Redis again


@dataclass
class Throttle:
    """At most `limit` failures per address in each `window` seconds (a limit of 0 or less: off)."""

    name: str
    limit_setting: str
    window: int
    _counts: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def limit(self) -> int:
        return getattr(settings, self.limit_setting)

    def retry_after(self, address: str) -> int:
        """Seconds until `address` may try again; 0 when it is not over the limit."""
        if self.limit <= 0:
            return 0
        index, left = self._window()
        return left if self._count(address, index) >= self.limit else 0

    def failed(self, address: str) -> None:
        """Count one failure of `address` in the current window."""
        if self.limit <= 0:
            return
        index, _ = self._window()
        key = self._key(address, index)
        client = _redis()
        if client is not None:
            try:
                with client.pipeline() as pipe:
                    pipe.incr(key).expire(key, self.window * 2).execute()
                return
            except Exception as exc:  # any Redis failure: count here instead
                _redis_failed(exc)
        with self._lock:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= index}  # forget past windows
            self._counts[(address, index)] = self._counts.get((address, index), 0) + 1

    def _count(self, address: str, index: int) -> int:
        client = _redis()
        if client is not None:
            try:
                return int(client.get(self._key(address, index)) or 0)
            except Exception as exc:
                _redis_failed(exc)
        with self._lock:
            return self._counts.get((address, index), 0)

    def _window(self) -> tuple[int, int]:
        now = time.time()
        index = int(now // self.window)
        return index, max(1, int((index + 1) * self.window - now + 0.999))

    def _key(self, address: str, index: int) -> str:
        return f"{settings.REDIS_PREFIX}:throttle:{self.name}:{address}:{index}"

    def clear(self) -> None:
        """Forget every count, here and in Redis (tests)."""
        with self._lock:
            self._counts.clear()
        client = _redis()
        if client is not None:
            try:
                for key in client.scan_iter(match=f"{settings.REDIS_PREFIX}:throttle:{self.name}:*"):
                    client.delete(key)
            except Exception as exc:
                _redis_failed(exc)


# Failed lookups of a session (status URL, socket, upload with a taken id) and failed admin logins.
lookups = Throttle("lookup", "LOOKUP_FAILURES_PER_MINUTE", 60)
admin_logins = Throttle("admin-login", "ADMIN_LOGIN_FAILURES", 900)

_client = None
_client_url = None
_down_until = 0.0


def _redis():
    """A Redis client for REDIS_URL, or None (unset, or it failed a moment ago)."""
    global _client, _client_url
    if not settings.REDIS_URL or time.monotonic() < _down_until:
        return None
    if _client is None or _client_url != settings.REDIS_URL:
        import redis

        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        _client_url = settings.REDIS_URL
    return _client


def _redis_failed(exc: Exception) -> None:
    global _down_until
    _down_until = time.monotonic() + REDIS_RETRY_SECONDS
    logger.warning("throttle: Redis did not answer (%s); counting in this process for %ss", exc, REDIS_RETRY_SECONDS)
