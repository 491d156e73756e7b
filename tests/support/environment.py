"""Loaded with `-p` before Django: production-like settings for tests (DEBUG off, a test-only key)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "0")
