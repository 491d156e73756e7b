"""Lost, late and reordered progress messages are healed from the row: a seq gap sends the saved state,
and a quiet, unfinished session is re-read every PROGRESS_HEAL_SECONDS."""

import asyncio
import time

import pytest
from channels.layers import get_channel_layer

from extraction.tasks import wait_for_inline_tasks
from extraction.models import ExtractionSession
from extraction.selectors import session_get, session_state
from progress import consumers
from progress.broadcast import state_event
from progress.groups import session_group
from tests.support.communicators import TERMINAL, connect, upload
from tests.support.images import corrupt_jpeg_bytes, jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)

HEAL = 0.3  # seconds: short, so the tests wait little
GAP_WAIT_MS = 50


@pytest.fixture
def heal_soon(settings):
    settings.PROGRESS_HEAL_SECONDS = HEAL
    settings.PROGRESS_GAP_WAIT_MS = GAP_WAIT_MS
    return settings


async def saved_at(session_id: str, seq: int, **fields) -> ExtractionSession:
    """Move the row to `seq` without telling anyone, as when every message about it was lost."""
    await ExtractionSession.objects.filter(pk=session_id).aupdate(seq=seq, **fields)
    return await ExtractionSession.objects.aget(pk=session_id)


async def test_a_seq_gap_sends_the_saved_state_instead(heal_soon):
    await ExtractionSession.objects.acreate(id="gap-heal-1-long-client-chosen-id", seq=1, client_chose_id=True)
    watcher = await connect("gap-heal-1-long-client-chosen-id")
    assert (await watcher.receive_json_from())["seq"] == 1
    saved = await saved_at("gap-heal-1-long-client-chosen-id", 6, progress=70, stage="analyse")
    stale = {**session_state(saved), "seq": 3, "progress": 20}  # 2 was lost on the way
    await get_channel_layer().group_send(session_group("gap-heal-1-long-client-chosen-id"), state_event(stale))
    healed = await watcher.receive_json_from(timeout=HEAL / 2)  # after the gap wait, not the quiet timeout
    assert healed == session_state(saved)
    await watcher.disconnect()


async def test_states_that_cross_on_the_way_reach_the_watcher_in_order_and_none_is_skipped(settings):
    """The web process sends `queued` and the worker `start`: two senders, so the later state can
    come first. It waits for the one before it (up to PROGRESS_GAP_WAIT_MS) instead of jumping to the row."""
    settings.PROGRESS_HEAL_SECONDS = 30
    settings.PROGRESS_GAP_WAIT_MS = 2000
    session_id = "crossed-1-long-client-chosen-id-x"
    await ExtractionSession.objects.acreate(id=session_id, seq=1, client_chose_id=True)
    watcher = await connect(session_id)
    assert (await watcher.receive_json_from())["seq"] == 1
    at = {seq: session_state(await saved_at(session_id, seq, progress=10 * seq, stage="extract")) for seq in (2, 3, 4)}
    group = session_group(session_id)
    for seq in (3, 4, 2):  # 3 and 4 overtook 2; the row is at 4 meanwhile
        await get_channel_layer().group_send(group, state_event(at[seq]))
    assert [(await watcher.receive_json_from(timeout=1))["seq"] for _ in range(3)] == [2, 3, 4]
    assert await watcher.receive_nothing(timeout=0.3)
    await watcher.disconnect()


async def test_a_quiet_unfinished_session_is_re_read_and_its_moved_state_sent(heal_soon):
    await ExtractionSession.objects.acreate(id="quiet-heal-1-long-client-chosen-id", seq=1, client_chose_id=True)
    watcher = await connect("quiet-heal-1-long-client-chosen-id")
    assert (await watcher.receive_json_from())["seq"] == 1
    saved = await saved_at("quiet-heal-1-long-client-chosen-id", 8, status="complete", progress=100, stage="complete", result={})
    started = time.monotonic()
    healed = await watcher.receive_json_from(timeout=HEAL * 3)
    assert healed == session_state(saved)
    assert time.monotonic() - started < HEAL * 2
    assert await watcher.receive_nothing(timeout=HEAL * 2)  # finished: no more re-reads, no repeats
    await watcher.disconnect()


async def test_a_socket_opened_before_its_upload_heals_from_the_first_change_that_reaches_it(heal_soon):
    watcher = await connect("late-row-1-long-client-chosen-id")
    saved = await ExtractionSession.objects.acreate(id="late-row-1-long-client-chosen-id", seq=5, client_chose_id=True)  # 1-4 lost
    late = {**session_state(saved), "seq": 2}  # a delayed message, older than the row
    await get_channel_layer().group_send(session_group("late-row-1-long-client-chosen-id"), state_event(late))
    assert await watcher.receive_json_from(timeout=HEAL / 2) == session_state(saved)
    await watcher.disconnect()


async def test_a_socket_with_no_session_yet_does_not_poll_the_database(heal_soon, monkeypatch):
    reads = []
    real = consumers.state_for

    async def counted(*args, **kwargs):
        reads.append(args[0])
        return await real(*args, **kwargs)

    monkeypatch.setattr(consumers, "state_for", counted)
    watcher = await connect("never-uploaded-1-long-client-chosen-id")
    assert await watcher.receive_nothing(timeout=HEAL * 3)
    assert reads == ["never-uploaded-1-long-client-chosen-id"], "idle sockets of unknown sessions cost no reads"
    await watcher.disconnect()


