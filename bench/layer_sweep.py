"""CPU per progress message through the in-memory layer, with and without many idle sockets.

Channels' InMemoryChannelLayer sweeps every channel and group member on every receive and
group_send; `progress.layers.InMemoryChannelLayer` sweeps at most once a second. Run:
`python -m bench.layer_sweep` (prints one line per idle-socket count, upstream against ours).
"""

import asyncio
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgmvp_site.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from channels.layers import InMemoryChannelLayer as Upstream  # noqa: E402

from progress.layers import InMemoryChannelLayer as Ours  # noqa: E402

MESSAGES = 2000


async def cpu_per_message(layer_class, idle: int) -> float:
    """Microseconds of CPU per group_send + receive while `idle` other sockets wait in their groups."""
    layer = layer_class()
    waiting = []
    for n in range(idle):
        channel = await layer.new_channel()
        await layer.group_add(f"idle-{n}", channel)
        waiting.append(asyncio.ensure_future(layer.receive(channel)))
    await asyncio.sleep(0)
    mine = await layer.new_channel()
    await layer.group_add("mine", mine)
    started = time.process_time()
    for n in range(MESSAGES):
        await layer.group_send("mine", {"type": "progress.update", "n": n})
        await layer.receive(mine)
    spent = time.process_time() - started
    for task in waiting:
        task.cancel()
    return spent / MESSAGES * 1e6


async def main() -> None:
    for idle in (0, 200, 2000):
        upstream, ours = await cpu_per_message(Upstream, idle), await cpu_per_message(Ours, idle)
        print(f"{idle:5d} idle sockets: upstream {upstream:7.1f} us, ours {ours:6.1f} us CPU per message")


if __name__ == "__main__":
    asyncio.run(main())
