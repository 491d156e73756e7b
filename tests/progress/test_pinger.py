"""The process's one pinger: every open socket pinged once per interval, closed ones never again."""

import asyncio
import json

from progress.pinger import pinger


class Socket:
    ping_slot = None

    def __init__(self, fail: bool = False):
        self.pings: list[dict] = []
        self.fail = fail

    async def send_ping(self, text: str) -> None:
        if self.fail:
            raise ConnectionError("gone")
        self.pings.append(json.loads(text))


async def test_each_socket_is_pinged_once_per_interval_until_discarded(settings):
    settings.PROGRESS_PING_SECONDS = 1
    first, second = Socket(), Socket()
    pinger().add(first)
    pinger().add(second)
    await asyncio.sleep(1.3)
    assert [len(first.pings), len(second.pings)] == [1, 1]
    assert first.pings[0]["type"] == "ping" and first.pings[0]["timestamp"].endswith("Z")
    pinger().discard(second)
    await asyncio.sleep(1.0)
    assert [len(first.pings), len(second.pings)] == [2, 1]
    pinger().discard(first)


async def test_a_socket_whose_send_fails_is_dropped_and_the_others_still_pinged(settings):
    settings.PROGRESS_PING_SECONDS = 1
    broken, fine = Socket(fail=True), Socket()
    pinger().add(broken)
    pinger().add(fine)
    await asyncio.sleep(1.3)
    assert len(fine.pings) == 1
    assert broken.ping_slot is None
    pinger().discard(fine)


async def test_the_task_stops_with_the_last_socket(settings):
    settings.PROGRESS_PING_SECONDS = 1
    socket = Socket()
    pinger().add(socket)
    task = pinger().task
    assert task is not None and not task.done()
    pinger().discard(socket)
    await asyncio.sleep(0)
    assert task.cancelled() or task.done()
    assert pinger().task is None
    pinger().discard(socket)  # twice is harmless
