"""The session history in the Django admin."""

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
