"""HTTP adapters for resumable uploads over tus 1.0 (core, creation, termination, expiration)."""

import base64
import binascii
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from . import resumable, throttle
from .access import owner_fingerprint, session_token
from .connections import with_kept_connection
from .resumable import UploadBusy, UploadRejected
from .tus_store import UploadInfo
from .uploads import request_body_limit

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,expiration"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"

HTTP_STATUS = {
    "invalid_request": 400,
    "invalid_session_id": 400,
    "empty_file": 400,
    "upload_not_found": 404,
    "method_not_allowed": 405,
    "offset_mismatch": 409,
    "session_exists": 409,
    "upload_finished": 409,
    "tus_version_unsupported": 412,
    "file_too_large": 413,
    "upload_length_exceeded": 413,
    "invalid_content_type": 415,
    "unsupported_format": 415,
    "upload_locked": 423,
    "too_many_requests": 429,
    "busy": 503,
    "storage_unavailable": 503,
    "storage_full": 507,
}
RETRY_AFTER_SECONDS = 5

# Appending and finishing touch the disk and the database: on threads that keep their connection,
# a pool of their own so resumable uploads never wait behind extractions (as views.extract does).
_tus_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tus")


def _in_pool(func):
    return sync_to_async(with_kept_connection(func), thread_sensitive=False, executor=_tus_pool)


