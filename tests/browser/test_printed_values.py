"""The page shows printed values (the stored number still reachable) and the capture time with its zone."""

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000  # ms


def open_page(browser, server, **context_options):
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base_url}/")
    return context, page, errors


def render(page, result):
    page.evaluate(
        """async (result) => {
            const { createCard, updateCard } = await import('/static/js/upload/render.js');
            const card = createCard({ name: 'photo.jpg', size: 1234 }, { onRetry() {}, onRemove() {} });
            document.getElementById('cards').append(card.root);
            const state = { phase: 'complete', percent: 100, statusText: 'Extraction complete!', connection: 'closed',
                            result: { summary: result.summary, findings: result.findings }, fullResult: null };
            updateCard(card, state);
            window.__first = card.root.querySelector('.summary-row[data-field="exposure"] dd')?.textContent ?? null;
            updateCard(card, { ...state, fullResult: result });
        }""",
        result,
    )


RESULT = {
    "summary": {"Make": "Apple", "Model": "iPhone X", "ExposureTime": 1 / 60, "FNumber": 1.8, "ISO": 32,
                "FocalLength": 4.0, "Orientation": 6, "DateTimeOriginal": "2018:08:27 12:20:23",
                "TimeZone": "-07:00", "TimeZoneSource": "EXIF:GPSDateStamp+EXIF:GPSTimeStamp",
                "GPSLatitude": 37.39267777777778, "GPSLongitude": -122.04096944444444, "GPSAltitude": 16.05,
                "ImageWidth": 320, "ImageHeight": 240},
    "findings": [],
    "groups": {"EXIF": {"ExposureTime": 1 / 60, "FNumber": 1.8, "ISO": 32, "FocalLength": 4.0, "Orientation": 6,
                        "MeteringMode": 5, "GPSLatitude": 37.39267777777778, "Artist": "<b>x</b>"},
               "Composite": {"GPSLatitude": 37.39267777777778, "GPSLongitude": -122.04096944444444,
                             "GPSAltitude": 16.05}},
    "printed": {"EXIF": {"ExposureTime": "1/60", "FNumber": "1.8", "ISO": 32, "FocalLength": "4.0 mm",
                         "Orientation": "Rotate 90 CW", "MeteringMode": "Multi-segment",
                         "GPSLatitude": "37 deg 23' 33.64\"", "Artist": "<img src=x onerror=\"window.__owned=1\">"},
                "Composite": {"GPSLatitude": "37 deg 23' 33.64\" N", "GPSLongitude": "122 deg 2' 27.49\" W",
                              "GPSAltitude": "16 m Above Sea Level"}},
}


def test_summary_and_table_show_printed_values_with_the_stored_ones_reachable(browser, page_server, screenshots):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    render(page, RESULT)
    card = page.locator(".card")
    assert page.evaluate("window.__first") == "1/60 s · f/1.8 · ISO 32 · 4 mm", "before the full record: from numbers"
    exposure = card.locator('.summary-row[data-field="exposure"] dd')
    expect(exposure).to_have_text("1/60 s · f/1.8 · ISO 32 · 4.0 mm")
    assert "ExposureTime 0.016666" in exposure.get_attribute("title")
    orientation = card.locator('.summary-row[data-field="orientation"] dd')
    expect(orientation).to_have_text("Rotate 90 CW")
    assert orientation.get_attribute("title") == "Orientation 6"
    location = card.locator('.summary-row[data-field="location"] dd')
    # Composite's signed value is the summary's, so its words are used (not EXIF's unsigned one).
    expect(location).to_contain_text("37 deg 23' 33.64\" N, 122 deg 2' 27.49\" W · 16 m Above Sea Level")
    assert "GPSLongitude -122.04096944444444" in location.get_attribute("title")

    taken = card.locator('.summary-row[data-field="date"] dd')
    expect(taken).to_have_text("2018-08-27 12:20:23 -07:00 (time zone derived from GPS time)")
    assert "EXIF:GPSDateStamp+EXIF:GPSTimeStamp" in taken.get_attribute("title")

    card.locator(".metadata-details > summary").click()
    metering = card.locator("tbody[data-group='EXIF'] tr", has_text="MeteringMode")
    expect(metering.locator(".printed-value")).to_have_text("Multi-segment")
    expect(metering.locator(".raw-value")).to_have_text("stored as 5")
    assert metering.locator("td").get_attribute("title") == "Stored value: 5"
    iso = card.locator("tbody[data-group='EXIF'] tr", has_text="ISO")
    expect(iso.locator(".raw-value")).to_have_count(0)  # printed and stored agree: shown once
    card.locator(".metadata-search").fill("multi-segment")
    expect(card.locator(".metadata-count")).to_have_text("1 of 11 tags")
    card.locator(".metadata-search").fill("0.01666")
    expect(card.locator(".metadata-count")).to_have_text("1 of 11 tags")  # the stored value is searchable too
    card.locator(".metadata-search").fill("")
    artist = card.locator("tbody[data-group='EXIF'] tr", has_text="Artist")
    expect(artist.locator(".printed-value")).to_have_text('<img src=x onerror="window.__owned=1">')
    assert page.evaluate("window.__owned") is None, "printed values are text, never markup"
    page.screenshot(path=screenshots / "printed-values.png", full_page=True)
    assert not errors
    context.close()


