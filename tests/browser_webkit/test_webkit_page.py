"""The upload page's core flow in WebKit at phone size (Debian's WebKitWebDriver, Selenium), against a
real daphne: choose a photo, watch it upload and be read, see the results, download the clean copy, cancel."""

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

pytestmark = pytest.mark.e2e

TIMEOUT = 20  # s: generous for a loaded CI machine; a photo takes well under a second here
SERIAL = "SN-0123456789"
OWNER = "Jane Roe"
# Every value each progress bar shows, and every script error: WebDriver has no console for WebKit.
RECORD = """
window.__barValues = [];
new MutationObserver((records) => {
  for (const record of records) {
    if (record.target.matches('.card progress')) window.__barValues.push(Number(record.target.getAttribute('value')));
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['value'] });
window.__errors = [];
window.addEventListener('error', (event) => window.__errors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) => window.__errors.push(String(event.reason)));
"""


def identifying_photo(path: Path, seed: int, size: tuple[int, int] = (640, 480)) -> Path:
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
    path.write_bytes(buffer.getvalue())
    return path


def wait(driver, condition, timeout: float = TIMEOUT, message: str = ""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda _: condition(), message)


def open_page(webkit, server):
    from selenium.webdriver.common.by import By

    driver = webkit.driver
    driver.get(f"{server.base_url}/")
    # main.js marks the page last: the whole module loaded and ran in this engine.
    wait(driver, lambda: driver.execute_script("return document.documentElement.classList.contains('js')"),
         message="the page's module did not run")
    driver.execute_script(RECORD)
    return driver, driver.find_element(By.ID, "file-input")


def only_card(driver):
    from selenium.webdriver.common.by import By

    cards = driver.find_elements(By.CSS_SELECTOR, "#cards > .card")
    assert len(cards) == 1, f"{len(cards)} cards"
    return cards[0]


def wait_phase(driver, card, phase: str, timeout: float = TIMEOUT) -> None:
    wait(driver, lambda: card.get_attribute("data-phase") == phase, timeout,
         f"the card did not reach {phase!r}: it is {card.get_attribute('data-phase')!r}, "
         f"{card.text[:300]!r}")


def button(card, label: str):
    from selenium.webdriver.common.by import By

    return card.find_element(By.CSS_SELECTOR, f'button[aria-label="{label}"]')


