"""Dispatch: the one place that knows how a committed session reaches a worker, and where the sweep of
lost sessions runs. EXTRACTION_WORKERS=inline: an asyncio task on the server's event loop runs the
session in a thread (at most MAX_CONCURRENT_EXTRACTIONS at once). EXTRACTION_WORKERS=celery: a Celery
task on Redis, run by `celery -A imgmvp_site worker` processes; Celery beat runs the sweep.

Delivery may repeat (Celery's acks_late redelivers a job whose worker died or that outlived the
broker's visibility timeout): that is harmless, because `services.session_run` claims the row with a
guarded write and a second delivery finds it no longer pending."""

import asyncio
import logging
import os
import weakref
from datetime import timedelta

from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings

from imgmvp_site.celery import app

from .connections import database_sync_to_async

logger = logging.getLogger(__name__)


def session_dispatch(session_id: str) -> None:
    """Hand a pending session to a worker; returns at once, and never raises for a lost hand-off.

    Called once its row is committed (`services.session_submit`), and by the sweep. A hand-off that
    fails (Redis down, no event loop) leaves the session pending: the sweep dispatches it again.
    """
    try:
        if settings.EXTRACTION_WORKERS == "celery":
            session_run.apply_async(args=[session_id])
        else:
            _inline_submit(session_id)
    except Exception:
        logger.warning("could not dispatch session %s; the sweep will retry", session_id, exc_info=True)
        if settings.EXTRACTION_WORKERS == "celery":
            _due_at_next_sweep(session_id)


def _due_at_next_sweep(session_id: str) -> None:
    """A job that could not be published is known lost: its row is made due at the sweep's next pass
    (as if pending for EXTRACTION_PENDING_TIMEOUT_SECONDS), not only after that timeout."""
    from django.utils import timezone

    from .models import ExtractionSession
    from .rows import row_update

    due = timezone.now() - timedelta(seconds=settings.EXTRACTION_PENDING_TIMEOUT_SECONDS)
    try:
        row_update(session_id, {"status": ExtractionSession.Status.PENDING}, updated_at=due)
    except Exception:
        logger.warning("session %s: could not mark it for the sweep; it waits for the pending timeout", session_id)


def sessions_recover_now(*, pending_older_than: timedelta | None = None) -> list[str]:
    """One sweep: take back lost sessions (`services.sessions_reap`) and dispatch them again."""
    from . import services

    session_ids = services.sessions_reap(pending_older_than=pending_older_than)
    for session_id in session_ids:
        session_dispatch(session_id)
    return session_ids


# Celery mode --------------------------------------------------------------------------------------
# acks_late, reject_on_worker_lost, prefetch 1 and the time limits are CELERY_* settings (settings.py).


@app.task(name="extraction.session_run")
def session_run(session_id: str) -> None:
    """Run one session's extraction (a no-op when it is not pending: a repeated delivery)."""
    from . import services

    services.session_run(session_id=session_id)


@app.task(name="extraction.sessions_sweep")
def sessions_sweep() -> int:
    """The sweep, run every EXTRACTION_REAPER_SECONDS by Celery beat; returns how many were dispatched.

    When the broker lost its queue (Redis restarted without its data), every pending session is
    dispatched again at this pass, not after the pending timeout (a repeated job is harmless)."""
    lost = _broker_lost_its_queue()
    if lost:
        logger.warning("the broker lost its queue (Redis restarted empty?): dispatching every pending session again")
    return len(sessions_recover_now(pending_older_than=timedelta(0) if lost else None))


def _broker_lost_its_queue() -> bool:
    """True when the marker this sweep keeps beside the broker's queue is gone (the first sweep, too)."""
    import redis

    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5, socket_connect_timeout=5)
    try:
        return bool(client.set(f"{prefix}queue-kept", "1", nx=True))
    except redis.RedisError:
        return False  # Redis is down: no job can be sent now anyway
    finally:
        client.close()


# Inline mode --------------------------------------------------------------------------------------

# One semaphore per event loop (tests run several loops); tasks held so they are not collected.
_semaphores: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()
_tasks: set[asyncio.Task] = set()
# The web server's loop, known once `inline_start` ran there: dispatches from other threads go to it.
_server_loop: asyncio.AbstractEventLoop | None = None


def _inline_submit(session_id: str) -> None:
    loop = _loop_for_inline()
    if loop is None:
        logger.warning("session %s: no event loop runs inline extractions in this process; left to the sweep", session_id)
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        _spawn(session_id)
    else:
        loop.call_soon_threadsafe(_spawn, session_id)


def _loop_for_inline() -> asyncio.AbstractEventLoop | None:
    """This thread's running loop; else the loop whose `sync_to_async` call runs this thread (an upload
    being stored); else the server's loop."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid():
        loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
        if loop is not None and not loop.is_closed():
            return loop
    if _server_loop is not None and not _server_loop.is_closed():
        return _server_loop
    return None


def _spawn(session_id: str) -> None:
    task = asyncio.get_running_loop().create_task(_run_inline(session_id), name=f"extraction-{session_id}")
    _tasks.add(task)
    task.add_done_callback(_task_done)


async def _run_inline(session_id: str) -> None:
    from . import services

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
    """Wait until every in-process extraction has finished (for tests and commands)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def sessions_recover(*, pending_older_than: timedelta | None = None) -> list[str]:
    """`sessions_recover_now` from async code (its database work on a thread that keeps its connection)."""
    return await database_sync_to_async(sessions_recover_now)(pending_older_than=pending_older_than)


async def sweep_forever() -> None:
    """Run the sweep every EXTRACTION_REAPER_SECONDS, for as long as the process runs."""
    while True:
        try:
            await sessions_recover()
        except Exception:
            logger.warning("sweep failed; trying again later", exc_info=True)
        await asyncio.sleep(settings.EXTRACTION_REAPER_SECONDS)


# One sweep per event loop (a server has one; tests run several).
_sweeps: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task]" = weakref.WeakKeyDictionary()


def inline_start() -> None:
    """At a web server's start, on its loop: remember the loop, and in inline mode start the sweep
    there (a first pass at once), so a restarted process takes back what the last one left.

    Called by `imgmvp_site.asgi` when the server starts; EXTRACTION_REAPER_SECONDS=0 turns the sweep off.
    """
    global _server_loop
    if settings.EXTRACTION_WORKERS != "inline":
        return
    loop = asyncio.get_running_loop()
    _server_loop = loop
    if settings.EXTRACTION_REAPER_SECONDS > 0 and loop not in _sweeps:
        _sweeps[loop] = loop.create_task(sweep_forever(), name="extraction-sweep")
        logger.info("inline sweep started: every %ss", settings.EXTRACTION_REAPER_SECONDS)
