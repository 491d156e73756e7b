"""The one place that knows how a stored session reaches a worker (in-process task or runworker)."""

import asyncio
import logging
import weakref
from datetime import timedelta

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)

EXTRACTION_CHANNEL = "extraction"
JOB_TYPE = "extraction.run"

# One semaphore per event loop (tests run several loops); tasks held so they are not collected.
_semaphores: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()
_tasks: set[asyncio.Task] = set()


async def session_dispatch(*, session_id: str) -> None:
    """Hand a pending session to a worker; returns at once, and never raises for a lost hand-off.

    A hand-off that fails (Redis down) leaves the session pending: the reaper dispatches it again.
    """
    if settings.EXTRACTION_WORKERS == "channels":
        await _send_job(session_id)
        return
    task = asyncio.get_running_loop().create_task(_run_inline(session_id), name=f"extraction-{session_id}")
    _tasks.add(task)
    task.add_done_callback(_task_done)


async def _send_job(session_id: str) -> None:
    layer = get_channel_layer()
    try:
        await asyncio.wait_for(
            layer.send(EXTRACTION_CHANNEL, {"type": JOB_TYPE, "session_id": session_id}),
            timeout=settings.CHANNEL_SEND_TIMEOUT_SECONDS,
        )
    except Exception:
        logger.warning("could not send the job for session %s; the reaper will retry", session_id, exc_info=True)


async def _run_inline(session_id: str) -> None:
    async with _semaphore():
        # thread_sensitive=False: extractions run in parallel threads, not one after another.
        await sync_to_async(services.session_run, thread_sensitive=False)(session_id=session_id)


def _semaphore() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _semaphores:
        _semaphores[loop] = asyncio.Semaphore(max(1, settings.MAX_CONCURRENT_EXTRACTIONS))
    return _semaphores[loop]


def _task_done(task: asyncio.Task) -> None:
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("extraction task %s crashed", task.get_name(), exc_info=task.exception())


async def wait_for_inline_tasks() -> None:
    """Wait until every in-process extraction has finished (for tests and shutdown)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def sessions_recover(*, pending_older_than: timedelta | None = None) -> list[str]:
    """Take back lost sessions (services.sessions_reap) and dispatch them again; returns their ids."""
    session_ids = await database_sync_to_async(services.sessions_reap)(pending_older_than=pending_older_than)
    for session_id in session_ids:
        await session_dispatch(session_id=session_id)
    return session_ids


async def reaper_forever() -> None:
    """Recover lost sessions every EXTRACTION_REAPER_SECONDS, for as long as the process runs."""
    while True:
        try:
            await sessions_recover()
        except Exception:
            logger.warning("reaper pass failed; trying again later", exc_info=True)
        await asyncio.sleep(settings.EXTRACTION_REAPER_SECONDS)


# One reaper per event loop (a server has one; tests run several).
_reapers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task]" = weakref.WeakKeyDictionary()


def reaper_start() -> None:
    """Start this process's reaper on the running loop, once; a first pass runs at once.

    Called from the ASGI app's first event in inline mode, so a restarted web process takes back
    what the last one left (stale pending sessions, expired leases); runworker processes start it
    themselves. EXTRACTION_REAPER_SECONDS=0 turns it off.
    """
    if settings.EXTRACTION_REAPER_SECONDS <= 0:
        return
    loop = asyncio.get_running_loop()
    if loop not in _reapers:
        _reapers[loop] = loop.create_task(reaper_forever(), name="extraction-reaper")
