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


def debug_secret_key(path: Path) -> str:
    """This checkout's own development key: read from `path`, made there (0600) on first use."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if not key:
            raise ImproperlyConfigured(f"{path} is empty: delete it, and a new key is made") from None
        return key
    from django.core.management.utils import get_random_secret_key

    key = get_random_secret_key()
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


# No default outside DEBUG: asgi.py refuses to serve without a key, and Django refuses anything that
# signs. Commands that sign nothing (extract_metadata, migrate) still run without one. In DEBUG, a key
# made for this checkout (git-ignored): one shared by every checkout would let a token forged with
# it read another debug instance's sessions.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = debug_secret_key(Path(os.environ.get("DJANGO_SECRET_KEY_FILE") or BASE_DIR / ".secret_key"))

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# imgmvp_site/patches/daphne_app.py: 0 lists daphne's own app config, which imports Twisted in every process.
DAPHNE_APP_PATCH = env_bool("DAPHNE_APP_PATCH", True)
INSTALLED_APPS = [
    # first, so that runserver serves ASGI (HTTP and WebSockets)
    "imgmvp_site.patches.daphne_app.DaphneConfig" if DAPHNE_APP_PATCH else "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "extraction",
    "progress",
    "channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Static files under daphne, DEBUG or not. Sync-only, so last: Django then runs the whole chain
    # in one thread per request, instead of hopping per hook of each middleware below it
    # (docs/performance.md, "The house against before").
    "whitenoise.middleware.WhiteNoiseMiddleware",
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

def _redis_retry():
    """One more try, at once and on a fresh connection, of a command whose connection failed: a pooled
    connection that a Redis restart dropped is replaced at its next use instead of failing it. Not more:
    with Redis down, each socket's read must fail fast (they fail one after another, 4503).
    The asyncio Retry: channels-redis's client awaits it (the sync one would retry nothing)."""
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return Retry(NoBackoff(), 1)


# REDIS_URL unset: one process, in-memory layer. Set: channels-redis carries groups across processes.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # Above channels-redis' 5 s blocking read (channels_redis#422), and a pool that does not
                # raise at redis-py's default 100 connections (docs/performance.md, change 2).
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": env_int("REDIS_SOCKET_TIMEOUT_SECONDS", 15),
                        "socket_connect_timeout": 5,
                        "max_connections": 1000,
                        # A pooled connection Redis dropped (a restart) is replaced at its next use
                        # instead of failing that call: channels-redis's pools retry nothing by default.
                        "retry": _redis_retry(),
                    }
                ],
                # A prefix keeps several deployments (or test runs) apart on one Redis.
                "prefix": os.environ.get("REDIS_PREFIX", "asgi"),
                # Every consumer of one process shares a single Redis queue, and `capacity` counts that
                # whole queue (channels_redis#97): the default 100 drops stages under 50 live sessions.
                "capacity": 1000,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

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

