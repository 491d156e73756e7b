"""Large files over tus from the page: a connection cut at half resumes; cancel and retry; speed and time left."""

import os
import re
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from tests.support.servers import daphne, migrate, server_env

from .test_upload_page import TIMEOUT, open_page

pytestmark = pytest.mark.e2e

MiB = 1024 * 1024
CHUNK = 2 * MiB  # the page's chunk (static/js/upload/tus.js CHUNK_BYTES)
WRITE_LINE = re.compile(r"tus upload (\w+): wrote (\d+) bytes at offset (\d+) ")
DONE_LINE = re.compile(r"tus upload (\w+) complete: session (\S+), (\d+) bytes in (\d+) requests, (\d+) bytes written")
# A phone's uplink of about 24 Mbit/s: a 30 MB file takes some ten seconds, long enough to cut.
THROTTLED = {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 3_000_000}
UNTHROTTLED = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


class TusServer:
    """A daphne with the default caps (50 MiB, tus from 8 MiB) whose database, media and log a test reads."""

    def __init__(self, tmp_path: Path, **overrides: str):
        env = server_env(tmp_path, PROGRESS_PING_SECONDS="5", **overrides)
        migrate(env)
        self.database = tmp_path / "db.sqlite3"
        self.media = tmp_path / "media"
        self.process = daphne(tmp_path, env)
        self.base_url = self.process.base_url

    def log(self) -> str:
        self.process.log.flush()
        return self.process.log_path.read_text(errors="replace")

    def row(self, session_id: str):
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT status FROM extraction_extractionsession WHERE id = ?", (session_id,)).fetchone()

    def rows(self) -> int:
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT count(*) FROM extraction_extractionsession").fetchone()[0]

    def tus_files(self) -> list[str]:
        folder = self.media / "tus"
        return sorted(path.name for path in folder.iterdir()) if folder.exists() else []

    def part_bytes(self) -> int:
        return sum((self.media / "tus" / name).stat().st_size for name in self.tus_files() if name.endswith(".part"))

    def stored_files(self) -> list[Path]:
        uploads = self.media / "uploads"
        return sorted(path for path in uploads.rglob("*") if path.is_file()) if uploads.exists() else []


@pytest.fixture(scope="module")
def tus_server(tmp_path_factory):
    server = TusServer(tmp_path_factory.mktemp("tus-page"))
    yield server
    server.process.stop()


@pytest.fixture(scope="module")
def big_jpeg(tmp_path_factory) -> Path:
    """A real JPEG of about 32 MB (noise does not compress), with a camera to show."""
    path = tmp_path_factory.mktemp("tus-page-images") / "big-photo.jpg"
    noise = Image.frombytes("RGB", (2800, 2800), os.urandom(2800 * 2800 * 3))
    exif = Image.Exif()
    exif[0x010F] = "Imgmvp Test"
    exif[0x0110] = "Resumable"
    noise.save(path, "JPEG", quality=100, subsampling=0, exif=exif)
    assert path.stat().st_size >= 30 * MiB
    return path


def wait_until(page, check, timeout_ms: int = TIMEOUT):
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def record_patches(page) -> list[int]:
    """The Upload-Offset of every PATCH the page started (a cut one included)."""
    offsets = []

    def on_request(request):
        if request.method == "PATCH" and "/api/images_mvp/uploads/" in request.url:
            offsets.append(int(request.headers["upload-offset"]))

    page.on("request", on_request)
    return offsets


def server_writes(log: str, upload_id: str) -> list[tuple[int, int]]:
    return [(int(m[3]), int(m[2])) for m in WRITE_LINE.finditer(log) if m[1] == upload_id]


