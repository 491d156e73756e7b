"""An upload handler that streams to a temporary file and stops past MAX_UPLOAD_BYTES."""

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from .storage import storage_failure


# A request body may pass MAX_UPLOAD_BYTES by this much (a multipart form's boundaries, headers and
# small fields) before it is refused unread: by daphne as it streams (imgmvp_site/patches/daphne.py)
# and by `views.extract` from its Content-Length.
BODY_ALLOWANCE_BYTES = 1024 * 1024


def request_body_limit() -> int:
    """The most bytes any request body may have."""
    return settings.MAX_UPLOAD_BYTES + BODY_ALLOWANCE_BYTES


def too_large_message() -> str:
    limit = settings.MAX_UPLOAD_BYTES
    return f"The file is larger than the {limit / 1048576:.1f} MiB ({limit} bytes) allowed."


class UploadTooLarge(Exception):
    """The upload passed MAX_UPLOAD_BYTES; what was received is already deleted."""


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Never holds an upload in memory, and refuses it the moment it passes the limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.MAX_UPLOAD_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            raise UploadTooLarge()
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError as exc:  # the temporary folder is full or gone: a storage failure, not a 500
            self.file.close()
            raise storage_failure(exc) from exc


RAW_CHUNK_BYTES = 256 * 1024


def upload_from_raw_body(request, name: str) -> TemporaryUploadedFile | None:
    """Stream a raw request body (Content-Type: image/...) to a temporary file, within the limit.

    Returns None for an empty body. The cheaper path for clients: no multipart parsing at all.
    """
    limit = settings.MAX_UPLOAD_BYTES
    upload = TemporaryUploadedFile(name, request.content_type or "", 0, None)
    size = 0
    try:
        while chunk := request.read(RAW_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge()
            try:
                upload.write(chunk)
            except OSError as exc:  # the temporary folder is full or gone
                raise storage_failure(exc) from exc
    except BaseException:
        upload.close()
        raise
    if size == 0:
        upload.close()
        return None
    upload.size = size
    upload.seek(0)
    return upload