# Inline mode runs each session in a thread; EXTRACTION_PROCESSES > 0 runs its pure pipeline in one
# of that many spawned processes (extraction/pipeline_pool.py), so extractions use every core instead
# of sharing the web process's GIL: on 2 cores +14-28% sessions/s against two threads (change 23 in
# docs/performance.md). 0 keeps the pipeline in the thread (one process, ~70 MB less). Celery workers
# are processes already: 0 there.
EXTRACTION_PROCESSES = env_int("EXTRACTION_PROCESSES", (os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else 0)
# At most this many sessions extract at once in a process: one per child process, or per core.
MAX_CONCURRENT_EXTRACTIONS = env_int("MAX_CONCURRENT_EXTRACTIONS", EXTRACTION_PROCESSES or (os.cpu_count() or 1))
PROGRESS_PING_SECONDS = env_int("PROGRESS_PING_SECONDS", 30)

# --- Dispatch: where extractions run (extraction/tasks.py) ------------------------------------------
# "inline": asyncio tasks in the web process (threads, MAX_CONCURRENT_EXTRACTIONS at once).
# "celery": Celery tasks on REDIS_URL, run by `celery -A imgmvp_site worker` processes.
EXTRACTION_WORKERS = os.environ.get("EXTRACTION_WORKERS", "inline").strip().lower() or "inline"
if EXTRACTION_WORKERS not in {"inline", "celery"}:
    raise ImproperlyConfigured(f"EXTRACTION_WORKERS must be 'inline' or 'celery', got {EXTRACTION_WORKERS!r}")
if EXTRACTION_WORKERS == "celery" and not REDIS_URL:
    raise ImproperlyConfigured("EXTRACTION_WORKERS=celery needs REDIS_URL (Celery's broker)")
if EXTRACTION_WORKERS == "celery":
    EXTRACTION_PROCESSES = 0  # a Celery worker's pool processes are the processes (they may not have children)
# A worker holds a session for this long, renewing it while it works; past it, the sweep takes it back.
EXTRACTION_LEASE_SECONDS = env_int("EXTRACTION_LEASE_SECONDS", 30)
# A run that takes longer stops renewing its lease (a hung read, a runaway decoder): the session is
# then taken back and retried elsewhere, and ends `worker_lost` after EXTRACTION_MAX_ATTEMPTS.
EXTRACTION_MAX_RUN_SECONDS = env_int("EXTRACTION_MAX_RUN_SECONDS", 600)
# A session still pending after this long is dispatched again (a job can be lost with its broker).
EXTRACTION_PENDING_TIMEOUT_SECONDS = env_int("EXTRACTION_PENDING_TIMEOUT_SECONDS", 120)
# Claims before a session whose workers keep vanishing ends failed with `worker_lost`.
EXTRACTION_MAX_ATTEMPTS = env_int("EXTRACTION_MAX_ATTEMPTS", 3)
# How often the sweep looks for lost sessions: each inline web process, or Celery beat. 0: never (inline).
EXTRACTION_REAPER_SECONDS = env_int("EXTRACTION_REAPER_SECONDS", 10)

# Celery (read by imgmvp_site/celery.py; only used when EXTRACTION_WORKERS=celery).
CELERY_BROKER_URL = REDIS_URL or "redis://127.0.0.1:6379/0"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged job is handed to another worker after this long: longer than any run may take.
    "visibility_timeout": EXTRACTION_MAX_RUN_SECONDS + 2 * EXTRACTION_LEASE_SECONDS + 60,
    # The same prefix as the channel layer's keeps deployments (and test runs) apart on one Redis.
    "global_keyprefix": f"{os.environ.get('REDIS_PREFIX', 'asgi')}:celery:",
    # Without them a publish to a Redis that hangs (not refusing) waits forever (kombu's redis docs).
    "socket_timeout": env_int("REDIS_SOCKET_TIMEOUT_SECONDS", 15),
    "socket_connect_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job is acknowledged after it ran, and given back when its worker process dies mid-run; each worker
# process reserves one job at a time, so no job waits behind a busy one while another worker idles.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Soft: once the lease renewer has given up on the run (it looks every third of a lease), which then
# stops and is left to the sweep; hard: a run stuck in C code is killed, and its job given back.
CELERY_TASK_SOFT_TIME_LIMIT = EXTRACTION_MAX_RUN_SECONDS + EXTRACTION_LEASE_SECONDS
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30
CELERY_TASK_IGNORE_RESULT = True  # the row is the result
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep LOGGING below
# The sweep runs in one place in celery mode: Celery beat (`celery -A imgmvp_site beat`, one process).
CELERY_BEAT_SCHEDULE = {
    "sessions-sweep": {
        "task": "extraction.sessions_sweep",
        "schedule": float(max(1, EXTRACTION_REAPER_SECONDS)),
        "options": {"expires": float(max(1, EXTRACTION_REAPER_SECONDS))},  # sweeps do not pile up
    }
}
# --- end of dispatch settings --------------------------------------------------------------------

# Keep uploaded originals after their session ends (default: delete them).
KEEP_UPLOADS = env_bool("KEEP_UPLOADS")
# Clean copies (identifying metadata removed) are made in the last stage and kept this long; 0: none made.
CLEAN_COPY_SECONDS = env_int("CLEAN_COPY_SECONDS", 3600)
# Previews (kept as long as clean copies) are made in the extract stage, with bounded decoding; 0: none.
PREVIEWS = env_bool("PREVIEWS", True)
# A progress send that takes longer than this is given up and logged.
CHANNEL_SEND_TIMEOUT_SECONDS = env_int("CHANNEL_SEND_TIMEOUT_SECONDS", 2)

# Abuse limits on progress WebSockets (close 4429 past the socket caps and the frame rate, 4413 past
# the frame size; docs/protocol.md). Both caps count the sockets of this process.
PROGRESS_MAX_SOCKETS_PER_SESSION = env_int("PROGRESS_MAX_SOCKETS_PER_SESSION", 5)
PROGRESS_MAX_SOCKETS = env_int("PROGRESS_MAX_SOCKETS", 5000)
PROGRESS_MAX_FRAME_BYTES = env_int("PROGRESS_MAX_FRAME_BYTES", 4096)
PROGRESS_MAX_FRAMES_PER_SECOND = env_int("PROGRESS_MAX_FRAMES_PER_SECOND", 20)
# Guessing: failed session lookups (status URL, socket, upload with a taken id) per client address a
# minute, then 429 / close 4429; failed admin logins per address in 15 minutes, then refused. 0: off.
# Counted in Redis (REDIS_PREFIX) when REDIS_URL is set, else per process.
LOOKUP_FAILURES_PER_MINUTE = env_int("LOOKUP_FAILURES_PER_MINUTE", 60)
ADMIN_LOGIN_FAILURES = env_int("ADMIN_LOGIN_FAILURES", 10)
REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "asgi")
# A watched, unfinished session silent this long is re-read from its row (the layer may drop messages).
PROGRESS_HEAL_SECONDS = env_int("PROGRESS_HEAL_SECONDS", 5)
# A state that arrives ahead of the one before it waits this long for it (the web process's and the
# worker's sends can cross); then the row is read and its state sent.
PROGRESS_GAP_WAIT_MS = env_int("PROGRESS_GAP_WAIT_MS", 250)
# imgmvp_site/patches/daphne.py: 0 serves with daphne's own request class.
DAPHNE_MULTIPART_PATCH = env_bool("DAPHNE_MULTIPART_PATCH", True)
# imgmvp_site/patches/channels_consumer.py: 0 runs Channels' own consumer dispatch and database reads.
CHANNELS_CONSUMER_PATCH = env_bool("CHANNELS_CONSUMER_PATCH", True)
# imgmvp_site/patches/django_rows.py: 0 writes and reads a session's row through the ORM's QuerySets.
DJANGO_ROW_SQL_PATCH = env_bool("DJANGO_ROW_SQL_PATCH", True)

