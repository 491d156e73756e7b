"""The pure pipeline in child processes, so extractions use every core (EXTRACTION_PROCESSES > 0).

The pipeline is Python that holds the GIL most of its time: in the web process's threads, extractions
and the event loop share one core's worth of Python (docs/performance.md). Here the session still runs
in its `sync_to_async` thread (the row, the lease and the notifications stay there); only the pure
function runs in a spawned child process, which sends each stage back over a pipe as it happens.

Each child runs one job at a time and talks to the one thread that gave it the job, over its own
pipe: that thread reads the stages itself (no relay thread between). Up to `processes` children are
made, on demand, and kept.

When `on_progress` raises (the lease was lost, the session cancelled), the thread reads on until the
child has finished before raising, so no child writes a file after its caller discarded it. A child
that dies (a crash in a decoder, the kernel's OOM killer) fails the one session it ran and nothing
else: it is replaced at the next job. A child still running at the run's time limit (a hung read, a
runaway decoder) is killed, so it holds neither a core nor a pool place after its session was given up.
"""

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from typing import Any

from .pipeline.stages import Stage

logger = logging.getLogger(__name__)

_context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
_lock = threading.Condition()
_idle: list["_Child"] = []
_made = 0  # children alive or being made


class ProcessDied(RuntimeError):
    """The child running a session's pipeline exited before it answered."""


class Overdue(TimeoutError):
    """The child was still running at the run's time limit, and was killed."""


class _Child:
    def __init__(self):
        self.conn, child_end = _context.Pipe(duplex=True)
        self.process = _context.Process(target=_child_main, args=(child_end,), name="extraction", daemon=True)
        self.process.start()
        child_end.close()

    def discard(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


def _child_main(conn) -> None:
    """A child's life: run the jobs its thread sends, one at a time, until the pipe closes."""
    def on_progress(stage: Stage) -> None:
        conn.send(("stage", stage))

    while True:
        try:
            func, path, kwargs = conn.recv()
        except (EOFError, OSError):
            return  # the parent closed the pipe or is gone
        try:
            answer = ("result", func(path, on_progress=on_progress, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, as the thread would raise it
            answer = ("error", exc)
        try:
            conn.send(answer)
        except Exception:  # an error that does not pickle: its text still reaches the caller
            conn.send(("error", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))


def _checkout(processes: int) -> _Child:
    global _made
    with _lock:
        while not _idle and _made >= processes:
            _lock.wait()
        if _idle:
            return _idle.pop()
        _made += 1
    try:
        return _Child()  # outside the lock: a spawn takes a while
    except BaseException:
        _checkin(None)
        raise


def _checkin(child: _Child | None) -> None:
    """Give a healthy child back (or, with None, the place of one that is gone)."""
    global _made
    with _lock:
        if child is None:
            _made -= 1
        else:
            _idle.append(child)
        _lock.notify()


def run(func: Callable[..., Any], path: str, *, on_progress: Callable[[Stage], None], processes: int,
        timeout: float | None = None, **kwargs) -> Any:
    """`func(path, on_progress=..., **kwargs)` in a child process (`func` importable by name, like
    `run_pipeline`); its stages reach `on_progress` in this thread, in order, before this returns.
    Past `timeout` seconds the child is killed and Overdue raised."""
    child = _checkout(processes)
    deadline = None if timeout is None else time.monotonic() + timeout
    healthy = False
    try:
        try:
            child.conn.send((func, path, kwargs))
        except OSError:  # it died while idle (the OOM killer, a kill): the job has not begun, so a new child takes it
            child.discard()
            child = _Child()
            child.conn.send((func, path, kwargs))
        raised: BaseException | None = None
        while True:
            if deadline is not None and not child.conn.poll(max(0.0, deadline - time.monotonic())):
                logger.error("an extraction process still ran %s after %ss; killing it", path, timeout)
                raise Overdue(f"the extraction ran past its {timeout:g} s limit")  # `finally` kills the child
            try:
                kind, value = child.conn.recv()
            except (EOFError, OSError) as exc:
                logger.error("an extraction process died while it ran %s (exit code %s)", path,
                             child.process.exitcode if not child.process.is_alive() else "?")
                raise ProcessDied("the extraction process died") from exc
            if kind != "stage":
                healthy = True
                break
            if raised is None:
                try:
                    on_progress(value)
                except BaseException as exc:  # noqa: BLE001 - raised once the child is done
                    raised = exc
        if raised is not None:
            raise raised
        if kind == "error":
            raise value
        return value
    finally:
        if healthy:
            _checkin(child)
        else:
            child.discard()
            _checkin(None)
