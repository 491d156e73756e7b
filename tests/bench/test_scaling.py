"""bench/scaling.py's counting on a tiny run: its own Redis, a fresh PostgreSQL database, 1 daphne + 1 worker."""

import asyncio
import shutil

import pytest

from bench import scaling
from tests.support.services import missing

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def services():
    if not shutil.which("redis-server"):
        missing("redis-server is not installed")
    reason = scaling.postgres_reason()
    if reason:
        missing(reason)


def test_the_probe_subtracts_its_own_info_calls_and_bytes(services):
    with scaling.RedisServer() as server:
        probe = scaling.RedisProbe(server.port)
        readings = [probe.read() for _ in range(4)]
        probe.close()
    for before, after in zip(readings, readings[1:]):
        delta = scaling.redis_delta(before, after)
        assert (delta["commands_total"], delta["in_bytes"], delta["out_bytes"]) == (0, 0, 0), delta
        assert delta["commands"] == {}, delta


def test_a_tiny_round_counts_each_session_once(services):
    args = scaling.parse_args(["--quick", "--configs", "1x1", "--sockets", "20", "--output", "/dev/null"])
    results = asyncio.run(scaling.run(args))
    [entry] = results["rounds"]
    assert (entry["summary"]["ok"], entry["summary"]["errors"], entry["summary"]["missed"]) == (8, 0, 0), entry["summary"]
    # One row per session, none from the warm-up: the window and the subtraction of our own reads are right.
    assert entry["db_tables"]["extraction_extractionsession"]["inserted"] == 1.0, entry["db_tables"]
    assert entry["db_tables"]["extraction_extractionsession"]["updated"] >= 1.0, entry["db_tables"]
    # One Celery job published per session (kombu's Redis transport: LPUSH); beat's sweep, a job every
    # 10 s, may land in this few-second window once or twice beside them.
    assert 1.0 - 0.05 <= entry["redis_commands"]["lpush"] <= 1.0 + 2 / 8 + 0.05, entry["redis_commands"]
    cost = entry["per_session"]
    assert cost["web_cpu_ms"] > 0 and cost["worker_cpu_ms"] > 0 and cost["redis_in_bytes"] > 0, cost
    sockets = results["sockets"]
    assert (sockets["sockets"], sockets["failed"]) == (20, 0), sockets
    assert sockets["redis_commands_open"]["zadd"] >= 1.0, sockets  # each socket joins its session's group
    assert "PROJECTED" in scaling.tables(results)
