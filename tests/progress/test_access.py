"""Who may watch a session, origins, and the socket caps: WebsocketCommunicator through the real app."""

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient, override_settings

from extraction import services
from extraction.access import owner_fingerprint, session_token
from extraction.tasks import wait_for_inline_tasks
from extraction.models import ExtractionSession
from imgmvp_site.asgi import application
from progress import consumers
from progress.broadcast import state_event
from progress.groups import session_group
from extraction.selectors import session_state
from tests.support.sample_images import jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def isolated(settings):
    """Uploads, channel layer and reaper come from tests/conftest.py; sockets are counted per test."""
    settings.EXTRACTION_WORKERS = "inline"
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    yield
    left = dict(consumers.open_sockets)
    consumers.open_sockets.clear()  # so one failed test does not fail the next ones
    assert not left, "a socket was left counted"


def socket(session_id: str, *, token: str | None = None, cookie: str | None = None, origin: str | None = None):
    path = f"/api/images_mvp/progress/{session_id}" + (f"?token={token}" if token else "")
    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


@sync_to_async
def create(session_id: str | None = None, owner_key: str = ""):
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")
    return services.session_create(session_id=session_id, upload=upload, owner_key=owner_fingerprint(owner_key))


@sync_to_async
def browser_session_key() -> str:
    store = SessionStore()
    store.create()
    return store.session_key


async def closed_with(communicator: WebsocketCommunicator) -> int | None:
    output = await communicator.receive_output(timeout=2)
    assert output["type"] == "websocket.close", output
    return output.get("code")


async def answered_as_missing(communicator: WebsocketCommunicator) -> None:
    """What a socket on an id nobody uploaded gets: `connected`, then nothing (no state, no close)."""
    assert (await communicator.receive_json_from())["type"] == "connected"
    assert await communicator.receive_nothing(timeout=0.3)


async def run_to_end(session_id: str) -> None:
    await sync_to_async(services.session_run, thread_sensitive=False)(session_id=session_id)


async def test_a_stranger_is_refused_a_session_with_a_server_made_id():
    session = await create()
    stranger = socket(session.id)
    assert (await stranger.connect())[0]
    await answered_as_missing(stranger)  # not 4403: that would tell a guesser the id is taken
    nobody = socket(str(uuid.uuid4()))
    assert (await nobody.connect())[0]
    await answered_as_missing(nobody)
    for communicator in (stranger, nobody):
        await communicator.disconnect()


async def test_the_token_opens_the_socket_and_the_status():
    session = await create()
    token = session_token(session.id)
    watcher = socket(session.id, token=token)
    assert (await watcher.connect())[0]
    assert (await watcher.receive_json_from())["type"] == "connected"
    assert (await watcher.receive_json_from())["type"] == "progress"
    await watcher.disconnect()

    client = AsyncClient()
    assert (await client.get(f"/api/images_mvp/sessions/{session.id}?token={token}")).status_code == 200
    refused = await client.get(f"/api/images_mvp/sessions/{session.id}")
    assert refused.status_code == 404
    assert refused.json()["error"] == "session_not_found"  # the same answer as for no session at all
    forged = await client.get(f"/api/images_mvp/sessions/{session.id}?token={session_token('someone-else')}")
    assert forged.status_code == 404


async def test_a_token_for_another_session_is_refused():
    mine, theirs = await create(), await create()
    watcher = socket(theirs.id, token=session_token(mine.id))
    await watcher.connect()
    await answered_as_missing(watcher)
    await watcher.disconnect()


async def test_the_owning_browser_session_may_watch_and_another_may_not():
    owner = await browser_session_key()
    other = await browser_session_key()
    session = await create(str(uuid.uuid4()), owner_key=owner)

    mine = socket(session.id, cookie=owner)
    await mine.connect()
    assert (await mine.receive_json_from())["type"] == "connected"
    assert (await mine.receive_json_from())["type"] == "progress"
    await mine.disconnect()

    # Knowing the id is not enough when a browser session owns it.
    for cookie in (other, None):
        theirs = socket(session.id, cookie=cookie)
        await theirs.connect()
        await answered_as_missing(theirs)
        await theirs.disconnect()

    client = AsyncClient()
    client.cookies["sessionid"] = owner
    assert (await client.get(f"/api/images_mvp/sessions/{session.id}")).status_code == 200
    client.cookies["sessionid"] = other
    assert (await client.get(f"/api/images_mvp/sessions/{session.id}")).status_code == 404


async def test_an_anonymous_client_chosen_id_is_its_own_secret():
    """The curl + wscat flow: no cookie, the client picked the id, the id is enough."""
    session = await create(str(uuid.uuid4()))
    watcher = socket(session.id)
    await watcher.connect()
    assert (await watcher.receive_json_from())["type"] == "connected"
    assert (await watcher.receive_json_from())["type"] == "progress"
    await watcher.disconnect()
    assert (await AsyncClient().get(f"/api/images_mvp/sessions/{session.id}")).status_code == 200


