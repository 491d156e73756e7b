"""The Redis channel layer, receiving a process's socket messages with one reader task.

All consumers of one process receive through one Redis queue, `<prefix>specific.<client>!`. Upstream
(channels-redis 4.3), whichever consumer holds the layer's receive lock runs the blocking BZPOPMIN for
everybody and files each message under the consumer it names. Two costs came with that:

- If that consumer is cancelled (its socket closed) after Redis popped a message but before the reply
  was read, redis-py drops the connection and the message is gone: another session's watcher misses
  a stage, and nothing is logged (channels_redis#366). The backup copy is written only after the pop
  returns, so it does not cover this moment.
- Every waiting consumer keeps two tasks (one on the lock, one on its queue) and a wait on both: about
  3.5 KB per idle socket, and a round of task wake-ups per message.

Here one reader task per process queue pops and files messages while any consumer waits; consumers
wait on their own queue only, and a closing socket cancels nothing but its own wait. A pop takes
what waits behind its first message in the same round trip, without upstream's backup queue, which
only covered a cancelled pop (see `_pop`); a group send takes two round trips instead of four. When
the reader fails (Redis down), every waiting consumer gets the error, as upstream: its socket closes
and the client reconnects, joining its group again on a Redis that may have lost it. Named channels
(`extraction`) are left as upstream has them: a job lost there is re-dispatched by the reaper.
"""

import asyncio
import logging
import time

from channels.layers import InMemoryChannelLayer as UpstreamInMemoryChannelLayer
from channels_redis.core import RedisChannelLayer as UpstreamRedisChannelLayer
from redis.exceptions import ResponseError

logger = logging.getLogger(__name__)
upstream_logger = logging.getLogger("channels_redis.core")  # where upstream reports "over capacity"

# Upstream's group_send script, with each member's expired messages dropped inside it (upstream does
# that in a pipeline of its own first, one more round trip).
GROUP_SEND_LUA = """
    local over_capacity = 0
    local current_time = ARGV[#ARGV - 2]
    local expiry = ARGV[#ARGV - 1]
    local expired_before = ARGV[#ARGV]
    for i=1,#KEYS do
        redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, expired_before)
        if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
            redis.call('ZADD', KEYS[i], current_time, ARGV[i])
            redis.call('EXPIRE', KEYS[i], expiry)
        else
            over_capacity = over_capacity + 1
        end
    end
    return over_capacity
"""


class _ReaderFailed:
    """Put in a waiting consumer's queue when the reader fails: that consumer's receive raises `error`."""

    def __init__(self, error: BaseException):
        self.error = error


