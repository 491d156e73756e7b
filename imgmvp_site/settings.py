"""Settings for imgmvp, read from environment variables (each documented in README.md)."""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# No default outside DEBUG: asgi.py refuses to serve without a key, and Django refuses anything that
# signs. Commands that sign nothing (extract_metadata, migrate) still run without one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-imgmvp-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "imgmvp_site.apps.DaphneConfig",  # daphne first, so that runserver serves ASGI (HTTP and WebSockets)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "extraction",  # before channels: its `runworker` (Channels' own, plus a reaper) must win
    "progress",
    "channels",
]

# The hooks that never block run on the event loop under ASGI (imgmvp_site/middleware.py).
MIDDLEWARE = [
    "imgmvp_site.middleware.SecurityMiddleware",
    "imgmvp_site.middleware.WhiteNoiseMiddleware",  # static files under daphne, DEBUG or not
    "imgmvp_site.middleware.SessionMiddleware",
    "imgmvp_site.middleware.CommonMiddleware",
    "imgmvp_site.middleware.CsrfViewMiddleware",
    "imgmvp_site.middleware.AuthenticationMiddleware",
    "imgmvp_site.middleware.MessageMiddleware",
    "imgmvp_site.middleware.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "imgmvp_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = None
ASGI_APPLICATION = "imgmvp_site.asgi.application"

# SQLite by default; any database through DATABASE_URL (postgres://user@host/db).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many threads write progress at once: WAL lets readers run beside a writer, IMMEDIATE takes
    # the write lock at BEGIN (no deadlocking lock upgrades), and the timeout waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests get a file too, not Django's in-memory default: shared-cache memory databases lock whole
    # tables without waiting, so concurrent extractions failed there in ways a real file never does.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"imgmvp-test-{os.getpid()}.sqlite3"),
    }

# REDIS_URL unset: one process, in-memory layer. Set: channels-redis carries groups across processes.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "progress.layers.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, the same as the layer's blocking
                # BZPOPMIN: idle sockets then died with 1011 and workers' receive failed (channels_redis#422).
                # Its pool also stops at 100 connections and raises past them: a burst of sockets opening or
                # closing (each a group_add/group_discard) crashed consumers and left stale group members.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": env_int("REDIS_SOCKET_TIMEOUT_SECONDS", 15),
                        "max_connections": 1000,
                    }
                ],
                # A prefix keeps several deployments (or test runs) apart on one Redis.
                "prefix": os.environ.get("REDIS_PREFIX", "asgi"),
                # Every consumer of one process shares a single Redis queue, and `capacity` counts that
                # whole queue (channels_redis#97): the default 100 drops stages under 50 live sessions.
                "capacity": 1000,
                # Jobs waiting for a runworker process.
                "channel_capacity": {"extraction": env_int("EXTRACTION_QUEUE_CAPACITY", 10000)},
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "progress.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Only needed for `collectstatic` (compressed, cache-friendly files for production).
STATIC_ROOT = Path(os.environ["STATIC_ROOT"]) if os.environ.get("STATIC_ROOT") else None
# Serve straight from static/ without a collectstatic step; collectstatic still works for production.
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Uploaded originals go to the "uploads" storage: a shared volume or an object store can serve
# several worker machines by swapping its BACKEND.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "uploads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "uploads"},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads always stream to a temporary file, and stop as soon as they pass MAX_UPLOAD_BYTES.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = ["extraction.uploads.LimitedTemporaryFileUploadHandler"]
# Resumable (tus) uploads at /api/images_mvp/uploads/: the page uses them for files this large or
# larger; a partial upload idle for UPLOAD_EXPIRY_SECONDS is deleted (`manage.py purge_uploads`).
RESUMABLE_UPLOAD_MIN_BYTES = env_int("RESUMABLE_UPLOAD_MIN_BYTES", 8 * 1024 * 1024)
UPLOAD_EXPIRY_SECONDS = env_int("UPLOAD_EXPIRY_SECONDS", 86400)

