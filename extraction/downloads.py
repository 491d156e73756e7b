"""HTTP adapters for a session's stored files: its clean copy (`/sessions/<id>/clean`, or several as one
streamed ZIP) and its preview (`/sessions/<id>/preview`)."""

import zipfile
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.http import FileResponse, HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from imgmvp_site.errors import ApiError

from .access import session_may_view
from .clean_copies import clean_download_name, clean_open
from .models import ExtractionSession
from .pipeline.clean import KEEP_CHOICES, KEEP_DEFAULT
from .previews import CONTENT_TYPE as PREVIEW_TYPE, preview_open, preview_shown
from .selectors import session_get
from .storage import upload_storage

MAX_ZIP_SESSIONS = 100
STATUS = {"session_not_found": 404, "method_not_allowed": 405, "invalid_request": 400, "not_ready": 409,
          "clean_copy_expired": 410, "clean_unsupported": 422, "clean_failed": 422, "no_preview": 404}


def _error(code: str, message: str) -> JsonResponse:
    return ApiError(code, message).response(STATUS[code])


def _session_key(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    return (session.session_key or "") if session is not None else ""


def _visible(session_id: str, token: str | None, session_key: str) -> ExtractionSession | None:
    """The session when the request may see it, else None (a missing and a hidden session look the same)."""
    session = session_get(session_id)
    if session is None or not session_may_view(session, token=token, session_key=session_key):
        return None
    return session


def clean_refusal(session: ExtractionSession) -> tuple[str, str] | None:
    """Why this session's clean copy cannot be served, as (code, message); None when it can."""
    if session.status != ExtractionSession.Status.COMPLETE:
        return "not_ready", f"The session is {session.status}: its clean copy is made when the extraction completes."
    clean = (session.result or {}).get("clean")
    if clean and not clean.get("ok"):
        error = clean.get("error") or {}
        code = error.get("code") if error.get("code") in ("clean_unsupported", "clean_failed") else "clean_failed"
        return code, error.get("message") or "No clean copy could be made."
    if not session.clean_path:
        if session.clean_expires_at and session.clean_expires_at <= timezone.now():
            return "clean_copy_expired", "The clean copy was deleted when its retention ended."
        return "clean_copy_expired", "No clean copy is kept for this session."
    return None


@csrf_exempt  # read-only; other methods get the JSON 405
async def session_clean(request: HttpRequest, session_id: str):
    """GET /api/images_mvp/sessions/<id>/clean[?keep=none]: the verified clean copy, as an attachment."""
    if request.method != "GET":
        return _error("method_not_allowed", "Use GET.")
    keep = request.GET.get("keep", KEEP_DEFAULT)
    if keep not in KEEP_CHOICES:
        return _error("invalid_request", f"keep must be one of {', '.join(KEEP_CHOICES)}.")
    session = await sync_to_async(_visible)(session_id, request.GET.get("token"), _session_key(request))
    if session is None:
        return _error("session_not_found", f"No session {session_id}.")
    refusal = clean_refusal(session)
    if refusal is not None:
        return _error(*refusal)
    handle = await sync_to_async(clean_open, thread_sensitive=False)(session, keep=keep)
    name = await sync_to_async(clean_download_name, thread_sensitive=False)(session)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=session.mime_type or None)


@csrf_exempt  # read-only; other methods get the JSON 405
async def session_preview(request: HttpRequest, session_id: str):
    """GET /api/images_mvp/sessions/<id>/preview: the session's small JPEG preview, while it is kept."""
    if request.method != "GET":
        return _error("method_not_allowed", "Use GET.")
    session = await sync_to_async(_visible)(session_id, request.GET.get("token"), _session_key(request))
    if session is None:
        return _error("session_not_found", f"No session {session_id}.")
    try:
        handle = await sync_to_async(preview_open, thread_sensitive=False)(session) if preview_shown(session) else None
    except FileNotFoundError:  # deleted by the expiry pass or a cancel between the read and the open
        handle = None
    if handle is None:
        return _error("no_preview", "No preview is kept for this session.")
    response = FileResponse(handle, content_type=PREVIEW_TYPE)
    # Behind the session's token or cookie: no shared cache may keep it.
    response["Cache-Control"] = "private, max-age=300"
    return response


@csrf_exempt
async def clean_zip(request: HttpRequest):
    """GET /api/images_mvp/clean-copies.zip?s=<id>[:<token>]&s=...: every clean copy the request may see, zipped."""
    if request.method != "GET":
        return _error("method_not_allowed", "Use GET.")
    wanted = request.GET.getlist("s")[: MAX_ZIP_SESSIONS + 1]
    if not wanted or len(wanted) > MAX_ZIP_SESSIONS:
        return _error("invalid_request", f"Name 1 to {MAX_ZIP_SESSIONS} sessions as s=<id> or s=<id>:<token>.")
    entries = await sync_to_async(_zip_entries)(wanted, _session_key(request))
    if not entries:
        return _error("session_not_found", "None of these sessions has a clean copy you may download.")
    response = StreamingHttpResponse(_async_chunks(_zip_stream(entries)), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="clean-copies.zip"'
    return response


def _zip_entries(wanted: list[str], session_key: str) -> list[tuple[str, str]]:
    entries, names = [], set()
    for item in wanted:
        session_id, _, token = item.partition(":")
        session = _visible(session_id, token or None, session_key)
        if session is None or clean_refusal(session) is not None:
            continue
        name, number = clean_download_name(session), 1
        while name in names:
            number += 1
            stem, dot, ext = clean_download_name(session).rpartition(".")
            name = f"{stem}-{number}.{ext}" if dot else f"{ext}-{number}"
        names.add(name)
        entries.append((name, session.clean_path))
    return entries


class _Sink:
    """A write-only stream for zipfile: what it writes is handed on in chunks, nothing is kept."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def _zip_stream(entries: list[tuple[str, str]]) -> Iterator[bytes]:
    sink, storage = _Sink(), upload_storage()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:  # images are compressed already
        for name, stored in entries:
            with storage.open(stored, "rb") as source, archive.open(name, "w", force_zip64=True) as target:
                while chunk := source.read(1 << 18):
                    target.write(chunk)
                    yield sink.drain()
    yield sink.drain()


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    end = object()
    step = sync_to_async(lambda: next(chunks, end), thread_sensitive=False)
    while (chunk := await step()) is not end:
        if chunk:
            yield chunk
