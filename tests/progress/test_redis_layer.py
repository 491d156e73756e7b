"""The Redis channel layer must not lose a message when a consumer of the same process goes away.

Every consumer of one process receives through one shared Redis queue. In channels-redis 4.3,
whichever consumer holds the layer's receive lock runs the blocking BZPOPMIN for all of them; when
that consumer is cancelled (its socket closed) after Redis has popped a message meant for another
consumer, but before the reply was read, the message is lost (channels_redis#366): a watcher of
another session silently misses a stage. These tests make that moment happen on purpose; our layer
pops with one reader task that no consumer's cancellation stops.
"""

import asyncio
import time
import uuid

import pytest
import redis

from progress.layers import RedisChannelLayer
from tests.support.services import redis_url


@pytest.fixture(params=["BZMPOP", "BZPOPMIN"])
async def layer(request):
    """The layer, popping with BZMPOP (Redis 7+) and as it does on an older Redis."""
    layer = RedisChannelLayer(
        hosts=[{"address": redis_url(), "socket_timeout": 15}], prefix=f"test-layer-{uuid.uuid4().hex[:8]}:"
    )
    layer._bzmpop = request.param == "BZMPOP"
    yield layer
    await layer.flush()
    await layer.close_pools()


def push_now(layer, channel: str, message: dict) -> None:
    """Put a message on a process-local channel the way `send` does, without yielding to the loop.

    Going through the blocking client lets the test decide exactly when the event loop next runs.
    """
    client = redis.Redis.from_url(redis_url())
    try:
        payload = dict(message, __asgi_channel__=channel)
        key = layer.prefix + layer.non_local_name(channel)
        client.zadd(key, {layer.serialize(payload): time.time()})
    finally:
        client.close()


async def holder_and_waiter(layer):
    """Two consumers receiving on one layer; returns (holder task, waiter task, waiter channel)."""
    holder_channel = await layer.new_channel()
    waiter_channel = await layer.new_channel()
    holder = asyncio.ensure_future(layer.receive(holder_channel))
    await asyncio.sleep(0.2)  # the holder takes the receive lock and blocks in BZPOPMIN
    waiter = asyncio.ensure_future(layer.receive(waiter_channel))
    await asyncio.sleep(0.05)
    assert not holder.done() and not waiter.done()
    return holder, waiter, waiter_channel


async def test_a_message_popped_for_another_consumer_survives_the_holder_being_cancelled(layer):
    holder, waiter, waiter_channel = await holder_and_waiter(layer)

    push_now(layer, waiter_channel, {"type": "progress.update", "stage": 50})
    time.sleep(0.1)  # Redis pops it for the blocked BZPOPMIN and the reply is on its way
    holder.cancel()  # ...and the consumer holding the receive lock goes away before reading it

    message = await asyncio.wait_for(waiter, timeout=3)
    assert message == {"type": "progress.update", "stage": 50}
    with pytest.raises(asyncio.CancelledError):
        await holder


async def test_a_failed_read_reaches_every_waiting_consumer_and_the_next_receive_reads_again(layer, monkeypatch):
    """Redis gone: each waiting socket's receive raises (its socket closes, the client reconnects)."""
    first, second = await layer.new_channel(), await layer.new_channel()
    real_pop, pops = layer._pop, []

    async def fails_once(process_queue):
        pops.append(process_queue)
        if len(pops) == 1:
            await asyncio.sleep(0.05)
            raise ConnectionError("Redis went away")
        return await real_pop(process_queue)

    monkeypatch.setattr(layer, "_pop", fails_once)
    waiters = [asyncio.ensure_future(layer.receive(channel)) for channel in (first, second)]
    for waiter in waiters:
        with pytest.raises(ConnectionError):
            await asyncio.wait_for(waiter, timeout=3)
    push_now(layer, first, {"type": "progress.update", "n": 1})
    assert await asyncio.wait_for(layer.receive(first), timeout=3) == {"type": "progress.update", "n": 1}


