"""End to end: a real daphne process, a real HTTP upload and a real WebSocket client."""

import asyncio
import json
import shutil
import subprocess
import sys
import uuid

import httpx
import pytest
import websockets

from tests.support import servers
from tests.support.images import jpeg_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    env = servers.server_env(tmp)
    servers.migrate(env)
    process = servers.daphne(tmp, env)
    yield process
    process.stop()


async def watch(url: str, started: asyncio.Event) -> list[dict]:
    messages = []
    async with websockets.connect(url) as socket:
        messages.append(json.loads(await socket.recv()))
        started.set()
        async for frame in socket:
            message = json.loads(frame)
            messages.append(message)
            if message["type"] in ("complete", "failed"):
                return messages
    return messages


async def test_upload_then_watch_every_stage_live(server, tmp_path):
    session_id = str(uuid.uuid4())
    started = asyncio.Event()
    watcher = asyncio.create_task(
        asyncio.wait_for(watch(f"{server.ws_url}/api/images_mvp/progress/{session_id}", started), 30)
    )
    await asyncio.wait_for(started.wait(), 10)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.base_url}/api/images_mvp/extract",
            files={"file": ("camera.jpg", jpeg_bytes(make="LiveMake", model="LiveModel"), "image/jpeg")},
            data={"session_id": session_id},
        )
    assert response.status_code == 202, response.text
    assert response.json()["progressUrl"].startswith(f"{server.ws_url}/api/images_mvp/progress/{session_id}?token=")
    messages = await watcher
    assert messages[0]["type"] == "connected"
    assert [m["progress"] for m in messages if m["type"] == "progress"] == [0, 10, 20, 30, 50, 70, 90]
    assert messages[-1]["type"] == "complete"
    assert messages[-1]["result"]["summary"]["Make"] == "LiveMake"
    seqs = [m["seq"] for m in messages[1:]]
    assert seqs == sorted(set(seqs))

    async with httpx.AsyncClient() as client:
        status = (await client.get(response.json()["statusUrl"])).json()
    assert status["status"] == "complete"
    assert status["result"]["summary"]["Model"] == "LiveModel"
    # daphne's command line configures the root logger too: each of our log lines appears once.
    claimed = [line for line in server.log_path.read_text().splitlines() if f"session {session_id} claimed by" in line]
    assert len(claimed) == 1, claimed


async def test_the_readme_curl_example_works_as_written(server, tmp_path):
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_bytes())
    session_id = str(uuid.uuid4())
    result = subprocess.run(
        [curl, "-s", "-F", f"file=@{photo}", "-F", f"session_id={session_id}",
         f"{server.base_url}/api/images_mvp/extract"],
        capture_output=True, text=True, timeout=30, check=True,
    )
    assert json.loads(result.stdout)["sessionId"] == session_id
    async with websockets.connect(f"{server.ws_url}/api/images_mvp/progress/{session_id}") as socket:
        assert json.loads(await socket.recv())["type"] == "connected"
        while (message := json.loads(await asyncio.wait_for(socket.recv(), 10)))["type"] not in ("complete", "failed"):
            pass
    assert message["type"] == "complete"


async def test_a_cross_site_page_cannot_open_the_socket(server):
    with pytest.raises(websockets.InvalidStatus):
        async with websockets.connect(
            f"{server.ws_url}/api/images_mvp/progress/{uuid.uuid4()}", origin="http://evil.example"
        ):
            pass
    async with websockets.connect(
        f"{server.ws_url}/api/images_mvp/progress/{uuid.uuid4()}", origin=f"http://127.0.0.1:{server.port}"
    ) as socket:
        assert json.loads(await socket.recv())["type"] == "connected"


async def test_runserver_serves_websockets_too(tmp_path):
    env = servers.server_env(tmp_path)
    servers.migrate(env)
    port = servers.free_port()
    args = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    process = servers.ServerProcess(args, env, tmp_path / "runserver.log", port).start()
    try:
        process.wait_http()
        async with websockets.connect(f"{process.ws_url}/api/images_mvp/progress/{uuid.uuid4()}") as socket:
            assert json.loads(await socket.recv())["type"] == "connected"
    finally:
        process.stop()


def test_servers_refuse_to_start_without_a_secret_key(tmp_path):
    env = servers.server_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "daphne", "-p", str(servers.free_port()), "imgmvp_site.asgi:application"],
        cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("switch, request_class", [
    ("1", "apply.<locals>.WebRequestWithoutFormParse"),  # imgmvp_site/patches/daphne.py
    ("0", "WebRequest"),  # daphne's own
])
def test_under_daphne_the_multipart_patch_is_on_unless_switched_back(tmp_path, switch, request_class):
    """DAPHNE_MULTIPART_PATCH=1 (default) builds requests without Twisted's multipart parse; 0 is upstream."""
    script = (
        "import daphne.server, imgmvp_site.asgi\n"
        "from daphne import http_protocol\n"
        "print(http_protocol.WebRequest.__module__, http_protocol.WebRequest.__qualname__)\n"
    )
    env = servers.server_env(tmp_path, DAPHNE_MULTIPART_PATCH=switch)
    result = subprocess.run([sys.executable, "-c", script], cwd=servers.ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    module = "imgmvp_site.patches.daphne" if switch == "1" else "daphne.http_protocol"
    assert result.stdout.split() == [module, request_class]
