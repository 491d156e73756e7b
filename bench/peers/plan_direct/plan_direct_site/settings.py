"""Settings of the direct plan: Django + Channels + daphne, in-memory channel layer, SQLite."""

import os
from pathlib import Path

from bench.peers.common import DAPHNE_MULTIPART_PATCH, MAX_UPLOAD_BYTES  # noqa: F401 (read by the daphne fix)

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # no default: set it (the bench does)
DEBUG = False
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
INSTALLED_APPS = ["daphne", "channels", "plan_direct_site"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "plan_direct_site.urls"
ASGI_APPLICATION = "plan_direct_site.asgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ.get("PEER_DB", str(BASE_DIR / "db.sqlite3"))}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
USE_TZ = True
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
           "handlers": {"console": {"class": "logging.StreamHandler"}}}
