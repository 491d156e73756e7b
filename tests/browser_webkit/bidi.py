"""Debian's Firefox ESR driven over WebDriver BiDi, which Firefox serves itself: no geckodriver (Debian
does not package it), nothing downloaded. A few commands, as the page tests use them."""

import base64
import contextlib
import itertools
import json
import os
import re
import subprocess
import time
from pathlib import Path

# Firefox asks nothing of the network on its own here: no updates, telemetry, captive-portal or
# safe-browsing checks (the Remote Agent sets most of these too; a test must not depend on that).
PREFS = {
    "app.update.disabledForTesting": True,
    "browser.download.folderList": 2,
    "browser.download.useDownloadDir": True,
    "browser.download.always_ask_before_handling_new_types": False,
    "browser.download.start_downloads_in_tmp_dir": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "extensions.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "",
}


class BiDiError(RuntimeError):
    pass


class Firefox:
    """One headless Firefox with its own profile, and its one tab."""

    name = "firefox"

    def __init__(self, binary: str, home: Path):
        from websockets.sync.client import connect

        self.downloads = home / "downloads"
        self.downloads.mkdir(parents=True)
        profile = home / "profile"
        profile.mkdir()
        prefs = {**PREFS, "browser.download.dir": str(self.downloads)}
        (profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n"
                                                 for k, v in prefs.items()))
        self.log_path = home / "firefox.log"
        self.log = open(self.log_path, "ab")
        env = {**os.environ, "HOME": str(home), "MOZ_CRASHREPORTER_DISABLE": "1"}
        env.pop("DISPLAY", None)
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-remote", "-profile", str(profile), "--remote-debugging-port=0",
             "about:blank"], env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        url = self._wait_for_url(profile)
        self.connection = contextlib.ExitStack()
        self.socket = self.connection.enter_context(connect(f"{url}/session", max_size=None, open_timeout=20))
        self.ids = itertools.count(1)
        self.command("session.new", capabilities={})
        self.context = self.command("browsingContext.getTree")["contexts"][0]["context"]

    def _wait_for_url(self, profile: Path) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Firefox exited with {self.process.returncode}: {self.output()}")
            found = re.search(r"WebDriver BiDi listening on (ws://\S+)", self.output())
            if found:
                return found.group(1)
            time.sleep(0.05)
        raise TimeoutError(f"Firefox did not start its Remote Agent: {self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]

    def command(self, method: str, **params):
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") != number:
                continue  # an event: the tests subscribe to none
            if message.get("type") == "error":
                raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
            return message["result"]

    def viewport(self, width: int, height: int) -> None:
        self.command("browsingContext.setViewport", context=self.context,
                     viewport={"width": width, "height": height})

    def open(self, url: str) -> None:
        self.command("browsingContext.navigate", context=self.context, url=url, wait="complete")

    def js(self, expression: str):
        """The JSON value of `expression` (awaited), evaluated in the page."""
        result = self.command("script.evaluate", expression=f"(async () => JSON.stringify(await ({expression})))()",
                              target={"context": self.context}, awaitPromise=True)
        if result["type"] == "exception":
            raise BiDiError(result["exceptionDetails"]["text"])
        value = result["result"]
        return json.loads(value["value"]) if value.get("type") == "string" else None

    def element(self, selector: str) -> dict:
        result = self.command("script.evaluate", expression=f"document.querySelector({json.dumps(selector)})",
                              target={"context": self.context}, awaitPromise=False)
        node = result.get("result", {})
        if node.get("type") != "node":
            raise BiDiError(f"no element {selector}")
        return {"sharedId": node["sharedId"]}

    def set_files(self, selector: str, paths: list[str]) -> None:
        self.command("input.setFiles", context=self.context, element=self.element(selector), files=paths)

    def click(self, selector: str) -> None:
        """A real pointer click at the element's centre, as a user's tap would land."""
        self.js(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
        element = self.element(selector)
        self.command("input.performActions", context=self.context, actions=[{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "x": 0, "y": 0, "origin": {"type": "element", "element": element}},
                        {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}])
        self.command("input.releaseActions", context=self.context)

    def screenshot(self, path: Path) -> None:
        data = self.command("browsingContext.captureScreenshot", context=self.context)["data"]
        path.write_bytes(base64.b64decode(data))

    def stop(self) -> None:
        try:
            self.command("browser.close")
        except Exception:  # already gone: the process check below ends it either way
            pass
        try:
            self.connection.close()
        except Exception:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(10)
        self.log.close()
