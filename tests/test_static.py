"""Static files are served by the app itself (WhiteNoise), with DEBUG off, as under daphne."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_admin_static_file_is_served_with_debug_off(settings):
    assert settings.DEBUG is False
    response = Client().get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
