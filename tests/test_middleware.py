"""The middleware stack under ASGI (AsyncClient runs Django's async path, as daphne does): Django's and
WhiteNoise's own middleware, unchanged, keep sessions, CSRF, security headers and static files working."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import AsyncClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def admin_password():
    await User.objects.acreate_superuser("admin", "admin@example.com", "s3cret-pass")
    return "s3cret-pass"


async def login_form(client: AsyncClient) -> str:
    page = await client.get("/admin/login/")
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"  # the clickjacking hook ran
    assert "csrftoken" in page.cookies  # the CSRF cookie was set on the way out
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


async def test_an_admin_logs_in_and_the_saved_session_lets_them_in(admin_password):
    client = AsyncClient(enforce_csrf_checks=True)
    token = await login_form(client)
    response = await client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": admin_password, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, response.content[:300]
    assert "sessionid" in response.cookies  # the session was saved (a database write, in a thread)
    index = await client.get("/admin/")
    assert index.status_code == 200
    assert "Site administration" in index.content.decode()  # the lazy user resolved from the session


async def test_a_form_post_without_its_csrf_token_is_refused(admin_password):
    client = AsyncClient(enforce_csrf_checks=True)
    await login_form(client)
    response = await client.post("/admin/login/", {"username": "admin", "password": admin_password})
    assert response.status_code == 403


async def test_the_api_needs_no_csrf_token_and_gets_security_headers():
    response = await AsyncClient(enforce_csrf_checks=True).post(
        "/api/images_mvp/extract", b"not an image", content_type="image/jpeg"
    )
    assert response.status_code == 415
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("autorefresh", [False, True])
async def test_static_files_are_served_and_other_paths_pass_through(settings, autorefresh):
    settings.WHITENOISE_AUTOREFRESH = autorefresh
    client = AsyncClient()
    response = await client.get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # a file response (sync iterator)
    assert (await client.get("/static/no/such/file.css")).status_code == 404
    assert (await client.get("/")).status_code == 200
