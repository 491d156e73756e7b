"""Database connections for the long-lived threads that run our work outside requests.

Django opens a connection per request and, with CONN_MAX_AGE=0, closes it after; Channels'
`database_sync_to_async` does the same around every call. For the threads that run extractions and
the progress sockets' reads, which live as long as the process, that meant a new connection (and for
SQLite its PRAGMAs) for every session and every socket: about a tenth of a session's CPU under load
(docs/performance.md). These threads keep theirs, and drop it only when it is broken.
"""

import functools

from asgiref.sync import sync_to_async
from django.db import connection


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
