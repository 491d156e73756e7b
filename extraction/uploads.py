"""An upload handler that streams to a temporary file and stops past MAX_UPLOAD_BYTES."""

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


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
        return super().receive_data_chunk(raw_data, start)


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
            upload.write(chunk)
    except BaseException:
        upload.close()
        raise
    if size == 0:
        upload.close()
        return None
    upload.size = size
    upload.seek(0)
    return upload
