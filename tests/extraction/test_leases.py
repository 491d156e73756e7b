"""Leases, the reaper, recovery and purge: services against the database, stored state checked."""

import os
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from extraction import services
from extraction.models import ExtractionSession
from extraction.storage import upload_storage
from tests.support.sample_images import jpeg_bytes

Status = ExtractionSession.Status
STAGES = ["start", "validate", "store", "extract", "analyse", "finalise"]


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "up"}},
    }
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return tmp_path


def make_session(session_id: str | None = None) -> ExtractionSession:
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")
    return services.session_create(session_id=session_id, upload=upload)


def expire_lease(session_id: str) -> None:
    ExtractionSession.objects.filter(pk=session_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def stored_exists(session: ExtractionSession) -> bool:
    return upload_storage().exists(session.stored_path)


@pytest.mark.django_db
def test_a_session_is_claimed_once_with_a_lease():
    session = make_session()
    claimed = services._session_claim(session.id)
    assert claimed is not None
    assert services._session_claim(session.id) is None  # a second worker gets nothing
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == Status.PROCESSING
    assert row.lease_owner.startswith(services._worker_name())
    assert row.lease_expires_at > timezone.now()
    assert row.attempts == 1


@pytest.mark.django_db
def test_of_two_workers_that_read_the_pending_row_at_once_only_one_claims_it(monkeypatch):
    session = make_session()
    read_by_the_second = services.row_by_pk(ExtractionSession, session.id)
    first = services._session_claim(session.id)
    assert first is not None
    monkeypatch.setattr(services, "row_by_pk", lambda model, pk: read_by_the_second)
    assert services._session_claim(session.id) is None  # its write finds the row no longer pending
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.lease_owner, row.attempts) == (Status.PROCESSING, first.lease_owner, 1)


@pytest.mark.django_db
def test_only_the_lease_holder_renews():
    session = make_session()
    claimed = services._session_claim(session.id)
    before = ExtractionSession.objects.get(pk=session.id).lease_expires_at
    assert not services.session_lease_renew(session_id=session.id, owner="someone-else")
    assert services.session_lease_renew(session_id=session.id, owner=claimed.lease_owner)
    assert ExtractionSession.objects.get(pk=session.id).lease_expires_at >= before


@pytest.mark.django_db
def test_an_expired_lease_is_taken_back_and_the_old_worker_cannot_write():
    session = make_session()
    stale = services._session_claim(session.id)
    services._session_advance(stale, progress=10, stage="start", status_message="Starting extraction...")
    expire_lease(session.id)

    assert services.sessions_reap() == [session.id]

    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.progress, row.stage, row.lease_owner, row.lease_expires_at) == (
        Status.PENDING, 0, "queued", "", None
    )
    assert row.seq == stale.seq + 1
    with pytest.raises(services.LostOwnership):
        services._session_advance(stale, progress=20, stage="validate", status_message="Validating file...")
    assert not services.session_fail(session=stale, code="corrupt_image", message="late")
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.error_code == ""
    assert stored_exists(row)  # the stale worker did not delete the original


@pytest.mark.django_db
def test_a_live_lease_is_not_taken_back():
    session = make_session()
    services._session_claim(session.id)
    assert services.sessions_reap() == []
    assert ExtractionSession.objects.get(pk=session.id).status == Status.PROCESSING


@pytest.mark.django_db
@override_settings(EXTRACTION_MAX_ATTEMPTS=3)
def test_a_session_lost_three_times_ends_worker_lost():
    session = make_session()
    for attempt in range(1, 4):
        assert services._session_claim(session.id) is not None
        expire_lease(session.id)
        reaped = services.sessions_reap()
        assert reaped == ([session.id] if attempt < 3 else [])
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == Status.FAILED
    assert row.error_code == "worker_lost"
    assert row.attempts == 3
    assert (row.lease_owner, row.lease_expires_at) == ("", None)
    assert row.finished_at is not None
    assert not stored_exists(row)


@pytest.mark.django_db
@override_settings(EXTRACTION_PENDING_TIMEOUT_SECONDS=60)
def test_a_session_pending_too_long_is_dispatched_again_once_per_timeout():
    fresh = make_session()
    old = make_session()
    ExtractionSession.objects.filter(pk=old.id).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert services.sessions_reap() == [old.id]
    assert services.sessions_reap() == []  # touched: not again until the timeout passes
    assert set(services.sessions_reap(pending_older_than=timedelta(0))) == {fresh.id, old.id}
    assert ExtractionSession.objects.get(pk=old.id).status == Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_a_finished_session_deletes_its_original():
    session = make_session()
    assert stored_exists(session)
    services.session_run(session_id=session.id)
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == Status.COMPLETE
    assert (row.lease_owner, row.lease_expires_at, row.attempts) == ("", None, 1)
    assert not stored_exists(row)


