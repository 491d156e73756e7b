"""daphne: redact watch tokens from the access log its command line writes.

- Upstream: daphne 4.2.3 (`daphne/cli.py`, `CommandLineInterface.run`; `daphne/access.py`,
  `AccessLogGenerator`). At verbosity 1 (the default) or with `--access-log`, the `daphne` command
  writes NCSA lines straight to stdout or a file, not through `logging`, so the `LOGGING` filter
  (imgmvp_site.redaction.RedactTokens) never sees them; each HTTP line holds the full URI with its
  query string, `?token=...` included. `manage.py runserver` goes through the `django.channels.server`
  logger instead, which LOGGING filters. Upstream: django/daphne#333 (why the access log bypasses
  `logging`; a maintainer agreed it could use it), django/daphne#473 (open PR converting it to `logging`;
  once released, the LOGGING filter covers the `daphne` command too and this file can go).
- Why: a watch token in a log file lets whoever reads the log watch (and read) that session.
- How: `daphne.cli.run` builds `AccessLogGenerator(stream)` by module-level name after it imported
  the ASGI application, so replacing that name at import time is enough; the same stream, the same
  line, with tokens replaced by [redacted]. Measured by tests/e2e/test_logs.py.
- No switch back: upstream's behaviour here is the leak itself.
"""

import sys


def apply() -> bool:
    """Under the `daphne` command line, make its access log redact tokens; True if applied."""
    cli = sys.modules.get("daphne.cli")
    if cli is None:  # not started by `daphne` (runserver, uvicorn, tests): nothing to patch
        return False
    if getattr(cli.AccessLogGenerator, "redacts_tokens", False):
        return True
    from imgmvp_site.redaction import redact

    class RedactingAccessLogGenerator(cli.AccessLogGenerator):
        redacts_tokens = True

        def write_entry(self, host, date, request, *args, **kwargs):
            super().write_entry(host, date, redact(request), *args, **kwargs)

    cli.AccessLogGenerator = RedactingAccessLogGenerator
    return True
