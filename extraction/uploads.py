"""An upload handler that streams to a temporary file and stops past MAX_UPLOAD_BYTES."""

from django.conf import settings
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
