"""Real clients for end-to-end tests: uploads over HTTP, and a WebSocket watcher that reconnects."""

import asyncio
import json
from dataclasses import dataclass, field

import websockets

TERMINAL = ("complete", "failed")


@dataclass
class Watch:
    """Everything one watcher saw of one session, across its reconnects."""

    session_id: str
    messages: list[dict] = field(default_factory=list)
    connects: int = 0
    close_codes: list[int | None] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def last(self) -> dict | None:
        return self.messages[-1] if self.messages else None

    @property
    def stages(self) -> list[str]:
        return [m["stage"] for m in self.messages if m["type"] == "progress"]


async def watch(
    ws_url: str, session_id: str, *, token: str | None = None, backoff: float = 0.2, seen: Watch | None = None
) -> Watch:
    """Watch a session until a terminal message arrives, reconnecting (with backoff) whenever the socket drops."""
    seen = seen or Watch(session_id)
    url = f"{ws_url}/api/images_mvp/progress/{session_id}" + (f"?token={token}" if token else "")
    delay = backoff
    while True:
        try:
            async with websockets.connect(url, open_timeout=5) as socket:
                seen.connects += 1
                delay = backoff
                async for frame in socket:
                    message = json.loads(frame)
                    if message["type"] == "connected":
                        seen.connected.set()
                    if message["type"] in ("progress", *TERMINAL):
                        seen.messages.append(message)
                    if message["type"] in TERMINAL:
                        return seen
                seen.close_codes.append(socket.close_code)
        except (OSError, websockets.exceptions.WebSocketException, asyncio.TimeoutError) as exc:
            seen.close_codes.append(getattr(getattr(exc, "rcvd", None), "code", None))
        await asyncio.sleep(delay)
        delay = min(delay * 2, 2.0)


async def start_watching(ws_url: str, session_id: str, **kwargs) -> "asyncio.Task[Watch]":
    """Open a watcher and return once the server said `connected` (its group is joined)."""
    seen = Watch(session_id)
    task = asyncio.create_task(watch(ws_url, session_id, seen=seen, **kwargs))
    connected = asyncio.create_task(seen.connected.wait())
    await asyncio.wait({task, connected}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if not seen.connected.is_set():
        connected.cancel()
        raise AssertionError(f"watcher of {session_id} did not connect")
    return task
