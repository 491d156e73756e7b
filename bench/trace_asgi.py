"""The bench's ASGI app with timestamps at each hop of a progress message (for bench.latency_trace).

Run by `python -m bench.latency_trace`, never by the product: it wraps product functions to record
when a stage's row write ended, when the event loop started the group send, when the consumer got
the event and handed the frame to daphne, and when Twisted wrote bytes to a socket. Written to
BENCH_TRACE_OUT as JSON when the server exits.
"""

import atexit
import json
import os
import time

from bench.asgi import application  # noqa: F401  (sets Django up; the app daphne serves)
from extraction.notifications import set_notifier
from progress import broadcast, consumers
from twisted.internet import tcp

EVENTS: list[tuple[str, float, int]] = []
_record = EVENTS.append
_now = time.time

_broadcast_session = broadcast.broadcast_session
_group_send_bounded = broadcast._group_send_bounded
_progress_update = consumers.ProgressConsumer.progress_update
_write_some_data = tcp.Connection.writeSomeData


def broadcast_session(session):
    _record(("stamped", session.updated_at.timestamp(), session.seq))  # the row's time, in the message
    _record(("saved", _now(), session.seq))
    return _broadcast_session(session)


async def group_send_bounded(layer, group, message):
    _record(("loop", _now(), message["seq"]))
    return await _group_send_bounded(layer, group, message)


async def progress_update(self, event):
    _record(("consumer", _now(), event["seq"]))
    try:
        return await _progress_update(self, event)
    finally:
        _record(("to_daphne", _now(), event["seq"]))


def write_some_data(self, data):
    _record(("socket_write", _now(), len(data)))
    return _write_some_data(self, data)


set_notifier(broadcast_session)  # in place of the one progress's AppConfig.ready registered
broadcast._group_send_bounded = group_send_bounded
consumers.ProgressConsumer.progress_update = progress_update
tcp.Connection.writeSomeData = write_some_data


@atexit.register
def _dump():
    with open(os.environ["BENCH_TRACE_OUT"], "w") as out:
        json.dump(EVENTS, out)
