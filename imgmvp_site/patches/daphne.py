"""daphne: build requests without Twisted's multipart parse, and refuse bodies over the upload cap
while they stream, before any of them reaches the ASGI app.

- Upstream: daphne 4.2.3 (`daphne/http_protocol.py`, `WebRequest`) on Twisted >= 24.7, whose
  `Request(parsePOSTFormSubmission=False)` switches the parse off. daphne does not pass it, and has
  no issue or PR for it; the text to file is in docs/upstream.md ("daphne: ..."). Related upstream:
  django/daphne#483 (a POST body held in memory), twisted/twisted#4519 (parse only when read).
- Why (parse): Twisted parses every multipart body into `request.args` with Python's email parser,
  and daphne never reads `request.args` (Django parses the body itself): a third of a busy server's
  CPU and ~160 MB of memory per 50 MB upload.
- Why (cap): daphne holds the whole body (Twisted's request content: memory, then a temporary file)
  before the app sees a byte, so the app's MAX_UPLOAD_BYTES check came after the body arrived: a
  2 GiB body against a 5 MiB cap took 18 s to refuse and 4 GiB of /tmp (issue 14). Here a declared
  `Content-Length` over the cap (`extraction.uploads.request_body_limit`) is answered with
  `413 file_too_large` (the house JSON shape) as soon as the headers are read, and a chunked body is
  cut the moment it crosses the cap; what was received is dropped. The connection reads and discards
  for REFUSED_LINGER_SECONDS more (so the client reads the answer instead of a reset), then closes.
- Benefit (docs/performance.md, "Changes on main", 1; same run, patch off against on): bare
  multipart 42 -> 203 uploads/s, product multipart 20.9 -> 38.7 sessions/s, p99 3.9 -> 1.9 s, RSS
  under five 50 MB multipart uploads +795 -> +54 MB. Measure again with
  `python -m bench --only e2e,memory --modes daphne-memory` once as is and once with
  `--env DAPHNE_MULTIPART_PATCH=0`. The cap: tests/e2e/test_abuse_uploads.py.
- Switch: DAPHNE_MULTIPART_PATCH=0 (settings.DAPHNE_MULTIPART_PATCH) serves with daphne's own class;
  then the app's own checks (`extraction.views.extract`, `extraction.uploads`) still refuse, later.
"""

import io
import json
import sys

from django.conf import settings

# After a refusal, how long the connection keeps reading (and dropping) what the client still sends.
REFUSED_LINGER_SECONDS = 1.0


def _refusal(limit: int) -> bytes:
    from extraction.uploads import too_large_message  # imported late: apply() runs once Django is set up

    body = json.dumps({"error": "file_too_large", "message": too_large_message()}).encode()
    head = (
        "HTTP/1.1 413 Content Too Large\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return head + body


def apply() -> bool:
    """Under daphne, make its request class skip the form parse and cap bodies; True if applied."""
    if not settings.DAPHNE_MULTIPART_PATCH:
        return False
    if "daphne.server" not in sys.modules:  # daphne not loaded (not in INSTALLED_APPS): nothing to patch
        return False
    from daphne import http_protocol

    from extraction.uploads import request_body_limit

    if getattr(http_protocol.WebRequest, "skips_form_parsing", False):
        return True

    class WebRequestWithoutFormParse(http_protocol.WebRequest):
        skips_form_parsing = True

        def __init__(self, *args, **kwargs):
            super().__init__(*args, parsePOSTFormSubmission=False, **kwargs)
            self.body_limit = request_body_limit()
            self.body_received = 0
            self.body_refused = False

        def gotLength(self, length):
            if length is not None and length > self.body_limit:
                self.requestHeaders.removeHeader(b"Expect")  # no "100 Continue" for a body we refuse
                self.content = io.BytesIO()
                self._refuse()
                return
            super().gotLength(length)

        def handleContentChunk(self, data):
            if self.body_refused:
                return  # dropped: neither memory nor disk holds a refused body
            self.body_received += len(data)
            if self.body_received > self.body_limit:
                self._refuse()
                return
            super().handleContentChunk(data)

        def process(self):
            if self.body_refused:
                return None  # answered already; the app never sees this request
            return super().process()

        def _refuse(self) -> None:
            from twisted.internet import reactor

            self.body_refused = True
            if self.content is not None and not self.content.closed:
                self.content.close()  # a temporary file past 100 kB: closing deletes it
            self.content = io.BytesIO()
            transport = self.channel.transport
            transport.write(_refusal(self.body_limit))
            try:
                transport.loseWriteConnection()  # the answer, then FIN; reading goes on (dropped)
            except (AttributeError, NotImplementedError):
                pass
            reactor.callLater(REFUSED_LINGER_SECONDS, transport.abortConnection)

    # daphne's factory looks the class up by this module-level name for every new connection.
    http_protocol.WebRequest = WebRequestWithoutFormParse
    return True
