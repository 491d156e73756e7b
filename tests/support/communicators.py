"""Progress sockets through the real ASGI app (WebsocketCommunicator), and uploads through the real view."""

from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient

from imgmvp_site.asgi import application
from tests.support.images import jpeg_bytes

TERMINAL = ("complete", "failed")


async def connect(session_id: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, f"/api/images_mvp/progress/{session_id}")
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["type"] == "connected"
    assert hello["sessionId"] == session_id
    assert hello["timestamp"].endswith("Z")
    return communicator


async def upload(session_id: str, data: bytes | None = None) -> None:
    file = SimpleUploadedFile("photo.jpg", data if data is not None else jpeg_bytes(make="Acme", model="Z1"))
    response = await AsyncClient().post("/api/images_mvp/extract", {"file": file, "session_id": session_id})
    assert response.status_code == 202, response.content


async def receive_until_end(communicator: WebsocketCommunicator) -> list[dict]:
    messages = []
    while True:
        message = await communicator.receive_json_from(timeout=10)
        messages.append(message)
        if message["type"] in TERMINAL:
            return messages
