"""The in-memory layer sweeps expired messages at most once a second, and still drops them."""

import asyncio

from channels.layers import InMemoryChannelLayer as Upstream

from progress.layers import InMemoryChannelLayer


async def test_an_expired_message_is_never_delivered():
    layer = InMemoryChannelLayer(expiry=1)
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "progress.update", "n": 1})
    await asyncio.sleep(1.1)
    receiving = asyncio.ensure_future(layer.receive(channel))
    done, _ = await asyncio.wait([receiving], timeout=0.2)
    assert not done
    receiving.cancel()


async def test_many_messages_cost_one_sweep_a_second(monkeypatch):
    sweeps = []
    real_sweep = Upstream._clean_expired
    monkeypatch.setattr(Upstream, "_clean_expired", lambda layer: (sweeps.append(1), real_sweep(layer)))
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("session", channel)
    for n in range(200):
        await layer.group_send("session", {"type": "progress.update", "n": n})
        assert (await layer.receive(channel))["n"] == n
    assert len(sweeps) == 1
