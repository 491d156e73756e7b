"""Browser pages: thin views that render templates."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


def duration_words(seconds: int) -> str:
    """A retention period as a person says it: "an hour", "2 hours", "30 minutes", "90 seconds"."""
    for size, one, many in ((86400, "a day", "days"), (3600, "an hour", "hours"), (60, "a minute", "minutes")):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return one if count == 1 else f"{count} {many}"
    return "a second" if seconds == 1 else f"{seconds} seconds"


def retention_text() -> str:
    """The page's one line on how long files are kept, from KEEP_UPLOADS and CLEAN_COPY_SECONDS."""
    originals = ("Originals are kept on this server (KEEP_UPLOADS is on)" if settings.KEEP_UPLOADS
                 else "Originals are deleted as soon as they are read")
    if settings.CLEAN_COPY_SECONDS <= 0:
        return f"{originals}; no clean copies are made."
    return f"{originals}; clean copies after {duration_words(settings.CLEAN_COPY_SECONDS)}."


@require_safe
def upload_page(request: HttpRequest) -> HttpResponse:
    """GET /: the upload page; gives the visitor a Django session so its cookie can mark them as uploader."""
    request.session.setdefault("uploader", True)
    return render(request, "extraction/upload.html", {
        "max_upload_bytes": settings.MAX_UPLOAD_BYTES,
        "resumable_min_bytes": settings.RESUMABLE_UPLOAD_MIN_BYTES,
        "clean_copy_seconds": max(0, settings.CLEAN_COPY_SECONDS),
        "retention_text": retention_text(),
    })
