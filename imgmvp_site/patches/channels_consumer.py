"""Channels: a consumer whose database reads manage their own connection, without Channels' extra
connection-closing thread hop before every message.

- Upstream: channels 4.3.2 `AsyncConsumer.dispatch` awaits `aclose_old_connections()` (a
  `sync_to_async` call) before every handler, and `AsyncWebsocketConsumer.websocket_disconnect`
  once more after `disconnect` (added by django/channels PR #2090). A progress socket's handlers are
  mostly channel-layer events that only forward a frame: each pays a hop to a thread and back. With
  CONN_MAX_AGE=0 (Django's advice under ASGI) the close also drops the reading thread's connection,
  so every read opens a new one (for SQLite: a connect, its PRAGMAs and Django's function
  registrations). No upstream issue yet; the text to file is in docs/upstream.md ("channels: close old
  connections around database work, not before every message").
- What this does instead: the handlers run straight away; the consumer's one database read
  (`session_state_for`) runs through `extraction.connections.database_sync_to_async`, which checks
  that thread's kept connection first and closes it only when broken (the same as the extraction
  threads). The read still runs in Channels' one thread-sensitive thread.
- Why: measured in the same run, patch on against off, with the row patch on (docs/performance.md,
  change 26): `python -m bench.trees .,CHANNELS_CONSUMER_PATCH=0 . --rounds 4`: sessions/s +13%.
- Switch: CHANNELS_CONSUMER_PATCH=0 runs Channels' own dispatch and `channels.db.database_sync_to_async`.
"""

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async as channels_database_sync_to_async
from channels.exceptions import StopConsumer
from django.conf import settings

from extraction.connections import database_sync_to_async as kept_connection_sync_to_async


def reader(func):
    """`func` as an awaitable read for a consumer: on the kept connection, or Channels' own (switch off,
    read at each call so a test's settings override takes effect)."""
    kept, closing = kept_connection_sync_to_async(func), channels_database_sync_to_async(func)

    async def read(*args, **kwargs):
        return await (kept if settings.CHANNELS_CONSUMER_PATCH else closing)(*args, **kwargs)

    return read


class HandlersWithoutConnectionHop:
    """Mixed in before a Channels consumer class: its handlers, without `aclose_old_connections` around each.

    Only for consumers whose database work all goes through `reader` (or another helper that manages
    its thread's connection); with CHANNELS_CONSUMER_PATCH=0 Channels' own methods run.
    """

    async def dispatch(self, message):
        if not settings.CHANNELS_CONSUMER_PATCH:
            return await super().dispatch(message)
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message):
        if not settings.CHANNELS_CONSUMER_PATCH:
            return await super().websocket_disconnect(message)
        for group in self.groups:  # as Channels' own, less the close after `disconnect`
            await self.channel_layer.group_discard(group, self.channel_name)
        await self.disconnect(message["code"])
        raise StopConsumer()