async def test_a_socket_opened_early_is_closed_when_the_session_turns_out_not_its_own():
    owner = await browser_session_key()
    session_id = str(uuid.uuid4())
    stranger = socket(session_id)  # no cookie, no token
    uploader = socket(session_id, cookie=owner)
    for communicator in (stranger, uploader):
        await communicator.connect()
        assert (await communicator.receive_json_from())["type"] == "connected"

    await create(session_id, owner_key=owner)
    await run_to_end(session_id)

    assert await closed_with(stranger) == consumers.CLOSE_FORBIDDEN
    kinds = []
    while not kinds or kinds[-1] != "complete":
        kinds.append((await uploader.receive_json_from(timeout=5))["type"])
    assert kinds.count("progress") == 7  # Queued, then the six stages
    await stranger.disconnect()
    await uploader.disconnect()


async def test_a_change_without_access_facts_is_decided_from_the_row():
    """As a process of an earlier version sends it during a rolling deploy over Redis."""
    owner = await browser_session_key()
    session_id = str(uuid.uuid4())
    stranger, uploader = socket(session_id), socket(session_id, cookie=owner)
    for communicator in (stranger, uploader):
        await communicator.connect()
        assert (await communicator.receive_json_from())["type"] == "connected"
    session = await ExtractionSession.objects.acreate(id=session_id, seq=1, owner_key=owner_fingerprint(owner))
    change = state_event(session_state(session))  # no "access"
    await get_channel_layer().group_send(session_group(session_id), change)
    assert await closed_with(stranger) == consumers.CLOSE_FORBIDDEN
    assert (await uploader.receive_json_from())["seq"] == 1
    await stranger.disconnect()
    await uploader.disconnect()


async def test_a_socket_opened_early_keeps_receiving_an_anonymous_upload_with_its_id():
    session_id = str(uuid.uuid4())
    watcher = socket(session_id)
    await watcher.connect()
    assert (await watcher.receive_json_from())["type"] == "connected"
    await create(session_id)
    await run_to_end(session_id)
    kinds = []
    while not kinds or kinds[-1] != "complete":
        kinds.append((await watcher.receive_json_from(timeout=5))["type"])
    await watcher.disconnect()


async def test_the_202_carries_a_token_and_a_browser_upload_records_its_owner():
    owner = await browser_session_key()
    client = AsyncClient()
    client.cookies["sessionid"] = owner
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = await client.post("/api/images_mvp/extract", {"file": upload})
    await wait_for_inline_tasks()
    assert response.status_code == 202
    body = response.json()
    assert body["progressUrl"].endswith(f"/progress/{body['sessionId']}?token={body['token']}")
    assert body["statusUrl"].endswith(f"/sessions/{body['sessionId']}?token={body['token']}")
    session = await services.ExtractionSession.objects.aget(pk=body["sessionId"])
    assert (session.owner_key, session.client_chose_id) == (owner_fingerprint(owner), False)
    # Another client with the token only may read it; without, not.
    assert (await AsyncClient().get(body["statusUrl"].split("testserver")[1])).status_code == 200
    assert (await AsyncClient().get(f"/api/images_mvp/sessions/{body['sessionId']}")).status_code == 404


async def test_a_cross_site_origin_is_refused_and_no_origin_is_admitted():
    session_id = str(uuid.uuid4())
    foreign = socket(session_id, origin="https://evil.example")
    connected, _ = await foreign.connect()
    assert not connected
    await foreign.disconnect()
    for origin in ("http://localhost", None):  # ALLOWED_HOSTS as the app was built with
        ours = socket(session_id, origin=origin)
        assert (await ours.connect())[0]
        assert (await ours.receive_json_from())["type"] == "connected"
        await ours.disconnect()


@override_settings(PROGRESS_MAX_SOCKETS_PER_SESSION=2)
async def test_sockets_per_session_are_capped():
    session_id = str(uuid.uuid4())
    first, second, third = socket(session_id), socket(session_id), socket(session_id)
    for communicator in (first, second):
        await communicator.connect()
        assert (await communicator.receive_json_from())["type"] == "connected"
    await third.connect()
    assert await closed_with(third) == consumers.CLOSE_TOO_MANY
    await third.disconnect()
    other = socket(str(uuid.uuid4()))  # another session still has room
    await other.connect()
    assert (await other.receive_json_from())["type"] == "connected"
    await second.disconnect()
    again = socket(session_id)  # a place freed by a disconnect is free again
    await again.connect()
    assert (await again.receive_json_from())["type"] == "connected"
    for communicator in (first, other, again):
        await communicator.disconnect()


@override_settings(PROGRESS_MAX_SOCKETS=3)
async def test_sockets_per_process_are_capped():
    watchers = [socket(str(uuid.uuid4())) for _ in range(3)]
    for communicator in watchers:
        await communicator.connect()
        assert (await communicator.receive_json_from())["type"] == "connected"
    extra = socket(str(uuid.uuid4()))
    await extra.connect()
    assert await closed_with(extra) == consumers.CLOSE_TOO_MANY
    for communicator in [*watchers, extra]:
        await communicator.disconnect()


