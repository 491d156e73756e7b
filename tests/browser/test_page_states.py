"""The page's inputs (paste, drop a folder) and its states: axe-core finds nothing; screenshots of each."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from .test_previews_cancel import queue_server  # noqa: F401  (a fixture: Celery mode with no worker)
from .test_upload_page import TIMEOUT, generated_photo, open_page

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)
SLOW_UPLINK = {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 60_000}
NO_THROTTLE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
BROKEN_JPEG = {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x13" * 200}


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (every rule axe runs by default)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document)).violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }))""")


def shoot(page, screenshots: Path, state: str) -> None:
    """The page at desktop and phone width, as test-artifacts/screenshots/state-<state>-<width>.png."""
    size = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
        page.screenshot(path=screenshots / f"state-{state}-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{state} at {width} px"
    page.set_viewport_size(size)


def png_bytes(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_each_state_has_no_axe_violations_and_is_screenshotted(browser, page_server, screenshots):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    assert axe_violations(page) == []
    shoot(page, screenshots, "empty")

    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLINK)
    slow = generated_photo(21)
    page.set_input_files("#file-input", slow["file"])
    card = page.locator(".card")
    expect(card).to_have_attribute("data-phase", "uploading")
    expect(card.locator(".card-transfer")).to_contain_text("KB/s")
    assert axe_violations(page) == []
    shoot(page, screenshots, "uploading")

    card.get_by_role("button", name="Cancel").click()
    expect(card).to_have_attribute("data-phase", "cancelled")
    expect(card.locator(".card-transfer")).to_be_hidden()
    assert axe_violations(page) == []
    shoot(page, screenshots, "cancelled")
    cdp.send("Network.emulateNetworkConditions", NO_THROTTLE)
    page.get_by_role("button", name="Start over").click()

    page.set_input_files("#file-input", BROKEN_JPEG)
    expect(card).to_have_attribute("data-phase", "failed")
    assert axe_violations(page) == []
    shoot(page, screenshots, "failed")
    page.get_by_role("button", name="Start over").click()

    # Two result cards: each "Clean copy" and "All metadata" region has a name of its own.
    two = [generated_photo(22), generated_photo(23)]
    page.set_input_files("#file-input", [photo["file"] for photo in two])
    cards = page.locator(".card")
    expect(cards).to_have_count(2)
    for index in range(2):
        expect(cards.nth(index)).to_have_attribute("data-phase", "complete")
        expect(cards.nth(index).locator(".clean-download")).to_be_visible()
    names = page.locator("section.clean").evaluate_all("(regions) => regions.map((r) => r.getAttribute('aria-labelledby'))")
    assert len(set(names)) == 2
    for photo in two:
        expect(page.get_by_role("region", name=f"Clean copy {photo['name']}")).to_be_visible()
    page.locator(".metadata-details > summary").first.click()  # one table open
    assert axe_violations(page) == []
    shoot(page, screenshots, "results")
    assert not errors, errors
    context.close()


def test_processing_state_has_no_axe_violations(browser, queue_server, screenshots):  # noqa: F811
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, queue_server)
    page.set_input_files("#file-input", generated_photo(24)["file"])
    card = page.locator(".card")
    expect(card).to_have_attribute("data-phase", "processing")  # queued: no worker takes it
    expect(card.locator(".card-status")).to_have_text(re.compile(r"^Queued"))
    assert axe_violations(page) == []
    shoot(page, screenshots, "processing")
    card.get_by_role("button", name="Cancel").click()
    expect(card).to_have_attribute("data-phase", "cancelled")
    assert not errors, errors
    context.close()


def test_ctrl_v_pastes_an_image_from_the_clipboard(browser, page_server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page_server.base_url)
    # The system clipboard gets a PNG, as after taking a screenshot; then the keyboard pastes it.
    page.evaluate("""async (bytes) => {
        const blob = new Blob([new Uint8Array(bytes)], { type: "image/png" });
        await navigator.clipboard.write([new ClipboardItem({ "image/png": blob })]);
    }""", list(png_bytes()))
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+V")
    card = page.locator(".card")
    expect(card).to_have_count(1)
    expect(card.locator(".card-name")).to_have_text(re.compile(r"^pasted-\d{8}-\d{6}-\d+\.png$"))
    expect(card).to_have_attribute("data-phase", "complete")
    expect(card.locator('.summary-row[data-field="dimensions"] dd')).to_contain_text("320")

    # Text pasted into the metadata search stays text: no card.
    page.evaluate("navigator.clipboard.writeText('Make')")
    card.locator(".metadata-details > summary").click()
    search = card.locator(".metadata-search")
    search.focus()
    page.keyboard.press("Control+V")
    expect(search).to_have_value("Make")
    expect(page.locator(".card")).to_have_count(1)
    assert not errors, errors
    context.close()


def test_dropping_a_folder_takes_the_images_in_it(browser, page_server, tmp_path):
    from playwright.sync_api import expect

    folder = tmp_path / "holiday"
    (folder / "day two").mkdir(parents=True)
    names = []
    for index, path in enumerate([folder / "a.jpg", folder / "b.jpg", folder / "day two" / "c.jpg"]):
        path.write_bytes(generated_photo(30 + index)["file"]["buffer"])
        names.append(path.name)
    (folder / "notes.txt").write_text("not an image\n")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")

    context, page, errors = open_page(browser, page_server)
    # A real drag from outside the page: Chromium builds the drop's DataTransfer from the paths, a
    # folder as a directory entry, exactly as for a drag from the file manager.
    cdp = context.new_cdp_session(page)
    retention = page.locator("#retention").bounding_box()  # not the drop zone: anywhere on the page
    x, y = retention["x"] + 10, retention["y"] + 5
    data = {"items": [], "files": [str(folder)], "dragOperationsMask": 1}
    for kind in ("dragEnter", "dragOver", "drop"):
        cdp.send("Input.dispatchDragEvent", {"type": kind, "x": x, "y": y, "data": data})
    cards = page.locator(".card")
    expect(cards).to_have_count(3)
    assert cards.locator(".card-name").all_text_contents() == names  # in name order, the subfolder's too
    for index in range(3):
        expect(cards.nth(index)).to_have_attribute("data-phase", "complete", timeout=TIMEOUT)
    assert not errors, errors
    context.close()
