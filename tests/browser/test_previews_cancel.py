"""Previews, cancel and retry on the upload page, in a real Chromium against a real daphne."""

import io
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from tests.support.servers import daphne, migrate, server_env

from .conftest import MAX_UPLOAD_BYTES
from .test_upload_page import TIMEOUT, generated_photo, open_page

pytestmark = pytest.mark.e2e

QUEUE_REDIS = "redis://127.0.0.1:6379/13"  # a database of its own: no worker of anyone's reads it


class Server:
    """A daphne with its own database, media and temporary folders, which a test can look into."""

    def __init__(self, tmp_path: Path, **overrides: str):
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        # TMPDIR: where the server's request bodies and upload temp files go, so a test sees any left.
        env = server_env(tmp_path, MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES), PROGRESS_PING_SECONDS="5",
                         TMPDIR=str(self.tmp), **overrides)
        migrate(env)
        self.database = tmp_path / "db.sqlite3"
        self.uploads = tmp_path / "media" / "uploads"
        self.process = daphne(tmp_path, env)
        self.base_url = self.process.base_url

    def row(self, session_id: str):
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT status, preview_path, clean_path FROM extraction_extractionsession WHERE id = ?",
                              (session_id,)).fetchone()

    def files(self) -> list[Path]:
        return sorted(path for path in self.uploads.rglob("*") if path.is_file()) if self.uploads.exists() else []

    def temp_files(self) -> list[Path]:
        return sorted(path for path in self.tmp.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("previews-server"))
    yield server
    server.process.stop()