def no_horizontal_overflow(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def downloaded(folder: Path, name: str, timeout: float = TIMEOUT) -> Path:
    """The file once the browser has finished writing it (WebKit writes elsewhere, then renames)."""
    target = folder / name
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.is_file() and target.stat().st_size and [p.name for p in folder.iterdir()] == [name]:
            return target
        time.sleep(0.05)
    raise AssertionError(f"no download {name} in {folder}: {sorted(p.name for p in folder.iterdir())}")


def test_phone_chooses_a_photo_sees_progress_printed_results_and_downloads_a_clean_copy(
        webkit, page_server, screenshots, tmp_path):
    from selenium.webdriver.common.by import By

    page_server.proxy.rate = 150_000  # bytes a second: a slow uplink, so the upload itself moves the bar
    driver, file_input = open_page(webkit, page_server)
    original = identifying_photo(tmp_path / "holiday.jpg", seed=1)
    file_input.send_keys(str(original))
    card = only_card(driver)
    wait_phase(driver, card, "complete")
    page_server.proxy.rate = None

    values = driver.execute_script("return window.__barValues")
    assert values == sorted(values), f"the bar never goes backwards: {values}"
    assert any(0 < value < 40 for value in values), f"bytes sent moved the bar: {values}"
    assert any(40 < value < 100 for value in values), f"the server's stages moved the bar: {values}"
    assert values[-1] == 100
    assert driver.execute_script("return arguments[0].value", card.find_element(By.TAG_NAME, "progress")) == 100
    assert card.find_element(By.CSS_SELECTOR, ".card-percent").text == "100%"
    assert card.find_element(By.CSS_SELECTOR, ".card-status").text == "Extraction complete!"

    # The summary in ExifTool's words, on screen.
    def summary(field: str):
        value = card.find_element(By.CSS_SELECTOR, f'.summary-row[data-field="{field}"] dd')
        assert value.is_displayed(), field
        return value.text

    assert summary("camera") == "Canon EOS 5D"
    assert summary("exposure") == "1/60 s · f/1.8 · ISO 200 · 50.0 mm"
    assert summary("orientation") == "Rotate 90 CW"
    assert summary("location").startswith("43 deg 28' 2.81\" N, 11 deg 52' 39.00\" E")
    assert no_horizontal_overflow(driver), "no horizontal scrolling at 390 px"
    driver.save_screenshot(str(screenshots / "webkit-complete-390.png"))

    # All metadata: a printed value with its stored one beside it.
    card.find_element(By.CSS_SELECTOR, ".metadata-details > summary").click()
    metering = card.find_element(By.XPATH, ".//tbody[@data-group='EXIF']/tr[th[normalize-space()='MeteringMode']]")
    printed = metering.find_element(By.CSS_SELECTOR, ".printed-value")
    wait(driver, printed.is_displayed, message="the All-metadata table did not open")
    assert printed.text == "Multi-segment"
    assert metering.find_element(By.CSS_SELECTOR, ".raw-value").text == "stored as 5"
    assert no_horizontal_overflow(driver), "the open table does not widen the page"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", metering)
    driver.save_screenshot(str(screenshots / "webkit-metadata-390.png"))

    # The clean copy: a tap-sized link; tapping it downloads the copy and stays on the page.
    link = card.find_element(By.CSS_SELECTOR, ".clean a.clean-download")
    assert link.get_attribute("aria-label") == "Download clean copy of holiday.jpg"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    assert link.is_displayed()
    box = link.rect
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    link.click()
    copy = downloaded(webkit.downloads, "holiday-clean.jpg")
    assert driver.current_url == f"{page_server.base_url}/" and card.get_attribute("data-phase") == "complete"

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
    assert driver.execute_script("return window.__errors") == []


def test_phone_cancels_an_upload_the_server_keeps_nothing_and_retry_completes(
        webkit, page_server, screenshots, tmp_path):
    from selenium.webdriver.common.by import By

    # 6 MB at 30 KB/s: the socket buffers take the first 4 MB or so at once (WebKit counts those as sent), the rest trickles,
    # so the page is still sending when it cancels (the request is aborted, not cancelled on the server).
    page_server.proxy.rate = 30_000
    driver, file_input = open_page(webkit, page_server)
    before = page_server.files()  # earlier tests' clean copies and previews
    file_input.send_keys(str(identifying_photo(tmp_path / "tunnel.jpg", seed=2, size=(3000, 2200))))
    card = only_card(driver)
    wait_phase(driver, card, "uploading")
    wait(driver, lambda: driver.execute_script("return document.querySelector('.card progress').value >= 3"),
         message="the upload did not move the bar")
    status = card.find_element(By.CSS_SELECTOR, ".card-status")
    assert status.text == "Uploading...", "not every byte was sent yet"
    session_id = card.get_attribute("data-session-id")
    button(card, "Cancel tunnel.jpg").click()
    wait_phase(driver, card, "cancelled")
    assert card.find_element(By.CSS_SELECTOR, ".card-cancelled").text == (
        "Cancelled. Nothing of this file is kept on the server.")
    assert not button(card, "Cancel tunnel.jpg").is_displayed()
    driver.save_screenshot(str(screenshots / "webkit-cancelled-upload-390.png"))
    # The server notices the dropped request: no row, no stored file, no temporary file.
    wait(driver, lambda: not page_server.temp_files(), 5, "the aborted upload left a temporary file")
    assert page_server.row(session_id) is None
    assert page_server.files() == before

    page_server.proxy.rate = None
    button(card, "Retry tunnel.jpg").click()  # the same file, not chosen again
    wait_phase(driver, card, "complete")
    retried = card.get_attribute("data-session-id")
    assert retried != session_id and page_server.row(retried) == ("complete",)
    assert card.find_element(By.CSS_SELECTOR, '.summary-row[data-field="camera"] dd').text == "Canon EOS 5D"
    assert driver.execute_script("return window.__errors") == []


def test_phone_cancels_a_queued_photo_and_its_original_is_deleted(webkit, queue_server, screenshots, tmp_path):
    driver, file_input = open_page(webkit, queue_server)
    file_input.send_keys(str(identifying_photo(tmp_path / "queued.jpg", seed=3)))
    card = only_card(driver)
    wait_phase(driver, card, "processing")
    session_id = card.get_attribute("data-session-id")
    wait(driver, lambda: queue_server.row(session_id) is not None, message="no row for the upload")
    assert queue_server.row(session_id) == ("pending",) and len(queue_server.files()) == 1  # its original

    button(card, "Cancel queued.jpg").click()
    wait_phase(driver, card, "cancelled")
    # Eventually, not at once: where the socket said "Queued" before the upload's own answer came,
    # the page aborts that request and sends its cancel without waiting for the answer.
    wait(driver, lambda: queue_server.row(session_id) == ("cancelled",), 5,
         f"the server did not cancel the session: {queue_server.row(session_id)}")
    assert queue_server.files() == []
    assert button(card, "Retry queued.jpg").is_displayed()
    assert no_horizontal_overflow(driver)
    driver.save_screenshot(str(screenshots / "webkit-cancelled-queued-390.png"))
    assert driver.execute_script("return window.__errors") == []
