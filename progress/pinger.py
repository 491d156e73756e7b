"""Pings every open progress socket of this process every PROGRESS_PING_SECONDS, from one task.

One task per event loop, not one per socket, so an idle socket holds no task (docs/performance.md,
change 12): sockets wait in tenth-of-a-second slots by when their next ping is due.
"""

import asyncio
import json
import logging
import math
import time
import weakref
from collections import defaultdict
from typing import Protocol

from django.conf import settings

from .messages import ping_message

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.1  # the slot width: a ping goes out up to this much after it is due


class Pingable(Protocol):
    ping_slot: int | None

    async def send_ping(self, text: str) -> None: ...


class Pinger:
    def __init__(self):
        self.slots: defaultdict[int, set[Pingable]] = defaultdict(set)
        self.count = 0
        self.task: asyncio.Task | None = None

    def add(self, socket: Pingable) -> None:
        """Ping `socket` every PROGRESS_PING_SECONDS from now until `discard`."""
        self._schedule(socket, _slot_now() + _interval_slots())
        self.count += 1
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run(), name="progress-pinger")

    def discard(self, socket: Pingable) -> None:
        """Stop pinging `socket`; the task stops with the last socket."""
        slot = socket.ping_slot
        if slot is None:
            return
        socket.ping_slot = None
        self.slots[slot].discard(socket)
        if not self.slots[slot]:
            del self.slots[slot]
        self.count -= 1
        if self.count == 0 and self.task is not None:
            self.task.cancel()
            self.task = None

    def _schedule(self, socket: Pingable, slot: int) -> None:
        socket.ping_slot = slot
        self.slots[slot].add(socket)

    async def _run(self) -> None:
        done = _slot_now()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            now = _slot_now()
            due = [slot for slot in range(done + 1, now + 1) if slot in self.slots]
            done = now
            text = None
            for slot in due:
                for socket in list(self.slots.pop(slot)):
                    if socket.ping_slot != slot:
                        continue  # closed while this tick was sending
                    self._schedule(socket, now + _interval_slots())
                    text = text or json.dumps(ping_message())
                    try:
                        await socket.send_ping(text)
                    except Exception:
                        logger.warning("could not ping a progress socket; no longer pinging it", exc_info=True)
                        self.discard(socket)


def _slot_now() -> int:
    return math.floor(time.monotonic() / TICK_SECONDS)


def _interval_slots() -> int:
    return max(1, round(settings.PROGRESS_PING_SECONDS / TICK_SECONDS))


# One pinger per event loop (a server has one; tests run several).
_pingers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Pinger]" = weakref.WeakKeyDictionary()


def pinger() -> Pinger:
    loop = asyncio.get_running_loop()
    if loop not in _pingers:
        _pingers[loop] = Pinger()
    return _pingers[loop]
