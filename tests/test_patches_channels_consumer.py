"""imgmvp_site/patches/channels_consumer.py: the progress consumer's handlers run without Channels'
connection-closing hop before each, and its reads keep their thread's connection; with
CHANNELS_CONSUMER_PATCH=0 Channels' own dispatch and `database_sync_to_async` run. Either way a
watcher gets the same states."""

import channels.consumer
import channels.generic.websocket
import pytest
from django.db.backends.signals import connection_created

from extraction.models import ExtractionSession
from tests.support.communicators import connect, receive_until_end, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hops(monkeypatch):
    """Counts Channels' `aclose_old_connections()` calls (its hop before handlers and after disconnect)."""
    seen = []
    for module in (channels.consumer, channels.generic.websocket):
        real = module.aclose_old_connections

        async def counted(_real=real):
            seen.append(1)
            return await _real()

        monkeypatch.setattr(module, "aclose_old_connections", counted)
    return seen


@pytest.fixture
def connections_opened():
    opened = []

    def record(sender, connection, **kwargs):
        opened.append(connection.alias)

    connection_created.connect(record)
    yield opened
    connection_created.disconnect(record)


@pytest.mark.parametrize("patched", [True, False], ids=["patch", "channels"])
async def test_a_watched_session_ends_alike_and_only_channels_own_dispatch_hops_per_message(settings, hops, patched):
    settings.CHANNELS_CONSUMER_PATCH = patched
    session_id = f"consumer-patch-{patched}-long-client-id"
    watcher = await connect(session_id)
    await upload(session_id)
    states = await receive_until_end(watcher)
    await watcher.disconnect()
    row = await ExtractionSession.objects.aget(pk=session_id)
    assert states[-1]["type"] == "complete" and states[-1]["seq"] == row.seq
    if patched:
        assert hops == []
    else:
        assert len(hops) >= len(states) + 1  # one before every handler (connect, each state) and one after disconnect


async def test_with_the_patch_the_snapshot_reads_of_sockets_open_no_new_connection(settings, connections_opened):
    # Without the patch, 3 of 3 opened one when run alone, none in the whole suite (which connection
    # Channels' thread holds depends on earlier tests): only the patch's claim is asserted.
    settings.CHANNELS_CONSUMER_PATCH = True
    await ExtractionSession.objects.acreate(id="kept-connection-long-client-id", seq=1, client_chose_id=True)
    await (await connect("kept-connection-long-client-id")).disconnect()  # the reading thread's connection exists now
    del connections_opened[:]
    for _ in range(3):
        watcher = await connect("kept-connection-long-client-id")
        snapshot = await watcher.receive_json_from()
        assert snapshot["sessionId"] == "kept-connection-long-client-id"
        await watcher.disconnect()
    assert connections_opened == []
