"""extraction/services.py against the database, stored state checked: the claim and its lease, the
guarded writes, the sweep (sessions_reap), purge."""

import os
import socket
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from extraction import services, tasks
from extraction.models import ExtractionSession
from extraction.storage import upload_storage

Status = ExtractionSession.Status
STAGES = ["start", "validate", "store", "extract", "analyse", "finalise"]


def expire_lease(session_id: str) -> None:
    ExtractionSession.objects.filter(pk=session_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def stored_exists(session: ExtractionSession) -> bool:
    return upload_storage().exists(session.stored_path)


@pytest.mark.django_db
def test_a_session_is_claimed_once_with_a_lease(new_session):
    session = new_session()
    claimed = services._session_claim(session.id)
    assert claimed is not None
    assert services._session_claim(session.id) is None  # a second worker gets nothing
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == Status.PROCESSING
    assert row.lease_owner.startswith(services._worker_name())
    assert row.lease_expires_at > timezone.now()
    assert row.attempts == 1


@pytest.mark.django_db
def test_of_two_workers_that_read_the_pending_row_at_once_only_one_claims_it(new_session, monkeypatch):
    session = new_session()
    read_by_the_second = services.session_get(session.id)
    first = services._session_claim(session.id)
    assert first is not None
    monkeypatch.setattr(services, "session_get", lambda session_id: read_by_the_second)
    assert services._session_claim(session.id) is None  # its write finds the row no longer pending
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.lease_owner, row.attempts) == (Status.PROCESSING, first.lease_owner, 1)


@pytest.mark.django_db
def test_only_the_lease_holder_renews(new_session):
    session = new_session()
    claimed = services._session_claim(session.id)
    before = ExtractionSession.objects.get(pk=session.id).lease_expires_at
    assert not services.session_lease_renew(session_id=session.id, owner="someone-else")
    assert services.session_lease_renew(session_id=session.id, owner=claimed.lease_owner)
    assert ExtractionSession.objects.get(pk=session.id).lease_expires_at >= before


@pytest.mark.django_db
def test_an_expired_lease_is_taken_back_and_the_old_worker_cannot_write(new_session):
    session = new_session()
    stale = services._session_claim(session.id)
    services._session_advance(stale, progress=10, stage="start", status_message="Starting extraction...")
    expire_lease(session.id)

    assert services.sessions_reap() == [session.id]

    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.progress, row.stage, row.lease_owner, row.lease_expires_at) == (
        Status.PENDING, 0, "queued", services._worker_name(), None  # queued in this (inline) process
    )
    assert row.seq == stale.seq + 1
    with pytest.raises(services.LostOwnership):
        services._session_advance(stale, progress=20, stage="validate", status_message="Validating file...")
    assert not services.session_fail(session=stale, code="corrupt_image", message="late")
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.error_code == ""
    assert stored_exists(row)  # the stale worker did not delete the original


@pytest.mark.django_db
def test_a_live_lease_is_not_taken_back(new_session):
    session = new_session()
    services._session_claim(session.id)
    assert services.sessions_reap() == []
    assert ExtractionSession.objects.get(pk=session.id).status == Status.PROCESSING


@pytest.mark.django_db
@override_settings(EXTRACTION_MAX_ATTEMPTS=3)
def test_a_session_lost_three_times_ends_worker_lost(new_session):
    session = new_session()
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
def test_a_session_pending_too_long_is_dispatched_again_once_per_timeout(new_session):
    fresh = new_session()
    old = new_session()
    ExtractionSession.objects.filter(pk=old.id).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert services.sessions_reap() == [old.id]
    assert services.sessions_reap() == []  # touched: not again until the timeout passes
    assert set(services.sessions_reap(pending_older_than=timedelta(0))) == {fresh.id, old.id}
    assert ExtractionSession.objects.get(pk=old.id).status == Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_a_finished_session_deletes_its_original(new_session):
    session = new_session()
    assert stored_exists(session)
    services.session_run(session_id=session.id)
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == Status.COMPLETE
    assert (row.lease_owner, row.lease_expires_at, row.attempts) == ("", None, 1)
    assert not stored_exists(row)