async def test_messages_keep_flowing_while_holder_after_holder_is_cancelled(layer):
    """Round after round, the consumer doing the pop leaves just as a message for another arrives."""
    survivor_channel = await layer.new_channel()
    received = []
    for n in range(10):
        leaver = asyncio.ensure_future(layer.receive(await layer.new_channel()))
        await asyncio.sleep(0.05)  # the leaver now does the pop for the whole process
        survivor = asyncio.ensure_future(layer.receive(survivor_channel))
        await asyncio.sleep(0.01)
        push_now(layer, survivor_channel, {"type": "progress.update", "n": n})
        time.sleep(0.05)
        leaver.cancel()
        received.append((await asyncio.wait_for(survivor, timeout=3))["n"])
    assert received == list(range(10))


async def test_messages_waiting_together_reach_each_consumer_in_the_order_sent(layer):
    first, second = await layer.new_channel(), await layer.new_channel()
    for n in range(6):
        push_now(layer, (first, second)[n % 2], {"type": "progress.update", "n": n})
    got_first = [(await asyncio.wait_for(layer.receive(first), 3))["n"] for _ in range(3)]
    got_second = [(await asyncio.wait_for(layer.receive(second), 3))["n"] for _ in range(3)]
    assert (got_first, got_second) == ([0, 2, 4], [1, 3, 5])


async def test_a_group_message_waiting_behind_another_reaches_every_member_in_this_process(layer):
    members = [await layer.new_channel() for _ in range(3)]
    for channel in members:
        await layer.group_add("session-x", channel)
    other = await layer.new_channel()
    push_now(layer, other, {"type": "progress.update", "n": 0})  # the blocking pop takes this one...
    await layer.group_send("session-x", {"type": "progress.update", "n": 1})  # ...and drains this
    assert (await asyncio.wait_for(layer.receive(other), 3))["n"] == 0
    for channel in members:
        assert (await asyncio.wait_for(layer.receive(channel), 3))["n"] == 1


async def test_the_reader_left_running_after_its_consumers_left_is_stopped_when_the_layer_closes(layer):
    holder = asyncio.ensure_future(layer.receive(await layer.new_channel()))
    await asyncio.sleep(0.2)
    holder.cancel()
    await asyncio.sleep(0)
    await layer.flush()
    await layer.close_pools()
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert [t for t in pending if "_read" in repr(t.get_coro()) or "receive_single" in repr(t.get_coro())] == []


async def test_a_redis_without_bzmpop_is_read_with_bzpopmin(layer, monkeypatch):
    layer._bzmpop = True
    connection = layer.connection(0)

    async def unknown(*args, **kwargs):
        raise redis.exceptions.ResponseError("unknown command 'BZMPOP', with args beginning with: ")

    monkeypatch.setattr(type(connection), "bzmpop", unknown)
    channel = await layer.new_channel()
    push_now(layer, channel, {"type": "progress.update", "n": 1})
    assert (await asyncio.wait_for(layer.receive(channel), 3))["n"] == 1
    assert layer._bzmpop is False


async def test_a_group_send_drops_a_members_expired_messages_before_adding_its_own(layer):
    member = await layer.new_channel()
    await layer.group_add("session-e", member)
    push_now(layer, member, {"type": "progress.update", "n": "stale"})
    client = redis.Redis.from_url(redis_url())
    try:  # age the waiting message past the layer's expiry
        key = layer.prefix + layer.non_local_name(member)
        ((content, _),) = client.zrange(key, 0, -1, withscores=True)
        client.zadd(key, {content: time.time() - layer.expiry - 5})
    finally:
        client.close()
    await layer.group_send("session-e", {"type": "progress.update", "n": "fresh"})
    assert (await asyncio.wait_for(layer.receive(member), 3))["n"] == "fresh"


async def test_a_group_send_skips_a_member_at_capacity_and_reaches_the_others(layer, caplog):
    layer.capacity = 2
    other = await layer.new_channel()
    full_process = RedisChannelLayer(hosts=layer.hosts, prefix=layer.prefix)  # another process's queue
    full = await full_process.new_channel()
    for channel in (full, other):
        await layer.group_add("session-c", channel)
    for n in range(2):
        push_now(full_process, full, {"type": "progress.update", "n": n})
    await layer.group_send("session-c", {"type": "progress.update", "n": "new"})
    assert (await asyncio.wait_for(layer.receive(other), 3))["n"] == "new"
    assert "1 of 2 channels over capacity in group session-c" in caplog.text
    assert [(await asyncio.wait_for(full_process.receive(full), 3))["n"] for _ in range(2)] == [0, 1]
    await full_process.flush()
    await full_process.close_pools()
