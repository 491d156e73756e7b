"""A real daphne serving the page, and Debian's Chromium driven by Playwright, for the page tests."""

import os
from pathlib import Path

import pytest

from tests.support.servers import ROOT, daphne, migrate, server_env
from tests.support.services import missing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = Path(os.environ.get("IMGMVP_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")
# Small, so an oversize file is cheap to make; every corpus photo is under 1.2 MB.
MAX_UPLOAD_BYTES = 2_000_000


@pytest.fixture(scope="module")
def page_server(tmp_path_factory):
    """The project's ASGI app under daphne, with its own SQLite file and a small upload limit."""
    tmp_path = tmp_path_factory.mktemp("page-server")
    env = server_env(tmp_path, MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES), PROGRESS_PING_SECONDS="5")
    migrate(env)
    server = daphne(tmp_path, env)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.glob("*.png")):
        terminalreporter.write_line(f"page screenshots: {SCREENSHOTS}")
