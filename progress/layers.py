"""The Redis channel layer, with the one fix progress delivery needs (channels_redis#366).

All consumers of one process receive through one Redis queue, `<prefix>specific.<client>!`. Whichever
consumer holds the layer's receive lock runs the blocking BZPOPMIN for everybody and files the message
under the consumer it names. If that consumer is cancelled (its socket closed) after Redis popped a
message but before the reply was read, redis-py drops the connection and the message is gone: another
session's watcher misses a stage, and nothing is logged. channels-redis backs a message up only after
the pop returns, so its backup does not cover this moment.

Here the pop of the shared queue runs as its own task. A consumer that goes away stops waiting for it
but does not cancel it; the next consumer to take the receive lock picks up the same pop, so the
message is filed for its owner. Named channels (`extraction`) are left as upstream has them: a job
lost there is re-dispatched by the reaper.
"""

import asyncio

from channels_redis.core import RedisChannelLayer as UpstreamRedisChannelLayer


class RedisChannelLayer(UpstreamRedisChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The pop in flight for each process-local queue, kept across the cancellation of its caller.
        self._local_pops: dict[str, asyncio.Task] = {}

    async def receive_single(self, channel):
        if not channel.endswith("!"):
            return await super().receive_single(channel)
        pop = self._local_pops.get(channel)
        if pop is not None and pop.get_loop() is not asyncio.get_running_loop():
            # Left behind by another event loop (async_to_sync in a script): it can never finish here.
            del self._local_pops[channel]
            pop = None
        if pop is None:
            pop = asyncio.ensure_future(super().receive_single(channel))
            self._local_pops[channel] = pop
        # Cancelling the caller cancels only this wait; the pop goes on for whoever receives next.
        # That holds even when the pop has just finished: its message has not been filed yet.
        try:
            result = await asyncio.shield(pop)
        except asyncio.CancelledError:
            raise
        except BaseException:
            self._forget_pop(channel, pop)  # its error reached a receiver; the next one pops anew
            raise
        self._forget_pop(channel, pop)
        return result

    def _forget_pop(self, channel: str, pop: asyncio.Task) -> None:
        if self._local_pops.get(channel) is pop:
            del self._local_pops[channel]

    async def close_pools(self):
        await self._stop_local_pops()
        await super().close_pools()

    async def flush(self):
        await self._stop_local_pops()
        await super().flush()

    async def _stop_local_pops(self):
        pops = [pop for pop in self._local_pops.values() if pop.get_loop() is asyncio.get_running_loop()]
        self._local_pops.clear()
        for pop in pops:
            pop.cancel()
        if pops:
            await asyncio.wait(pops)
