"""A bare `websockets` server sending the product's progress messages: the latency floor.

Each connection gets `connected`; each `{"type": "start"}` from the client then gets the seven
progress/complete messages of one session, each stamped with the time it is sent, as the product
stamps each message with the time its row is saved.
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


def iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


async def session(websocket, session_id: str) -> None:
    seq = 1
    for progress, stage, status in STAGES:
        seq += 1
        await websocket.send(json.dumps({"type": "progress", "sessionId": session_id, "seq": seq, "timestamp": iso(),
                                         "progress": progress, "status": status, "stage": stage}))
        await asyncio.sleep(GAP_SECONDS)
    await websocket.send(json.dumps({
        "type": "complete", "sessionId": session_id, "seq": seq + 1, "timestamp": iso(), "progress": 100,
        "status": "Extraction complete!", "result": {"summary": {"ImageWidth": 640, "ImageHeight": 480},
                                                     "findings": []},
        "resultUrl": f"/api/images_mvp/sessions/{session_id}",
    }))


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
