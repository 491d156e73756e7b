"""The statements a session makes most: its guarded UPDATE at every stage and the read of its row by
primary key, each written once instead of built by the ORM on every call.

Each stage is saved with `UPDATE ... SET <fields> WHERE id = %s AND seq = %s AND lease_owner = %s`:
only the lease holder writes, and only over the state it read. Through the ORM (`filter().update()`)
building the QuerySet, its WHERE tree and compiling them took about 190 µs of Python per write, where
running the statement on SQLite takes about 40 µs; a session makes seven such writes, and the time
stamped into the row is taken before them, so the build was also in every progress message's latency
(docs/performance.md, change 21). Here the statement is built once per field set and database, and
each value still goes through its field's `get_db_prep_save`, as in the ORM's own UPDATE.

Reading a row by primary key (`filter(pk=...).first()`, `get()`) cost 210-270 µs the same way,
against about 95 µs through `raw()` with the statement written once (every socket's connect, every
claim; change 22). `raw()` still turns each column into its field's value (JSON, datetimes).
"""

from functools import lru_cache
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model


def update_if_current(row: Model, guard: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Save `fields` on `row`'s database row where its primary key and the `guard` fields still hold
    the given values (not None); True if the row was written. Plain values only, no expressions."""
    model = type(row)
    connection = connections[router.db_for_write(model, instance=row)]
    sql = _update_sql(model, connection.alias, tuple(fields), tuple(guard))
    meta = model._meta
    params = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in fields.items()]
    params.append(meta.pk.get_db_prep_value(row.pk, connection))
    params += [meta.get_field(name).get_db_prep_value(value, connection) for name, value in guard.items()]
    with transaction.mark_for_rollback_on_error(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount > 0


def row_by_pk(model: type[Model], pk: Any) -> Model | None:
    """The `model` row with primary key `pk`, every concrete field loaded, or None."""
    using = router.db_for_read(model)
    for row in model._default_manager.db_manager(using).raw(_select_sql(model, using), [pk]):
        return row
    return None


@lru_cache(maxsize=16)
def _select_sql(model: type[Model], alias: str) -> str:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"


@lru_cache(maxsize=64)
def _update_sql(model: type[Model], alias: str, names: tuple[str, ...], guard: tuple[str, ...]) -> str:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in names]
    for field in columns:
        if hasattr(field, "get_placeholder") or field.primary_key:
            raise ValueError(f"{model.__name__}.{field.name} needs the ORM's UPDATE")
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    conditions = " AND ".join(f"{quote(field.column)} = %s" for field in [meta.pk, *map(meta.get_field, guard)])
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {conditions}"
