"""ProgressConsumer through the real ASGI router, with uploads through the real view."""

import asyncio

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient

from extraction import tasks
from extraction.tasks import wait_for_inline_tasks
from extraction.models import ExtractionSession
from extraction.selectors import session_state
from imgmvp_site.asgi import application
from progress.broadcast import state_event
from progress.groups import session_group
from tests.support.communicators import connect, receive_until_end, upload
from tests.support.images import corrupt_jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)

STAGES = [
    (0, "Queued"),
    (10, "Starting extraction..."),
    (20, "Validating file..."),
    (30, "Storing file..."),
    (50, "Processing metadata..."),
    (70, "Analyzing results..."),
    (90, "Finalizing results..."),
]


def assert_full_sequence(messages: list[dict], session_id: str) -> None:
    progress = [(m["progress"], m["statusText"]) for m in messages if m["type"] == "progress"]
    assert progress == STAGES
    assert messages[-1]["type"] == "complete"
    seqs = [m["seq"] for m in messages]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), seqs
    assert all(m["sessionId"] == session_id for m in messages)
    assert all(m["timestamp"] for m in messages)


async def test_happy_path_sends_every_stage_in_order_then_complete():
    watcher = await connect("happy-path-1-long-client-chosen-id")
    await upload("happy-path-1-long-client-chosen-id")
    messages = await receive_until_end(watcher)
    assert_full_sequence(messages, "happy-path-1-long-client-chosen-id")
    complete = messages[-1]
    assert complete["progress"] == 100
    assert complete["status"] == "complete"
    assert complete["statusText"] == "Extraction complete!"
    assert complete["result"]["summary"]["Make"] == "Acme"
    assert complete["result"]["summary"]["Model"] == "Z1"
    assert isinstance(complete["result"]["findings"], list)
    assert complete["result"]["groups"]  # the full result: the page needs no second request
    assert complete["error"] is None and complete["message"] is None
    assert [m["stage"] for m in messages if m["type"] == "progress"][1:] == [
        "start", "validate", "store", "extract", "analyse", "finalise"
    ]
    await watcher.disconnect()


async def test_connect_after_complete_gets_the_terminal_snapshot():
    await upload("late-comer-1-long-client-chosen-id")
    await wait_for_inline_tasks()
    saved = await ExtractionSession.objects.aget(pk="late-comer-1-long-client-chosen-id")
    watcher = await connect("late-comer-1-long-client-chosen-id")
    snapshot = await watcher.receive_json_from()
    assert snapshot["type"] == "complete"
    assert snapshot["seq"] == saved.seq
    assert snapshot["result"]["summary"]["Model"] == "Z1"
    assert await watcher.receive_nothing()
    await watcher.disconnect()


async def test_connect_while_queued_gets_the_current_state_first(settings):
    settings.MAX_CONCURRENT_EXTRACTIONS = 1
    async with tasks._semaphore():  # the one extraction slot is busy: the upload waits queued
        await upload("mid-run-1-long-client-chosen-id")
        watcher = await connect("mid-run-1-long-client-chosen-id")
        snapshot = await watcher.receive_json_from()
        assert snapshot["type"] == "progress"
        assert snapshot["status"] == "pending"
        assert snapshot["statusText"] == "Queued"
        assert snapshot["progress"] == 0
        assert await watcher.receive_nothing(timeout=0.2)
    rest = await receive_until_end(watcher)
    assert rest[-1]["type"] == "complete"
    assert all(m["seq"] > snapshot["seq"] for m in rest)
    await watcher.disconnect()


async def test_two_watchers_of_one_session_both_see_everything():
    first, second = await connect("two-watchers-long-client-chosen-id"), await connect("two-watchers-long-client-chosen-id")
    await upload("two-watchers-long-client-chosen-id")
    assert_full_sequence(await receive_until_end(first), "two-watchers-long-client-chosen-id")
    assert_full_sequence(await receive_until_end(second), "two-watchers-long-client-chosen-id")
    await first.disconnect()
    await second.disconnect()


async def test_no_message_leaks_to_another_session():
    mine, other = await connect("session-mine-long-client-chosen-id"), await connect("session-other-long-client-chosen-id")
    await upload("session-mine-long-client-chosen-id")
    await receive_until_end(mine)
    assert await other.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await other.disconnect()


async def test_ping_gets_pong():
    watcher = await connect("pinger-123-long-client-chosen-id")
    await watcher.send_json_to({"type": "ping"})
    pong = await watcher.receive_json_from()
    assert pong["type"] == "pong"
    assert pong["timestamp"]
    await watcher.disconnect()


