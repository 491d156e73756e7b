"""Resumable uploads end to end: the tuspy client against a real daphne, a connection cut mid-PATCH."""

import io
import os
import re
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError, TusUploadFailed

from tests.support import servers

pytestmark = pytest.mark.e2e

MiB = 1024 * 1024
CHUNK = 2 * MiB


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tus-live")
    env = servers.server_env(tmp)
    servers.migrate(env)
    process = servers.daphne(tmp, env)
    process.media = tmp / "media"
    yield process
    process.stop()


@pytest.fixture(scope="module")
def big_jpeg(tmp_path_factory) -> Path:
    """A real JPEG of about 32 MB (noise does not compress)."""
    path = tmp_path_factory.mktemp("tus-images") / "big.jpg"
    noise = Image.frombytes("RGB", (2800, 2800), os.urandom(2800 * 2800 * 3))
    noise.save(path, "JPEG", quality=100, subsampling=0)
    assert path.stat().st_size >= 30 * MiB
    return path


class CountingFile(io.FileIO):
    """The file the client uploads from, counting every byte it reads to send."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        CountingFile.read_bytes += len(data)
        return data


def cut_patch(url: str, offset: int, body: bytes, declared: int) -> None:
    """Start a PATCH that declares `declared` bytes, send `body` (fewer), then drop the connection."""
    parts = urlsplit(url)
    head = (
        f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTus-Resumable: 1.0.0\r\n"
        f"Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head + body)
        sock.shutdown(socket.SHUT_RDWR)


def tus_folder(server) -> list[str]:
    folder = server.media / "tus"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def wait_status(url: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = httpx.get(url, timeout=10).json()
        if status["status"] in ("complete", "failed"):
            return status
        time.sleep(0.2)
    raise TimeoutError(f"session at {url} did not finish")


def test_a_30_mb_upload_cut_at_half_resumes_and_becomes_a_session(server, big_jpeg):
    size = big_jpeg.stat().st_size
    endpoint = f"{server.base_url}/api/images_mvp/uploads/"
    CountingFile.read_bytes = 0
    with CountingFile(big_jpeg) as stream:
        first = TusClient(endpoint).uploader(file_stream=stream, chunk_size=CHUNK,
                                             metadata={"filename": "big.jpg"})
        first.set_url(first.create_url())
        while first.offset < size // 2 - CHUNK:
            first.upload_chunk()
        held_before_cut = first.offset
        # The network drops in the middle of the next PATCH: half its body sent, then the socket closed.
        stream.seek(held_before_cut)
        cut_patch(first.url, held_before_cut, stream.read(CHUNK // 2), declared=CHUNK)
        cut_sent = CHUNK // 2
    time.sleep(0.5)

    # A new client (as after a page reload or a reconnect) resumes from the URL alone.
    with CountingFile(big_jpeg) as stream:
        second = TusClient(endpoint).uploader(file_stream=stream, chunk_size=CHUNK, url=first.url)
        resumed_at = second.offset  # from its HEAD request
        assert held_before_cut <= resumed_at <= held_before_cut + cut_sent
        assert abs(resumed_at - size / 2) < 2 * CHUNK  # about half
        second.upload()
        final = second.request.response_headers
    assert second.offset == size

    sent = CountingFile.read_bytes  # every byte either client read to send, the cut request's half included
    assert sent <= size + CHUNK, f"clients sent {sent} bytes for a {size}-byte file: more than one chunk again"
    log = server.output()
    upload_id = first.url.rsplit("/", 1)[1]
    done = re.search(rf"tus upload {upload_id} complete: session (\S+), (\d+) bytes in (\d+) requests, "
                     rf"(\d+) bytes written", log)
    assert done, log
    assert int(done[2]) == size
    assert int(done[4]) == size  # the server wrote every byte once: nothing of the cut request twice
    session_id = done[1].rstrip(",")
    assert final["imgmvp-session-id"] == session_id

    status = wait_status(final["imgmvp-status-url"])
    assert status["status"] == "complete", status
    assert status["result"]["summary"]["ImageWidth"] == 2800
    assert httpx.get(final["imgmvp-status-url"]).json()["sessionId"] == session_id
    # What is left of the upload: its small finished record (and lock), no bytes.
    assert {name.split(".", 1)[1] for name in tus_folder(server) if name.startswith(upload_id)} <= {"info", "lock"}
    head = httpx.head(first.url, headers={"Tus-Resumable": "1.0.0"})
    assert int(head.headers["Upload-Offset"]) == size and head.headers["Imgmvp-Session-Id"] == session_id


def test_over_the_cap_is_refused_at_creation(server, tmp_path):
    huge = tmp_path / "huge.jpg"
    with open(huge, "wb") as handle:
        handle.truncate(50 * MiB + 1)  # sparse: the client sends its length, never its bytes
    before = tus_folder(server)
    with pytest.raises(TusCommunicationError) as failure:
        TusClient(f"{server.base_url}/api/images_mvp/uploads/").uploader(str(huge), chunk_size=CHUNK).upload()
    assert failure.value.status_code == 413
    assert tus_folder(server) == before


def test_bytes_that_are_no_image_are_refused_and_nothing_stays(server, tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_bytes(b"just some text, not an image\n" * 1000)
    before = tus_folder(server)
    with pytest.raises(TusUploadFailed) as failure:
        TusClient(f"{server.base_url}/api/images_mvp/uploads/").uploader(str(text), chunk_size=CHUNK).upload()
    assert failure.value.status_code == 415
    assert b"unsupported_format" in failure.value.response_content
    assert tus_folder(server) == before
