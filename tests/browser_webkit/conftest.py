"""Two more engines for the page tests, at phone size: WebKit (Debian's WebKitWebDriver, MiniBrowser,
driven by Selenium on a virtual display) and Firefox ESR (over WebDriver BiDi, `bidi.py`); a real
daphne behind a throttling proxy (a phone's slow uplink). Nothing is downloaded.

Each engine offers the same few calls: `open`, `js` (the JSON value of an awaited expression),
`set_files`, `click` (a real pointer click), `screenshot`, and the folder its downloads land in."""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.support.servers import ROOT, daphne, free_port, migrate, server_env
from tests.support.services import missing, reachable

WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
PHONE = (390, 844)  # an iPhone's viewport in CSS pixels; iPhones browse with WebKit
SCREENSHOTS = Path(os.environ.get("IMGMVP_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")
QUEUE_REDIS = "redis://127.0.0.1:6379/12"  # a database of its own: no worker of anyone's reads it
# MiniBrowser's toolbar (its URL entry and buttons) holds its window at least 447 px wide; a phone is
# 390. GTK reads this from the browser's own config folder: the web content is not styled by it.
GTK_CSS = "entry { min-width: 0; } button { min-width: 0; padding: 0; }\n"


class Display:
    """A virtual X display of our own (Xvfb picks a free number and tells it on a pipe)."""

    def __init__(self, xvfb: str):
        read, write = os.pipe()
        self.process = subprocess.Popen(
            [xvfb, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(write)
        number = b""
        deadline = time.monotonic() + 20
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read, 16)
            if not chunk:
                break
            number += chunk
        os.close(read)
        if not number.strip().isdigit():
            self.stop()
            raise RuntimeError(f"Xvfb did not start (exit {self.process.poll()})")
        self.name = f":{number.decode().strip()}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture(scope="session")
def display():
    """Our own Xvfb; a DISPLAY already set (under xvfb-run, or a desktop) only where Xvfb is absent."""
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        if os.environ.get("DISPLAY"):
            yield os.environ["DISPLAY"]
            return
        missing("Xvfb is not installed and no DISPLAY is set (apt-get install xvfb)")
    screen = Display(xvfb)
    yield screen.name
    screen.stop()


class WebKit:
    """One WebKitWebDriver process and its Selenium session; downloads land in `downloads`."""

    name = "webkit"

    def __init__(self, driver_path: str, display_name: str, home: Path):
        from selenium import webdriver
        from selenium.webdriver.remote.client_config import ClientConfig
        from selenium.webdriver.remote.file_detector import UselessFileDetector
        from selenium.webdriver.remote.remote_connection import RemoteConnection
        from selenium.webdriver.webkitgtk.options import Options

        self.downloads = home / "downloads"
        self.downloads.mkdir(parents=True)
        config = home / ".config"
        (config / "gtk-3.0").mkdir(parents=True)
        (config / "gtk-3.0" / "gtk.css").write_text(GTK_CSS)
        (config / "user-dirs.dirs").write_text(f'XDG_DOWNLOAD_DIR="{self.downloads}"\n')
        # HOME of its own: MiniBrowser's caches and downloads stay in the test's folder.
        env = {**os.environ, "DISPLAY": display_name, "HOME": str(home), "XDG_CONFIG_HOME": str(config),
               "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local" / "share")}
        port = free_port()
        self.log = open(home / "webkitwebdriver.log", "ab")
        self.process = subprocess.Popen([driver_path, f"--port={port}"], env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while not reachable(f"http://127.0.0.1:{port}", port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"WebKitWebDriver did not start: {(home / 'webkitwebdriver.log').read_text()}")
            time.sleep(0.05)
        # Our own driver process, so Selenium never looks for (or fetches) one.
        connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=f"http://127.0.0.1:{port}"))
        self.driver = webdriver.Remote(command_executor=connection, options=Options())
        self.driver.file_detector = UselessFileDetector()  # a file input gets a local path, as typed

    def viewport(self, width: int, height: int) -> None:
        """The window is the viewport plus MiniBrowser's toolbar."""
        self.driver.set_window_size(width, height)
        chrome = self.driver.execute_script("return window.outerHeight - window.innerHeight")
        self.driver.set_window_size(width, height + chrome)

    def open(self, url: str) -> None:
        self.driver.get(url)

    def js(self, expression: str):
        return json.loads(self.driver.execute_script(
            f"return (async () => JSON.stringify(await ({expression})))()") or "null")

    def set_files(self, selector: str, paths: list[str]) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, selector).send_keys("\n".join(paths))

    def click(self, selector: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, selector).click()  # scrolls it into view, checks it is hit

    def screenshot(self, path: Path) -> None:
        # WebKitGTK under Xvfb can hand back the last painted frame: wait until two frames have painted.
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));")
        self.driver.save_screenshot(str(path))

    def stop(self) -> None:
        if getattr(self, "driver", None):
            self.driver.quit()
        # The driver's group: MiniBrowser and its web and network processes too, should quit have failed.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(10)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        self.log.close()


