"""ProgressConsumer: one WebSocket watching one session's progress."""

import asyncio
import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from extraction.session_ids import is_valid_session_id

from .groups import session_group
from .messages import connected_message, error_message, ping_message, pong_message
from .selectors import session_message_or_none

CLOSE_INVALID_SESSION_ID = 4400


class ProgressConsumer(AsyncJsonWebsocketConsumer):
    group_name: str | None = None
    ping_task: asyncio.Task | None = None

    async def connect(self):
        """Validate the id, join its group, then send `connected` and the saved snapshot."""
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        await self.accept()
        if not is_valid_session_id(session_id):
            await self.close(code=CLOSE_INVALID_SESSION_ID)
            return
        self.session_id = session_id
        # Join before reading the snapshot, so no change can fall between the two.
        self.group_name = session_group(session_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.send_json(connected_message(session_id))
        snapshot = await session_message_or_none(session_id)
        if snapshot is not None:
            await self.send_json(snapshot)
        self.ping_task = asyncio.create_task(self._ping_forever())

    async def disconnect(self, code):
        """Stop pinging and leave the group."""
        if self.ping_task is not None:
            self.ping_task.cancel()
        if self.group_name is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Answer pings; anything that is not a known JSON message gets an `error` reply."""
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json(pong_message())
        elif kind == "pong":
            pass
        else:
            await self.send_json(
                error_message("invalid_message", 'Send JSON text frames such as {"type": "ping"}.')
            )

    async def progress_update(self, event):
        """Forward a saved state change of this session."""
        await self.send_json(event["message"])

    async def _ping_forever(self):
        while True:
            await asyncio.sleep(settings.PROGRESS_PING_SECONDS)
            await self.send_json(ping_message())
