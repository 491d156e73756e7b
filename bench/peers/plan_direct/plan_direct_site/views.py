"""The plan's upload handler: save the file, answer 202, run the extraction in the background.

The extraction runs in a thread (`sync_to_async(thread_sensitive=False)`, so several overlap) from
an `asyncio.create_task`; each stage is `group_send` at once, and one row is saved at the end.
"""

import asyncio
import logging
import re
import uuid

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from bench.peers.common import extract as run_extraction, iso
from extraction.pipeline import PipelineError

from .consumers import group_name
from .models import Extraction

logger = logging.getLogger(__name__)
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_running: set[asyncio.Task] = set()  # a reference to each background task, so none is collected early


@csrf_exempt
async def extract(request):
    """POST a multipart `file` (and an optional `session_id`): 202 with the session id."""
    if request.method != "POST":
        return JsonResponse({"error": "method_not_allowed", "message": "POST a file."}, status=405)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "no_file", "message": "No file was uploaded."}, status=400)
    session_id = request.POST.get("session_id") or str(uuid.uuid4())
    if not SESSION_ID.match(session_id):
        return JsonResponse({"error": "invalid_session_id", "message": "Bad session id."}, status=400)
    stored = await sync_to_async(default_storage.save)(f"uploads/{session_id}-{upload.name}", upload)
    task = asyncio.create_task(extract_and_notify(session_id, stored, upload.name))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return JsonResponse({"sessionId": session_id, "status": "processing", "message": "File upload started"},
                        status=202)


async def send(session_id: str, message: dict) -> None:
    await get_channel_layer().group_send(group_name(session_id), {"type": "progress.message", "message": message})


async def extract_and_notify(session_id: str, stored: str, name: str) -> None:
    """Run the pipeline in a thread, sending each stage as it begins; save the row; send the end."""

    def on_progress(stage) -> None:
        async_to_sync(send)(session_id, {"type": "progress", "progress": stage.progress, "stage": stage.name,
                                         "status": stage.status, "timestamp": iso()})

    path = default_storage.path(stored)
    try:
        result = await sync_to_async(run_extraction, thread_sensitive=False)(
            path, name=name, media_root=settings.MEDIA_ROOT, on_progress=on_progress)
    except PipelineError as exc:
        await Extraction.objects.acreate(session_id=session_id, original_name=name, stored_path=stored,
                                         status="failed", error=exc.code)
        await send(session_id, {"type": "failed", "error": exc.code, "message": exc.message, "timestamp": iso()})
        return
    except Exception:
        logger.exception("session %s: extraction failed", session_id)
        await send(session_id, {"type": "failed", "error": "internal_error", "message": "Extraction failed.",
                                "timestamp": iso()})
        return
    await Extraction.objects.acreate(session_id=session_id, original_name=name, stored_path=stored,
                                     status="complete", result=result)
    await send(session_id, {"type": "complete", "progress": 100, "status": "Extraction complete!",
                            "result": result, "timestamp": iso()})
