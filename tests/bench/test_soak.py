"""The short soak: a real daphne through a few rounds of use; fds, threads, tasks and files come back to idle."""

import io

import pytest

from bench.soak import run

pytestmark = pytest.mark.e2e


def test_a_few_rounds_of_use_leave_no_fds_threads_tasks_files_or_sessions_behind():
    out = io.StringIO()
    results = run(seconds=120, mode="inline", sockets=30, uploads=4, max_rounds=5, out=out)
    print(out.getvalue())
    judged = {name: (passed, detail) for name, passed, detail in results}
    # Never timings or RSS here (a benchmark is not a test): only what must return exactly.
    for figure in ("fds", "db fds", "other threads", "pools", "pool threads", "tasks", "consumers", "files", "sessions",
                   "errors"):
        passed, detail = judged[figure]
        assert passed, f"{figure}: {detail}\n{out.getvalue()}"
