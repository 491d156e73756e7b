"""A channel layer for tests that loses and reorders group messages, as any layer may (at-most-once)."""

import asyncio
import random

from channels.layers import InMemoryChannelLayer


class FaultyChannelLayer(InMemoryChannelLayer):
    """Channels' in-memory layer that drops a share `drop` of group messages and holds back a share
    `delay` for up to `max_delay` seconds (so later messages overtake them); seeded, so a run repeats."""

    def __init__(self, drop: float = 0.2, delay: float = 0.2, max_delay: float = 0.3, seed: int = 13, **kwargs):
        super().__init__(**kwargs)
        self.drop = drop
        self.delay = delay
        self.max_delay = max_delay
        self.random = random.Random(seed)
        self.dropped = 0
        self.delayed = 0
        self.sent = 0
        self.held: set[asyncio.Task] = set()

    async def group_send(self, group, message):
        roll = self.random.random()
        if roll < self.drop:
            self.dropped += 1
            return
        if roll < self.drop + self.delay:
            self.delayed += 1
            task = asyncio.get_running_loop().create_task(self._send_later(group, message, self.random.uniform(0.01, self.max_delay)))
            self.held.add(task)
            task.add_done_callback(self.held.discard)
            return
        self.sent += 1
        await super().group_send(group, message)

    async def _send_later(self, group, message, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await super().group_send(group, message)
