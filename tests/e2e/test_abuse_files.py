"""Hostile files that held when tried by hand (issue 14), kept as cheap regressions against a real
daphne: a 65535² GIF bomb, an external entity (XXE) in XMP, script in EXIF and in the file name shown
by the admin. No traceback in the server log."""

import io
import struct
import time

import httpx
import pytest
from PIL import Image

from tests.support import servers

pytestmark = pytest.mark.e2e

SCRIPT = "<script>window.__owned=1</script>"
IMG = '<img src=x onerror="window.__owned=1">'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("abuse-files")
    env = servers.server_env(tmp_path)
    servers.migrate(env)
    servers.create_superuser(env, password="the-right-password-1")
    process = servers.daphne(tmp_path, env, name="daphne-files")
    yield process
    process.stop()


def extract(server, body: bytes, name: str = "upload") -> dict:
    """Upload raw bytes, then poll the status URL (bounded) until the session ends; its state."""
    with httpx.Client(timeout=30) as client:
        answer = client.post(f"{server.base_url}/api/images_mvp/extract", content=body,
                             headers={"Content-Type": "application/octet-stream", "X-Filename": name})
        assert answer.status_code == 202, answer.text
        for _ in range(300):
            state = client.get(answer.json()["statusUrl"]).json()
            if state["status"] in ("complete", "failed"):
                return state
            time.sleep(0.1)
    raise AssertionError(f"session {answer.json()['sessionId']} did not end in 30 s")


def gif_bomb() -> bytes:
    screen = struct.pack("<HHBBB", 65535, 65535, 0, 0, 0)
    frame = b"," + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0) + b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + screen + frame + b";"


def jpeg_with(**params) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, "JPEG", **params)
    return out.getvalue()


def no_traceback(server) -> None:
    assert "Traceback" not in server.log_path.read_text(errors="replace")


def test_a_65535_squared_gif_is_refused_by_its_header(server):
    state = extract(server, gif_bomb(), "bomb.gif")
    assert (state["status"], state["error"]) == ("failed", "image_too_large"), state
    no_traceback(server)


def test_an_external_entity_in_xmp_reads_no_file(server):
    xmp = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="&e;"/></rdf:RDF></x:xmpmeta>')
    state = extract(server, jpeg_with(xmp=xmp), "xxe.jpg")
    assert state["status"] == "complete", state
    assert "root:" not in str(state["result"])
    no_traceback(server)


def test_script_in_exif_and_in_the_name_is_escaped_in_the_admin(server):
    exif = Image.Exif()
    exif[0x013B] = SCRIPT  # Artist
    exif[0x010E] = IMG  # ImageDescription
    state = extract(server, jpeg_with(exif=exif), f"{IMG}.jpg")
    assert state["status"] == "complete", state
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        page = client.get("/admin/login/")
        csrf = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        login = client.post("/admin/login/?next=/admin/", data={
            "username": "admin", "password": "the-right-password-1", "csrfmiddlewaretoken": csrf, "next": "/admin/"})
        assert login.status_code == 302
        listing = client.get("/admin/extraction/extractionsession/")
        detail = client.get(f"/admin/extraction/extractionsession/{state['sessionId']}/change/")
    for response in (listing, detail):
        assert response.status_code == 200
        assert SCRIPT not in response.text and IMG not in response.text
    assert "&lt;img src=x onerror=" in listing.text  # the name is shown, escaped
    assert "&lt;script&gt;" in detail.text  # and so is the Artist in the stored result
    no_traceback(server)