class RedisChannelLayer(UpstreamRedisChannelLayer):
    # Messages taken at once after a blocking pop (see _pop).
    DRAIN_AT_ONCE = 100

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._readers: dict[str, asyncio.Task] = {}  # by process queue
        self._waiting: dict[str, asyncio.Queue] = {}  # consumers in receive(), by channel
        self._bzmpop = True  # until Redis says it has no BZMPOP

    async def receive(self, channel):
        if "!" not in channel:
            return await super().receive(channel)
        assert self.require_valid_channel_name(channel)
        queue = self.receive_buffer[channel]
        if queue.empty():
            self._reader_ensure(self.non_local_name(channel))
            self._waiting[channel] = queue
            try:
                message = await queue.get()  # a cancelled wait leaves any message in the queue
            except asyncio.CancelledError:
                if self.receive_buffer.get(channel) is queue:
                    del self.receive_buffer[channel]  # as upstream: a cancelled receiver's channel is done
                raise
            finally:
                if self._waiting.get(channel) is queue:
                    del self._waiting[channel]
        else:
            message = queue.get_nowait()
        if queue.empty() and self.receive_buffer.get(channel) is queue:
            del self.receive_buffer[channel]
        if isinstance(message, _ReaderFailed):
            raise message.error
        return message

    def _reader_ensure(self, process_queue: str) -> None:
        reader = self._readers.get(process_queue)
        loop = asyncio.get_running_loop()
        if reader is not None and reader.get_loop() is loop and not reader.done():
            return
        # None yet, finished, or left behind by another event loop (async_to_sync in a script).
        self._readers[process_queue] = loop.create_task(self._read(process_queue), name=f"redis-reader-{process_queue}")

    async def _read(self, process_queue: str) -> None:
        """Pop and file messages while a consumer waits; on failure, hand the error to every waiter."""
        me = asyncio.current_task()
        try:
            while True:
                self._file_messages(await self._pop(process_queue))
                if not self._waiting:
                    return  # nobody left to receive: the next receive() starts a reader again
        except asyncio.CancelledError:
            raise
        except BaseException as error:
            if me.cancelling():
                return  # the layer is closing: its connections were closed under the read
            logger.warning("receiving from Redis failed; closing this process's waiting sockets: %r", error)
            for queue in list(self._waiting.values()):
                queue.put_nowait(_ReaderFailed(error))
        finally:
            if self._readers.get(process_queue) is me:
                del self._readers[process_queue]

    async def _pop(self, process_queue: str) -> list[tuple[str | list[str], dict]]:
        """Block until a message waits, then take it and up to DRAIN_AT_ONCE - 1 behind it.

        One round trip (BZMPOP, Redis 7+), or two on an older Redis (BZPOPMIN, then ZPOPMIN). Upstream
        pops one message per receive, with four round trips (restore backups, BZPOPMIN, back up, clean
        up) and a clean-up task each. Its backup covers a pop cancelled midway, which does not happen
        here: only this reader pops, and only closing the layer cancels it. Upstream's way received a
        few hundred messages a second and, with extractions competing for the event loop, a backlog
        built up under ten live sessions.
        """
        connection = self.connection(self.consistent_hash(process_queue))
        key = self.prefix + process_queue
        while True:
            if self._bzmpop:
                try:
                    popped = await connection.bzmpop(self.brpop_timeout, 1, [key], min=True, count=self.DRAIN_AT_ONCE)
                except ResponseError as error:
                    if "unknown command" not in str(error).lower():
                        raise
                    self._bzmpop = False  # Redis before 7.0
                    continue
                if popped is not None:
                    contents = [content for content, _ in popped[1]]
                    break
            else:
                popped = await connection.bzpopmin(key, timeout=self.brpop_timeout)
                if popped is not None:
                    waiting = await connection.zpopmin(key, self.DRAIN_AT_ONCE - 1)
                    contents = [popped[1], *(content for content, _ in waiting)]
                    break
            if asyncio.current_task().cancelling():
                # Seen with redis-py 8.1: a blocking read cancelled after earlier reads on the same
                # connection answers None, as if it had timed out, instead of raising.
                raise asyncio.CancelledError()
        return [self._unpack(process_queue, content) for content in contents]

    async def group_send(self, group, message):
        """Upstream's group_send in two round trips instead of four, with the same effect.

        Upstream drops expired members, reads the members, drops each member's expired messages, then
        adds the message by script. Here the first two go in one pipeline and the third runs inside
        the script. The extraction thread waits for each stage's send, so each round trip counts.
        """
        assert self.require_valid_group_name(group), "Group name not valid"
        key = self._group_key(group)
        pipe = self.connection(self.consistent_hash(group)).pipeline(transaction=False)
        pipe.zremrangebyscore(key, min=0, max=int(time.time()) - self.group_expiry)
        pipe.zrange(key, 0, -1)
        _, members = await pipe.execute()
        channel_names = [member.decode("utf8") for member in members]
        to_connection, messages, capacities = self._map_channel_keys_to_connection(channel_names, message)
        for index, channel_keys in to_connection.items():
            now = time.time()
            args = [messages[k] for k in channel_keys] + [capacities[k] for k in channel_keys]
            args += [now, self.expiry, int(now) - int(self.expiry)]
            over = await self.connection(index).eval(GROUP_SEND_LUA, len(channel_keys), *channel_keys, *args)
            if over > 0:
                upstream_logger.info("%s of %s channels over capacity in group %s", over, len(channel_names), group)

    def _unpack(self, channel: str, content: bytes) -> tuple[str | list[str], dict]:
        message = self.deserialize(content)
        return message.pop("__asgi_channel__", channel), message

    def _file_messages(self, messages: list[tuple[str | list[str], dict]]) -> None:
        for channels, message in messages:
            # A group_send names all of this process's members of the group in one message.
            for channel in channels if isinstance(channels, list) else [channels]:
                self.receive_buffer[channel].put_nowait(message)

    async def close_pools(self):
        readers = self._readers_cancel()
        await super().close_pools()  # a reader still blocked in its read ends when its connection closes
        await self._readers_wait(readers)

    async def flush(self):
        self._readers_cancel()  # stopped for good by close_pools, or by their read's end
        await super().flush()

    def _readers_cancel(self) -> list[asyncio.Task]:
        loop = asyncio.get_running_loop()
        readers = [reader for reader in self._readers.values() if reader.get_loop() is loop]
        for reader in readers:
            reader.cancel()
        return readers

    @staticmethod
    async def _readers_wait(readers: list[asyncio.Task]) -> None:
        if readers:
            await asyncio.wait(readers, timeout=5)  # bounded: closing must not hang on a stuck read


class InMemoryChannelLayer(UpstreamInMemoryChannelLayer):
    """Channels' in-memory layer (one process), sweeping expired messages at most once a second.

    Upstream sweeps every channel and every group member on every receive and group_send: with N
    open sockets, each progress message cost O(N) work on the event loop. Messages expire after
    `expiry` (60 s) and memberships after `group_expiry` (a day), so a sweep a second is as good.
    """

    SWEEP_SECONDS = 1.0
    _swept_at = float("-inf")

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._swept_at < self.SWEEP_SECONDS:
            return
        self._swept_at = now
        super()._clean_expired()