async def test_server_pings_every_interval(settings):
    settings.PROGRESS_PING_SECONDS = 1
    watcher = await connect("pinged-123-long-client-chosen-id")
    ping = await watcher.receive_json_from(timeout=3)
    assert ping["type"] == "ping"
    await watcher.disconnect()


@pytest.mark.parametrize("frame", ["not json", "[1, 2]", '{"no": "type"}', '{"type": "dance"}', "null"])
async def test_malformed_frame_gets_an_error_and_the_socket_stays_open(frame):
    watcher = await connect("frames-123-long-client-chosen-id")
    await watcher.send_to(text_data=frame)
    error = await watcher.receive_json_from()
    assert error["type"] == "error"
    assert error["error"] == "invalid_message"
    await watcher.send_json_to({"type": "ping"})
    assert (await watcher.receive_json_from())["type"] == "pong"
    await watcher.disconnect()


@pytest.mark.parametrize("bad_id", ["short", "x" * 65, "semi;colon", "dots.are.not.ok"])
async def test_malformed_session_id_is_closed_with_4400(bad_id):
    communicator = WebsocketCommunicator(application, f"/api/images_mvp/progress/{bad_id}")
    connected, _ = await communicator.connect()
    assert connected
    closed = await communicator.receive_output()
    assert closed == {"type": "websocket.close", "code": 4400}
    await communicator.wait()


@pytest.mark.parametrize("path", ["/api/images_mvp/progress/", "/api/images_mvp/progress/abcdefgh/extra", "/ws/other"])
async def test_any_other_path_is_closed_with_4404(path):
    communicator = WebsocketCommunicator(application, path)
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4404}
    await communicator.wait()


async def test_corrupt_image_ends_in_failed_with_a_stable_code():
    watcher = await connect("corrupt-123-long-client-chosen-id")
    await upload("corrupt-123-long-client-chosen-id", corrupt_jpeg_bytes())
    messages = await receive_until_end(watcher)
    failed = messages[-1]
    assert failed["type"] == "failed"
    assert failed["progress"] == 0
    assert failed["status"] == "failed"
    assert failed["statusText"] == "Extraction failed"
    assert failed["error"] == "corrupt_image"  # the one error shape, beside its message
    assert failed["message"] and "Traceback" not in failed["message"]
    saved = await ExtractionSession.objects.aget(pk="corrupt-123-long-client-chosen-id")
    assert saved.status == "failed"
    assert saved.error_code == "corrupt_image"
    assert saved.finished_at is not None
    await watcher.disconnect()


async def test_disconnect_leaves_no_task_running(settings):
    settings.PROGRESS_PING_SECONDS = 1
    before = {task for task in asyncio.all_tasks()}
    watcher = await connect("leaver-123-long-client-chosen-id")
    await watcher.disconnect()
    await asyncio.sleep(0.05)
    leftover = [t for t in asyncio.all_tasks() - before if not t.done() and t is not asyncio.current_task()]
    assert leftover == []


async def test_extractions_beyond_the_limit_wait_queued(settings):
    settings.MAX_CONCURRENT_EXTRACTIONS = 1
    first, second = await connect("queue-first-long-client-chosen-id"), await connect("queue-second-long-client-chosen-id")
    await upload("queue-first-long-client-chosen-id")
    await upload("queue-second-long-client-chosen-id")
    first_messages = await receive_until_end(first)
    second_messages = await receive_until_end(second)
    first_end = first_messages[-1]["timestamp"]
    second_start = next(m for m in second_messages if m.get("stage") == "start")["timestamp"]
    assert second_start >= first_end  # the second began only after the first had finished
    await first.disconnect()
    await second.disconnect()


async def test_a_change_older_than_the_snapshot_is_not_forwarded():
    await upload("stale-change-1-long-client-chosen-id")
    await wait_for_inline_tasks()
    saved = await ExtractionSession.objects.aget(pk="stale-change-1-long-client-chosen-id")
    watcher = await connect("stale-change-1-long-client-chosen-id")
    assert (await watcher.receive_json_from())["seq"] == saved.seq
    # As when a change queued for the group arrives after the (newer) snapshot was sent.
    stale = {**session_state(saved), "type": "progress", "seq": saved.seq - 1}
    await get_channel_layer().group_send(session_group(saved.id), state_event(stale))
    assert await watcher.receive_nothing(timeout=0.3)
    await watcher.disconnect()
