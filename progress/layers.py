"""The Redis channel layer, with two changes to how a process receives its sockets' messages.

All consumers of one process receive through one Redis queue, `<prefix>specific.<client>!`. Whichever
consumer holds the layer's receive lock runs the blocking BZPOPMIN for everybody and files the message
under the consumer it names. If that consumer is cancelled (its socket closed) after Redis popped a
message but before the reply was read, redis-py drops the connection and the message is gone: another
session's watcher misses a stage, and nothing is logged. channels-redis backs a message up only after
the pop returns, so its backup does not cover this moment.

Here the pop of the shared queue runs as its own task. A consumer that goes away stops waiting for it
but does not cancel it; the next consumer to take the receive lock picks up the same pop, so the
message is filed for its owner (channels_redis#366). And a pop takes what is waiting behind its
first message in one more round trip, instead of one lock holder and four round trips per message
(see `_pop_local`). Named channels (`extraction`) are left as upstream has them: a job lost there is
re-dispatched by the reaper.
"""

import asyncio

from channels_redis.core import RedisChannelLayer as UpstreamRedisChannelLayer


class RedisChannelLayer(UpstreamRedisChannelLayer):
    # Messages taken at once after a blocking pop (see _pop_local).
    DRAIN_AT_ONCE = 100

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
            pop = asyncio.ensure_future(self._pop_local(channel))
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
        first, more = result
        if more:
            # The caller files `first` as soon as this returns, without yielding; these go right after.
            asyncio.get_running_loop().call_soon(self._file_messages, more)
        return first

    async def _pop_local(self, channel: str):
        """Upstream's blocking pop of one message, then what else is waiting, in one more round trip.

        Upstream pops one message per lock holder, four Redis round trips each (restore backups,
        BZPOPMIN, back up, clean up); with extractions competing for the event loop, one process
        received a few hundred messages a second and a backlog built up under ten live sessions.
        What waits behind the first message is taken with one ZPOPMIN, oldest first.
        """
        first = await super().receive_single(channel)
        waiting = await self.connection(self.consistent_hash(channel)).zpopmin(
            self.prefix + channel, self.DRAIN_AT_ONCE
        )
        return first, [self._unpack(channel, content) for content, _ in waiting]

    def _unpack(self, channel: str, content: bytes) -> tuple[str | list[str], dict]:
        message = self.deserialize(content)
        return message.pop("__asgi_channel__", channel), message

    def _file_messages(self, messages: list[tuple[str | list[str], dict]]) -> None:
        for channels, message in messages:
            # A group_send names all of this process's members of the group in one message.
            for channel in channels if isinstance(channels, list) else [channels]:
                self.receive_buffer[channel].put_nowait(message)

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
