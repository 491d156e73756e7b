"""The one place that knows how a stored session reaches a worker."""

import asyncio
import logging
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)

# One semaphore per event loop (tests run several loops); tasks held so they are not collected.
_semaphores: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()
_tasks: set[asyncio.Task] = set()


async def session_dispatch(*, session_id: str) -> None:
    """Hand a pending session to a worker; returns at once."""
    task = asyncio.get_running_loop().create_task(_run_inline(session_id), name=f"extraction-{session_id}")
    _tasks.add(task)
    task.add_done_callback(_task_done)


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