@pytest.fixture(scope="module")
def queue_server(tmp_path_factory):
    """Celery mode with no worker: an upload stays queued (pending) until the page cancels it."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(QUEUE_REDIS)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    server = Server(tmp_path_factory.mktemp("queue-server"), REDIS_URL=QUEUE_REDIS, EXTRACTION_WORKERS="celery")
    yield server
    server.process.stop()
    client.delete("celery")  # the jobs nobody ran


def heic_file() -> dict:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 960), (20, 180, 40)).save(buffer, "HEIF", quality=80)
    return {"name": "IMG_0001.HEIC", "mimeType": "image/heic", "buffer": buffer.getvalue()}


def wait_until(page, check, timeout_ms: int = TIMEOUT):
    """Poll `check()` (a server-side fact) while the page runs; fail after `timeout_ms`."""
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def test_each_card_shows_the_servers_preview_heic_included(browser, server, screenshots):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, server)
    photo, heic = generated_photo(1), heic_file()
    page.set_input_files("#file-input", [photo["file"], heic])
    for name in (photo["name"], heic["name"]):
        card = page.locator(".card").filter(has=page.locator(".card-name", has_text=name))
        expect(card).to_have_attribute("data-phase", "complete")
        preview = card.locator("img.card-preview")
        expect(preview).to_be_visible()
        expect(preview).to_have_attribute("alt", "")
        assert "/preview" in preview.get_attribute("src")
        # Drawn: the browser decoded the server's JPEG (it cannot decode a HEIC itself).
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
        natural = preview.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")
        assert max(natural) <= 480 and min(natural) > 0, natural
        box = preview.bounding_box()
        assert box["width"] <= 100 and box["height"] <= 100, box
        expect(card.get_by_role("button", name="Cancel")).to_be_hidden()
    page.screenshot(path=screenshots / "previews-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots / "previews-390.png", full_page=True)
    assert not errors, errors
    context.close()


def test_cancel_while_uploading_leaves_no_row_and_no_file_and_retry_completes(browser, server, screenshots):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, server)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 60_000})
    photo = generated_photo(2)  # 270 KB of noise: some four seconds at this speed
    before = server.files()  # earlier tests' clean copies and previews
    page.set_input_files("#file-input", photo["file"])
    card = page.locator(".card")
    expect(card).to_have_attribute("data-phase", "uploading")
    page.wait_for_function("() => document.querySelector('.card progress').value >= 3")
    session_id = card.get_attribute("data-session-id")
    card.get_by_role("button", name="Cancel").click()
    expect(card).to_have_attribute("data-phase", "cancelled")
    expect(card.locator(".card-cancelled")).to_contain_text("Cancelled")
    expect(card.get_by_role("button", name="Cancel")).to_be_hidden()
    page.screenshot(path=screenshots / "cancelled-upload-1280.png", full_page=True)
    page.wait_for_timeout(1500)  # the server notices the dropped request
    assert server.row(session_id) is None
    assert server.files() == before and server.temp_files() == []

    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    card.get_by_role("button", name="Retry").click()  # the same file, not chosen again
    expect(card).to_have_attribute("data-phase", "complete")
    assert card.get_attribute("data-session-id") != session_id
    expect(card.locator('.summary-row[data-field="camera"] dd')).to_contain_text(photo["model"])
    expect(card.locator("img.card-preview")).to_be_visible()
    assert server.row(card.get_attribute("data-session-id"))[0] == "complete"
    assert not errors, errors
    context.close()


def test_cancel_while_queued_ends_the_session_and_deletes_its_original(browser, queue_server, screenshots):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, queue_server)
    photo = generated_photo(3)
    page.set_input_files("#file-input", photo["file"])
    card = page.locator(".card")
    expect(card).to_have_attribute("data-phase", "processing")
    session_id = card.get_attribute("data-session-id")
    wait_until(page, lambda: queue_server.row(session_id) is not None)
    assert queue_server.row(session_id)[0] == "pending" and len(queue_server.files()) == 1  # its original
    page.screenshot(path=screenshots / "queued-1280.png", full_page=True)
    card.get_by_role("button", name="Cancel").click()
    expect(card).to_have_attribute("data-phase", "cancelled")
    expect(card.get_by_role("button", name="Retry")).to_be_visible()
    assert queue_server.row(session_id)[0] == "cancelled"
    assert queue_server.files() == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots / "cancelled-queued-390.png", full_page=True)
    # Retry sends the same file again: a new session, queued again.
    card.get_by_role("button", name="Retry").click()
    expect(card).to_have_attribute("data-phase", "processing")
    retried = card.get_attribute("data-session-id")
    assert retried != session_id
    wait_until(page, lambda: queue_server.row(retried) is not None)
    assert queue_server.row(retried)[0] == "pending"
    assert not errors, errors
    context.close()


def test_a_cancel_frees_its_upload_slot_and_a_file_waiting_its_turn_is_never_sent(browser, server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, server)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 60_000})
    four = [generated_photo(10 + index) for index in range(4)]
    page.set_input_files("#file-input", [photo["file"] for photo in four])
    cards = [page.locator(".card").filter(has=page.locator(".card-name", has_text=photo["name"])) for photo in four]
    for card in cards[:3]:
        expect(card).to_have_attribute("data-phase", "uploading")
    expect(cards[3]).to_have_attribute("data-phase", "waiting")  # three at a time
    waiting_id = cards[3].get_attribute("data-session-id")
    cards[3].get_by_role("button", name="Cancel").click()
    expect(cards[3]).to_have_attribute("data-phase", "cancelled")
    cards[3].get_by_role("button", name="Retry").click()
    expect(cards[3]).to_have_attribute("data-phase", "waiting")
    first_id = cards[0].get_attribute("data-session-id")
    cards[0].get_by_role("button", name="Cancel").click()
    expect(cards[0]).to_have_attribute("data-phase", "cancelled")
    expect(cards[3]).to_have_attribute("data-phase", "uploading")  # the freed slot went to the next file
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    for card in cards[1:]:
        expect(card).to_have_attribute("data-phase", "complete")
    page.wait_for_timeout(1000)
    assert server.row(first_id) is None and server.row(waiting_id) is None
    assert server.temp_files() == []
    assert not errors, errors
    context.close()
