"""extraction.rows: the guarded stage UPDATE stores what the ORM's own UPDATE stores, and only over
the state it names. (Against PostgreSQL, tests/scaleout runs whole sessions through it.)"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from extraction.models import ExtractionSession
from extraction.rows import row_by_pk, update_if_current

pytestmark = pytest.mark.django_db


def new_row(session_id: str, **fields) -> ExtractionSession:
    return ExtractionSession.objects.create(id=session_id, seq=3, lease_owner="worker-a", **fields)


def saved(session_id: str) -> dict:
    return ExtractionSession.objects.filter(pk=session_id).values().get()


def test_stores_the_same_row_as_the_orm_update():
    now = timezone.now()
    fields = {
        "seq": 4,
        "status": ExtractionSession.Status.COMPLETE,
        "progress": 100,
        "stage": "complete",
        "status_message": "Extraction complete!",
        "result": {"summary": {"Make": "Canon", "ISO": 100}, "findings": [{"code": "gps", "ok": False}], "ü": None},
        "sha256": "ab" * 32,
        "finished_at": now,
        "updated_at": now + timedelta(microseconds=1),
        "lease_owner": "",
        "lease_expires_at": None,
    }
    orm, ours = new_row("row-by-orm", lease_expires_at=now), new_row("row-by-sql", lease_expires_at=now)

    ExtractionSession.objects.filter(pk=orm.pk, seq=3, lease_owner="worker-a").update(**fields)
    assert update_if_current(ours, {"seq": 3, "lease_owner": "worker-a"}, fields) is True

    expected = {**saved(orm.pk), "id": ours.pk, "created_at": saved(ours.pk)["created_at"]}
    assert saved(ours.pk) == expected
    assert saved(ours.pk)["result"] == fields["result"]
    assert saved(ours.pk)["lease_expires_at"] is None


@pytest.mark.parametrize("guard", [{"seq": 2, "lease_owner": "worker-a"}, {"seq": 3, "lease_owner": "worker-b"}])
def test_writes_nothing_when_the_row_moved_on(guard):
    row = new_row("row-moved-on")
    before = saved(row.pk)
    assert update_if_current(row, guard, {"seq": 4, "stage": "extract", "updated_at": timezone.now()}) is False
    assert saved(row.pk) == before


def test_touches_only_its_own_row_through_djangos_cursor():
    mine, other = new_row("row-mine"), new_row("row-other")
    with CaptureQueriesContext(connection) as queries:
        assert update_if_current(mine, {"seq": 3}, {"seq": 4, "progress": 40, "stage": "extract"})
    assert len(queries) == 1  # one statement, seen by Django's query log and execute wrappers
    assert queries[0]["sql"].startswith('UPDATE "extraction_extractionsession" SET')
    assert (saved(mine.pk)["progress"], saved(mine.pk)["seq"]) == (40, 4)
    assert (saved(other.pk)["progress"], saved(other.pk)["seq"]) == (0, 3)


def test_refuses_to_write_the_primary_key():
    row = new_row("row-pk")
    with pytest.raises(ValueError, match="needs the ORM"):
        update_if_current(row, {"seq": 3}, {"id": "row-renamed"})
    assert saved(row.pk)["seq"] == 3


def test_row_by_pk_reads_what_the_orm_reads():
    now = timezone.now()
    new_row("row-read", result={"summary": {"ISO": 200}, "findings": []}, lease_expires_at=now, client_chose_id=True)
    ours, orm = row_by_pk(ExtractionSession, "row-read"), ExtractionSession.objects.get(pk="row-read")
    assert type(ours) is ExtractionSession and not ours._state.adding and ours._state.db == "default"
    for field in ExtractionSession._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(orm, field.attname), field.name
    assert ours.result == {"summary": {"ISO": 200}, "findings": []} and ours.lease_expires_at == now
    assert ours.client_chose_id is True


def test_row_by_pk_is_none_for_a_missing_row():
    assert row_by_pk(ExtractionSession, "no-such-row") is None
