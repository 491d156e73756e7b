"""Abuse and faults against a real daphne: socket slots never leak, guessing is throttled, admin
passwords are locked out; no traceback in the server log. Every loop is bounded."""

import asyncio
import json
import re
import time
import uuid

import httpx
import pytest
import websockets

from tests.support import servers
from tests.support.images import jpeg_bytes

pytestmark = pytest.mark.e2e

CAP = 40  # PROGRESS_MAX_SOCKETS of the servers here
OVERSIZED = '{"type": "ping", "pad": "' + "x" * 5000 + '"}'  # over the 4096-byte frame cap


def progress_url(server, session_id: str, token: str | None = None) -> str:
    return f"{server.ws_url}/api/images_mvp/progress/{session_id}" + (f"?token={token}" if token else "")


async def first_answer(socket) -> str | int | None:
    """The first message's type, or the close code when the server closed instead."""
    try:
        return json.loads(await asyncio.wait_for(socket.recv(), 10))["type"]
    except websockets.ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None
    except TimeoutError:
        return "no answer in 10 s"


async def close_code(socket) -> int | None:
    """Wait (bounded) for the server to close the socket; its close code."""
    try:
        for _ in range(20):
            await asyncio.wait_for(socket.recv(), 10)
    except websockets.ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None
    return None


async def oversized_frame(server, session_id: str) -> int | str | None:
    """Open a socket, send a frame over the cap: the close code (or the refusal, if refused first)."""
    async with websockets.connect(progress_url(server, session_id), max_size=None) as socket:
        answer = await first_answer(socket)
        if answer != "connected":
            return answer
        await socket.send(OVERSIZED)
        return await close_code(socket)


async def open_sockets(server, count: int) -> tuple[list, list]:
    """`count` sockets on fresh ids, held open: (the sockets, each one's first answer)."""
    sockets = [await websockets.connect(progress_url(server, str(uuid.uuid4()))) for _ in range(count)]
    answers = await asyncio.gather(*(first_answer(socket) for socket in sockets))
    return sockets, answers


async def close_all(sockets) -> None:
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)


async def a_good_client_connects(server) -> None:
    """An upload's own progress URL (with its token) gets `connected` and the state."""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.base_url}/api/images_mvp/extract", files={"file": ("ok.jpg", jpeg_bytes(), "image/jpeg")}
        )
    assert response.status_code == 202, response.text
    async with websockets.connect(response.json()["progressUrl"]) as socket:
        assert await first_answer(socket) == "connected"
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["sessionId"] == response.json()["sessionId"]


async def all_slots_free(server) -> None:
    """The slot count is back to 0: exactly CAP sockets are admitted at once, the next one is not."""
    for _ in range(50):  # the server gives slots back as it sees each close: allow it a moment
        sockets, answers = await open_sockets(server, CAP)
        if answers.count("connected") == CAP:
            break
        await close_all(sockets)
        await asyncio.sleep(0.2)
    try:
        assert answers == ["connected"] * CAP
        async with websockets.connect(progress_url(server, str(uuid.uuid4()))) as extra:
            assert await first_answer(extra) == 4429
    finally:
        await close_all(sockets)


def no_traceback(server) -> None:
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-4000:]
    assert "invalid close code" not in log


def start(tmp_path, name: str, **settings: str):
    env = servers.server_env(tmp_path, **settings)
    servers.migrate(env)
    return servers.daphne(tmp_path, env, name=name)


@pytest.fixture
def server(tmp_path):
    process = start(tmp_path, "daphne", PROGRESS_MAX_SOCKETS=str(CAP), LOOKUP_FAILURES_PER_MINUTE="100000")
    yield process
    process.stop()


async def test_oversized_frames_close_4413_and_give_their_slot_back(server):
    session_id = str(uuid.uuid4())
    # 7 > PROGRESS_MAX_SOCKETS_PER_SESSION (5): a leaked slot would turn the 6th into 4429.
    codes = [await oversized_frame(server, session_id) for _ in range(7)]
    assert codes == [4413] * 7
    async with websockets.connect(progress_url(server, session_id)) as socket:
        assert await first_answer(socket) == "connected"
    # 60 on fresh ids against the process cap of 40: each is closed, none keeps its slot.
    codes = await asyncio.gather(*(oversized_frame(server, str(uuid.uuid4())) for _ in range(60)))
    assert set(codes) <= {4413, 4429} and codes.count(4413) >= CAP, codes
    await a_good_client_connects(server)
    await all_slots_free(server)
    no_traceback(server)


async def test_sockets_dropped_by_their_clients_give_their_slots_back(server):
    sockets, answers = await open_sockets(server, CAP + 20)
    assert answers.count("connected") == CAP and answers.count(4429) == 20
    for socket in sockets:  # hang up without a closing handshake
        socket.transport.abort()
    await a_good_client_connects(server)
    await all_slots_free(server)
    no_traceback(server)