async def test_a_finished_or_quiet_but_unchanged_session_is_not_sent_again(heal_soon, monkeypatch):
    reads = []
    real = consumers.state_for

    async def counted(*args, **kwargs):
        reads.append(args[0])
        return await real(*args, **kwargs)

    monkeypatch.setattr(consumers, "state_for", counted)
    await ExtractionSession.objects.acreate(id="done-once-1-long-client-chosen-id", seq=3, status="failed", client_chose_id=True,
                                            error_code="corrupt_image", error_message="Unreadable.")
    await ExtractionSession.objects.acreate(id="waiting-1-long-client-chosen-id", seq=1, client_chose_id=True)
    finished, waiting = await connect("done-once-1-long-client-chosen-id"), await connect("waiting-1-long-client-chosen-id")
    assert (await finished.receive_json_from())["type"] == "failed"
    assert (await waiting.receive_json_from())["seq"] == 1
    assert await finished.receive_nothing(timeout=HEAL * 3.5)
    assert await waiting.receive_nothing(timeout=0.01)
    assert reads.count("done-once-1-long-client-chosen-id") == 1, "a finished session is read once, for its snapshot"
    assert reads.count("waiting-1-long-client-chosen-id") >= 3, "an unfinished one is re-read every period"
    await finished.disconnect()
    await waiting.disconnect()


async def test_disconnect_stops_the_quiet_timer(heal_soon, monkeypatch):
    reads = []
    real = consumers.state_for

    async def counted(*args, **kwargs):
        reads.append(args[0])
        return await real(*args, **kwargs)

    monkeypatch.setattr(consumers, "state_for", counted)
    await ExtractionSession.objects.acreate(id="gone-away-1-long-client-chosen-id", seq=1, client_chose_id=True)
    watcher = await connect("gone-away-1-long-client-chosen-id")
    await watcher.receive_json_from()
    await watcher.disconnect()
    await asyncio.sleep(HEAL * 2)
    assert reads == ["gone-away-1-long-client-chosen-id"]


FAULTY = {"BACKEND": "tests.support.layers.FaultyChannelLayer", "CONFIG": {"drop": 0.2, "delay": 0.2, "max_delay": 0.3}}
SESSIONS = 50
SLACK = 0.5  # seconds of scheduling on a shared 2-core machine beyond pipeline time + the timeout (seen: 4 ms)


async def watch_to_end(session_id: str, started: float) -> tuple[dict | None, float]:
    """Connect, then take states until a terminal one; (None, ...) if none comes in time."""
    watcher = await connect(session_id)
    last = None
    try:
        while last is None or last["type"] not in TERMINAL:
            last = await watcher.receive_json_from(timeout=30)
        return last, time.monotonic() - started
    except asyncio.TimeoutError:
        return None, time.monotonic() - started
    finally:
        await watcher.disconnect()


async def run_fifty_through(settings, heal_seconds):
    settings.CHANNEL_LAYERS = {"default": FAULTY}
    settings.PROGRESS_HEAL_SECONDS = heal_seconds
    settings.PROGRESS_MAX_SOCKETS = 1000
    ids = [f"faulty-layer-{index:02d}-long-client-chosen-id" for index in range(SESSIONS)]
    started = time.monotonic()
    watches = [asyncio.create_task(watch_to_end(session_id, started)) for session_id in ids]
    await asyncio.sleep(0.2)  # every watcher is in its group before its upload
    for index, session_id in enumerate(ids):
        # Every fifth upload is corrupt: the true end differs between sessions.
        await upload(session_id, corrupt_jpeg_bytes() if index % 5 == 0 else jpeg_bytes(make="Acme", model=f"M{index}"))
    await wait_for_inline_tasks()
    pipeline_seconds = time.monotonic() - started
    return ids, watches, pipeline_seconds


async def test_every_watcher_of_fifty_sessions_ends_in_the_true_state_though_the_layer_loses_and_reorders(settings):
    ids, watches, pipeline_seconds = await run_fifty_through(settings, heal_seconds=1)
    results = await asyncio.gather(*watches)
    layer = get_channel_layer()
    await asyncio.gather(*layer.held)
    assert layer.dropped >= 40 and layer.delayed >= 40, (layer.dropped, layer.delayed)  # the faults happened
    for session_id, (last, seconds) in zip(ids, results):
        truth = session_state(await ExtractionSession.objects.aget(pk=session_id))
        assert last is not None, f"{session_id} is stuck"
        assert last == truth, session_id
        assert seconds <= pipeline_seconds + settings.PROGRESS_HEAL_SECONDS + SLACK, (session_id, seconds, pipeline_seconds)
    ends = {truth["type"] for truth in [session_state(await ExtractionSession.objects.aget(pk=i)) for i in ids]}
    assert ends == {"complete", "failed"}


async def test_without_the_quiet_re_read_the_same_faults_leave_watchers_stuck(settings):
    """The control: the faulty layer does lose ends that only the quiet re-read heals."""
    ids, watches, pipeline_seconds = await run_fifty_through(settings, heal_seconds=0)
    await asyncio.sleep(1 + SLACK)
    stuck = [task for task in watches if not task.done()]
    for task in watches:
        task.cancel()
    await asyncio.gather(*watches, return_exceptions=True)
    await asyncio.gather(*get_channel_layer().held)
    assert stuck, "no final message was lost: the fault injection did not bite"


async def test_session_get_reads_what_the_socket_sends():
    await ExtractionSession.objects.acreate(id="same-read-1-long-client-chosen-id", seq=4, client_chose_id=True)
    watcher = await connect("same-read-1-long-client-chosen-id")
    snapshot = await watcher.receive_json_from()
    row = await asyncio.to_thread(session_get, "same-read-1-long-client-chosen-id")
    assert snapshot == session_state(row)
    await watcher.disconnect()
