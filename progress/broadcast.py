"""Tells a session's watchers about its newly saved state through the channel layer."""

import asyncio
import logging
import os
import threading
import time

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from extraction.access import access_facts
from extraction.models import ExtractionSession
from extraction.selectors import session_state

from .groups import session_group
from .messages import Frame

logger = logging.getLogger(__name__)

EVENT_TYPE = "progress.update"

# After a failed send, progress (not final) messages are skipped for a while, so a hung Redis costs
# an extraction one send timeout, not one per stage; the final message is always tried.
PAUSE_AFTER_FAILURE_SECONDS = 5.0
_paused_until = 0.0


def broadcast_session(session: ExtractionSession) -> None:
    """Send the session's saved state to its group; a failed send is logged, never raised.

    The row is already saved, so a lost message costs nothing: watchers heal from the row
    (`progress.consumers`).
    """
    layer = get_channel_layer()  # looked up per send, so settings overrides in tests take effect
    if layer is None:
        return
    global _paused_until
    if not session.is_finished and time.monotonic() < _paused_until:
        logger.info("skipped broadcasting session %s (seq %s): the channel layer just failed", session.id, session.seq)
        return
    message = state_event(session_state(session), access_facts(session))
    try:
        _run(_group_send_bounded, layer, session_group(session.id), message)
    except Exception:
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        logger.warning("could not broadcast session %s (seq %s)", session.id, session.seq, exc_info=True)


def state_event(state: dict, access: dict | None = None) -> dict:
    """The group message for a saved state: the frame's JSON text, encoded once here for every watcher
    and every layer (a string is copied and packed whole, not walked key by key as a `complete`
    state's result would be), beside the `seq` and type the consumer orders by. `access` lets a socket
    that connected before the upload decide whether it may watch without reading the row again (the
    consumer never forwards it)."""
    event = {"type": EVENT_TYPE, **Frame.of(state)._asdict()}
    if access is not None:
        event["access"] = access
    return event


def _run(function, *args) -> None:
    """Run the coroutine `function(*args)` to its end from this (sync) thread, on a loop that lives on."""
    main_loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)  # left behind once its call ended
    if (main_loop is not None and main_loop.is_running()
            and getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid()):
        # Called from a `sync_to_async` thread (inline mode): the server's own loop sends.
        async_to_sync(function)(*args)
        return
    # A thread with no loop behind it (a Celery worker): `async_to_sync` would make a new event loop
    # per send, and channels-redis a new connection per loop. One kept loop keeps one connection.
    future = asyncio.run_coroutine_threadsafe(function(*args), _sender_loop())
    try:
        future.result(timeout=settings.CHANNEL_SEND_TIMEOUT_SECONDS + 1)
    finally:
        future.cancel()  # a no-op once it ended; else the send is not left running behind us


_sender: tuple[int, asyncio.AbstractEventLoop] | None = None
_sender_lock = threading.Lock()


def _sender_loop() -> asyncio.AbstractEventLoop:
    """This process's loop for sends from threads that have none (made again after a fork)."""
    global _sender
    with _sender_lock:
        if _sender is None or _sender[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="progress-sender", daemon=True).start()
            _sender = (os.getpid(), loop)
        return _sender[1]


async def _group_send_bounded(layer, group: str, message: dict) -> None:
    # A Redis that hangs instead of refusing must not stall the extraction that is reporting.
    await asyncio.wait_for(layer.group_send(group, message), timeout=settings.CHANNEL_SEND_TIMEOUT_SECONDS)
