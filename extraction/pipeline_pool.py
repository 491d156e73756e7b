"""The pure pipeline in child processes, so extractions use every core (EXTRACTION_PROCESSES > 0).

The pipeline is Python that holds the GIL most of its time: in the web process's threads, extractions
and the event loop share one core's worth of Python (docs/performance.md). Here the session still runs
in its `sync_to_async` thread (the row, the lease and the notifications stay there); only the pure
function runs in one of N spawned processes, which send each stage back to that thread as it happens.

When `on_progress` raises (the lease was lost, the session cancelled), the relay waits for the child
to finish before raising, so no child writes a file after its caller discarded it. A child that dies
(a crash in a decoder, the kernel's OOM killer) breaks the pool: the sessions then in its children
fail, the server does not, and the next session gets a new pool.
"""

import itertools
import logging
import multiprocessing
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .pipeline.stages import Stage

logger = logging.getLogger(__name__)

_END = "end"  # sent by the child after the function returned or raised: every stage came before it
_DONE = "done"  # put here when the child's future is done (its result, its error or its death)

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_events: Any = None  # the queue every child sends its stages on (one reader: `_relay`)
_waiting: dict[int, "queue.SimpleQueue"] = {}
_tokens = itertools.count(1)
_child_events: Any = None  # in a child: the same queue


class ProcessDied(RuntimeError):
    """The child running a session's pipeline exited before it answered."""


def _child_start(events) -> None:
    global _child_events
    _child_events = events


def _child_run(token: int, func: Callable[..., Any], path: str, kwargs: dict) -> Any:
    def on_progress(stage: Stage) -> None:
        _child_events.put((token, stage))

    try:
        return func(path, on_progress=on_progress, **kwargs)
    finally:
        _child_events.put((token, _END))


def _relay(events) -> None:
    """The parent's one reader of the children's stages: each goes to the thread waiting for it."""
    while True:
        try:
            token, event = events.get()
        except (EOFError, OSError):
            return  # the queue was closed (the pool was replaced)
        waiting = _waiting.get(token)
        if waiting is not None:
            waiting.put(event)


def _pool_for(processes: int) -> ProcessPoolExecutor:
    global _pool, _events
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
            _events = context.Queue()
            _pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_child_start, initargs=(_events,))
            threading.Thread(target=_relay, args=(_events,), name="pipeline-relay", daemon=True).start()
        return _pool


def _pool_broken(pool: ProcessPoolExecutor) -> None:
    """Forget a pool whose child died (once, whichever session noticed first); the next run makes another."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
            pool.shutdown(wait=False, cancel_futures=True)


def run(func: Callable[..., Any], path: str, *, on_progress: Callable[[Stage], None], processes: int, **kwargs) -> Any:
    """`func(path, on_progress=..., **kwargs)` in a child process (`func` importable by name, like
    `run_pipeline`); its stages reach `on_progress` in this thread, in order, before this returns."""
    pool = _pool_for(processes)
    token = next(_tokens)
    events: queue.SimpleQueue = queue.SimpleQueue()
    _waiting[token] = events
    try:
        try:
            future = pool.submit(_child_run, token, func, path, kwargs)
        except BrokenProcessPool:  # broken since we took it: one more try on a new pool
            _pool_broken(pool)
            pool = _pool_for(processes)
            future = pool.submit(_child_run, token, func, path, kwargs)
        future.add_done_callback(lambda _: events.put(_DONE))
        raised: BaseException | None = None
        ended = done = False
        while not (ended and done):
            event = events.get()
            if event == _END:
                ended = True
            elif event == _DONE:
                done = True
                if future.exception() is not None:
                    break  # raised in the child (its _END may be lost with it) or the child died
            elif raised is None:
                try:
                    on_progress(event)
                except BaseException as exc:  # noqa: BLE001 - raised once the child is done
                    raised = exc
        if raised is not None:
            raise raised
        try:
            return future.result()
        except BrokenProcessPool as exc:
            _pool_broken(pool)
            logger.error("an extraction process died while it ran %s", path)
            raise ProcessDied("the extraction process died") from exc
    finally:
        _waiting.pop(token, None)
