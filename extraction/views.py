"""HTTP adapters: parse the request, call a service, render JSON."""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from imgmvp_site.errors import ApiError

from . import throttle
from .access import owner_fingerprint, session_may_view, session_token, token_session_id
from .connections import with_kept_connection
from .models import ExtractionSession
from .pipeline.formats import HEAD_BYTES, detect_format
from .selectors import session_get, session_state, session_state_for
from .services import NotCancellable, UploadRejected, session_cancel as cancel_service, session_id_check, session_submit
from .storage import StorageFailed
from .uploads import UploadTooLarge, request_body_limit, too_large_message, upload_from_raw_body

HTTP_STATUS = {
    "missing_file": 400,
    "empty_file": 400,
    "invalid_session_id": 400,
    "invalid_request": 400,
    "session_exists": 409,
    "file_too_large": 413,
    "unsupported_format": 415,
    "session_not_found": 404,
    "method_not_allowed": 405,
    "not_cancellable": 409,
    "csrf_failed": 403,
    "storage_full": 507,
    "storage_unavailable": 503,
    "busy": 503,
    "too_many_requests": 429,
}

# What a client is told to wait before trying again after a 503 or 507 (the database or storage).
RETRY_AFTER_SECONDS = 5

# The answer for a body that is no image, also given with a taken id (else 409 would say it is taken).
UNSUPPORTED_MESSAGE = "The file is not an image we read (JPEG, PNG, WebP, TIFF, GIF, BMP, HEIC/HEIF, AVIF, DNG)."


def error_response(code: str, message: str) -> JsonResponse:
    response = ApiError(code, message).response(HTTP_STATUS[code])
    if response.status_code in (503, 507):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def status_url(session_id: str) -> str:
    return reverse("extraction:session-status", kwargs={"session_id": session_id})


def _too_large() -> JsonResponse:
    return error_response("file_too_large", too_large_message())


def _body_size(request: HttpRequest) -> int:
    """The size of the body the ASGI handler already holds (a chunked request declares none)."""
    stream = request._stream  # Django's ASGIRequest: the spooled body file, whole by now
    here = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(here)
    return size


FORM_ENCODED = "application/x-www-form-urlencoded"


class Throttled(Exception):
    """This address failed too many session lookups; it may try again in `retry_after` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after


def _too_many(retry_after: int) -> JsonResponse:
    response = error_response(
        "too_many_requests", f"Too many failed session lookups from this address; try again in {retry_after} s."
    )
    response["Retry-After"] = str(retry_after)
    return response


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _browser_session_key(request: HttpRequest) -> str:
    """The Django session key the request came with ("" for a client with no session cookie)."""
    session = getattr(request, "session", None)
    return (session.session_key or "") if session is not None else ""


def _create_from_request(request: HttpRequest) -> ExtractionSession:
    owner_key = owner_fingerprint(_browser_session_key(request))
    if request.content_type == "multipart/form-data":
        if not request.META.get("CONTENT_LENGTH"):
            # Chunked: Django's multipart parser reads a body of the declared length only (0: none).
            request.META["CONTENT_LENGTH"] = str(_body_size(request))
        try:
            session_id = request.POST.get("session_id") or request.GET.get("session_id")
            return _submit(request, session_id=session_id, upload=request.FILES.get("file"), owner_key=owner_key)
        finally:
            # Closed here, not left to the collector: a request cancelled by its client's hang-up never
            # closes them, and a temporary file that storing moved away, unlinked again when collected,
            # logs "Exception ignored ... FileNotFoundError" (TemporaryUploadedFile.close expects that).
            for _, uploads in request.FILES.lists() if hasattr(request, "_files") else ():
                for upload in uploads:
                    upload.close()
    if request.content_type == FORM_ENCODED:  # `curl -d session_id=...`: a form, with no file in it
        session_id = request.POST.get("session_id") or request.GET.get("session_id")
        return _submit(request, session_id=session_id, upload=None, owner_key=owner_key)
    # A raw body (Content-Type: image/jpeg, application/octet-stream, ...) skips multipart parsing.
    session_id = request.GET.get("session_id")
    session_id_check(session_id)  # refuse a bad id before reading the body
    _throttle_check(request, session_id)
    name = unquote(request.headers.get("X-Filename") or request.GET.get("filename") or "upload")
    upload = upload_from_raw_body(request, name)
    try:
        return _submit(request, session_id=session_id, upload=upload, owner_key=owner_key)
    finally:
        if upload is not None:
            upload.close()


def _throttle_check(request: HttpRequest, session_id: str | None) -> None:
    """A client-chosen id is a lookup (a taken one answers 409): refused past the failed-lookup limit."""
    if session_id and (retry_after := throttle.lookups.retry_after(_address(request))):
        raise Throttled(retry_after)


def _submit(request: HttpRequest, *, session_id: str | None, upload, owner_key: str) -> ExtractionSession:
    _throttle_check(request, session_id)
    try:
        return session_submit(session_id=session_id, upload=upload, owner_key=owner_key)
    except UploadRejected as exc:
        if exc.code != "session_exists":
            raise
        throttle.lookups.failed(_address(request))
        # What a free id would get for this body: 409 only where a free id would have been stored.
        if upload is not None and upload.size:
            upload.seek(0)
            fmt = detect_format(upload.read(HEAD_BYTES))
            upload.seek(0)
            if fmt is None:
                raise UploadRejected("unsupported_format", UNSUPPORTED_MESSAGE) from None
        raise


# An upload is stored and its row written on a pool of threads that keep their database connection,
# not on the request's own thread, where Django opens a connection and closes it for every request.
# A pool of its own, so uploads never wait behind extractions; past UPLOAD_THREADS at once they queue.
UPLOAD_THREADS = 8
_upload_pool = ThreadPoolExecutor(max_workers=UPLOAD_THREADS, thread_name_prefix="upload")
_create_in_pool = sync_to_async(
    with_kept_connection(_create_from_request), thread_sensitive=False, executor=_upload_pool
)


# What Django raises for a multipart body it cannot parse or will not hold (it would answer with an
# HTML 400 page and log a traceback; an API client gets the JSON error).
UNREADABLE_FORM = (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


@csrf_exempt  # an API for curl and scripts: no cookie-based auth is trusted here
async def extract(request: HttpRequest) -> JsonResponse:
    """POST /api/images_mvp/extract: store the upload, answer 202; the row's commit dispatches the extraction."""
    if request.method != "POST":
        return error_response("method_not_allowed", "Use POST with a multipart 'file' field or a raw image body.")
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > request_body_limit():
            return _too_large()
    except ValueError:
        return error_response("invalid_request", "The Content-Length header is not a number.")
    try:
        session = await _create_in_pool(request)
    except UploadTooLarge:
        return _too_large()
    except Throttled as exc:
        return _too_many(exc.retry_after)
    except (UploadRejected, StorageFailed) as exc:
        return error_response(exc.code, exc.message)
    except UNREADABLE_FORM as exc:
        return error_response("invalid_request", f"The multipart body could not be read: {exc}")
    scheme = "wss" if request.is_secure() else "ws"
    token = session_token(session.id)
    return JsonResponse(
        {
            "sessionId": session.id,
            "status": session.status,
            "message": "File upload started",
            "token": token,
            "progressUrl": f"{scheme}://{request.get_host()}/api/images_mvp/progress/{session.id}?token={token}",
            "statusUrl": request.build_absolute_uri(f"{status_url(session.id)}?token={token}"),
        },
        status=202,
    )


