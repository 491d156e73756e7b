import pytest

from extraction import throttle
from extraction.tasks import wait_for_inline_tasks


@pytest.fixture(autouse=True)
def isolated_settings(settings, tmp_path):
    """Each test gets its own upload folders and its own in-memory channel layer."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media" / "uploads"},
        },
    }
    (tmp_path / "upload-tmp").mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # The process-wide reaper would outlive each test's event loop; tests that need it start it.
    settings.EXTRACTION_REAPER_SECONDS = 0
    # The pipeline in this process: tests swap `services.run_pipeline` for their own functions, which a
    # child process cannot import. tests/extraction/test_pipeline_pool.py and every e2e server run the
    # default, child processes.
    settings.EXTRACTION_PROCESSES = 0
    settings.PREVIEWS = True  # the default; explicit, so a developer's PREVIEWS=0 cannot turn the tests' previews off
    # Failed lookups are counted per client address, and every test client is 127.0.0.1.
    throttle.lookups.clear()
    throttle.admin_logins.clear()
    return settings


@pytest.fixture
async def drain_extractions():
    """Wait, after the test, for extractions it started, so none outlives its database."""
    yield
    await wait_for_inline_tasks()


def stored_files(settings) -> list:
    uploads = settings.MEDIA_ROOT / "uploads"
    return sorted(uploads.iterdir()) if uploads.exists() else []


def temp_files(settings) -> list:
    from pathlib import Path

    return sorted(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir())


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own (tests/support/redis_server.py), stopped afterwards."""
    from tests.support.redis_server import OwnRedis

    redis = OwnRedis(tmp_path).start()
    yield redis
    redis.stop()
