"""imgmvp_site/patches/django_rows.py: a row's guarded UPDATE and its read by id, as statements built
once, write and read what the ORM's QuerySets would; DJANGO_ROW_SQL_PATCH=0 uses the ORM itself."""

from datetime import timedelta

import pytest
from django.utils import timezone

from extraction import rows
from extraction.models import ExtractionSession
from imgmvp_site.patches import django_rows

pytestmark = pytest.mark.django_db

Status = ExtractionSession.Status


def twin_rows(**fields) -> tuple[str, str]:
    """Two identical rows: one written through the patch, one through the ORM."""
    for pk in ("patched-row-long-client-id", "orm-row-long-client-chosen-id"):
        ExtractionSession.objects.create(id=pk, seq=3, status=Status.PROCESSING, lease_owner="host:1:ab", **fields)
    return "patched-row-long-client-id", "orm-row-long-client-chosen-id"


def columns(pk: str) -> dict:
    """Every column but the id and the two times each twin got when it was created."""
    values = ExtractionSession.objects.filter(pk=pk).values().get()
    for name in ("id", "created_at", "updated_at"):
        values.pop(name)
    return values


GUARDS = {
    "exact": {"seq": 3, "lease_owner": "host:1:ab"},
    "in": {"seq": 3, "status__in": (Status.PENDING, Status.PROCESSING)},
    "lt and lte": {"seq__lt": 4, "attempts__lte": 0},
}


@pytest.mark.parametrize("guard", GUARDS.values(), ids=GUARDS.keys())
def test_an_update_whose_guard_holds_writes_what_the_orm_writes(guard):
    patched, orm = twin_rows()
    now = timezone.now()
    fields = {"seq": 4, "stage": "complete", "status": Status.COMPLETE, "progress": 100, "finished_at": now,
              "lease_expires_at": None, "result": {"groups": {"File": {"FileName": "é.jpg"}}, "list": [1, 2.5, None]}}
    assert django_rows.update_where(ExtractionSession, patched, guard, fields) == 1
    assert ExtractionSession.objects.filter(pk=orm, **guard).update(**fields) == 1
    assert columns(patched) == columns(orm)
    assert ExtractionSession.objects.get(pk=patched).result == fields["result"]


@pytest.mark.parametrize("guard", [{"seq": 2}, {"lease_owner": "host:2:cd"}, {"status__in": (Status.PENDING,)},
                                   {"seq__lt": 3}, {"seq__lte": 2}])
def test_an_update_whose_guard_no_longer_holds_writes_nothing(guard):
    patched, _ = twin_rows()
    before = columns(patched)
    assert django_rows.update_where(ExtractionSession, patched, guard, {"seq": 9, "stage": "x"}) == 0
    assert columns(patched) == before


def test_a_datetime_guard_compares_as_the_orm_compares():
    patched, orm = twin_rows(lease_expires_at=timezone.now() - timedelta(seconds=5))
    cutoff = timezone.now()
    for pk, write in ((patched, lambda: django_rows.update_where(ExtractionSession, patched, {"lease_expires_at__lt": cutoff}, {"stage": "reaped"})),
                      (orm, lambda: ExtractionSession.objects.filter(pk=orm, lease_expires_at__lt=cutoff).update(stage="reaped"))):
        assert write() == 1
    assert columns(patched) == columns(orm)
    assert django_rows.update_where(ExtractionSession, patched, {"lease_expires_at__lt": cutoff - timedelta(hours=1)}, {"stage": "y"}) == 0


def test_the_read_by_id_loads_every_field_as_the_orm_does():
    patched, _ = twin_rows(result={"a": [1, {"b": "c"}]}, finished_at=timezone.now(), sha256="ab" * 32)
    by_patch, by_orm = django_rows.get_by_pk(ExtractionSession, patched), ExtractionSession.objects.get(pk=patched)
    fields = [field.attname for field in ExtractionSession._meta.concrete_fields]
    assert {name: getattr(by_patch, name) for name in fields} == {name: getattr(by_orm, name) for name in fields}
    assert django_rows.get_by_pk(ExtractionSession, "no-such-row-long-client-id") is None


@pytest.mark.parametrize("guard", [{"seq__gt": 1}, {"status__in": ()}, {"lease_expires_at": None}])
def test_a_guard_it_cannot_write_as_the_orm_would_is_refused_not_guessed(guard):
    patched, _ = twin_rows()
    with pytest.raises(ValueError):
        django_rows.update_where(ExtractionSession, patched, guard, {"stage": "x"})


@pytest.mark.parametrize("patched", [True, False], ids=["patch", "orm"])
def test_rows_goes_through_the_patch_only_while_its_switch_is_on(settings, monkeypatch, patched):
    settings.DJANGO_ROW_SQL_PATCH = patched
    calls = []
    for name in ("update_where", "get_by_pk"):
        real = getattr(django_rows, name)
        monkeypatch.setattr(django_rows, name, lambda *args, _real=real, _name=name: calls.append(_name) or _real(*args))
    pk, _ = twin_rows()
    assert rows.row_update(pk, {"seq": 3}, seq=4, stage="extract")
    assert not rows.row_update(pk, {"seq": 3}, seq=5)
    assert rows.row_get(pk).stage == "extract"
    assert calls == (["update_where", "update_where", "get_by_pk"] if patched else [])