@pytest.mark.django_db(transaction=True)
def test_a_failed_session_deletes_its_original(new_session):
    session = new_session(data=b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    services.session_run(session_id=session.id)
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == Status.FAILED and row.error_code
    assert not stored_exists(row)


@pytest.mark.django_db(transaction=True)
@override_settings(KEEP_UPLOADS=True)
def test_keep_uploads_keeps_the_original(new_session):
    session = new_session()
    services.session_run(session_id=session.id)
    assert ExtractionSession.objects.get(pk=session.id).status == Status.COMPLETE
    assert stored_exists(session)


@pytest.mark.django_db(transaction=True)
@override_settings(EXTRACTION_LEASE_SECONDS=1)
def test_the_lease_is_renewed_while_the_pipeline_runs(new_session, monkeypatch):
    """A pipeline slower than the lease keeps it: the renewer pushes the expiry while it works."""
    session = new_session()
    gate = threading.Event()
    real = services.run_pipeline

    def slow_pipeline(path, *, on_progress, name=None, clean_to=None, preview_to=None):
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
@override_settings(EXTRACTION_LEASE_SECONDS=1, EXTRACTION_MAX_RUN_SECONDS=1)
def test_a_run_hung_past_its_limit_loses_its_lease(new_session, monkeypatch):
    session = new_session()
    gate = threading.Event()

    def hung_pipeline(path, *, on_progress, name=None, clean_to=None, preview_to=None):
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
    # The hung run wrote nothing more: the row is as the sweep left it, queued in this process again.
    assert (row.status, row.stage, row.lease_owner) == (Status.PENDING, "queued", services._worker_name())


@pytest.mark.django_db
@pytest.mark.parametrize("moved_on", [{"seq": 99}, {"lease_owner": "another-worker"}])
def test_a_stage_write_over_a_row_that_moved_on_writes_nothing(new_session, moved_on):
    session = services._session_claim(new_session().id)
    ExtractionSession.objects.filter(pk=session.id).update(**moved_on)
    before = ExtractionSession.objects.filter(pk=session.id).values().get()
    with pytest.raises(services.LostOwnership):
        services._session_advance(session, progress=40, stage="extract", status_message="Extracting...")
    assert ExtractionSession.objects.filter(pk=session.id).values().get() == before


@pytest.mark.django_db(transaction=True)
def test_every_change_is_saved_before_it_is_notified_in_seq_order(new_session, notified):
    from extraction import notifications

    saved_when_notified = []

    def check(session):
        row = ExtractionSession.objects.get(pk=session.pk)
        saved_when_notified.append((row.seq, row.status, row.stage) == (session.seq, session.status, session.stage))
        notified.append((session.status, session.stage, session.seq))

    notifications.set_notifier(check)
    session = new_session()
    services.session_run(session_id=session.id)
    assert [stage for status, stage, seq in notified] == ["queued", *STAGES, "complete"]
    # Created at seq 1; every write a watcher sees bumps it by one.
    assert [seq for status, stage, seq in notified] == list(range(1, len(STAGES) + 3))
    assert notified[-1][0] == Status.COMPLETE and all(saved_when_notified)
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.seq == notified[-1][2] and row.result["summary"]["Make"] == "TestMake" and len(row.sha256) == 64


@pytest.mark.django_db
def test_a_submitted_session_is_dispatched_once_when_its_row_is_committed(new_session, monkeypatch,
                                                                           django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.sample_images import jpeg_bytes

    dispatched = []
    monkeypatch.setattr(tasks, "session_dispatch", dispatched.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")
        session = services.session_submit(session_id=None, upload=upload)
        assert dispatched == []  # not before the commit
    assert len(callbacks) == 1 and dispatched == [session.id]
    services.session_create(session_id=None, upload=SimpleUploadedFile("b.jpg", jpeg_bytes()))
    assert dispatched == [session.id]  # creating alone dispatches nothing


@pytest.mark.django_db
def test_a_rejected_upload_dispatches_nothing(monkeypatch, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dispatched = []
    monkeypatch.setattr(tasks, "session_dispatch", dispatched.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(services.UploadRejected):
            services.session_submit(session_id=None, upload=SimpleUploadedFile("a.txt", b"not an image"))
    assert callbacks == [] and dispatched == []
    assert ExtractionSession.objects.count() == 0


def a_dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.fixture
def live_pid():
    process = subprocess.Popen(["sleep", "60"])
    yield process.pid
    process.kill()
    process.wait()


def held_by(session_id: str, owner: str, **fields) -> None:
    ExtractionSession.objects.filter(pk=session_id).update(lease_owner=owner, **fields)


@pytest.mark.django_db
def test_a_lease_held_by_a_process_of_this_machine_that_is_gone_is_taken_back_at_once(new_session):
    session = new_session()
    services._session_claim(session.id)  # the lease is live for 30 s more
    held_by(session.id, f"{socket.gethostname()}:{a_dead_pid()}:0badcafe-12345678")
    assert services.sessions_reap(pending_older_than=timedelta(hours=1)) == [session.id]
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.lease_owner, row.attempts) == (Status.PENDING, services._worker_name(), 1)


@pytest.mark.django_db
def test_a_lease_of_this_pid_in_an_earlier_life_is_taken_back_at_once(new_session):
    """A restarted container's server often has the pid the dead one had (pid 1)."""
    session = new_session()
    services._session_claim(session.id)
    held_by(session.id, f"{socket.gethostname()}:{os.getpid()}:0badcafe-12345678")
    assert services.sessions_reap(pending_older_than=timedelta(hours=1)) == [session.id]


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["live process here", "another machine", "this process"])
def test_a_live_lease_of_a_running_or_unknown_process_waits_for_its_expiry(new_session, live_pid, where):
    session = new_session()
    claimed = services._session_claim(session.id)
    owner = {
        "live process here": f"{socket.gethostname()}:{live_pid}:0badcafe-12345678",
        "another machine": f"not-{socket.gethostname()}:{a_dead_pid()}:0badcafe-12345678",
        "this process": claimed.lease_owner,
    }[where]
    held_by(session.id, owner)
    assert services.sessions_reap(pending_older_than=timedelta(hours=1)) == []
    assert ExtractionSession.objects.get(pk=session.id).status == Status.PROCESSING


@pytest.mark.django_db
def test_a_pending_session_queued_by_a_process_that_is_gone_is_dispatched_again_at_once(new_session, live_pid):
    orphan, queued_alive, mine = new_session(), new_session(), new_session()
    held_by(orphan.id, f"{socket.gethostname()}:{a_dead_pid()}:0badcafe")
    held_by(queued_alive.id, f"{socket.gethostname()}:{live_pid}:0badcafe")
    assert ExtractionSession.objects.get(pk=mine.id).lease_owner == services._worker_name()
    assert services.sessions_reap(pending_older_than=timedelta(hours=1)) == [orphan.id]
    assert ExtractionSession.objects.get(pk=orphan.id).lease_owner == services._worker_name()  # queued here now
    assert services.sessions_reap(pending_older_than=timedelta(hours=1)) == []  # once


@pytest.mark.django_db(transaction=True)
@override_settings(EXTRACTION_LEASE_SECONDS=1, EXTRACTION_MAX_RUN_SECONDS=1)
def test_a_run_stopped_by_an_exception_after_its_limit_writes_nothing_and_is_left_to_the_sweep(new_session, monkeypatch):
    """What Celery's soft time limit does: it raises inside the pipeline once the renewer gave up."""
    from celery.exceptions import SoftTimeLimitExceeded

    session = new_session()

    def stopped_pipeline(path, *, on_progress, name=None, clean_to=None, preview_to=None):
        on_progress(services.Stage("start", 10, "Starting extraction..."))
        time.sleep(2)  # past EXTRACTION_MAX_RUN_SECONDS: the renewer gives up
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "run_pipeline", stopped_pipeline)
    services.session_run(session_id=session.id)
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.stage, row.error_code) == (Status.PROCESSING, "start", "")  # not failed
    assert services.sessions_reap(pending_older_than=timedelta(hours=1)) == [session.id]  # its lease ran out
    assert stored_exists(row)  # kept for the next attempt


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_error_within_the_limit_fails_the_session(new_session, monkeypatch):
    session = new_session()

    def broken_pipeline(path, *, on_progress, name=None, clean_to=None, preview_to=None):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "run_pipeline", broken_pipeline)
    services.session_run(session_id=session.id)
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.error_code, row.lease_owner) == (Status.FAILED, "internal_error", "")


