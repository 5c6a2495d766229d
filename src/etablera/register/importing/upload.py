"""Refusing uploads that are too large without reading them.

A 2 GB upload must not be read into memory or even onto disk: ``content_too_large`` refuses it
from its Content-Length header before the body is touched, and ``LimitedUploadHandler`` stops
a body without (or with a false) Content-Length as soon as it passes the limit.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


def content_too_large(request: HttpRequest, limit: int) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    # The form fields and multipart boundaries add a little to the file itself.
    return length > limit + 64 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each uploaded file and stops the upload past ``limit``."""

    def __init__(self, limit: int, request=None) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int):
        return None