def _tus_headers(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _error(code: str, message: str) -> HttpResponse:
    response = _tus_headers(JsonResponse({"error": code, "message": message}, status=HTTP_STATUS[code]))
    response.error_code = code
    if code == "tus_version_unsupported":
        response["Tus-Version"] = TUS_VERSION
    if response.status_code in (503, 507):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _throttled(request: HttpRequest) -> HttpResponse | None:
    """The 429 for an address past the failed-lookup limit (asked before any lookup: the answer is the
    same whether the id exists or not), else None."""
    retry_after = throttle.lookups.retry_after(_address(request))
    if not retry_after:
        return None
    response = _error("too_many_requests",
                      f"Too many failed session lookups from this address; try again in {retry_after} s.")
    response["Retry-After"] = str(retry_after)
    return response


def _counted(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Count a lookup that found nothing (an unknown upload id) or a taken session id as a failure."""
    if response.status_code in (404, 409) and getattr(response, "error_code", "") in LOOKUP_FAILURES:
        throttle.lookups.failed(_address(request))
    return response


# The answers that tell a guesser something: counted against the address like a failed session lookup.
LOOKUP_FAILURES = ("upload_not_found", "session_exists")


def _method(request: HttpRequest) -> str:
    """The request's method, or the one X-HTTP-Method-Override names (for clients that cannot send PATCH)."""
    override = request.headers.get("X-HTTP-Method-Override", "")
    return override.upper() if request.method == "POST" and override else request.method


def _int_header(request: HttpRequest, name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


def parse_metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: `key base64value` pairs, comma-separated; ValueError when malformed."""
    metadata: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = pair.partition(" ")
        if not key or " " in encoded.strip():
            raise ValueError(f"bad Upload-Metadata pair {pair!r}")
        try:
            metadata[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ValueError(f"Upload-Metadata value of {key!r} is not base64 of UTF-8 text") from None
    return metadata


def _expiry_headers(response: HttpResponse, info: UploadInfo) -> HttpResponse:
    response["Upload-Expires"] = http_date(info.expires_at(settings.UPLOAD_EXPIRY_SECONDS))
    return response


def _options() -> HttpResponse:
    response = _tus_headers(HttpResponse(status=204))
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = TUS_EXTENSIONS
    response["Tus-Max-Size"] = str(settings.MAX_UPLOAD_BYTES)
    return response


def _session_body(request: HttpRequest, session_id: str) -> dict:
    token = session_token(session_id)
    scheme = "wss" if request.is_secure() else "ws"
    status_path = reverse("extraction:session-status", args=[session_id])
    return {
        "sessionId": session_id,
        "status": "processing",
        "message": "File upload started",
        "token": token,
        "progressUrl": f"{scheme}://{request.get_host()}/api/images_mvp/progress/{session_id}?token={token}",
        "statusUrl": request.build_absolute_uri(f"{status_path}?token={token}"),
    }


def _with_session(response: HttpResponse, body: dict) -> HttpResponse:
    """tus clients read headers, not bodies: the session's links are in both."""
    response["Imgmvp-Session-Id"] = body["sessionId"]
    response["Imgmvp-Token"] = body["token"]
    response["Imgmvp-Status-Url"] = body["statusUrl"]
    response["Imgmvp-Progress-Url"] = body["progressUrl"]
    return response


@csrf_exempt  # an API for tus clients and scripts: no cookie-based auth is trusted here
async def uploads(request: HttpRequest) -> HttpResponse:
    """OPTIONS /api/images_mvp/uploads/: what we support; POST: create an upload (tus creation)."""
    method = _method(request)
    if method == "OPTIONS":
        return _options()
    if method != "POST":
        return _error("method_not_allowed", "Use POST to create an upload, OPTIONS to ask what is supported.")
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _error("tus_version_unsupported", f"Send Tus-Resumable: {TUS_VERSION}.")
    length = _int_header(request, "Upload-Length")
    if length is None:
        return _error("invalid_request", "Upload-Length is required: the file's size in bytes (deferred lengths are not supported).")
    try:
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    except ValueError as exc:
        return _error("invalid_request", str(exc))
    if metadata.get("session_id") and (refused := _throttled(request)):
        return refused  # a client-chosen id is a lookup (a taken one answers 409)
    session = getattr(request, "session", None)
    owner_key = owner_fingerprint(session.session_key if session is not None else "")
    try:
        info = await _in_pool(resumable.resumable_create)(length=length, metadata=metadata, owner_key=owner_key)
    except UploadRejected as exc:
        return _counted(request, _error(exc.code, exc.message))
    response = _expiry_headers(_tus_headers(HttpResponse(status=201)), info)
    response["Location"] = request.build_absolute_uri(reverse("extraction:tus-upload", args=[info.id]))
    response["Upload-Offset"] = "0"
    return response


@csrf_exempt
async def upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    """HEAD: how many bytes the server holds; PATCH: append bytes; DELETE: end the upload."""
    method = _method(request)
    if method == "OPTIONS":
        return _options()
    if method not in ("HEAD", "PATCH", "DELETE"):
        return _error("method_not_allowed", "Use HEAD, PATCH or DELETE on an upload.")
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _error("tus_version_unsupported", f"Send Tus-Resumable: {TUS_VERSION}.")
    if refused := _throttled(request):
        return refused
    return _counted(request, await _on_upload(request, method, upload_id))


async def _on_upload(request: HttpRequest, method: str, upload_id: str) -> HttpResponse:
    not_found = f"No upload {upload_id}; it may have expired or ended."
    if method == "HEAD":
        info = await _in_pool(resumable.resumable_get)(upload_id)
        if info is None:
            return _error("upload_not_found", not_found)
        response = _expiry_headers(_tus_headers(HttpResponse(status=200)), info)
        response["Upload-Offset"] = str(info.offset)
        response["Upload-Length"] = str(info.length)
        if info.finished_session:
            _with_session(response, _session_body(request, info.finished_session))
        return response
    if method == "DELETE":
        try:
            removed = await _in_pool(resumable.resumable_terminate)(upload_id=upload_id)
        except UploadBusy:
            return _error("upload_locked", "Another request is writing this upload; try again.")
        return _tus_headers(HttpResponse(status=204)) if removed else _error("upload_not_found", not_found)
    return await _patch(request, upload_id)


async def _patch(request: HttpRequest, upload_id: str) -> HttpResponse:
    if request.content_type != OFFSET_CONTENT_TYPE:
        return _error("invalid_content_type", f"PATCH bodies are sent as Content-Type: {OFFSET_CONTENT_TYPE}.")
    offset = _int_header(request, "Upload-Offset")
    if offset is None:
        return _error("invalid_request", "Upload-Offset is required: the byte this body starts at.")
    if (_int_header(request, "Content-Length") or 0) > request_body_limit():
        # No PATCH body may be longer than a whole upload (daphne's patch refuses it before it is read).
        return _error("file_too_large", resumable.too_large_message())
    try:
        info, session = await _in_pool(resumable.resumable_append)(upload_id=upload_id, offset=offset, stream=request)
    except UploadBusy:
        return _error("upload_locked", "Another request is writing this upload; try again.")
    except UploadRejected as exc:
        return _error(exc.code, exc.message)
    if session is None:
        response = _expiry_headers(_tus_headers(HttpResponse(status=204)), info)
        response["Upload-Offset"] = str(info.offset)
        return response
    body = _session_body(request, session.id)
    response = _with_session(_tus_headers(JsonResponse(body, status=200)), body)
    response["Upload-Offset"] = str(info.offset)
    return response

