"""The clean copy on the upload page, in a real Chromium against a real daphne: the link, the sentence, the ZIP."""

import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from extraction.pipeline import extract_file
from extraction.pipeline.clean import leftovers

from .test_upload_page import TIMEOUT, no_horizontal_overflow, open_page

pytestmark = pytest.mark.e2e

SERIAL = "SN-0123456789"
OWNER = "Jane Roe"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
       + OWNER.encode() + b"</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
# Records every text the card's announcer takes, so a test can tell it spoke once.
RECORD_ANNOUNCEMENTS = """
window.__announced = [];
new MutationObserver((records) => {
  for (const record of records) {
    const target = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    if (target && target.matches('.card-announcer') && target.textContent) window.__announced.push(target.textContent);
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def identifying_jpeg(seed: int = 0) -> bytes:
    """A portrait-tagged JPEG with GPS, a body serial number, an owner, XMP, a comment and an ICC profile."""
    image = Image.new("RGB", (48, 32))
    image.putdata([((x * 5 + seed) % 256, y * 8 % 256, (x * y + seed) % 256) for y in range(32) for x in range(48)])
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Canon", "EOS 5D", OWNER
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 28.0, 2.81), 3: "E", 4: (11.0, 52.0, 39.0)})
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, icc_profile=SRGB, quality=90)
    data = buffer.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
    extra = (b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp
             + b"\xff\xfe" + struct.pack(">H", 2 + len(OWNER)) + OWNER.encode())
    return data[:2] + extra + data[2:]


def bmp_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 200, 30)).save(buffer, "BMP")
    return buffer.getvalue()


def as_file(name: str, data: bytes, mime: str = "image/jpeg") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def card_named(page, name: str):
    return page.locator(".card").filter(has=page.locator(".card-name", has_text=name))


def pixels(path: Path) -> tuple:
    with Image.open(path) as image:
        return image.size, image.mode, image.tobytes()


def exiftool_tags(path: Path) -> dict:
    answer = subprocess.run(["exiftool", "-j", "-G1", "-a", "-u", "-n", str(path)],
                            capture_output=True, text=True, timeout=30, check=True)
    return json.loads(answer.stdout)[0]


def test_download_clean_copy_removes_what_identifies_and_keeps_orientation_and_pixels(
        browser, page_server, screenshots, tmp_path):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    page.reload()
    expect(page.locator("#retention")).to_have_text(
        "Originals are deleted as soon as they are read; clean copies after an hour.")
    original = tmp_path / "portrait.jpg"
    original.write_bytes(identifying_jpeg())
    page.set_input_files("#file-input", str(original))
    card = card_named(page, "portrait.jpg")
    expect(card).to_have_attribute("data-phase", "complete", timeout=TIMEOUT)

    clean = card.get_by_role("region", name="Clean copy")
    summary = clean.locator(".clean-summary")
    expect(summary).to_contain_text("Removed: GPS position")
    expect(summary).to_contain_text("Kept: orientation, colour profile.")
    link = clean.get_by_role("link", name="Download clean copy of portrait.jpg")
    expect(link).to_have_attribute("download", "")
    expect(page.locator("#download-all")).to_be_hidden()  # one card: no ZIP
    # Once, politely: the card's own live region.
    announcer = card.locator(".card-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("Clean copy of portrait.jpg ready to download.")

    # Reachable by keyboard: Tab lands on the link, Enter downloads.
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('clean-download')")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == "portrait-clean.jpg"
    copy = tmp_path / download.suggested_filename
    download.save_as(copy)

    record = extract_file(str(copy))
    assert record["ok"], record
    assert leftovers(record) == [], "our own extractor finds nothing identifying in the copy"
    assert not any(tag.startswith("GPS") for values in record["groups"].values() for tag in values)
    assert "XMP" not in record["groups"]
    assert SERIAL not in json.dumps(record) and OWNER not in json.dumps(record)
    assert record["groups"]["EXIF"]["Orientation"] == 6
    assert record["groups"].get("ICC_Profile"), "the colour profile is kept"
    assert pixels(copy) == pixels(original), "no re-encoding: the pixels decode identically"
    assert copy.stat().st_size <= original.stat().st_size
    assert SERIAL.encode() not in copy.read_bytes() and OWNER.encode() not in copy.read_bytes()
    if shutil.which("exiftool"):
        tags = exiftool_tags(copy)
        assert not [key for key in tags if "GPS" in key or key.startswith("XMP")], tags
        assert not [key for key in tags if "Serial" in key or "Artist" in key or "Comment" in key], tags
        assert tags.get("IFD0:Orientation") == 6
        assert "ExifTool:Error" not in tags and "ExifTool:Warning" not in tags, tags

    page.wait_for_timeout(300)
    assert page.evaluate("window.__announced") == ["Clean copy of portrait.jpg ready to download."]
    card.screenshot(path=screenshots / "clean-copy-card.png")
    assert not errors
    context.close()


def test_two_uploads_download_as_one_zip_and_a_bmp_says_why_it_has_no_copy(browser, page_server, screenshots):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    page.set_input_files("#file-input", [as_file("first.jpg", identifying_jpeg(1)),
                                         as_file("second.jpg", identifying_jpeg(2)),
                                         as_file("plain.bmp", bmp_bytes(), "image/bmp")])
    for name in ("first.jpg", "second.jpg", "plain.bmp"):
        expect(card_named(page, name)).to_have_attribute("data-phase", "complete", timeout=TIMEOUT)

    bmp = card_named(page, "plain.bmp")
    refusal = bmp.get_by_role("region", name="Clean copy")
    expect(refusal).to_contain_text("No clean copy.")
    expect(refusal).to_contain_text("BMP")
    expect(bmp.get_by_role("link", name=re.compile("Download clean copy"))).to_have_count(0)
    expect(bmp.locator(".card-announcer")).to_have_text("")

    everything = page.get_by_role("link", name="Download all clean copies")
    expect(everything).to_be_visible()
    with page.expect_download() as download_info:
        everything.click()
    download = download_info.value
    assert download.suggested_filename == "clean-copies.zip"
    archive = zipfile.ZipFile(download.path())
    assert sorted(archive.namelist()) == ["first-clean.jpg", "second-clean.jpg"], "the BMP has no copy to zip"
    assert archive.testzip() is None
    for name in archive.namelist():
        assert SERIAL.encode() not in archive.read(name)

    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        assert no_horizontal_overflow(page), f"no horizontal scrolling at {width} px"
        first_link = card_named(page, "first.jpg").get_by_role("link", name=re.compile("^Download clean"))
        for control in (everything, first_link):
            control.scroll_into_view_if_needed()
            box = control.bounding_box()
            assert box and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=screenshots / f"clean-copies-{width}.png", full_page=True)

    # Removing a card takes its copy out of the ZIP; one finished card left: no ZIP link.
    card_named(page, "second.jpg").get_by_role("button", name="Remove second.jpg").click()
    assert "s=" in everything.get_attribute("href")
    card_named(page, "plain.bmp").get_by_role("button", name="Remove plain.bmp").click()
    expect(everything).to_be_hidden()
    assert not errors
    context.close()


def test_when_retention_ends_the_card_stops_offering_its_copy(browser, page_server):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    # The page reads the retention when a copy is ready: a short one here, as the server could be set to.
    page.evaluate("document.getElementById('uploader').dataset.cleanCopySeconds = '4'")
    page.set_input_files("#file-input", [as_file("one.jpg", identifying_jpeg(3)),
                                         as_file("two.jpg", identifying_jpeg(4))])
    for name in ("one.jpg", "two.jpg"):
        expect(card_named(page, name).get_by_role("link", name=re.compile("^Download clean copy"))).to_be_visible()
    expect(page.get_by_role("link", name="Download all clean copies")).to_be_visible()
    for name in ("one.jpg", "two.jpg"):
        card = card_named(page, name)
        expect(card.get_by_role("link", name=re.compile("^Download clean copy"))).to_have_count(0, timeout=TIMEOUT)
        expect(card.locator(".clean")).to_contain_text("The clean copy is no longer kept on the server.")
        expect(card.locator(".clean-summary")).to_contain_text("Removed: GPS position")  # what it said stays
    expect(page.locator("#download-all")).to_be_hidden()
    assert not errors
    context.close()


def test_clean_copy_texts_are_shown_as_text(browser, page_server):
    """The server's sentences, and a refusal's message, never become markup; no summary: built from the lists."""
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    hostile = '<img src=x onerror="window.__owned = true">'
    page.evaluate(
        """async (hostile) => {
            const { createCard, updateCard } = await import('/static/js/upload/render.js');
            const cleaned = createCard({ name: 'a.jpg', size: 1 }, { onRetry() {}, onRemove() {} });
            const refused = createCard({ name: 'b.dng', size: 1 }, { onRetry() {}, onRemove() {} });
            const listed = createCard({ name: 'c.png', size: 1 }, { onRetry() {}, onRemove() {} });
            document.getElementById('cards').append(cleaned.root, refused.root, listed.root);
            const done = { phase: 'complete', percent: 100, statusText: 'Extraction complete!', connection: 'closed' };
            const result = (clean) => ({ summary: {}, findings: [], clean });
            updateCard(cleaned, { ...done, cleanUrl: '/x',
                                  result: result({ ok: true, summary: hostile, verified: true }) });
            updateCard(refused, { ...done, cleanUrl: null,
                                  result: result({ ok: false, error: { code: 'clean_unsupported', message: hostile } }) });
            updateCard(listed, { ...done, cleanUrl: '/y',
                                 result: result({ ok: true, removed: ['3 PNG tags'], kept: [], verified: false }) });
        }""",
        hostile,
    )
    cards = page.locator(".card")
    expect(cards.nth(0).locator(".clean-summary")).to_have_text(hostile)
    expect(cards.nth(1).locator(".clean-refusal")).to_have_text(f"No clean copy. {hostile}")
    expect(cards.nth(2).locator(".clean-summary")).to_have_text("Removed: 3 PNG tags.")
    expect(cards.nth(2).locator(".clean-verified")).to_have_count(0)
    assert page.locator(".clean img").count() == 0 and page.evaluate("window.__owned") is None
    assert not errors
    context.close()