_state_for = sync_to_async(session_state_for)


@csrf_exempt  # read-only: any other method gets the JSON 405 below, not the CSRF check's HTML 403
async def session_status(request: HttpRequest, session_id: str) -> JsonResponse:
    """GET /api/images_mvp/sessions/<id>: the session's saved state, for those who may see it."""
    if request.method != "GET":
        return error_response("method_not_allowed", "Use GET.")
    token = request.GET.get("token")
    guessing = token_session_id(token) != session_id  # the token's holder guesses nothing
    if guessing and (retry_after := throttle.lookups.retry_after(_address(request))):
        return _too_many(retry_after)
    state = await _state_for(session_id, token=token, session_key=_browser_session_key(request))
    if not isinstance(state, dict):  # refused gets the same 404 as missing: do not reveal that it exists
        if guessing:
            throttle.lookups.failed(_address(request))
        return error_response("session_not_found", f"No session {session_id}.")
    return JsonResponse(state)


def _cancel(request: HttpRequest, session_id: str) -> dict | JsonResponse:
    """The cancelled session's state, or the error answer (a hidden session is the same 404 as a missing one)."""
    token = request.GET.get("token")
    session = session_get(session_id)
    if session is None or not session_may_view(session, token=token, session_key=_browser_session_key(request)):
        return error_response("session_not_found", f"No session {session_id}.")
    if token_session_id(token) != session_id and session.owner_key:
        # Allowed by the uploader's cookie alone: a cross-site form could ride on it, so the page's CSRF token is due.
        if CsrfViewMiddleware(lambda _: None).process_view(request, None, (), {}) is not None:
            return error_response("csrf_failed", "Send the page's CSRF token (X-CSRFToken) or the session's token.")
    try:
        return session_state(cancel_service(session=session))
    except NotCancellable as exc:
        return error_response("not_cancellable", str(exc))


_cancel_in_pool = sync_to_async(with_kept_connection(_cancel), thread_sensitive=False, executor=_upload_pool)


@csrf_exempt  # the token is the credential; a cookie-only request is CSRF-checked in _cancel
async def session_cancel(request: HttpRequest, session_id: str) -> JsonResponse:
    """POST /api/images_mvp/sessions/<id>/cancel: stop a pending or processing session, delete its files."""
    if request.method != "POST":
        return error_response("method_not_allowed", "Use POST.")
    answer = await _cancel_in_pool(request, session_id)
    return answer if isinstance(answer, JsonResponse) else JsonResponse(answer)