@pytest.mark.django_db(transaction=True)
def test_a_failed_session_deletes_its_original(tmp_path):
    upload = SimpleUploadedFile("bad.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, content_type="image/jpeg")
    session = services.session_create(session_id=None, upload=upload)
    services.session_run(session_id=session.id)
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == Status.FAILED and row.error_code
    assert not stored_exists(row)


@pytest.mark.django_db(transaction=True)
@override_settings(KEEP_UPLOADS=True)
def test_keep_uploads_keeps_the_original():
    session = make_session()
    services.session_run(session_id=session.id)
    assert ExtractionSession.objects.get(pk=session.id).status == Status.COMPLETE
    assert stored_exists(session)


@pytest.mark.django_db(transaction=True)
@override_settings(EXTRACTION_LEASE_SECONDS=1)
def test_the_lease_is_renewed_while_the_pipeline_runs(monkeypatch):
    """A pipeline slower than the lease keeps it: the renewer pushes the expiry while it works."""
    session = make_session()
    gate = threading.Event()
    real = services.run_pipeline

    def slow_pipeline(path, *, on_progress, name=None, clean_to=None):
        on_progress(services.Stage("start", 10, "Starting extraction..."))
        gate.wait(2.5)  # > 2 leases
        return real(path, on_progress=lambda stage: None, name=name)

    monkeypatch.setattr(services, "run_pipeline", slow_pipeline)
    worker = threading.Thread(target=services.session_run, kwargs={"session_id": session.id})
    worker.start()
    try:
        deadline = timezone.now() + timedelta(seconds=2)
        while timezone.now() < deadline:
            assert services.sessions_reap(pending_older_than=timedelta(hours=1)) == []
            gate.wait(0.2)
    finally:
        gate.set()
        worker.join(10)
    assert ExtractionSession.objects.get(pk=session.id).status == Status.COMPLETE


@pytest.mark.django_db(transaction=True)
# One at a time: the in-memory SQLite test database has table locks without a busy timeout.
@override_settings(EXTRACTION_WORKERS="inline", MAX_CONCURRENT_EXTRACTIONS=1)
def test_recover_sessions_command_runs_what_was_left(capsys):
    pending = make_session()
    stuck = make_session()
    services._session_claim(stuck.id)
    expire_lease(stuck.id)
    call_command("recover_sessions", "--all-pending")
    out = capsys.readouterr().out
    assert "dispatched 2 session(s) again" in out
    for session_id in (pending.id, stuck.id):
        row = ExtractionSession.objects.get(pk=session_id)
        assert row.status == Status.COMPLETE, row.status
    assert ExtractionSession.objects.get(pk=stuck.id).attempts == 2


@pytest.mark.django_db
def test_purge_removes_old_finished_sessions_and_leftover_files():
    old_done = make_session()
    old_pending = make_session()
    recent_done = make_session()
    long_ago = timezone.now() - timedelta(days=40)
    ExtractionSession.objects.filter(pk__in=[old_done.id, recent_done.id]).update(status=Status.COMPLETE)
    ExtractionSession.objects.filter(pk__in=[old_done.id, old_pending.id]).update(created_at=long_ago)
    storage = upload_storage()
    orphan = storage.save("orphan.jpg", SimpleUploadedFile("o.jpg", b"x"))
    recent_orphan = storage.save("recent-orphan.jpg", SimpleUploadedFile("o.jpg", b"x"))
    old_time = long_ago.timestamp()
    os.utime(storage.path(orphan), (old_time, old_time))

    call_command("purge_sessions", "--older-than", "30d")

    remaining = set(ExtractionSession.objects.values_list("pk", flat=True))
    assert remaining == {old_pending.id, recent_done.id}
    assert not storage.exists(old_done.stored_path)
    assert not storage.exists(orphan)
    assert storage.exists(recent_orphan)
    assert storage.exists(recent_done.stored_path)


def test_purge_refuses_a_malformed_age():
    with pytest.raises(CommandError, match="e.g. 30d"):
        call_command("purge_sessions", "--older-than", "thirty days")


@pytest.mark.django_db(transaction=True)
@override_settings(EXTRACTION_LEASE_SECONDS=1, EXTRACTION_MAX_RUN_SECONDS=1)
def test_a_run_hung_past_its_limit_loses_its_lease(monkeypatch):
    session = make_session()
    gate = threading.Event()

    def hung_pipeline(path, *, on_progress, name=None, clean_to=None):
        on_progress(services.Stage("start", 10, "Starting extraction..."))
        gate.wait(10)
        on_progress(services.Stage("validate", 20, "Validating file..."))
        return {}

    monkeypatch.setattr(services, "run_pipeline", hung_pipeline)
    worker = threading.Thread(target=services.session_run, kwargs={"session_id": session.id})
    worker.start()
    try:
        deadline = time.monotonic() + 5
        reaped = []
        while not reaped and time.monotonic() < deadline:
            reaped = services.sessions_reap(pending_older_than=timedelta(hours=1))
            time.sleep(0.1)
        assert reaped == [session.id]
    finally:
        gate.set()
        worker.join(10)
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.stage, row.lease_owner) == (Status.PENDING, "queued", "")  # the hung run wrote nothing more
