"""The page view at `/`, through Django's test client (no browser needed)."""

import pytest


@pytest.mark.django_db
def test_upload_page_renders_with_the_limit_and_starts_a_django_session(client, settings):
    settings.MAX_UPLOAD_BYTES = 1234567
    response = client.get("/")
    assert response.status_code == 200
    assert "extraction/upload.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert 'data-max-upload-bytes="1234567"' in html
    assert 'data-extract-url="/api/images_mvp/extract"' in html
    assert 'accept="image/*"' in html and "capture" not in html.split('id="file-input"')[1].split(">")[0]
    assert 'type="module"' in html and "js/upload/main.js" in html
    # The browser's own session cookie is what will mark it as the uploader of its sessions.
    assert "sessionid" in response.cookies
    assert client.session["uploader"] is True


@pytest.mark.django_db
def test_upload_page_refuses_post(client):
    assert client.post("/").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("seconds, keep_uploads, line", [
    (3600, False, "Originals are deleted as soon as they are read; clean copies after an hour."),
    (7200, False, "Originals are deleted as soon as they are read; clean copies after 2 hours."),
    (1800, False, "Originals are deleted as soon as they are read; clean copies after 30 minutes."),
    (90, False, "Originals are deleted as soon as they are read; clean copies after 90 seconds."),
    (0, False, "Originals are deleted as soon as they are read; no clean copies are made."),
    (3600, True, "Originals are kept on this server (KEEP_UPLOADS is on); clean copies after an hour."),
])
def test_the_retention_line_follows_the_settings(client, settings, seconds, keep_uploads, line):
    settings.CLEAN_COPY_SECONDS, settings.KEEP_UPLOADS = seconds, keep_uploads
    html = client.get("/").content.decode()
    assert f'<p class="retention" id="retention">{line}</p>' in html
    assert f'data-clean-copy-seconds="{seconds}"' in html
    assert 'data-clean-zip-url="/api/images_mvp/clean-copies.zip"' in html
