"""The upload page's core flow at phone size in WebKit and Firefox (Chromium has tests/browser/), against
a real daphne: choose a photo, watch it upload and be read, see the results, download the clean copy, cancel."""

import functools
import io
import json
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image

from extraction.pipeline import extract_file
from extraction.pipeline.clean import leftovers

from .conftest import PHONE

pytestmark = pytest.mark.e2e

TIMEOUT = 20  # s: generous for a loaded CI machine; a photo takes well under a second here
SERIAL = "SN-0123456789"
OWNER = "Jane Roe"
# Every value the progress bar shows, and every script error (neither driver reads the console).
RECORD = """(() => {
  window.__barValues = [];
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.target.matches('.card progress')) window.__barValues.push(Number(record.target.getAttribute('value')));
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['value'] });
  window.__errors = [];
  window.addEventListener('error', (event) => window.__errors.push(String(event.message)));
  window.addEventListener('unhandledrejection', (event) => window.__errors.push(String(event.reason)));
  return true;
})()"""
# What a user sees of an element: its rendered text, whether it is shown, and where.
LOOK = """((element) => element && {
  text: element.innerText,
  visible: element.checkVisibility() && element.getClientRects().length > 0,
  box: (({ x, y, width, height }) => ({ x, y, width, height }))(element.getBoundingClientRect()),
})"""


def identifying_photo(path: Path, seed: int, size: tuple[int, int] = (640, 480)) -> Path:
    path.write_bytes(identifying_jpeg(seed, size))
    return path


