"""Counts failures per client address over a sliding window, and says how long an address must wait.

A sliding log: the times of an address's failures in the last `window` seconds (at most `limit` of
them are kept). An address is refused while `limit` failures lie in the last `window` seconds, so no
span of `window` seconds ever counts more than `limit` (a fixed window let a burst at its edge have
twice that); it may try again when the oldest of them is `window` seconds old.

Per process by default; with REDIS_URL set the log lives in Redis (a sorted set per address, one for
every process), and a Redis that does not answer falls back to this process's own log rather than
failing requests. Called straight from async code (no thread per call): a dict lookup, or one Redis
round trip bounded by REDIS_TIMEOUT_SECONDS (one retry on a fresh connection), and after a Redis
error none for REDIS_RETRY_SECONDS.
"""

import logging
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from django.conf import settings

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5
REDIS_RETRY_SECONDS = 5  # after a Redis error, count locally this long before trying Redis again


@dataclass
class Throttle:
    """At most `limit` failures per address in any `window` seconds (a limit of 0 or less: off)."""

    name: str
    limit_setting: str
    window: int
    _failures: dict = field(default_factory=dict, repr=False)  # address -> deque of failure times
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def limit(self) -> int:
        return getattr(settings, self.limit_setting)

    def retry_after(self, address: str) -> int:
        """Seconds until `address` may try again; 0 when it is not over the limit."""
        limit = self.limit
        if limit <= 0:
            return 0
        now = time.time()
        times = self._recent(address, now)
        if len(times) < limit:
            return 0
        # Once the limit-th latest failure leaves the window, fewer than `limit` are left in it.
        return max(1, math.ceil(times[-limit] + self.window - now))

    def failed(self, address: str) -> None:
        """Log one failure of `address`, now."""
        limit = self.limit
        if limit <= 0:
            return
        now = time.time()
        client = _redis()
        if client is not None:
            key = self._key(address)
            try:
                with client.pipeline(transaction=True) as pipe:
                    pipe.zadd(key, {f"{now:.6f}:{secrets.token_hex(4)}": now})
                    pipe.zremrangebyscore(key, "-inf", now - self.window)
                    pipe.zremrangebyrank(key, 0, -(limit + 1))  # keep the latest `limit`
                    pipe.expire(key, self.window + 1)
                    pipe.execute()
                return
            except Exception as exc:  # any Redis failure: count here instead
                _redis_failed(exc)
        with self._lock:
            if len(self._failures) > 1024:  # forget addresses with nothing in the window
                self._failures = {a: t for a, t in self._failures.items() if t and t[-1] > now - self.window}
            times = self._failures.setdefault(address, deque(maxlen=limit))
            if times.maxlen != limit:  # the setting changed
                times = self._failures[address] = deque(times, maxlen=limit)
            times.append(now)

    def _recent(self, address: str, now: float) -> list[float]:
        """The times of `address`'s failures in the window ending now, oldest first."""
        client = _redis()
        if client is not None:
            try:
                return [score for _, score in client.zrangebyscore(
                    self._key(address), f"({now - self.window}", "+inf", withscores=True)]
            except Exception as exc:
                _redis_failed(exc)
        with self._lock:
            times = self._failures.get(address, ())
            return [t for t in times if t > now - self.window]

    def _key(self, address: str) -> str:
        return f"{settings.REDIS_PREFIX}:throttle:{self.name}:{address}"

    def clear(self) -> None:
        """Forget every failure, here and in Redis (tests)."""
        with self._lock:
            self._failures.clear()
        client = _redis()
        if client is not None:
            try:
                for key in client.scan_iter(match=f"{settings.REDIS_PREFIX}:throttle:{self.name}:*"):
                    client.delete(key)
            except Exception as exc:
                _redis_failed(exc)


# Failed lookups of a session (status URL, socket, upload with a taken id, resumable uploads) and
# failed admin logins.
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
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        _client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            # One retry, at once, on a fresh connection (a pooled one a Redis restart dropped); not
            # redis-py's default ten with backoff: this runs on the event loop, which would wait.
            retry=Retry(NoBackoff(), 1),
        )
        _client_url = settings.REDIS_URL
    return _client


def _redis_failed(exc: Exception) -> None:
    global _down_until
    _down_until = time.monotonic() + REDIS_RETRY_SECONDS
    logger.warning("throttle: Redis did not answer (%s); counting in this process for %ss", exc, REDIS_RETRY_SECONDS)
