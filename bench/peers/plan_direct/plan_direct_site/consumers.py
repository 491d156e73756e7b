"""The plan's socket: join the session's group, say `connected`, answer pings, forward each stage."""

import asyncio

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from bench.peers.common import iso

PING_SECONDS = 30  # the plan's keep-alive


def group_name(session_id: str) -> str:
    return f"session.{session_id}"


class ProgressConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        """Join the group and confirm; no snapshot (the plan's client connects before it uploads)."""
        self.session_id = self.scope["url_route"]["kwargs"]["session_id"]
        await self.channel_layer.group_add(group_name(self.session_id), self.channel_name)
        await self.accept()
        await self.send_json({"type": "connected", "sessionId": self.session_id, "timestamp": iso()})
        self.pinger = asyncio.create_task(self._ping())

    async def disconnect(self, code):
        """Leave the group and stop the keep-alive."""
        pinger = getattr(self, "pinger", None)
        if pinger is not None:
            pinger.cancel()
        await self.channel_layer.group_discard(group_name(self.session_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Answer the client's ping."""
        if content.get("type") == "ping":
            await self.send_json({"type": "pong", "timestamp": iso()})

    async def progress_message(self, event):
        """Forward a stage (or the end) to the client."""
        await self.send_json(event["message"])

    async def _ping(self):
        while True:
            await asyncio.sleep(PING_SECONDS)
            await self.send_json({"type": "ping", "timestamp": iso()})