@pytest.mark.parametrize(("summary", "expected"), [
    ({"DateTimeOriginal": "2021:06:01 14:30:00", "TimeZone": "+02:00", "TimeZoneSource": "EXIF:OffsetTimeOriginal"},
     "2021-06-01 14:30:00 +02:00 (time zone from EXIF:OffsetTimeOriginal)"),
    ({"DateTimeOriginal": "2016:06:27 15:29:42.041-04:00", "TimeZone": "-04:00",
      "TimeZoneSource": "APP1:DateTimeOriginal"},
     "2016-06-27 15:29:42.041 -04:00 (time zone from APP1:DateTimeOriginal)"),
    ({"DateTimeOriginal": "2015:10:11 14:41:44", "TimeZone": "+01:00", "TimeZoneSource": "MakerNotes:TimeZone"},
     "2015-10-11 14:41:44 +01:00 (time zone from the camera's maker note (TimeZone))"),
    ({"DateTimeOriginal": "2021:06:01 14:30:00"}, "2021-06-01 14:30:00 (no time zone in the file)"),
    ({"DateTimeOriginal": "0000:00:00 00:00:00"}, "Not set in the file (0000:00:00 00:00:00)"),
])
def test_capture_time_with_its_zone_and_source(browser, page_server, summary, expected):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server)
    record = {"summary": summary | {"ImageWidth": 4, "ImageHeight": 3}, "findings": [], "groups": {}, "printed": {}}
    render(page, record)
    expect(page.locator('.summary-row[data-field="date"] dd')).to_have_text(expected)
    assert not errors
    context.close()


def test_an_uploaded_photo_shows_words_and_its_time_zone(browser, page_server, screenshots, tmp_path):
    """Through the real server: the pipeline's printed values and TimeZone reach the page."""
    from playwright.sync_api import expect

    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Canon", "Canon EOS 7D", 6
    exif.get_ifd(0x8769).update({0x829A: IFDRational(1, 60), 0x829D: IFDRational(28, 10), 0x8827: 100,
                                 0x9207: 2, 0x8822: 2, 0x9003: "2021:06:01 14:30:00", 0x9011: "+02:00"})
    path = tmp_path / "zoned.jpg"
    Image.new("RGB", (64, 48), "teal").save(path, "JPEG", exif=exif)
    context, page, errors = open_page(browser, page_server)
    page.set_input_files("#file-input", str(path))
    card = page.locator(".card")
    expect(card).to_have_attribute("data-phase", "complete")
    expect(card.locator('.summary-row[data-field="orientation"] dd')).to_have_text("Rotate 90 CW")
    expect(card.locator('.summary-row[data-field="date"] dd')).to_have_text(
        "2021-06-01 14:30:00 +02:00 (time zone from EXIF:OffsetTimeOriginal)")
    expect(card.locator('.summary-row[data-field="exposure"] dd')).to_contain_text("1/60 s · f/2.8 · ISO 100")
    card.locator(".metadata-details > summary").click()
    metering = card.locator("tbody[data-group='EXIF'] tr", has_text="MeteringMode")
    expect(metering.locator(".printed-value")).to_have_text("Center-weighted average")
    expect(metering.locator(".raw-value")).to_have_text("stored as 2")
    page.screenshot(path=screenshots / "printed-values-upload.png", full_page=True)
    assert not errors
    context.close()


def test_printed_values_fit_a_phone(browser, page_server, screenshots):
    from playwright.sync_api import expect

    context, page, errors = open_page(browser, page_server, viewport={"width": 360, "height": 740},
                                      device_scale_factor=2, is_mobile=True, has_touch=True)
    render(page, RESULT)
    card = page.locator(".card")
    card.locator(".metadata-details > summary").click()
    expect(card.locator(".raw-value").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no horizontal scrolling"
    page.screenshot(path=screenshots / "printed-values-phone.png", full_page=True)
    assert not errors
    context.close()
