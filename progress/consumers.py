"""ProgressConsumer: one WebSocket watching one session's progress, if it may see that session."""

import json
import logging
import time
from collections import Counter, deque
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from django.conf import settings

from extraction.access import may_view
from extraction.session_ids import is_valid_session_id

from .groups import session_group
from .messages import connected_message, error_message, pong_message
from .pinger import pinger
from .selectors import MISSING, REFUSED, session_view

logger = logging.getLogger(__name__)

CLOSE_INVALID_SESSION_ID = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY = 4429
CLOSE_TOO_BIG = 1009  # RFC 6455 "message too big"

# This process's open progress sockets, by session id (the caps count per process).
open_sockets: Counter[str] = Counter()


class ProgressConsumer(AsyncJsonWebsocketConsumer):
    group_name: str | None = None
    ping_slot: int | None = None  # kept by the pinger
    counted: str | None = None
    allowed = False
    closing = False
    last_seq = 0

    async def dispatch(self, message):
        """Call the message's handler, without Channels' `close_old_connections` hop before each one.

        Channels runs `close_old_connections` in a thread before every handler, which with
        CONN_MAX_AGE=0 also closed the connection our reads keep (`extraction.connections`): a thread
        hop per message and a new connection per read. This consumer touches the database only through
        `session_view`, which checks its thread's connection itself.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message):
        """As Channels' own, without its `close_old_connections` hop (see `dispatch`)."""
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def connect(self):
        """Validate the id, the caps and the watcher's right, join the group, send `connected` and the snapshot."""
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        await self.accept()
        if not is_valid_session_id(session_id):
            await self._close(CLOSE_INVALID_SESSION_ID)
            return
        if (
            sum(open_sockets.values()) >= settings.PROGRESS_MAX_SOCKETS
            or open_sockets[session_id] >= settings.PROGRESS_MAX_SOCKETS_PER_SESSION
        ):
            await self._close(CLOSE_TOO_MANY)
            return
        open_sockets[session_id] += 1
        self.counted = session_id
        try:
            await self._join_and_greet(session_id)
        except BaseException:
            self._uncount()  # e.g. Redis down: no disconnect() will follow a crashed connect
            raise

    async def _join_and_greet(self, session_id: str):
        self.session_id = session_id
        self.token = (parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("token") or [None])[0]
        session = self.scope.get("session")
        self.session_key = session.session_key if session is not None else None
        self.frame_times: deque[float] = deque()
        # Join before reading the snapshot, so no change can fall between the two.
        self.group_name = session_group(session_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        view = await self._view()
        if view == REFUSED:
            await self._close(CLOSE_FORBIDDEN)
            return
        await self.send_json(connected_message(session_id))
        if view != MISSING:
            self.allowed = True
            self.last_seq = view["seq"]
            await self.send_json(view)
        pinger().add(self)

    async def disconnect(self, code):
        """Stop pinging, give back the socket's place under the caps, and leave the group."""
        pinger().discard(self)
        self._uncount()
        if self.group_name is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Answer pings; close past the frame size and rate caps; anything else gets an `error` reply."""
        size = len(text_data.encode("utf-8")) if text_data is not None else len(bytes_data or b"")
        if size > settings.PROGRESS_MAX_FRAME_BYTES:
            await self._close(CLOSE_TOO_BIG)
            return
        if self._too_fast():
            await self._close(CLOSE_TOO_MANY)
            return
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
        """Forward a saved state change newer than what this socket sent; the first decides access."""
        message = event["message"]
        # The snapshot may already be newer than changes queued for us while we read it.
        if self.closing:
            return
        if message["seq"] <= self.last_seq:
            logger.info("session %s: dropped seq %s, not newer than %s", self.session_id, message["seq"], self.last_seq)
            return
        if not self.allowed:
            facts = event.get("access")
            if facts is not None:
                allowed = may_view(self.session_id, facts, token=self.token, session_key=self.session_key)
            else:
                allowed = await self._view() != REFUSED
            if not allowed:
                await self._close(CLOSE_FORBIDDEN)
                return
            self.allowed = True
        self.last_seq = message["seq"]
        await self.send_json(message)

    def _uncount(self):
        if self.counted is not None:
            open_sockets[self.counted] -= 1
            if open_sockets[self.counted] <= 0:
                del open_sockets[self.counted]
            self.counted = None

    async def _view(self):
        return await session_view(self.session_id, token=self.token, session_key=self.session_key)

    def _too_fast(self) -> bool:
        now = time.monotonic()
        self.frame_times.append(now)
        while self.frame_times and self.frame_times[0] <= now - 1.0:
            self.frame_times.popleft()
        return len(self.frame_times) > settings.PROGRESS_MAX_FRAMES_PER_SECOND

    async def _close(self, code: int):
        self.closing = True
        await self.close(code=code)

    async def send_ping(self, text: str):
        """Called by the pinger every PROGRESS_PING_SECONDS with the `ping` message, encoded."""
        if not self.closing:
            await self.send(text_data=text)


class NotFoundConsumer(AsyncWebsocketConsumer):
    """Any other WebSocket path: accepted and closed with 4404, not a routing error (HTTP 500 and a
    traceback in the server log)."""

    async def connect(self):
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)
