"""Fixtures of the extraction tests, defined once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from extraction import notifications, services
from tests.support.sample_images import jpeg_bytes


@pytest.fixture
def new_session():
    """Make a stored upload and its pending row (`services.session_create`: nothing is dispatched)."""

    def make(session_id: str | None = None, *, data: bytes | None = None, owner_key: str = ""):
        upload = SimpleUploadedFile("photo.jpg", jpeg_bytes() if data is None else data, content_type="image/jpeg")
        return services.session_create(session_id=session_id, upload=upload, owner_key=owner_key)

    return make


@pytest.fixture
def notified():
    """(status, stage, seq) of every session state the services notify of during the test, in order."""
    seen: list[tuple[str, str, int]] = []
    previous = notifications._notifier
    notifications.set_notifier(lambda session: seen.append((session.status, session.stage, session.seq)))
    yield seen
    notifications.set_notifier(previous)
