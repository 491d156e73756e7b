"""Database connections for the long-lived threads that run our work outside requests.

Django opens a connection per request and, with CONN_MAX_AGE=0, closes it after; Channels'
`database_sync_to_async` does the same around every call. For the threads that run extractions and
the progress sockets' reads, which live as long as the process, that meant a new connection (and for
SQLite its PRAGMAs) for every session and every socket: about a tenth of a session's CPU under load
(docs/performance.md). These threads keep theirs, and drop it only when it is broken.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from asgiref.sync import sync_to_async
from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)
T = TypeVar("T")


def connection_checked() -> None:
    """Keep this thread's open connection if it still works; otherwise close it (the next query reconnects)."""
    if connection.connection is None:
        return
    if connection.in_atomic_block:
        return  # a test's transaction, or a caller's: not ours to judge
    if connection.errors_occurred or not connection.is_usable():
        connection.close()


def with_kept_connection(func):
    """Run `func` with this thread's kept connection, checked first (see module docstring)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        connection_checked()
        return func(*args, **kwargs)

    return wrapper


def database_sync_to_async(func):
    """Like Channels' `database_sync_to_async`, but keeping the connection between calls."""
    return sync_to_async(with_kept_connection(func), thread_sensitive=True)


# Transient database errors: SQLite's lock (held past its timeout by another writer), a PostgreSQL
# connection lost (server restart, failover, a proxy's idle cut). Retried with backoff, on a fresh
# connection when the old one broke; anything else (a missing table, a bad query) is raised at once.
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_FIRST_DELAY_SECONDS = 0.05
RETRY_MAX_DELAY_SECONDS = 2.0


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if connection.vendor == "sqlite":
        text = str(exc).lower()
        return "locked" in text or "busy" in text
    return True  # PostgreSQL's OperationalError: the server or the connection to it


def with_retries(func: Callable[[], T], *, within: float) -> T:
    """`func()`, tried again with backoff for `within` seconds while it fails transiently.

    Not inside a transaction (a caller's or a test's): there a failed statement spoils the block.
    """
    deadline = time.monotonic() + within
    delay = RETRY_FIRST_DELAY_SECONDS
    while True:
        try:
            return func()
        except TRANSIENT_DATABASE_ERRORS as exc:
            if not is_transient(exc) or connection.in_atomic_block or time.monotonic() + delay > deadline:
                raise
            logger.warning("database busy or connection lost (%s); trying again in %.2fs", exc, delay)
            if isinstance(exc, InterfaceError) or not connection.is_usable():
                connection.close()  # the next query opens a fresh one
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_SECONDS)
