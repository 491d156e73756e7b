"""Settings of the celery-progress peer: Django served by daphne, a Celery task per upload on Redis
(broker and result backend), progress read by polling celery-progress's URL; SQLite."""

import os
from pathlib import Path

from bench.peers.common import DAPHNE_MULTIPART_PATCH, MAX_UPLOAD_BYTES  # noqa: F401 (read by the daphne fix)

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # no default: set it (the bench does)
DEBUG = False
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
INSTALLED_APPS = ["celery_progress", "celery_progress_site"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "celery_progress_site.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ.get("PEER_DB", str(BASE_DIR / "db.sqlite3")),
                         "OPTIONS": {"timeout": 20}}}  # the web process and each worker process write
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
USE_TZ = True
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("PEER_QUEUE", "celery")  # the bench gives each run its own
CELERY_RESULT_EXPIRES = 3600
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
           "handlers": {"console": {"class": "logging.StreamHandler"}}}
