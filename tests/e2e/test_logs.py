"""Watch tokens stay out of server logs: a real daphne (its access log on stdout or in a file) and a
real runserver, asked with `?token=` over HTTP and WebSocket; the token is in no log line."""

import json
import sys
import uuid

import httpx
import pytest
import websockets

from tests.support import servers
from tests.support.images import jpeg_bytes

pytestmark = pytest.mark.e2e


def start(kind: str, tmp_path):
    env = servers.server_env(tmp_path)
    servers.migrate(env)
    port = servers.free_port()
    if kind == "runserver":
        args = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    else:
        args = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        if kind == "daphne --access-log":
            args += ["--access-log", str(tmp_path / "access.log")]
        args.append("imgmvp_site.asgi:application")
    return servers.ServerProcess(args, env, tmp_path / f"{kind.split()[0]}.log", port).start().wait_http()


@pytest.mark.parametrize("kind", ["daphne", "daphne --access-log", "runserver"])
async def test_no_token_reaches_the_server_log(kind, tmp_path):
    server = start(kind, tmp_path)
    try:
        session_id = str(uuid.uuid4())
        async with httpx.AsyncClient() as client:
            upload = await client.post(
                f"{server.base_url}/api/images_mvp/extract",
                files={"file": ("photo.jpg", jpeg_bytes(), "image/jpeg")},
                data={"session_id": session_id},
            )
            assert upload.status_code == 202, upload.text
            token = upload.json()["token"]
            assert (await client.get(upload.json()["statusUrl"])).status_code == 200
            # A wrong token and a token on a path that does not exist are logged too (403/404 lines).
            await client.get(f"{server.base_url}/api/images_mvp/sessions/{session_id}?token={token}x&x=1")
            await client.get(f"{server.base_url}/no/such/page?a=1&token={token}")
        async with websockets.connect(upload.json()["progressUrl"]) as socket:
            while json.loads(await socket.recv())["type"] not in ("complete", "failed"):
                pass
        async with websockets.connect(f"{server.ws_url}/api/images_mvp/progress/{uuid.uuid4()}?token={token}"):
            pass
    finally:
        server.stop()
    logs = server.log_path.read_text(errors="replace")
    if kind == "daphne --access-log":
        logs += (tmp_path / "access.log").read_text(errors="replace")
    assert token not in logs
    assert token.split(":")[-1] not in logs  # not even its signature part
    # The access log did log these requests, with the token replaced.
    status_lines = [line for line in logs.splitlines() if f"/api/images_mvp/sessions/{session_id}" in line]
    assert len(status_lines) >= 2, logs[-3000:]
    assert all("token=[redacted]" in line for line in status_lines), status_lines
    assert "Traceback" not in logs
