"""The upload page in a real Chromium against a real daphne: progress, results, drops, errors, phones."""

import io
import json
import os
import random
import re
from pathlib import Path

import pytest
from PIL import Image

from .conftest import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.e2e

CORPUS = Path(os.environ.get("IMGMVP_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus")
SOCKET_URL = re.compile(r"/api/images_mvp/progress/")
TIMEOUT = 15_000  # ms: generous for a loaded CI machine; a photo takes well under a second here

# Records every value each progress bar shows, so a test can check the whole run, not just the end.
RECORD_BAR_VALUES = """
window.__barValues = {};
new MutationObserver((records) => {
  for (const record of records) {
    const card = record.target.closest('.card');
    if (!card || !record.target.matches('progress')) continue;
    (window.__barValues[card.id] ||= []).push(Number(record.target.getAttribute('value')));
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['value'] });
"""

RECORD_STATUS_TEXTS = """
window.__statusTexts = {};
new MutationObserver((records) => {
  for (const record of records) {
    const status = record.target.closest && record.target.closest('.card-status');
    if (!status) continue;
    (window.__statusTexts[status.closest('.card').id] ||= []).push(status.textContent);
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def corpus_photos(count: int) -> list[dict]:
    """Up to `count` corpus JPEGs with the Make and Model that ExifTool reports, distinct models."""
    reference = CORPUS / "reference.jsonl"
    if not reference.is_file():
        return []
    photos, models = [], set()
    for line in reference.read_text().splitlines():
        record = json.loads(line)
        fields = record["fields"]
        path = CORPUS / "images" / record["file"]
        if (record["file"].startswith("jpg/") and fields.get("Make") and fields.get("Model")
                and fields["Model"] not in models and path.is_file() and path.stat().st_size < MAX_UPLOAD_BYTES):
            photos.append({"path": str(path), "name": path.name, "make": fields["Make"], "model": fields["Model"]})
            models.add(fields["Model"])
        if len(photos) == count:
            break
    return photos


def generated_photo(index: int) -> dict:
    """A JPEG made here, with EXIF Make and Model, for a checkout without the shared corpus."""
    make, model = "Imgmvp Test", f"Generated {index}"
    # Noise, so the JPEG is hundreds of KB, like a photo: a throttled upload then reports progress.
    size = (640, 480)
    image = Image.frombytes("RGB", size, random.Random(index).randbytes(size[0] * size[1] * 3))
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return {"file": {"name": f"generated-{index}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()},
            "name": f"generated-{index}.jpg", "make": make, "model": model}


def photos(count: int) -> list[dict]:
    found = corpus_photos(count)
    found += [generated_photo(index) for index in range(len(found), count)]
    return found


def as_input(photo: dict):
    return photo.get("file") or photo["path"]


def card_for(page, photo: dict):
    return page.locator(".card").filter(has=page.locator(".card-name", has_text=photo["name"]))


def open_page(browser, server, **context_options):
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_BAR_VALUES)
    page.goto(f"{server.base_url}/")
    return context, page, errors


def expect_complete(page, card, photo):
    from playwright.sync_api import expect

    expect(card).to_have_attribute("data-phase", "complete", timeout=TIMEOUT)
    expect(card.locator("progress")).to_have_js_property("value", 100)
    expect(card.locator(".card-percent")).to_have_text("100%")
    camera = card.locator('.summary-row[data-field="camera"] dd')
    expect(camera).to_contain_text(photo["make"])
    expect(camera).to_contain_text(photo["model"])


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_photo_upload_reaches_100_and_shows_the_camera(browser, page_server, screenshots, tmp_path):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page_server.base_url)
    assert any(cookie["name"] == "sessionid" for cookie in context.cookies()), "the page starts a Django session"
    # A slow uplink (as on a phone), so the upload itself reports progress more than once.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 500_000})
    [photo] = photos(1)
    page.set_input_files("#file-input", as_input(photo))
    card = card_for(page, photo)
    expect_complete(page, card, photo)

    values = page.evaluate("Object.values(window.__barValues)[0]")
    assert values == sorted(values), f"the bar never goes backwards: {values}"
    assert any(0 < value < 40 for value in values), f"bytes sent moved the bar: {values}"
    assert any(40 < value < 100 for value in values), f"the server's stages moved the bar: {values}"
    assert values[-1] == 100
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    # The full metadata arrives, is searchable, and can be downloaded and copied.
    card.locator(".metadata-details > summary").click()
    search = card.locator(".metadata-search")
    search.fill("Model")
    expect(card.locator(".metadata-count")).to_contain_text(" of ")
    expect(card.locator("tr:visible", has_text=photo["model"]).first).to_be_visible()
    expect(card.locator("tbody:visible tr:visible th[scope=row]", has_text="Make")).to_have_count(0)
    search.fill("")
    with page.expect_download() as download_info:
        card.get_by_role("button", name="Download JSON").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".metadata.json")
    saved = json.loads(Path(download.path()).read_text())
    assert saved["summary"]["Model"] == photo["model"]
    assert saved["groups"], "the download is the full result, with its groups"
    card.get_by_role("button", name="Copy").click()
    expect(card.locator(".copy-feedback")).to_have_text("Copied")
    copied = json.loads(page.evaluate("navigator.clipboard.readText()"))
    assert copied == saved

    page.screenshot(path=screenshots / "desktop.png", full_page=True)
    assert not errors
    context.close()


class StaleReplayer:
    """Passes the server's messages through, each progress message followed by the one before it again."""

    def __init__(self):
        self.replayed = 0

    def __call__(self, route):
        server = route.connect_to_server()
        previous = []

        def forward(message):
            route.send(message)
            if json.loads(message).get("type") == "progress":
                if previous:
                    route.send(previous[-1])  # an old seq: the page must ignore it
                    self.replayed += 1
                previous.append(message)

        server.on_message(forward)


def test_three_files_each_complete_on_their_own(browser, page_server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    page.add_init_script(RECORD_STATUS_TEXTS)
    replayer = StaleReplayer()
    page.route_web_socket(SOCKET_URL, replayer)
    page.reload()
    three = photos(3)
    page.set_input_files("#file-input", [as_input(photo) for photo in three])
    expect(page.locator(".card")).to_have_count(3)
    for photo in three:
        expect_complete(page, card_for(page, photo), photo)
    session_ids = page.locator(".card").evaluate_all("cards => cards.map(card => card.dataset.sessionId)")
    assert len(set(session_ids)) == 3, "each file has its own session"
    expect(page.locator("#upload-count")).to_have_text("3 of 3 done")
    assert replayer.replayed, "stale messages were sent"
    for card_id, texts in page.evaluate("window.__statusTexts").items():
        # One callback can see several records of one change: collapse repeats in a row, then an
        # earlier state showing up again would mean a stale message was applied.
        shown = [text for index, text in enumerate(texts) if index == 0 or texts[index - 1] != text]
        assert len(shown) == len(set(shown)), f"{card_id} went back to an older state: {shown}"
    assert not errors
    context.close()


class SocketDropper:
    """Routes the page's progress sockets to the server, drops the first mid-run, refuses reconnects."""

    def __init__(self):
        self.refusing = False
        self.dropped = False
        self.connections = 0
        self.refused = 0

    def __call__(self, route):
        if self.refusing:
            self.refused += 1
            route.close(code=4000, reason="test: network down")
            return
        self.connections += 1
        server = route.connect_to_server()

        def forward(message):
            if not self.dropped and json.loads(message).get("type") == "progress":
                # The server has started work on this upload: cut the page off right now.
                self.dropped = True
                self.refusing = True
                route.close(code=4000, reason="test: network drop")
                return
            route.send(message)

        server.on_message(forward)


def test_socket_drop_mid_run_reconnects_and_ends_right(browser, page_server, screenshots):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    dropper = SocketDropper()
    page.route_web_socket(SOCKET_URL, dropper)
    [photo] = photos(1)
    page.set_input_files("#file-input", as_input(photo))
    card = card_for(page, photo)
    expect(card.locator(".connection-text")).to_have_text("Reconnecting...")
    assert dropper.dropped
    card.screenshot(path=screenshots / "card-reconnecting.png")
    dropper.refusing = False  # the network is back
    expect_complete(page, card, photo)
    assert dropper.connections >= 2, "the page came back over a new socket"
    assert not errors
    context.close()


def test_polling_takes_over_while_the_socket_stays_down(browser, page_server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    dropper = SocketDropper()
    page.route_web_socket(SOCKET_URL, dropper)
    status_requests = []
    page.on("request", lambda request: "/api/images_mvp/sessions/" in request.url and status_requests.append(request))
    [photo] = photos(1)
    page.set_input_files("#file-input", as_input(photo))
    card = card_for(page, photo)
    expect(card.locator(".connection-text")).to_have_text("Reconnecting...")
    expect_complete(page, card, photo)
    assert dropper.connections == 1 and dropper.refused >= 2, "the socket never came back"
    assert status_requests, "the result came from polling the status endpoint"
    expect(card.locator(".metadata-details > summary")).to_contain_text("All metadata")
    assert not errors
    context.close()


class MessageLoser:
    """Routes the page's progress socket to the server, losing the final state and the states whose seq
    is in `seqs` (as a channel layer may): the socket itself stays up."""

    def __init__(self, seqs):
        self.seqs = seqs
        self.connections = 0
        self.lost = []

    def __call__(self, route):
        self.connections += 1
        server = route.connect_to_server()

        def forward(message):
            state = json.loads(message)
            if state.get("seq") in self.seqs or state.get("type") in ("complete", "failed"):
                self.lost.append(state["seq"])
                return
            route.send(message)

        server.on_message(forward)


@pytest.mark.parametrize("middle", [{4}, set()], ids=["gap-then-quiet", "quiet-only"])
def test_lost_socket_messages_are_healed_from_the_status_url(browser, page_server, middle):
    """A gap makes the page read the status URL at once; an end that never comes, after QUIET_MS."""
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    loser = MessageLoser(middle)
    page.route_web_socket(SOCKET_URL, loser)
    status_requests = []
    page.on("request", lambda request: "/api/images_mvp/sessions/" in request.url and status_requests.append(request))
    [photo] = photos(1)
    page.set_input_files("#file-input", as_input(photo))
    expect_complete(page, card_for(page, photo), photo)
    assert loser.connections == 1, "the socket never dropped: the page healed over it"
    assert len(loser.lost) == len(middle) + 1, loser.lost
    assert status_requests, "the page read the saved state after the gap or the quiet spell"
    assert not errors
    context.close()


def test_start_over_closes_sockets_and_cancels_pending_uploads(browser, page_server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    opened, closed = [], []

    def silent(route):
        # A socket that opens but never says `connected`: the page holds the upload back for a while.
        opened.append(route)
        route.on_close(lambda code, reason: closed.append(code))

    page.route_web_socket(SOCKET_URL, silent)
    uploads = []
    page.on("request", lambda request: "/api/images_mvp/extract" in request.url and uploads.append(request))
    page.set_input_files("#file-input", [as_input(photo) for photo in photos(2)])
    expect(page.locator(".card")).to_have_count(2)
    page.wait_for_function("document.querySelectorAll('.card[data-phase=connecting]').length === 2")
    page.get_by_role("button", name="Start over").click()
    expect(page.locator(".card")).to_have_count(0)
    page.wait_for_timeout(3500)  # longer than the page's wait for `connected`: no timer may fire an upload
    assert len(opened) == 2 and len(closed) == 2, f"every socket is closed: opened {len(opened)}, closed {closed}"
    assert uploads == [], "no upload starts after starting over"
    assert not errors
    context.close()


def test_non_image_and_oversize_files_show_clear_messages(browser, page_server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    not_image = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just some text, not a picture\n" * 10}
    too_big = {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + b"\0" * MAX_UPLOAD_BYTES}
    uploads = []
    page.on("request", lambda request: "/api/images_mvp/extract" in request.url and uploads.append(request))
    page.set_input_files("#file-input", [not_image, too_big])

    text_card = page.locator(".card").filter(has_text="notes.txt")
    expect(text_card).to_have_attribute("data-phase", "rejected")
    expect(text_card.get_by_role("alert")).to_contain_text("not an image we read")  # the server's 415 message
    expect(text_card.locator("progress")).to_be_hidden()

    big_card = page.locator(".card").filter(has_text="huge.jpg")
    expect(big_card).to_have_attribute("data-phase", "rejected")
    expect(big_card.get_by_role("alert")).to_contain_text("more than the")
    expect(big_card.locator("progress")).to_be_hidden()
    assert len(uploads) == 1, "the page refuses the oversize file itself, without sending it"

    # The server's limit is the truth: with the page's own check out of the way, its 413 message shows.
    page.evaluate("document.getElementById('uploader').dataset.maxUploadBytes = String(10 ** 12)")
    page.set_input_files("#file-input", {**too_big, "name": "huge-sent.jpg"})
    sent_card = page.locator(".card").filter(has_text="huge-sent.jpg")
    expect(sent_card).to_have_attribute("data-phase", "rejected")
    expect(sent_card.get_by_role("alert")).to_contain_text(f"larger than the {MAX_UPLOAD_BYTES / 1048576:.1f} MiB ({MAX_UPLOAD_BYTES} bytes) allowed")
    expect(sent_card.get_by_role("alert")).to_contain_text("file_too_large")
    expect(sent_card.locator("progress")).to_be_hidden()
    assert not errors
    context.close()


def test_failed_session_shows_its_message_and_retries(browser, page_server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    # Starts like a JPEG, so the upload is accepted; the extraction then fails on it.
    broken = {"name": "broken.jpg", "mimeType": "image/jpeg",
              "buffer": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x13" * 200}
    page.set_input_files("#file-input", broken)
    card = page.locator(".card")
    expect(card).to_have_attribute("data-phase", "failed")
    expect(card.get_by_role("alert")).to_contain_text("Extraction failed")
    expect(card.get_by_role("alert")).to_contain_text("corrupt_image")
    expect(card.locator("progress")).to_be_hidden()
    first_session = card.get_attribute("data-session-id")
    card.get_by_role("button", name="Retry").click()
    expect(card).not_to_have_attribute("data-session-id", first_session)
    expect(card).to_have_attribute("data-phase", "failed")
    expect(card.get_by_role("button", name="Retry")).to_be_visible()
    assert not errors
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_view_fits_and_controls_are_reachable(browser, page_server, screenshots, scheme):
    from playwright.sync_api import expect

    context, page, errors = open_page(
        browser, page_server, viewport={"width": 390, "height": 844}, device_scale_factor=2,
        is_mobile=True, has_touch=True, color_scheme=scheme)
    assert no_horizontal_overflow(page)
    picker = page.locator("label[for=file-input]")
    assert page.locator("#file-input").get_attribute("accept") == "image/*"
    assert page.locator("#file-input").get_attribute("capture") is None, "the gallery stays available"
    [photo] = photos(1)
    with page.expect_file_chooser() as chooser:
        picker.tap()
    chooser.value.set_files(as_input(photo))
    card = card_for(page, photo)
    expect_complete(page, card, photo)
    card.locator(".metadata-details > summary").tap()
    expect(card.locator(".metadata-search")).to_be_visible()
    assert no_horizontal_overflow(page), "no horizontal scrolling at 390 px, even with the metadata open"

    width = page.viewport_size["width"]
    for control in [picker, page.get_by_role("button", name="Start over"),
                    card.get_by_role("button", name="Download JSON"), card.get_by_role("button", name="Copy"),
                    card.locator(".metadata-search"), card.get_by_role("button", name=re.compile("^Remove"))]:
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, f"touch target too small: {control} {box}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"control off screen: {control} {box}"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=screenshots / f"phone-{scheme}.png", full_page=True)
    assert not errors
    context.close()


def test_results_render_any_group_gps_severities_and_untrusted_text_safely(browser, page_server):
    """The result views, fed a result the pipeline may produce later (GPS, new groups, new severities)."""
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    hostile = '<img src=x onerror="window.__owned = true">'
    result = {
        "summary": {"Make": "NIKON CORPORATION", "Model": "NIKON D70", "LensModel": hostile,
                    "GPSLatitude": -33.8568, "GPSLongitude": 151.2153, "GPSAltitude": 12.5,
                    "ImageWidth": 3008, "ImageHeight": 2000},
        "findings": [{"code": "x_info", "severity": "info", "message": "Just so you know."},
                     {"code": "x_new", "severity": "surprising", "message": "A severity nobody planned for."},
                     {"code": "gps_location", "severity": "high", "message": "The image records where it was taken."},
                     {"code": "x_medium", "severity": "medium", "message": "Something to look at."}],
        "groups": {"File": {"FileName": "nikon.jpg"}, "MakerNotes:Nikon": {"ShutterCount": 1234, "Blob": "A" * 900},
                   "XMP-dc": {"Subject": ["beach", "sunset"], "Rights": {"en": "CC BY"}}},
    }
    page.evaluate(
        """async (result) => {
            const { createCard, updateCard } = await import('/static/js/upload/render.js');
            const card = createCard({ name: 'nikon.jpg', size: 1234 }, { onRetry() {}, onRemove() {} });
            document.getElementById('cards').append(card.root);
            updateCard(card, { phase: 'complete', percent: 100, statusText: 'Extraction complete!',
                               connection: 'closed', result: { summary: result.summary, findings: result.findings },
                               fullResult: result });
        }""",
        result,
    )
    card = page.locator(".card")
    expect(card.locator('.summary-row[data-field="camera"] dd')).to_have_text("NIKON CORPORATION NIKON D70")
    expect(card.locator('.summary-row[data-field="lens"] dd')).to_have_text(hostile)
    link = card.get_by_role("link", name="Open map")
    assert link.get_attribute("href").startswith("https://www.openstreetmap.org/?mlat=-33.856800&mlon=151.215300")
    expect(card.locator('.summary-row[data-field="location"]')).to_contain_text("12.5 m")
    assert card.locator(".finding").evaluate_all("items => items.map(item => item.dataset.code)") == [
        "gps_location", "x_medium", "x_info", "x_new"]
    card.locator(".metadata-details > summary").click()
    expect(card.locator("tbody[data-group]")).to_have_count(3)
    expect(card.locator("tr", has_text="Subject")).to_contain_text("beach, sunset")
    card.locator(".metadata-search").fill("shuttercount")
    expect(card.locator(".metadata-count")).to_have_text("1 of 5 tags")
    expect(card.locator("tbody[data-group='XMP-dc']")).to_be_hidden()
    assert page.evaluate("window.__owned") is None, "metadata is shown as text, never as markup"
    assert not errors
    context.close()