def test_a_30_mb_upload_through_the_page_survives_the_network_cut_at_half(browser, tus_server, big_jpeg, screenshots):
    from playwright.sync_api import expect

    size = big_jpeg.stat().st_size
    context, page, errors = open_page(browser, tus_server)
    page.add_init_script("window.__liveTexts = []; new MutationObserver((records) => { for (const r of records) {"
                         " const region = (r.target.nodeType === 1 ? r.target : r.target.parentElement)"
                         "?.closest('[aria-live]'); if (region) window.__liveTexts.push(region.textContent); } })"
                         ".observe(document, { subtree: true, childList: true, characterData: true });")
    page.reload()
    offsets = record_patches(page)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THROTTLED)
    page.set_input_files("#file-input", str(big_jpeg))
    card = page.locator(".card")
    expect(card).to_have_attribute("data-phase", "uploading")
    expect(card).to_have_attribute("data-resumable", "true")
    # Bytes, speed and time left, beside the bar.
    transfer = card.locator(".card-transfer")
    expect(transfer).to_have_text(re.compile(r"^\d+(\.\d)?\sMB\sof\s3\d\sMB · \d+(\.\d)?\s(KB|MB)/s · \d+\ss\sleft$"))
    page.screenshot(path=screenshots / "uploading-1280.png", full_page=True)

    wait_until(page, lambda: tus_server.part_bytes() >= size // 2, timeout_ms=60_000)
    context.set_offline(True)
    # Our throttling session holds conditions of its own, which would outlast the context's: cut it too.
    cdp.send("Network.emulateNetworkConditions", {**THROTTLED, "offline": True})
    expect(card.locator(".card-status")).to_have_text("Connection lost; the upload goes on when it is back.")
    expect(card).to_have_attribute("data-phase", "uploading")
    held = tus_server.part_bytes()
    assert size // 3 < held < size * 2 // 3, f"cut at about half: {held} of {size}"
    page.wait_for_timeout(1500)
    page.screenshot(path=screenshots / "offline-1280.png", full_page=True)
    context.set_offline(False)
    cdp.send("Network.emulateNetworkConditions", THROTTLED)
    expect(card).to_have_attribute("data-phase", "complete", timeout=90_000)
    camera = card.locator('.summary-row[data-field="camera"] dd')
    expect(camera).to_contain_text("Resumable")

    log = tus_server.log()
    done = [m for m in DONE_LINE.finditer(log) if m[2].rstrip(",") == card.get_attribute("data-session-id")]
    assert len(done) == 1, log[-3000:]
    upload_id, total, written = done[0][1], int(done[0][3]), int(done[0][5])
    assert total == size and written == size  # every byte written once
    writes = server_writes(log, upload_id)
    starts = [offset for offset, _ in writes]
    assert starts == sorted(set(starts)), f"each offset written once, in order: {starts}"
    assert sum(length for _, length in writes) == size
    # What travelled: the page started each chunk once, save at most one it sent again after the cut.
    assert len(offsets) - len(set(offsets)) <= 1, offsets
    assert len(set(offsets)) == len(writes)
    assert min(offsets) == 0 and max(offsets) <= size - 1
    # daphne's access log: every PATCH the app answered (a cut one never reaches it), once per chunk.
    answered = re.findall(rf'"PATCH /api/images_mvp/uploads/{upload_id}[^"]*" (\d+)', log)
    assert len(writes) <= len(answered) <= len(writes) + 1, answered
    # The resumed chunk started where the server said it stood, not at zero.
    assert any(held - CHUNK <= offset <= held + CHUNK for offset in offsets[1:])
    # Nothing of the upload's bytes is left in the tus folder: only its small finished record.
    assert not [name for name in tus_server.tus_files() if name.endswith(".part")]

    live = page.evaluate("window.__liveTexts")
    assert "Connection lost; the upload goes on when it is back." in live
    assert any(text.startswith("Resuming from ") for text in live), live
    assert not [text for text in live if re.search(r"\d+%|MB/s|\ss\sleft", text)], "no percent or speed is announced"
    assert len(live) < 40, f"status changes announced, not progress: {len(live)} {live}"
    assert not errors, errors
    context.close()


def test_cancel_during_a_resumable_upload_leaves_nothing_and_retry_completes(browser, tus_server, big_jpeg):
    from playwright.sync_api import expect

    size = big_jpeg.stat().st_size
    context, page, errors = open_page(browser, tus_server)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THROTTLED)
    rows_before = tus_server.rows()
    stored_before = tus_server.stored_files()
    page.set_input_files("#file-input", str(big_jpeg))
    card = page.locator(".card")
    expect(card).to_have_attribute("data-phase", "uploading")
    wait_until(page, lambda: tus_server.part_bytes() >= 2 * CHUNK, timeout_ms=60_000)
    session_id = card.get_attribute("data-session-id")
    card.get_by_role("button", name="Cancel").click()
    expect(card).to_have_attribute("data-phase", "cancelled")
    # DELETE ended the upload: no partial bytes, no record, and no session row.
    wait_until(page, lambda: not [name for name in tus_server.tus_files() if not name.startswith(".")
                                  and name.endswith((".part", ".info"))
                                  and not finished_record(tus_server, name)])
    assert tus_server.part_bytes() == 0
    page.wait_for_timeout(1000)
    assert tus_server.row(session_id) is None and tus_server.rows() == rows_before
    assert tus_server.stored_files() == stored_before

    cdp.send("Network.emulateNetworkConditions", UNTHROTTLED)
    card.get_by_role("button", name="Retry").click()  # the same file, not chosen again
    expect(card).to_have_attribute("data-phase", "complete", timeout=90_000)
    retried = card.get_attribute("data-session-id")
    assert retried != session_id and tus_server.row(retried) == ("complete",)
    assert not errors, errors
    context.close()


