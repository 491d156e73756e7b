"""The upload: save the file, start the Celery task, answer 202 with celery-progress's URL to poll."""

import re
import uuid

from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from .tasks import extract_task

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@csrf_exempt
def extract(request):
    """POST a multipart `file` (and an optional `session_id`): 202 with the task id and its progress URL."""
    if request.method != "POST":
        return JsonResponse({"error": "method_not_allowed", "message": "POST a file."}, status=405)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "no_file", "message": "No file was uploaded."}, status=400)
    session_id = request.POST.get("session_id") or str(uuid.uuid4())
    if not SESSION_ID.match(session_id):
        return JsonResponse({"error": "invalid_session_id", "message": "Bad session id."}, status=400)
    stored = default_storage.save(f"uploads/{session_id}-{upload.name}", upload)
    task = extract_task.delay(session_id, stored, upload.name)
    return JsonResponse({"sessionId": session_id, "taskId": task.id,
                         "progressUrl": reverse("celery_progress:task_status", args=[task.id])}, status=202)
