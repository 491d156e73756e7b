"""ProgressConsumer: one WebSocket watching one session's progress, if it may see that session.

The row is the truth and the channel layer only notifies (at-most-once): a socket that sees a `seq`
gap, or hears nothing for PROGRESS_HEAL_SECONDS while the session it watches is not finished, re-reads
the row and sends its state, so a lost, late or reordered message never leaves a watcher stuck. A
state that comes ahead of the one before it (two processes' sends can cross) waits up to
PROGRESS_GAP_WAIT_MS for it, so a reorder costs the watcher no stage. A socket opened before its
upload has no row to re-read: the first change that reaches it heals it.
"""

import asyncio
import json
import logging
import time
from collections import deque
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from django.conf import settings

from extraction import throttle
from extraction.access import may_view, token_session_id
from extraction.selectors import REFUSED, session_state_for
from extraction.session_ids import is_valid_session_id
from imgmvp_site.errors import ApiError
from imgmvp_site.patches.channels_consumer import HandlersWithoutConnectionHop, reader

from .groups import session_group
from .messages import Frame, connected_message, error_message, pong_message
from .pinger import pinger
from .slots import slots

logger = logging.getLogger(__name__)

# Close codes, all in the 4000-4999 range RFC 6455 leaves to applications (autobahn refuses 1009 and
# the like from an application: it raised, the client got 1011). docs/protocol.md lists them.
CLOSE_INVALID_SESSION_ID = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_BIG = 4413  # an inbound frame over PROGRESS_MAX_FRAME_BYTES
CLOSE_TOO_MANY = 4429  # a socket cap, the frame rate, or too many failed lookups from this address
CLOSE_UNAVAILABLE = 4503  # the channel layer failed (e.g. Redis restarting): reconnect shortly

TERMINAL_TYPES = ("complete", "failed", "cancelled")

# The channel layer failing (Redis gone, reset, timing out): the socket closes 4503, with one log line.
try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis comes with channels-redis
    RedisError = OSError
LAYER_ERRORS = (OSError, TimeoutError, RedisError)

# A send racing the client's hang-up: the frame has nobody to read it, which is no error.
try:
    from autobahn.exception import Disconnected as SocketGone
except ImportError:  # pragma: no cover - served by something other than daphne
    SocketGone = ConnectionError

# This process's open progress sockets by session id (kept for tests and metrics; progress/slots.py).
open_sockets = slots.by_session

state_for = reader(session_state_for)