async def test_a_frame_over_4kb_closes_with_4413():
    watcher = socket(str(uuid.uuid4()))
    await watcher.connect()
    await watcher.receive_json_from()
    await watcher.send_to(text_data='{"type": "ping"}')
    assert (await watcher.receive_json_from())["type"] == "pong"
    await watcher.send_to(text_data='{"type": "ping", "pad": "' + "x" * 4096 + '"}')
    assert await closed_with(watcher) == consumers.CLOSE_TOO_BIG == 4413  # an application code, not 1009
    await watcher.disconnect()


async def test_more_than_20_frames_a_second_closes_with_4429():
    watcher = socket(str(uuid.uuid4()))
    await watcher.connect()
    await watcher.receive_json_from()
    for _ in range(20):
        await watcher.send_to(text_data='{"type": "ping"}')
        assert (await watcher.receive_json_from())["type"] == "pong"
    await watcher.send_to(text_data='{"type": "ping"}')
    assert await closed_with(watcher) == consumers.CLOSE_TOO_MANY
    await watcher.disconnect()


async def test_pings_at_20_a_second_are_fine():
    watcher = socket(str(uuid.uuid4()))
    await watcher.connect()
    await watcher.receive_json_from()
    for _ in range(30):
        await watcher.send_to(text_data='{"type": "ping"}')
        assert (await watcher.receive_json_from())["type"] == "pong"
        await asyncio.sleep(0.06)
    await watcher.disconnect()


class BrokenLayer(InMemoryChannelLayer):
    """An in-memory layer whose Redis went away: joining a group (or reading) raises ConnectionError."""

    fail_on = "group_add"

    async def group_add(self, group, channel):
        if self.fail_on == "group_add":
            raise ConnectionError("Connection reset by peer (a Redis restart)")
        return await super().group_add(group, channel)

    async def receive(self, channel):
        if self.fail_on == "receive":
            await asyncio.sleep(0.05)
            raise ConnectionError("Connection closed by server (a Redis restart)")
        return await super().receive(channel)


class ReadFailsLayer(BrokenLayer):
    fail_on = "receive"


@pytest.mark.parametrize("layer", ["BrokenLayer", "ReadFailsLayer"])
async def test_a_layer_failure_closes_4503_and_gives_the_slot_back(settings, layer, caplog):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.{layer}"}}
    settings.PROGRESS_MAX_SOCKETS = 1
    for _ in range(3):  # a leaked slot would refuse the second with 4429
        watcher = socket(str(uuid.uuid4()))
        await watcher.connect()
        output = await watcher.receive_output(timeout=2)
        while output["type"] == "websocket.send":  # `connected`, when only the read fails
            output = await watcher.receive_output(timeout=2)
        assert output == {"type": "websocket.close", "code": consumers.CLOSE_UNAVAILABLE}
        await watcher.disconnect()
        assert not consumers.open_sockets
    assert "Traceback" not in caplog.text


async def test_a_short_client_chosen_id_is_watched_with_the_token_only():
    session = await create("test1234")
    guesser = socket("test1234")
    await guesser.connect()
    await answered_as_missing(guesser)
    await guesser.disconnect()
    holder = socket("test1234", token=session_token(session.id))
    await holder.connect()
    assert (await holder.receive_json_from())["type"] == "connected"
    assert (await holder.receive_json_from())["seq"] == 1
    await holder.disconnect()
    assert (await AsyncClient().get("/api/images_mvp/sessions/test1234")).status_code == 404


async def test_failed_socket_lookups_are_throttled_but_not_the_token(settings):
    settings.LOOKUP_FAILURES_PER_MINUTE = 3
    session = await create()
    answers = []
    for _ in range(5):
        guesser = socket(str(uuid.uuid4()))
        await guesser.connect()
        output = await guesser.receive_output(timeout=2)
        answers.append(output.get("code") if output["type"] == "websocket.close" else "connected")
        await guesser.disconnect()
    assert answers == ["connected"] * 3 + [consumers.CLOSE_TOO_MANY] * 2
    holder = socket(session.id, token=session_token(session.id))
    await holder.connect()
    assert (await holder.receive_json_from())["type"] == "connected"
    await holder.disconnect()


async def test_sockets_opened_before_their_own_upload_are_not_counted_as_guesses(settings):
    settings.LOOKUP_FAILURES_PER_MINUTE = 3
    for _ in range(5):
        session_id = str(uuid.uuid4())
        watcher = socket(session_id)
        await watcher.connect()
        assert (await watcher.receive_json_from())["type"] == "connected"
        await create(session_id)
        assert (await watcher.receive_json_from())["seq"] == 1
        await watcher.disconnect()
    guesser = socket(str(uuid.uuid4()))
    await guesser.connect()
    assert (await guesser.receive_json_from())["type"] == "connected"  # five watched uploads, no guess
    await guesser.disconnect()
