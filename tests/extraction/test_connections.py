"""extraction/connections.py: the threads that store uploads and run extractions keep their database
connection from one session to the next, unless it broke."""

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.backends.signals import connection_created

from extraction import services, tasks
from extraction.models import ExtractionSession
from imgmvp_site.asgi import application
from tests.support.sample_images import jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def run_one() -> ExtractionSession:
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")
    session = services.session_create(session_id=None, upload=upload)
    services.session_run(session_id=session.id)
    return ExtractionSession.objects.get(pk=session.id)


def test_a_second_session_runs_on_the_connection_the_first_one_opened():
    assert run_one().status == ExtractionSession.Status.COMPLETE
    kept = connection.connection
    assert kept is not None
    assert run_one().status == ExtractionSession.Status.COMPLETE
    assert connection.connection is kept


def test_a_connection_that_saw_an_error_is_replaced_before_the_next_session():
    run_one()
    broken = connection.connection
    connection.errors_occurred = True  # what Django records when a query on it failed
    assert run_one().status == ExtractionSession.Status.COMPLETE
    assert connection.connection is not broken


async def test_an_upload_is_stored_on_a_connection_an_earlier_upload_opened(settings):
    settings.MAX_CONCURRENT_EXTRACTIONS = 1
    opened = []

    def count(sender, connection, **kwargs):
        opened.append(connection.alias)

    async def upload():
        # Through the real ASGI application, as daphne calls it: Django's test client would keep its
        # own connection handling out of the way.
        scope = {"type": "http", "method": "POST", "path": "/api/images_mvp/extract", "query_string": b"",
                 "headers": [(b"host", b"testserver"), (b"content-type", b"image/jpeg")]}
        call = ApplicationCommunicator(application, scope)
        await call.send_input({"type": "http.request", "body": jpeg_bytes(), "more_body": False})
        start = await call.receive_output(timeout=10)
        await call.receive_output(timeout=10)
        assert start["status"] == 202
        await call.wait(timeout=10)

    async with tasks._semaphore():  # extractions wait their turn: only the uploads use the database
        await upload()
        connection_created.connect(count)
        try:
            await upload()
        finally:
            connection_created.disconnect(count)
    await tasks.wait_for_inline_tasks()
    assert opened == []