# Extraction threads share one GIL with the event loop that delivers progress: leave it a core.
# On 2 cores, 1 at a time gave the same throughput as 2 and a lower latency (docs/performance.md).
MAX_CONCURRENT_EXTRACTIONS = env_int("MAX_CONCURRENT_EXTRACTIONS", max(1, (os.cpu_count() or 1) - 1))
PROGRESS_PING_SECONDS = env_int("PROGRESS_PING_SECONDS", 30)

# Where extractions run: "inline" (tasks in the web process) or "channels" (jobs on the channel
# `extraction`, run by `python manage.py runworker extraction` processes).
EXTRACTION_WORKERS = os.environ.get("EXTRACTION_WORKERS", "inline").strip().lower() or "inline"
if EXTRACTION_WORKERS not in {"inline", "channels"}:
    raise ImproperlyConfigured(f"EXTRACTION_WORKERS must be 'inline' or 'channels', got {EXTRACTION_WORKERS!r}")
if EXTRACTION_WORKERS == "channels" and not REDIS_URL:
    # The in-memory layer lives inside one process: jobs would never reach a runworker process.
    raise ImproperlyConfigured("EXTRACTION_WORKERS=channels needs REDIS_URL (a channel layer shared by processes)")
# A worker holds a session for this long, renewing it while it works; past it, the reaper takes it back.
EXTRACTION_LEASE_SECONDS = env_int("EXTRACTION_LEASE_SECONDS", 30)
# A run that takes longer stops renewing its lease (a hung read, a runaway decoder): the session is
# then taken back and retried elsewhere, and ends `worker_lost` after EXTRACTION_MAX_ATTEMPTS.
EXTRACTION_MAX_RUN_SECONDS = env_int("EXTRACTION_MAX_RUN_SECONDS", 600)
# A session still pending after this long is dispatched again (a job message can be lost).
EXTRACTION_PENDING_TIMEOUT_SECONDS = env_int("EXTRACTION_PENDING_TIMEOUT_SECONDS", 120)
# Claims before a session whose workers keep vanishing ends failed with `worker_lost`.
EXTRACTION_MAX_ATTEMPTS = env_int("EXTRACTION_MAX_ATTEMPTS", 3)
# How often each worker (and each inline web process) looks for lost sessions.
EXTRACTION_REAPER_SECONDS = env_int("EXTRACTION_REAPER_SECONDS", 10)
# Keep uploaded originals after their session ends (default: delete them).
KEEP_UPLOADS = env_bool("KEEP_UPLOADS")
# Clean copies (identifying metadata removed) are made in the last stage and kept this long; 0: none made.
CLEAN_COPY_SECONDS = env_int("CLEAN_COPY_SECONDS", 3600)
# A progress send (or job send) that takes longer than this is given up and logged.
CHANNEL_SEND_TIMEOUT_SECONDS = env_int("CHANNEL_SEND_TIMEOUT_SECONDS", 2)

# Abuse limits on progress WebSockets (close 4429 past the socket caps and the frame rate, 1009 past
# the frame size). The per-session cap counts the sockets of this process.
PROGRESS_MAX_SOCKETS_PER_SESSION = env_int("PROGRESS_MAX_SOCKETS_PER_SESSION", 5)
PROGRESS_MAX_SOCKETS = env_int("PROGRESS_MAX_SOCKETS", 5000)
PROGRESS_MAX_FRAME_BYTES = env_int("PROGRESS_MAX_FRAME_BYTES", 4096)
PROGRESS_MAX_FRAMES_PER_SECOND = env_int("PROGRESS_MAX_FRAMES_PER_SECOND", 20)

# One handler, on the root logger, and none on ours or Django's: the `daphne` command line configures
# the root logger itself (logging.basicConfig), and a handler of our own on each logger printed every
# line twice there (Django's, in DEBUG, on `runserver`).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "extraction": {"level": LOG_LEVEL},
        "progress": {"level": LOG_LEVEL},
        # channels-redis reports messages it drops ("over capacity") at INFO only.
        "channels_redis": {"level": LOG_LEVEL},
        "django": {"level": "INFO"},
    },
}
