"""daphne: build requests without Twisted's multipart parse, which nothing reads.

- Upstream: daphne 4.2.3 (`daphne/http_protocol.py`, `WebRequest`) on Twisted >= 24.7, whose
  `Request(parsePOSTFormSubmission=False)` switches the parse off. daphne does not pass it, and has
  no issue or PR for it; the text to file is in docs/upstream.md ("daphne: ..."). Related upstream:
  django/daphne#483 (a POST body held in memory), twisted/twisted#4519 (parse only when read).
- Why: Twisted parses every multipart body into `request.args` with Python's email parser, and
  daphne never reads `request.args` (Django parses the body itself): a third of a busy server's CPU
  and ~160 MB of memory per 50 MB upload.
- Benefit (docs/performance.md, "Changes on main", 1; same run, patch off against on): bare
  multipart 42 -> 203 uploads/s, product multipart 20.9 -> 38.7 sessions/s, p99 3.9 -> 1.9 s, RSS
  under five 50 MB multipart uploads +795 -> +54 MB. Measure again with
  `python -m bench --only e2e,memory --modes daphne-memory` once as is and once with
  `--env DAPHNE_MULTIPART_PATCH=0`.
- Switch: DAPHNE_MULTIPART_PATCH=0 (settings.DAPHNE_MULTIPART_PATCH) serves with daphne's own class.
"""

import sys

from django.conf import settings


def apply() -> bool:
    """Under daphne, make its request class pass `parsePOSTFormSubmission=False`; True if applied."""
    if not settings.DAPHNE_MULTIPART_PATCH:
        return False
    if "daphne.server" not in sys.modules:  # daphne not loaded (not in INSTALLED_APPS): nothing to patch
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
