"""Django's ORM: one model row's guarded UPDATE and its read by primary key, as statements built once.

- Upstream: Django 5.2.19. `QuerySet.filter(...).update(...)` and `filter(pk=...).first()` build a
  `Query`, its WHERE tree and its SQL again on every call: about 0.27 ms of Python per UPDATE and
  0.3-0.4 ms per read on this machine, against 0.03 ms to run the UPDATE on SQLite
  (docs/performance.md, change 25). A session makes nine such writes and two reads in the web
  process, whose one GIL is the bottleneck once the pipeline runs in child processes. No upstream
  ticket asks for reusable compiled statements in this form yet; the text to file is in
  docs/upstream.md ("Django: reuse the SQL of a repeated single-row UPDATE").
- What this does instead: the statement is built once per model, database and field and guard names
  (`lru_cache`), and each value still goes through its field's `get_db_prep_save` (assignments) or
  `get_db_prep_value` (conditions), as the ORM's own UPDATE does; the read is `raw()` with a statement
  built once, which still turns each column into its field's value. Guards are `name` or
  `name__lookup` for the lookups `exact`, `in`, `lt` and `lte`, plain values, not None: anything else
  raises `ValueError` rather than be guessed.
- Benefit, same run, switch on against off: see docs/performance.md (change 25) and docs/upstream.md;
  `python -m bench.trees .,DJANGO_ROW_SQL_PATCH=0 . --rounds 3`.
- Switch: DJANGO_ROW_SQL_PATCH=0 makes `extraction.rows` use the ORM's `filter().update()` and
  `filter().first()`.
"""

from functools import lru_cache
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model

OPERATORS = {"exact": "= %s", "lt": "< %s", "lte": "<= %s"}


def update_where(model: type[Model], pk: Any, guard: dict[str, Any], fields: dict[str, Any]) -> int:
    """UPDATE `model`'s row `pk` with `fields` where every `guard` lookup holds; the rows written (0 or 1)."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    if any(value is None for value in guard.values()):
        raise ValueError("a None guard needs the ORM (IS NULL)")
    shape = tuple((name, len(value) if name.endswith("__in") else None) for name, value in guard.items())
    sql = _update_sql(model, alias, tuple(fields), shape)
    params = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in fields.items()]
    params.append(meta.pk.get_db_prep_value(pk, connection))
    for name, value in guard.items():
        field = meta.get_field(name.partition("__")[0])
        values = value if name.endswith("__in") else [value]
        params += [field.get_db_prep_value(item, connection) for item in values]
    with transaction.mark_for_rollback_on_error(using=alias):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount


def get_by_pk(model: type[Model], pk: Any) -> Model | None:
    """`model`'s row with primary key `pk`, every concrete field loaded, or None."""
    alias = router.db_for_read(model)
    for row in model._default_manager.db_manager(alias).raw(_select_sql(model, alias), [pk]):
        return row
    return None


@lru_cache(maxsize=16)
def _select_sql(model: type[Model], alias: str) -> str:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"


@lru_cache(maxsize=128)
def _update_sql(model: type[Model], alias: str, names: tuple[str, ...], guard: tuple[tuple[str, int | None], ...]) -> str:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in names]
    for field in columns:
        if not field.concrete or field.primary_key or hasattr(field, "get_placeholder"):
            raise ValueError(f"{model.__name__}.{field.name} needs the ORM's UPDATE")
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    conditions = [f"{quote(meta.pk.column)} = %s"]
    for name, count in guard:
        field_name, _, lookup = name.partition("__")
        column = quote(meta.get_field(field_name).column)
        if lookup == "in":
            if not count:
                raise ValueError(f"{name}: an empty IN matches nothing; use the ORM")
            conditions.append(f"{column} IN ({', '.join(['%s'] * count)})")
        elif lookup in OPERATORS or not lookup:
            conditions.append(f"{column} {OPERATORS[lookup or 'exact']}")
        else:
            raise ValueError(f"{name}: the lookup {lookup!r} needs the ORM")
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {' AND '.join(conditions)}"