async def test_a_redis_restart_under_open_sockets_leaks_no_slot(tmp_path, own_redis):
    server = start(tmp_path, "daphne-redis", REDIS_URL=own_redis.url, PROGRESS_MAX_SOCKETS=str(CAP),
                   LOOKUP_FAILURES_PER_MINUTE="100000")
    try:
        sockets, answers = await open_sockets(server, CAP)
        assert answers == ["connected"] * CAP
        stopped = time.monotonic()
        own_redis.stop()
        # Each socket's layer read fails: closed 4503 (reconnect shortly), not 1011 with a traceback.
        codes = await asyncio.wait_for(asyncio.gather(*(close_code(socket) for socket in sockets)), 60)
        print(f"\n{len(codes)} open sockets closed {set(codes)} within {time.monotonic() - stopped:.2f} s of Redis stopping")
        assert set(codes) == {4503}, codes
        own_redis.start()
        # The very first socket after the restart is greeted: the layer's pooled connections that
        # Redis dropped are replaced at their next use (settings: one retry on a fresh connection),
        # not failed (it used to wait 10 s, then 4503).
        restarted = time.monotonic()
        async with websockets.connect(progress_url(server, str(uuid.uuid4()))) as probe:
            assert await first_answer(probe) == "connected"
        print(f"\nfirst socket after the Redis restart greeted in {time.monotonic() - restarted:.2f} s")
        await all_slots_free(server)
        await a_good_client_connects(server)
        no_traceback(server)
    finally:
        server.stop()


@pytest.fixture
def guarded_server(tmp_path):
    """Default limits: 60 failed lookups a minute, 10 failed admin logins per 15 minutes."""
    env = servers.server_env(tmp_path)
    servers.migrate(env)
    servers.create_superuser(env, password="the-right-password-1")
    process = servers.daphne(tmp_path, env, name="daphne-guarded")
    yield process
    process.stop()


async def test_guessing_session_ids_is_throttled_and_answers_alike(guarded_server):
    server = guarded_server
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        # An upload with a taken id answers as a free id would for the same body.
        taken = str(uuid.uuid4())
        stored = await client.post("/api/images_mvp/extract", files={"file": ("a.jpg", jpeg_bytes(), "image/jpeg")},
                                   data={"session_id": taken})
        assert stored.status_code == 202
        answers = []
        for session_id in (taken, str(uuid.uuid4())):
            junk = await client.post("/api/images_mvp/extract", files={"file": ("a.txt", b"not an image", "text/plain")},
                                     data={"session_id": session_id})
            answers.append((junk.status_code, junk.json()))
        assert answers[0] == answers[1] and answers[0][0] == 415, answers

        statuses = []
        for _ in range(200):
            response = await client.get(f"/api/images_mvp/sessions/{uuid.uuid4()}")
            statuses.append(response.status_code)
            if response.status_code == 429:
                refused = response
        print(f"\n200 lookups of missing ids: {statuses.count(404)} answered 404, {statuses.count(429)} refused 429")
        assert set(statuses) == {404, 429}
        assert statuses.count(429) >= 130, statuses.count(429)  # at most 60 a minute get through
        assert refused.json()["error"] == "too_many_requests" and set(refused.json()) == {"error", "message"}
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        # The socket refuses a guess too, while the token's holder still gets in.
        async with websockets.connect(progress_url(server, str(uuid.uuid4()))) as socket:
            assert await first_answer(socket) == 4429
        assert (await client.get(stored.json()["statusUrl"])).status_code == 200
        async with websockets.connect(stored.json()["progressUrl"]) as socket:
            assert await first_answer(socket) == "connected"
    no_traceback(server)


async def test_wrong_admin_passwords_lock_the_right_one_out(guarded_server):
    server = guarded_server

    async def login(client, password: str, csrf: str) -> httpx.Response:
        return await client.post("/admin/login/?next=/admin/", data={
            "username": "admin", "password": password, "csrfmiddlewaretoken": csrf, "next": "/admin/"})

    async def csrf_of(client) -> str:
        page = await client.get("/admin/login/")
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    async with httpx.AsyncClient(base_url=server.base_url) as first:
        assert (await login(first, "the-right-password-1", await csrf_of(first))).status_code == 302  # it works
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        csrf = await csrf_of(client)
        codes = [(await login(client, f"wrong-{n}", csrf)).status_code for n in range(30)]
        assert codes[:10] == [200] * 10 and set(codes[10:]) == {429}, codes
        right = await login(client, "the-right-password-1", csrf)
        # A sliding 15 minutes: locked out until the 10th latest failure is 15 minutes old.
        print(f"\n30 wrong admin passwords: {codes.count(200)} answered, {codes.count(429)} refused; the right "
              f"one then: {right.status_code}, Retry-After {right.headers.get('Retry-After')} s")
        assert right.status_code == 429 and 1 <= int(right.headers["Retry-After"]) <= 900
        assert "sessionid" not in client.cookies
    no_traceback(server)
