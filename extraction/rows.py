"""The one write to an existing session row and the one read of a row by its id.

Services (`services._row_update`), the selector (`selectors.session_get`) and the sweeps of previews
and clean copies and the mark of a job that could not be published (`tasks`) all go through these two. With DJANGO_ROW_SQL_PATCH on (the default) they run
statements built once (`imgmvp_site/patches/django_rows.py`), else the ORM's `filter().update()` and
`filter().first()`: the same rows, the same values.
"""

from typing import Any

from django.conf import settings

from imgmvp_site.patches import django_rows

from .models import ExtractionSession


def row_update(session_id: str, guard: dict[str, Any], **fields: Any) -> bool:
    """Write `fields` on the row `session_id` where every `guard` lookup (`name`, `name__in`,
    `name__lt`, `name__lte`) still holds; True if the row was written."""
    if settings.DJANGO_ROW_SQL_PATCH:
        return django_rows.update_where(ExtractionSession, session_id, guard, fields) == 1
    return ExtractionSession.objects.filter(pk=session_id, **guard).update(**fields) == 1


def row_get(session_id: str) -> ExtractionSession | None:
    """The row `session_id`, or None."""
    if settings.DJANGO_ROW_SQL_PATCH:
        return django_rows.get_by_pk(ExtractionSession, session_id)
    return ExtractionSession.objects.filter(pk=session_id).first()
