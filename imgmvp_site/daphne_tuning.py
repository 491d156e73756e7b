"""Makes daphne skip Twisted's own multipart parse, which nothing reads and which costs the most."""

import sys


def skip_twisted_form_parsing() -> bool:
    """Under daphne, build requests with Twisted's `parsePOSTFormSubmission=False`; True if applied.

    Twisted parses every multipart body into `request.args` with Python's email parser (a third of a
    busy server's CPU and ~160 MB of memory per 50 MB upload in bench/), and daphne never reads
    `request.args`: Django parses the body itself. Twisted >= 24.7 can switch the parse off.
    """
    if "daphne.server" not in sys.modules:  # not served by daphne (uvicorn, tests): nothing to do
        return False
    from daphne import http_protocol

    if getattr(http_protocol.WebRequest, "skips_form_parsing", False):
        return True

    class WebRequestWithoutFormParse(http_protocol.WebRequest):
        skips_form_parsing = True

        def __init__(self, *args, **kwargs):
            super().__init__(*args, parsePOSTFormSubmission=False, **kwargs)

    # daphne's factory looks the class up by this module-level name for every new connection.
    http_protocol.WebRequest = WebRequestWithoutFormParse
    return True
