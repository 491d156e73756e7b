"""Tells a session's watchers about its newly saved state through the channel layer."""

import asyncio
import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from extraction.access import access_facts
from extraction.models import ExtractionSession
from extraction.selectors import session_state

from .groups import session_group

logger = logging.getLogger(__name__)

EVENT_TYPE = "progress.update"

# After a failed send, progress (not final) messages are skipped for a while, so a hung Redis costs
# an extraction one send timeout, not one per stage; the final message is always tried.
PAUSE_AFTER_FAILURE_SECONDS = 5.0
_paused_until = 0.0


def broadcast_session(session: ExtractionSession) -> None:
    """Send the session's saved state to its group; a failed send is logged, never raised.

    The row is already saved, so a lost message costs nothing: watchers heal from the row
    (`progress.consumers`).
    """
    layer = get_channel_layer()  # looked up per send, so settings overrides in tests take effect
    if layer is None:
        return
    global _paused_until
    if not session.is_finished and time.monotonic() < _paused_until:
        logger.info("skipped broadcasting session %s (seq %s): the channel layer just failed", session.id, session.seq)
        return
    # `access` lets a socket that connected before the upload decide whether it may watch without
    # reading the row again (the consumer never forwards it).
    message = {"type": EVENT_TYPE, "state": session_state(session), "access": access_facts(session)}
    try:
        async_to_sync(_group_send_bounded)(layer, session_group(session.id), message)
    except Exception:
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        logger.warning("could not broadcast session %s (seq %s)", session.id, session.seq, exc_info=True)


async def _group_send_bounded(layer, group: str, message: dict) -> None:
    # A Redis that hangs instead of refusing must not stall the extraction that is reporting.
    await asyncio.wait_for(layer.group_send(group, message), timeout=settings.CHANNEL_SEND_TIMEOUT_SECONDS)
