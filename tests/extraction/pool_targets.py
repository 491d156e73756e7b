"""Module-level functions a child process of `extraction.pipeline_pool` can import by name (tests only)."""

import os
import time
from pathlib import Path

from extraction.pipeline import run_pipeline
from extraction.pipeline.stages import START


def dies(path, *, on_progress, **kwargs):
    """A child that exits mid-run, as a crashing decoder or the OOM killer would leave it."""
    on_progress(START)
    os._exit(3)


def waits_for_flag(path, *, on_progress, **kwargs):
    """The real pipeline, after its first stage waits until `<path>.go` exists (at most 20 s)."""
    on_progress(START)
    flag = Path(f"{path}.go")
    deadline = time.monotonic() + 20
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return run_pipeline(path, on_progress=lambda stage: None, **kwargs)


def says_its_pid(path, *, on_progress, **kwargs):
    """The real pipeline, its result marked with the process that ran it."""
    return {**run_pipeline(path, on_progress=on_progress, **kwargs), "ranInPid": os.getpid()}


def hangs(path, *, on_progress, **kwargs):
    """A hung read: the first stage, its pid in `<path>.pid`, then nothing for a minute."""
    on_progress(START)
    Path(f"{path}.pid").write_text(str(os.getpid()))
    time.sleep(60)
