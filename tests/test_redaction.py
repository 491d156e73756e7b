"""imgmvp_site/redaction.py: token values go, everything else of the line stays."""

import logging
import sys

import pytest

from imgmvp_site.redaction import RedactTokens, redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /api/images_mvp/sessions/abc?token=eyJhIjoxfQ:1t2:sig-_x 200",
         "GET /api/images_mvp/sessions/abc?token=[redacted] 200"),
        ("GET /x?a=1&token=s3cr3t&b=2", "GET /x?a=1&token=[redacted]&b=2"),
        ("GET /x?access_token=s3cr3t#frag", "GET /x?access_token=[redacted]#frag"),
        ("GET /x?TOKEN=s3cr3t", "GET /x?TOKEN=[redacted]"),
        ("headers: {'Imgmvp-Token': 'abc.def'}", "headers: {'Imgmvp-Token': '[redacted]'}"),
        ("HTTP_IMGMVP_TOKEN=abc", "HTTP_IMGMVP_TOKEN=[redacted]"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer [redacted]"),
        ("GET /api/images_mvp/progress/abc 101", "GET /api/images_mvp/progress/abc 101"),
    ],
)
def test_redact(line, expected):
    assert redact(line) == expected


def test_the_filter_rewrites_a_record_with_arguments_and_keeps_it():
    record = logging.LogRecord("django.channels.server", logging.INFO, __file__, 1,
                               "HTTP %(method)s %(path)s", ({"method": "GET", "path": "/s?token=abc"},), None)
    assert RedactTokens().filter(record) is True
    assert record.getMessage() == "HTTP GET /s?token=[redacted]"


def test_the_configured_handlers_redact():
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RedactTokens) for f in h.filters))
    record = logging.LogRecord("extraction", logging.WARNING, __file__, 1, "url %s", ("/s?token=abc",), None)
    assert handler.filter(record)
    assert "abc" not in record.getMessage()


def test_a_traceback_is_redacted_too():
    try:
        raise ValueError("bad url /s?token=abc")
    except ValueError:
        record = logging.LogRecord("extraction", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    RedactTokens().filter(record)
    text = logging.Formatter().format(record)
    assert "ValueError: bad url /s?token=[redacted]" in text
    assert "abc" not in text
