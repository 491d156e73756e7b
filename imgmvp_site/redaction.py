"""Secrets out of log lines: watch tokens in query strings, token headers and bearer credentials."""

import logging
import re

REDACTED = "[redacted]"

_PATTERNS = [
    # `?token=...`, `&token=...` and any `..._token=` key, up to the next separator.
    re.compile(r"(?i)(token=)[^&\s\"'#;]+"),
    # Token headers as they would be printed: `Imgmvp-Token: ...`, `'HTTP_IMGMVP_TOKEN': '...'`.
    re.compile(r"(?i)(imgmvp[-_]token['\"]?\s*[:=]\s*['\"]?)[^\s,'\"]+"),
    re.compile(r"(?i)(bearer\s+)[^\s,'\"]+"),
]


def redact(text: str) -> str:
    """`text` with every token value replaced by [redacted]."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactTokens(logging.Filter):
    """A logging filter that rewrites each record's message with its tokens redacted (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error reporting
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:  # a traceback can quote a URL: format it here, redacted
            record.exc_text = redact(_formatter.formatException(record.exc_info))
        return True


_formatter = logging.Formatter()