@functools.cache  # made once for both engines
def identifying_jpeg(seed: int, size: tuple[int, int]) -> bytes:
    """A JPEG of noise (some 0.9 bytes a pixel, so a slow upload reports progress) that says where it
    was taken, who owns it and the camera's serial number, with exposure settings to print."""
    from PIL.TiffImagePlugin import IFDRational

    image = Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Canon", "EOS 5D", OWNER
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif.get_ifd(0x8769).update({0x829A: IFDRational(1, 60), 0x829D: IFDRational(18, 10), 0x8827: 200,
                                 0x920A: IFDRational(50, 1), 0x9207: 5, 0xA431: SERIAL})
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 28.0, 2.81), 3: "E", 4: (11.0, 52.0, 39.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def wait(engine, expression: str, timeout: float = TIMEOUT, message: str = ""):
    """The value of `expression` once it is truthy; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = engine.js(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            card = engine.js("document.querySelector('.card')?.innerText.slice(0, 300) ?? null")
            raise AssertionError(f"{message or expression} (in {engine.name}; the card: {card!r})")
        time.sleep(0.05)


def look(engine, selector: str):
    return engine.js(f"{LOOK}(document.querySelector({json.dumps(selector)}))")


def phase(engine) -> str:
    return engine.js("document.querySelector('#cards > .card')?.dataset.phase ?? null")


def wait_phase(engine, name: str, timeout: float = TIMEOUT) -> None:
    wait(engine, f"document.querySelector('#cards > .card')?.dataset.phase === {json.dumps(name)}", timeout,
         f"the card did not reach {name!r}")


def open_page(engine, server) -> None:
    engine.open(f"{server.base_url}/")
    # main.js marks the page last: the whole module loaded and ran in this engine.
    wait(engine, "document.documentElement.classList.contains('js')", message="the page's module did not run")
    engine.js(RECORD)


def session_id(engine) -> str:
    return engine.js("document.querySelector('.card').dataset.sessionId")


def no_horizontal_overflow(engine) -> bool:
    return engine.js("document.documentElement.scrollWidth <= window.innerWidth")


def downloaded(folder: Path, name: str, timeout: float = TIMEOUT) -> Path:
    """The file once the browser has finished writing it (both write elsewhere first, then rename)."""
    target = folder / name
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.is_file() and target.stat().st_size and [p.name for p in folder.iterdir()] == [name]:
            return target
        time.sleep(0.05)
    raise AssertionError(f"no download {name} in {folder}: {sorted(p.name for p in folder.iterdir())}")


def test_phone_chooses_a_photo_sees_progress_printed_results_and_downloads_a_clean_copy(
        engine, page_server, screenshots, tmp_path):
    open_page(engine, page_server)
    original = identifying_photo(tmp_path / "holiday.jpg", seed=1)
    engine.set_files("#file-input", [str(original)])
    assert engine.js("document.querySelectorAll('#cards > .card').length") == 1
    wait_phase(engine, "complete")

    # (A photo this small is in the socket's buffers at once: the cancel test sees bytes move the bar.)
    values = engine.js("window.__barValues")
    assert values == sorted(values), f"the bar never goes backwards: {values}"
    assert any(40 < value < 100 for value in values), f"the server's stages moved the bar: {values}"
    assert values[-1] == 100
    assert engine.js("document.querySelector('.card progress').value") == 100
    assert look(engine, ".card-percent")["text"] == "100%"
    assert look(engine, ".card-status")["text"] == "Extraction complete!"

    # The summary in ExifTool's words, on screen.
    def summary(field: str) -> str:
        value = look(engine, f'.summary-row[data-field="{field}"] dd')
        assert value and value["visible"], field
        return value["text"].strip()

    assert summary("camera") == "Canon EOS 5D"
    assert summary("exposure") == "1/60 s · f/1.8 · ISO 200 · 50.0 mm"
    assert summary("orientation") == "Rotate 90 CW"
    assert summary("location").startswith("43 deg 28' 2.81\" N, 11 deg 52' 39.00\" E")
    assert no_horizontal_overflow(engine), f"no horizontal scrolling at {PHONE[0]} px"
    engine.screenshot(screenshots / f"{engine.name}-complete-390.png")

    # All metadata: a printed value with its stored one beside it.
    engine.click(".metadata-details > summary")
    row = ("[...document.querySelectorAll(\"tbody[data-group='EXIF'] tr\")]"
           ".find((tr) => tr.querySelector('th')?.textContent.trim() === 'MeteringMode')")
    printed = wait(engine, f"{LOOK}({row}?.querySelector('.printed-value'))?.visible && "
                           f"{LOOK}({row}.querySelector('.printed-value'))", message="the table did not open")
    assert printed["text"] == "Multi-segment"
    assert engine.js(f"{row}.querySelector('.raw-value').innerText") == "stored as 5"
    assert no_horizontal_overflow(engine), "the open table does not widen the page"
    engine.js(f"{row}.scrollIntoView({{block: 'center'}})")
    engine.screenshot(screenshots / f"{engine.name}-metadata-390.png")

    # The clean copy: a tap-sized link; tapping it downloads the copy and stays on the page.
    link = ".clean a.clean-download"
    assert engine.js(f"document.querySelector('{link}').getAttribute('aria-label')") == (
        "Download clean copy of holiday.jpg")
    engine.js(f"document.querySelector('{link}').scrollIntoView({{block: 'center'}})")
    shown = look(engine, link)
    box = shown["box"]
    assert shown["visible"] and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], box
    engine.click(link)
    copy = downloaded(engine.downloads, "holiday-clean.jpg")
    assert engine.js("location.href") == f"{page_server.base_url}/" and phase(engine) == "complete"

    data = copy.read_bytes()
    assert SERIAL.encode() not in data and OWNER.encode() not in data
    record = extract_file(str(copy))
    assert record["ok"], record
    assert leftovers(record) == [], "our own extractor finds nothing identifying in the copy"
    assert not any(tag.startswith("GPS") for values in record["groups"].values() for tag in values)
    assert record["groups"]["EXIF"]["Orientation"] == 6, "the orientation is kept"
    with Image.open(copy) as clean, Image.open(original) as source:
        assert clean.tobytes() == source.tobytes(), "no re-encoding: the pixels decode identically"
    if shutil.which("exiftool"):
        answer = subprocess.run(["exiftool", "-j", "-G1", "-a", "-u", "-n", str(copy)],
                                capture_output=True, text=True, timeout=30, check=True)
        tags = json.loads(answer.stdout)[0]
        assert not [key for key in tags if "GPS" in key or "Serial" in key or "Artist" in key], tags
    assert engine.js("window.__errors") == []


def test_phone_cancels_an_upload_the_server_keeps_nothing_and_retry_completes(
        engine, page_server, screenshots, tmp_path):
    # 6 MB at 30 KB/s: the socket buffers take the first 4 MB or so at once (the browser counts those
    # as sent), the rest trickles, so the page is still sending when it cancels: the request is aborted.
    page_server.proxy.rate = 30_000
    open_page(engine, page_server)
    before = page_server.files()  # earlier tests' clean copies and previews
    engine.set_files("#file-input", [str(identifying_photo(tmp_path / "tunnel.jpg", seed=2, size=(3000, 2200)))])
    wait_phase(engine, "uploading")
    wait(engine, "document.querySelector('.card progress').value >= 3", message="bytes sent did not move the bar")
    # "Uploading..." (speed and time left may follow), not "Upload sent, waiting for the server...".
    assert look(engine, ".card-status")["text"].startswith("Uploading"), "not every byte was sent yet"
    assert 3 <= engine.js("document.querySelector('.card progress').value") < 40  # 40: the upload's share
    assert look(engine, ".card-percent")["visible"]
    first = session_id(engine)
    engine.click('.card button[aria-label="Cancel tunnel.jpg"]')
    wait_phase(engine, "cancelled")
    assert look(engine, ".card-cancelled")["text"] == "Cancelled. Nothing of this file is kept on the server."
    assert not look(engine, ".card-cancel")["visible"]
    engine.screenshot(screenshots / f"{engine.name}-cancelled-upload-390.png")
    # The server notices the dropped request: no row, no stored file, no temporary file.
    deadline = time.monotonic() + 5
    while page_server.temp_files() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert page_server.temp_files() == [], "the aborted upload left a temporary file"
    assert page_server.row(first) is None
    assert page_server.files() == before

    page_server.proxy.rate = None
    engine.click('.card button[aria-label="Retry tunnel.jpg"]')  # the same file, not chosen again
    wait_phase(engine, "complete")
    retried = session_id(engine)
    assert retried != first and page_server.row(retried) == ("complete",)
    assert look(engine, '.summary-row[data-field="camera"] dd')["text"].strip() == "Canon EOS 5D"
    assert engine.js("window.__errors") == []


def test_phone_cancels_a_queued_photo_and_its_original_is_deleted(engine, queue_server, screenshots, tmp_path):
    open_page(engine, queue_server)
    engine.set_files("#file-input", [str(identifying_photo(tmp_path / "queued.jpg", seed=3))])
    wait_phase(engine, "processing")
    queued = session_id(engine)
    deadline = time.monotonic() + TIMEOUT
    while queue_server.row(queued) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queue_server.row(queued) == ("pending",) and len(queue_server.files()) == 1  # its original

    engine.click('.card button[aria-label="Cancel queued.jpg"]')
    wait_phase(engine, "cancelled")
    # Eventually, not at once: the socket's "cancelled" is sent before the files are deleted, and where
    # it said "Queued" before the upload's own answer came, the page aborts that request and sends its
    # cancel without waiting for the answer.
    deadline = time.monotonic() + 5
    while (queue_server.row(queued), queue_server.files()) != (("cancelled",), []) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queue_server.row(queued) == ("cancelled",)
    assert queue_server.files() == []
    assert look(engine, '.card button[aria-label="Retry queued.jpg"]')["visible"]
    assert no_horizontal_overflow(engine)
    engine.screenshot(screenshots / f"{engine.name}-cancelled-queued-390.png")
    assert engine.js("window.__errors") == []