@pytest.mark.django_db(transaction=True)
def test_a_database_locked_during_a_run_is_waited_out_not_failed(new_session, monkeypatch):
    """Another connection holds SQLite's write lock for 1.5 s while the session runs, and this
    connection waits only 0.1 s per try: the guarded writes retry with backoff and the run completes."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the lock is SQLite's")
    session = new_session()
    connection.ensure_connection()
    connection.connection.execute("PRAGMA busy_timeout = 100")
    locker = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=10, check_same_thread=False)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        locker.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(10)
        locker.execute("COMMIT")

    real_advance = services._session_advance

    def lock_at_first_stage(session, **fields):  # the lock comes in mid-run, before a stage write
        if not locked.is_set():
            threading.Thread(target=hold, daemon=True).start()
            locked.wait(5)
            threading.Timer(1.5, release.set).start()
        return real_advance(session, **fields)

    monkeypatch.setattr(services, "_session_advance", lock_at_first_stage)
    started = time.monotonic()
    services.session_run(session_id=session.id)
    locker.close()
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.error_code, row.attempts) == (Status.COMPLETE, "", 1)
    assert time.monotonic() - started >= 1.4  # it did wait for the lock


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_is_retried_on_a_fresh_one(new_session, monkeypatch):
    from django.db import InterfaceError
    from django.db.models import QuerySet

    session = new_session()
    real_update = QuerySet.update
    failures = iter([InterfaceError("connection already closed")] * 2)

    def flaky_update(self, **kwargs):
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", flaky_update)
    services.session_run(session_id=session.id)
    assert ExtractionSession.objects.get(pk=session.id).status == Status.COMPLETE


@pytest.mark.django_db
def test_an_error_that_is_not_transient_is_not_retried(monkeypatch):
    from django.db import OperationalError

    from extraction.connections import with_retries

    calls = []

    def broken():
        calls.append(1)
        raise OperationalError("no such table: nowhere")

    with pytest.raises(OperationalError):
        with_retries(broken, within=5)
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_leaves_no_partial_file_and_no_row(settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.images import jpeg_bytes

    settings.STORAGES = {**settings.STORAGES, "uploads": {"BACKEND": "tests.support.faults.FullDiskStorage",
                                                          "OPTIONS": {"location": settings.MEDIA_ROOT / "uploads"}}}
    monkeypatch.setenv("FAULT_DISK_ROOM_BYTES", "1000")
    upload = SimpleUploadedFile("big.jpg", jpeg_bytes() + bytes(50_000), content_type="image/jpeg")
    with pytest.raises(services.UploadRejected) as refused:
        services.session_create(session_id=None, upload=upload)
    assert refused.value.code == "storage_full"
    assert ExtractionSession.objects.count() == 0
    uploads = settings.MEDIA_ROOT / "uploads"
    assert not uploads.exists() or [p for p in uploads.rglob("*") if p.is_file()] == []