def start_webkit(request, home: Path) -> WebKit:
    driver_path = shutil.which("WebKitWebDriver") or (WEBKIT_DRIVER if os.path.exists(WEBKIT_DRIVER) else None)
    if not driver_path:
        missing("WebKitWebDriver is not installed (apt-get install webkit2gtk-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing("Selenium for Python is not installed (pip install -r requirements-dev.txt)")
    display = request.getfixturevalue("display")  # after the driver: its absence is the likelier reason
    return WebKit(driver_path, display, home)


def start_firefox(home: Path):
    from .bidi import Firefox

    binary = shutil.which("firefox-esr") or shutil.which("firefox")
    if not binary:
        missing("Firefox ESR is not installed (apt-get install firefox-esr)")
    return Firefox(binary, home)  # headless: it needs no display


@pytest.fixture(scope="session", params=["webkit", "firefox"])
def engine(request, tmp_path_factory):
    """Each engine once for the session, at a phone's viewport."""
    home = tmp_path_factory.mktemp(f"{request.param}-home")
    browser = start_webkit(request, home) if request.param == "webkit" else start_firefox(home)
    try:
        browser.viewport(*PHONE)
        browser.open("about:blank")
        viewport = browser.js("[window.innerWidth, window.innerHeight]")
        assert tuple(viewport) == PHONE, f"the viewport is {viewport}, not a phone's {PHONE}"
    except BaseException:
        browser.stop()
        raise
    yield browser
    browser.stop()


class ThrottledProxy:
    """A TCP proxy to a server that passes the browser's bytes on at `rate` bytes a second (None: as
    fast as they come): WebKit's driver has no network throttling, and a phone's uplink is slow."""

    CHUNK = 4096

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.rate: int | None = None
        self.listener = socket.socket()
        # Small buffers, so what the browser counts as sent is close to what the server received.
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(32)
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:  # the server has stopped: the browser sees the connection close
                client.close()
                continue
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, throttled: bool) -> None:
        try:
            while True:
                data = source.recv(self.CHUNK if throttled else 65536)
                if not data:
                    break
                sink.sendall(data)
                rate = self.rate if throttled else None
                if rate:
                    time.sleep(len(data) / rate)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self.listener.close()
        for end in self.sockets:
            end.close()


class PageServer:
    """The project's ASGI app under daphne (its own database, media and temporary folders, which a
    test can look into), reached through a `ThrottledProxy`."""

    def __init__(self, tmp_path: Path, migrated: Path, **overrides: str):
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        # TMPDIR: where the server's request bodies and upload temp files go, so a test sees any left.
        env = server_env(tmp_path, PROGRESS_PING_SECONDS="5", TMPDIR=str(self.tmp), **overrides)
        self.database = tmp_path / "db.sqlite3"
        shutil.copyfile(migrated, self.database)
        self.uploads = tmp_path / "media" / "uploads"
        self.process = daphne(tmp_path, env)
        self.proxy = ThrottledProxy(self.process.port)
        self.base_url = self.proxy.base_url

    def row(self, session_id: str):
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT status FROM extraction_extractionsession WHERE id = ?", (session_id,)).fetchone()

    def files(self) -> list[Path]:
        return sorted(path for path in self.uploads.rglob("*") if path.is_file()) if self.uploads.exists() else []

    def temp_files(self) -> list[Path]:
        return sorted(path for path in self.tmp.rglob("*") if path.is_file())

    def stop(self) -> None:
        self.proxy.close()
        self.process.stop()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory) -> Path:
    """An SQLite database with every migration applied, copied for each server (one migrate, not two)."""
    tmp_path = tmp_path_factory.mktemp("webkit-migrated")
    migrate(server_env(tmp_path))
    return tmp_path / "db.sqlite3"


@pytest.fixture(scope="module")
def page_server(tmp_path_factory, migrated):
    server = PageServer(tmp_path_factory.mktemp("webkit-server"), migrated)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def queue_server(tmp_path_factory, migrated):
    """Celery mode with no worker: an upload stays queued (pending) until the page cancels it."""
    if not reachable(QUEUE_REDIS, 6379):
        missing(f"no Redis answers at {QUEUE_REDIS}")
    server = PageServer(tmp_path_factory.mktemp("webkit-queue-server"), migrated, REDIS_URL=QUEUE_REDIS,
                        EXTRACTION_WORKERS="celery")
    yield server
    server.stop()
    import redis

    redis.Redis.from_url(QUEUE_REDIS).delete("celery")  # the jobs nobody ran


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
