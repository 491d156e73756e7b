"""Real processes on a real Redis and PostgreSQL: a fresh database per module, a key prefix per run."""

import secrets
from urllib.parse import urlparse, urlunparse

import pytest

from tests.support.servers import migrate, server_env
from tests.support.services import postgres_url, redis_url


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def pg_url():
    """A new PostgreSQL database, dropped after the module (skips where no PostgreSQL answers)."""
    import psycopg

    base = postgres_url()
    name = f"imgmvp_e2e_{secrets.token_hex(4)}"
    admin = _with_database(base, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(base, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def scaleout_env(pg_url, tmp_path_factory):
    """Environment for web and worker processes sharing one database, one Redis and one media folder."""
    tmp_path = tmp_path_factory.mktemp("scaleout")
    env = server_env(
        tmp_path,
        DATABASE_URL=pg_url,
        REDIS_URL=redis_url(),
        REDIS_PREFIX=f"imgmvp-test-{secrets.token_hex(4)}",
        EXTRACTION_WORKERS="celery",
        EXTRACTION_LEASE_SECONDS="2",
        EXTRACTION_REAPER_SECONDS="1",
        EXTRACTION_PENDING_TIMEOUT_SECONDS="3",
        CHANNEL_SEND_TIMEOUT_SECONDS="1",
    )
    migrate(env)
    yield env
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    keys = list(client.scan_iter(f"{env['REDIS_PREFIX']}*"))
    if keys:
        client.delete(*keys)
    client.close()
