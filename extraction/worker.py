"""The worker process behind `manage.py runworker extraction`: Channels' Worker, made fit for faults."""

import asyncio
import logging

from channels.worker import Worker

from .dispatch import EXTRACTION_CHANNEL, reaper_start

logger = logging.getLogger(__name__)

RECEIVE_RETRY_MAX_SECONDS = 5.0
# How often the listener looks whether the consumer took up the job it was handed. Jobs that take
# less than this ran no faster than one per interval: at 50 ms, 19.2 sessions/s (docs/performance.md).
IDLE_POLL_SECONDS = 0.005


class ExtractionWorker(Worker):
    """Channels' Worker plus three things: it runs the reaper, takes a job only when the previous
    one has started (no hoarding of jobs that other workers could run, none lost in bulk when it
    dies), and waits out a channel layer outage (Redis restart) instead of exiting."""

    async def handle(self):
        """Start the reaper next to the channel listeners."""
        if EXTRACTION_CHANNEL in self.channels:
            reaper_start()
        await super().handle()

    async def listener(self, channel):
        """Receive one message at a time, retrying with backoff while the channel layer is down."""
        delay = 0.5
        while True:
            await self._until_instance_idle(channel)
            try:
                message = await self.channel_layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("channel layer receive failed on %r; retrying in %.1fs", channel, delay, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECEIVE_RETRY_MAX_SECONDS)
                continue
            delay = 0.5
            if not message.get("type", None):
                raise ValueError("Worker received message with no type.")
            scope = {"type": "channel", "channel": channel}
            instance_queue = self.get_or_create_application_instance(channel, scope)
            await instance_queue.put(message)

    async def _until_instance_idle(self, channel):
        # The consumer handles its queue in order, so an empty queue means the last job was taken up.
        while True:
            details = self.application_instances.get(channel)
            if details is None or details["input_queue"].empty():
                return
            await asyncio.sleep(IDLE_POLL_SECONDS)
