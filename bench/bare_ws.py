"""A bare `websockets` server sending the product's progress messages: the latency floor.

Each connection gets `connected`; each `{"type": "start"}` from the client then gets the eight state
messages of one session (queued, six stages, complete), each in the shape of the product's state
document (`extraction.selectors.session_state`, docs/protocol.md) and stamped with the time it is
sent, as the product stamps each message with the time its row is saved.
"""

import argparse
import asyncio
import json
from datetime import datetime, timezone

import websockets

STAGES = ((10, "start", "Starting extraction..."), (20, "validate", "Validating file..."),
          (30, "store", "Storing file..."), (50, "extract", "Processing metadata..."),
          (70, "analyse", "Analyzing results..."), (90, "finalise", "Finalizing results..."))
GAP_SECONDS = 0.005  # stages of a real session are a few milliseconds apart
FILE = {"name": "photo.jpg", "size": 1_500_000, "format": "JPEG", "mimeType": "image/jpeg", "sha256": None}
RESULT = {"summary": {"ImageWidth": 640, "ImageHeight": 480}, "findings": []}


def iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def state(session_id: str, created: str, seq: int, status: str, progress: int, stage: str, text: str) -> dict:
    """One state message, with every field of the product's state document."""
    complete = status == "complete"
    return {"type": "complete" if complete else "progress", "sessionId": session_id, "seq": seq,
            "timestamp": iso(), "status": status, "progress": progress, "stage": stage, "statusText": text,
            "file": FILE, "result": RESULT if complete else None,
            "cleanUrl": f"/api/images_mvp/sessions/{session_id}/clean" if complete else None,
            "error": None, "message": None, "createdAt": created, "finishedAt": iso() if complete else None}


async def session(websocket, session_id: str) -> None:
    created = iso()
    await websocket.send(json.dumps(state(session_id, created, 1, "pending", 0, "queued", "Queued")))
    seq = 1
    for progress, stage, text in STAGES:
        seq += 1
        await asyncio.sleep(GAP_SECONDS)
        await websocket.send(json.dumps(state(session_id, created, seq, "processing", progress, stage, text)))
    await asyncio.sleep(GAP_SECONDS)
    await websocket.send(json.dumps(state(session_id, created, seq + 1, "complete", 100, "complete",
                                          "Extraction complete!")))


async def handler(websocket) -> None:
    session_id = websocket.request.path.rsplit("/", 1)[-1]
    await websocket.send(json.dumps({"type": "connected", "sessionId": session_id, "timestamp": iso()}))
    async for frame in websocket:
        if json.loads(frame).get("type") == "start":
            await session(websocket, session_id)


async def main(port: int) -> None:
    async with websockets.serve(handler, "127.0.0.1", port, ping_interval=None):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
