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