class ProgressConsumer(HandlersWithoutConnectionHop, AsyncJsonWebsocketConsumer):
    group_name: str | None = None
    ping_slot: int | None = None  # kept by the pinger
    counted: str | None = None
    allowed = False
    looked_up = False  # the row was read (a session lookup, counted if it never let this socket in)
    has_token = False
    closing = False
    finished = False
    last_seq = 0
    heal_timer: asyncio.TimerHandle | None = None
    heal_task: asyncio.Task | None = None
    gap_timer: asyncio.TimerHandle | None = None
    gap_task: asyncio.Task | None = None
    early: dict[int, Frame] | None = None  # states that came ahead of the one before them, by seq

    async def __call__(self, scope, receive, send):
        """Run the socket; however it ends (close, error, layer failure, cancel), give its slot back here."""
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS as exc:
            session_id = getattr(self, "session_id", "?")
            logger.warning("session %s: channel layer failed (%r); closing %s", session_id, exc, CLOSE_UNAVAILABLE)
            await self._close(CLOSE_UNAVAILABLE)
        finally:
            pinger().discard(self)
            self._heal_stop()
            if self.counted is not None:
                slots.give_back(self.counted)
                self.counted = None
            if self.looked_up and not self.allowed and not self.has_token:
                # A guess, found out at its end: a socket opened before its own upload is let in by
                # then, so the open-first-then-upload flow is never counted.
                throttle.lookups.failed(self._address())

    async def connect(self):
        """Validate the id, the throttle and the caps, join the group, send `connected` and the snapshot."""
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        await self.accept()
        if not is_valid_session_id(session_id):
            await self._close(CLOSE_INVALID_SESSION_ID)
            return
        self.session_id = session_id
        self.token = (parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("token") or [None])[0]
        # The holder of this session's token guesses nothing: only the others are throttled.
        self.has_token = token_session_id(self.token) == session_id
        if not self.has_token and throttle.lookups.retry_after(self._address()):
            await self._close(CLOSE_TOO_MANY)
            return
        if not slots.take(session_id):
            await self._close(CLOSE_TOO_MANY)
            return
        self.counted = session_id  # given back in __call__'s finally, whatever happens next
        await self._join_and_greet(session_id)

    async def _join_and_greet(self, session_id: str):
        session = self.scope.get("session")
        self.session_key = session.session_key if session is not None else None
        self.frame_times: deque[float] = deque()
        # Join before reading the snapshot, so no change can fall between the two.
        self.group_name = session_group(session_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        state = await self._read()
        self.looked_up = True
        # A session this socket may not see answers as one that does not exist (yet): `connected`,
        # then nothing until a change it may see, so the answer never tells whether the id is taken.
        await self.send_json(connected_message(session_id))
        if isinstance(state, dict):
            self.allowed = True
            await self._send_if_newer(Frame.of(state))
        pinger().add(self)

    async def disconnect(self, code):
        """Stop pinging and healing, and leave the group (the slot is given back by `__call__`)."""
        pinger().discard(self)
        self._heal_stop()
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
                error_message(ApiError("invalid_message", 'Send JSON text frames such as {"type": "ping"}.'))
            )

    async def progress_update(self, event):
        """Forward a saved state newer than what this socket sent; after a `seq` gap, send the row's state.

        The event is `progress.broadcast.state_event`'s: `seq`, `kind`, the frame's `text` and `access`."""
        frame = Frame(event["seq"], event["kind"], event["text"])
        if self.closing or frame.seq <= self.last_seq:
            return  # e.g. a change queued for us while the snapshot was read
        if not self.allowed:
            facts = event.get("access")
            if facts is not None:
                allowed = may_view(self.session_id, facts, token=self.token, session_key=self.session_key)
            else:
                allowed = await self._read() != REFUSED
            if not allowed:
                await self._close(CLOSE_FORBIDDEN)
                return
            self.allowed = True
        await self._offer(frame)

    async def _offer(self, frame: Frame) -> None:
        """Send `frame` if it is the next one (and any that came early behind it); hold it if it is ahead."""
        if self.closing or frame.seq <= self.last_seq:
            return
        if frame.seq > self.last_seq + 1:
            if self.early is None:
                self.early = {}
            self.early[frame.seq] = frame
            if self.gap_timer is None and (self.gap_task is None or self.gap_task.done()):
                self.gap_timer = asyncio.get_running_loop().call_later(settings.PROGRESS_GAP_WAIT_MS / 1000, self._gap_start)
            return
        await self._send_if_newer(frame)
        while self.early and (following := self.early.pop(self.last_seq + 1, None)) is not None:
            await self._send_if_newer(following)
        if self.early:
            for seq in [seq for seq in self.early if seq <= self.last_seq]:
                del self.early[seq]
        if not self.early and self.gap_timer is not None:
            self.gap_timer.cancel()
            self.gap_timer = None

    def _gap_start(self) -> None:
        self.gap_timer = None
        self.gap_task = asyncio.get_running_loop().create_task(self._gap_close())

    async def _gap_close(self) -> None:
        """The states before those held never came: send the newest of them and the row's state."""
        if not self.early or self.closing:
            return
        logger.info("session %s: seq %s after %s; sending the saved state", self.session_id, max(self.early), self.last_seq)
        saved = await self._read()
        held = list((self.early or {}).values())  # with any that came while the row was read
        self.early = None
        if isinstance(saved, dict):
            held.append(Frame.of(saved))
        if held:
            await self._send_if_newer(max(held, key=lambda frame: frame.seq))

    async def _send_if_newer(self, frame: Frame) -> None:
        # seq is checked and recorded with no await before the send, so the heal task and the
        # handlers (which run concurrently) never send a state older than one already sent.
        if self.closing or frame.seq <= self.last_seq:
            return
        self.last_seq = frame.seq
        self.finished = frame.kind in TERMINAL_TYPES
        self._heal_later()
        await self.send(text_data=frame.text)

    # -- healing a quiet session from its row ------------------------------------------------------

    def _heal_later(self) -> None:
        """(Re)start the quiet timer, unless the session is finished or healing is off."""
        if self.heal_timer is not None:
            self.heal_timer.cancel()
            self.heal_timer = None
        if self.finished or self.closing or settings.PROGRESS_HEAL_SECONDS <= 0:
            return
        self.heal_timer = asyncio.get_running_loop().call_later(settings.PROGRESS_HEAL_SECONDS, self._heal_start)

    def _heal_start(self) -> None:
        self.heal_timer = None
        if self.heal_task is None or self.heal_task.done():
            self.heal_task = asyncio.get_running_loop().create_task(self._heal_quiet())

    async def _heal_quiet(self) -> None:
        """Re-read a session that went quiet; send its state if it moved, else wait another period."""
        try:
            state = await self._read()
        except Exception:
            logger.warning("session %s: could not re-read a quiet session", self.session_id, exc_info=True)
            state = None
        if self.closing:
            return
        if isinstance(state, dict) and state["seq"] > self.last_seq:
            logger.info("session %s: quiet at seq %s, row at %s; sending it", self.session_id, self.last_seq, state["seq"])
            await self._offer(Frame.of(state))  # messages still on their way before it get their turn first
            return
        self._heal_later()

    def _heal_stop(self) -> None:
        self.closing = True
        if self.heal_timer is not None:
            self.heal_timer.cancel()
            self.heal_timer = None
        if self.heal_task is not None and self.heal_task is not asyncio.current_task():
            self.heal_task.cancel()
        if self.gap_timer is not None:
            self.gap_timer.cancel()
            self.gap_timer = None
        if self.gap_task is not None and self.gap_task is not asyncio.current_task():
            self.gap_task.cancel()

    # -- plumbing -------------------------------------------------------------------------------------

    def _address(self) -> str:
        client = self.scope.get("client")
        return client[0] if client else "unknown"

    async def _read(self):
        return await state_for(self.session_id, token=self.token, session_key=self.session_key)

    def _too_fast(self) -> bool:
        now = time.monotonic()
        self.frame_times.append(now)
        while self.frame_times and self.frame_times[0] <= now - 1.0:
            self.frame_times.popleft()
        return len(self.frame_times) > settings.PROGRESS_MAX_FRAMES_PER_SECOND

    async def _close(self, code: int):
        self.closing = True
        await self.close(code=code)

    async def send(self, text_data=None, bytes_data=None, close=False):
        """Send a frame; a socket that closed meanwhile is no error (the frame has nobody to read it)."""
        if self.closing and not close:
            return
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except SocketGone:
            self.closing = True
            logger.debug("session %s: socket closed before a send", getattr(self, "session_id", "?"))

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
