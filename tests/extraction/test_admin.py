"""The session history in the Django admin."""

import re

import pytest

from extraction.models import ExtractionSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions():
    done = ExtractionSession.objects.create(
        id="admin-done-1", status="complete", format="JPEG", original_name="cat.jpg",
        result={"summary": {"Make": "Acme"}, "findings": []},
    )
    failed = ExtractionSession.objects.create(
        id="admin-failed-1", status="failed", format="PNG", original_name="dog.png", error_code="corrupt_image",
    )
    return done, failed


def test_changelist_lists_every_session_with_filters_and_search(admin_client, sessions):
    page = admin_client.get("/admin/extraction/extractionsession/").content.decode()
    assert "admin-done-1" in page and "admin-failed-1" in page
    filtered = admin_client.get("/admin/extraction/extractionsession/?status__exact=failed").content.decode()
    assert "admin-failed-1" in filtered and "admin-done-1" not in filtered
    by_format = admin_client.get("/admin/extraction/extractionsession/?format=JPEG").content.decode()
    assert "admin-done-1" in by_format and "admin-failed-1" not in by_format
    searched = admin_client.get("/admin/extraction/extractionsession/?q=dog").content.decode()
    assert "admin-failed-1" in searched and "admin-done-1" not in searched


def test_detail_is_read_only_and_shows_the_result_as_json(admin_client, sessions):
    page = admin_client.get("/admin/extraction/extractionsession/admin-done-1/change/").content.decode()
    assert "&quot;Make&quot;: &quot;Acme&quot;" in page
    assert 'name="_save"' not in page
    assert admin_client.get("/admin/extraction/extractionsession/add/").status_code == 403


@pytest.fixture
def support_sessions():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    located = ExtractionSession.objects.create(
        id="admin-gps-1", status="complete", format="HEIC", original_name="trip.heic", size=3 * 1024 * 1024 // 2,
        result={"summary": {"GPSLatitude": 48.85, "GPSLongitude": 2.35},
                "findings": [{"code": "gps_location", "severity": "high", "message": "...", "tags": []},
                             {"code": "edited_by_software", "severity": "low", "message": "...", "tags": []}]},
        lease_owner="host:123:abcd", attempts=2,
    )
    plain = ExtractionSession.objects.create(
        id="admin-nogps-1", status="failed", format="PNG", original_name="scan.png", size=900,
        error_code="corrupt_image", result=None,
    )
    # created_at is auto_now_add: set the times the way a finished run leaves them
    ExtractionSession.objects.filter(pk=located.pk).update(
        created_at=now - timedelta(seconds=2.5), started_at=now - timedelta(seconds=2), finished_at=now)
    ExtractionSession.objects.filter(pk=plain.pk).update(
        created_at=now - timedelta(seconds=200), finished_at=now)
    return located, plain


def test_the_list_shows_duration_human_sizes_error_code_and_finding_codes(admin_client, support_sessions):
    page = admin_client.get("/admin/extraction/extractionsession/").content.decode()
    assert "1.5\xa0MB" in page and "900\xa0bytes" in page
    assert "2.5 s" in page and "3 min 20 s" in page
    assert "corrupt_image" in page
    assert "gps_location, edited_by_software" in page


def test_a_session_still_running_shows_how_long_so_far(admin_client):
    ExtractionSession.objects.create(id="admin-running-1", status="processing", format="JPEG")
    page = admin_client.get("/admin/extraction/extractionsession/").content.decode()
    assert re.search(r"\d+\.\d s so far", page)


def test_the_list_sorts_by_duration(admin_client, support_sessions):
    url = "/admin/extraction/extractionsession/"
    column = list(admin_client.get(url).context["cl"].list_display).index("duration")
    slowest_first = admin_client.get(f"{url}?o=-{column}").context["cl"].result_list
    assert [session.id for session in slowest_first] == ["admin-nogps-1", "admin-gps-1"]
    fastest_first = admin_client.get(f"{url}?o={column}").context["cl"].result_list
    assert [session.id for session in fastest_first] == ["admin-gps-1", "admin-nogps-1"]


def test_filters_by_has_gps_status_and_format(admin_client, support_sessions):
    url = "/admin/extraction/extractionsession/"
    with_gps = admin_client.get(f"{url}?has_gps=yes").content.decode()
    assert "admin-gps-1" in with_gps and "admin-nogps-1" not in with_gps
    without = admin_client.get(f"{url}?has_gps=no").content.decode()
    assert "admin-nogps-1" in without and "admin-gps-1" not in without
    both = admin_client.get(f"{url}?has_gps=yes&status__exact=failed").content.decode()
    assert "admin-gps-1" not in both and "admin-nogps-1" not in both
    page = admin_client.get(url).content.decode()
    assert "By has GPS" in page and "By status" in page and "By format" in page


def test_the_detail_page_puts_lease_internals_last_and_has_a_preview_slot(admin_client, support_sessions):
    page = admin_client.get("/admin/extraction/extractionsession/admin-gps-1/change/").content.decode()
    assert "What went wrong" in page
    assert "No preview stored for this session." in page
    assert page.index("Lease internals") > page.index("&quot;GPSLatitude&quot;")
    assert page.index("host:123:abcd") > page.index("Lease internals")
    assert page.index("What went wrong") < page.index("Lease internals")


def test_the_preview_hook_renders_an_image_once_a_url_exists(admin_client, support_sessions, monkeypatch):
    from extraction.admin import ExtractionSessionAdmin

    monkeypatch.setattr(ExtractionSessionAdmin, "preview_url", lambda self, obj: f"/previews/{obj.pk}.jpg")
    page = admin_client.get("/admin/extraction/extractionsession/admin-gps-1/change/").content.decode()
    assert '<img src="/previews/admin-gps-1.jpg" alt="Preview of trip.heic"' in page


@pytest.mark.django_db(transaction=True)
def test_the_detail_page_shows_the_stored_preview_which_its_url_serves(admin_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from extraction.services import session_run
    from tests.extraction.test_preview import jpeg

    answer = admin_client.post("/api/images_mvp/extract",
                               {"file": SimpleUploadedFile("cat.jpg", jpeg((640, 480)), "image/jpeg")}).json()
    session_run(session_id=answer["sessionId"])  # a sync test has no event loop for the inline task: run it here
    assert ExtractionSession.objects.get(pk=answer["sessionId"]).status == "complete"
    page = admin_client.get(f"/admin/extraction/extractionsession/{answer['sessionId']}/change/").content.decode()
    found = re.search(r'<img src="([^"]+)" alt="Preview of cat.jpg"', page)
    assert found, "the detail page shows the preview"
    url = found.group(1).replace("&amp;", "&")
    assert url.startswith(f"/api/images_mvp/sessions/{answer['sessionId']}/preview?token=")
    served = admin_client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    ExtractionSession.objects.filter(pk=answer["sessionId"]).update(status="failed")
    page = admin_client.get(f"/admin/extraction/extractionsession/{answer['sessionId']}/change/").content.decode()
    assert "No preview stored for this session." in page