def test_a_large_file_that_is_no_image_is_refused_over_tus_and_nothing_stays(browser, tus_server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, tus_server)
    big_text = {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"just some text, not a picture\n" * 300_000}
    small = {"name": "small.txt", "mimeType": "text/plain", "buffer": b"tiny\n"}
    page.set_input_files("#file-input", [big_text, small])
    big_card = page.locator(".card").filter(has_text="notes.jpg")
    small_card = page.locator(".card").filter(has_text="small.txt")
    expect(big_card).to_have_attribute("data-resumable", "true")  # 9 MB: over tus
    expect(small_card).to_have_attribute("data-resumable", "false")  # one plain request
    for card in (big_card, small_card):
        expect(card).to_have_attribute("data-phase", "rejected")
        expect(card.get_by_role("alert")).to_contain_text("not an image we read")
        expect(card.get_by_role("alert")).to_contain_text("unsupported_format")
        expect(card.get_by_role("button", name="Retry")).to_have_count(0)  # a bad file stays bad
    assert tus_server.part_bytes() == 0
    assert not errors, errors
    context.close()


def finished_record(server: TusServer, name: str) -> bool:
    """A `.info` left by an earlier test's finished upload (kept so a client can ask again)."""
    if not name.endswith(".info"):
        return False
    return '"finished_session": ""' not in (server.media / "tus" / name).read_text()


@pytest.fixture(scope="module")
def tus_queue_server(tmp_path_factory):
    """Celery mode with no worker, and tus from 100 kB: a photo goes over tus and then stays queued."""
    redis = pytest.importorskip("redis")
    from .test_previews_cancel import QUEUE_REDIS, Server

    client = redis.Redis.from_url(QUEUE_REDIS)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        from tests.support.services import missing

        missing("Redis is not running at 127.0.0.1:6379")
    server = Server(tmp_path_factory.mktemp("tus-queue-server"), REDIS_URL=QUEUE_REDIS, EXTRACTION_WORKERS="celery",
                    RESUMABLE_UPLOAD_MIN_BYTES="100000")
    yield server
    server.process.stop()
    client.delete("celery")


def test_a_resumable_upload_cancelled_while_queued_keeps_nothing_and_retries(browser, tus_queue_server):
    from playwright.sync_api import expect

    from .test_upload_page import generated_photo

    server = tus_queue_server
    tus_folder = server.uploads.parent / "tus"
    page_context, page, errors = open_page(browser, server)
    page.set_input_files("#file-input", generated_photo(40)["file"])  # 270 kB: above this server's threshold
    card = page.locator(".card")
    expect(card).to_have_attribute("data-resumable", "true")
    expect(card).to_have_attribute("data-phase", "processing")
    session_id = card.get_attribute("data-session-id")
    wait_until(page, lambda: server.row(session_id) is not None)
    assert server.row(session_id)[0] == "pending" and len(server.files()) == 1  # the finished upload, moved
    assert not list(tus_folder.glob("*.part"))  # moved, not copied
    card.get_by_role("button", name="Cancel").click()
    expect(card).to_have_attribute("data-phase", "cancelled")
    assert server.row(session_id)[0] == "cancelled"
    assert server.files() == [] and server.temp_files() == []
    card.get_by_role("button", name="Retry").click()
    expect(card).to_have_attribute("data-phase", "processing")
    retried = card.get_attribute("data-session-id")
    assert retried != session_id
    wait_until(page, lambda: server.row(retried) is not None)
    assert server.row(retried)[0] == "pending"
    assert not errors, errors
    page_context.close()