# One handler, on the root logger, and none on ours or Django's: the `daphne` command line configures
# the root logger itself (logging.basicConfig), and a handler of our own on each logger printed every
# line twice there (Django's, in DEBUG, on `runserver`).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Watch tokens never reach a log line (`?token=` in every status and socket URL).
    "filters": {"redact_tokens": {"()": "imgmvp_site.redaction.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # runserver's access log (daphne's command): on the logger too, for a handler added elsewhere.
        # The `daphne` command writes its access log outside logging: imgmvp_site/patches/daphne_access.py.
        "django.channels.server": {"level": "INFO", "filters": ["redact_tokens"]},
        "extraction": {"level": LOG_LEVEL},
        "progress": {"level": LOG_LEVEL},
        # channels-redis reports messages it drops ("over capacity") at INFO only.
        "channels_redis": {"level": LOG_LEVEL},
        "celery": {"level": LOG_LEVEL},  # a worker's "ready", jobs received (CELERY_WORKER_HIJACK_ROOT_LOGGER off)
        "django": {"level": "INFO"},
    },
}

# /metrics for Prometheus (imgmvp_site/metrics.py): off (404) unless METRICS_TOKEN is set; then a
# scrape must send `Authorization: Bearer <METRICS_TOKEN>` (401 without it).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
