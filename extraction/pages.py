"""Browser pages: thin views that render templates."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def upload_page(request: HttpRequest) -> HttpResponse:
    """GET /: the upload page; gives the visitor a Django session so its cookie can mark them as uploader."""
    request.session.setdefault("uploader", True)
    return render(request, "extraction/upload.html", {"max_upload_bytes": settings.MAX_UPLOAD_BYTES})
