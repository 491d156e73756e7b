"""The session commands (recover_sessions, purge_sessions): thin adapters over the services."""

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from extraction import services
from extraction.models import ExtractionSession
from extraction.storage import upload_storage

Status = ExtractionSession.Status


def expire_lease(session_id: str) -> None:
    ExtractionSession.objects.filter(pk=session_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
# One at a time: the in-memory SQLite test database has table locks without a busy timeout.
@override_settings(EXTRACTION_WORKERS="inline", MAX_CONCURRENT_EXTRACTIONS=1)
def test_recover_sessions_command_runs_what_was_left(new_session, capsys):
    pending = new_session()
    stuck = new_session()
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
def test_purge_removes_old_finished_sessions_and_leftover_files(new_session):
    old_done = new_session()
    old_pending = new_session()
    recent_done = new_session()
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
