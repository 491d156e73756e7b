"""The extraction task: our pipeline, with celery-progress's ProgressRecorder.set_progress at each stage.

`stageTimes` in the task's result is when each stage became readable (just after `set_progress`
returned, i.e. after it was written to the result backend) and `finished` is just before the task
returns (Celery then writes SUCCESS): the bench measures staleness from these to the poll that shows it.
"""

import time

from celery import shared_task
from celery_progress.backend import ProgressRecorder
from django.conf import settings
from django.core.files.storage import default_storage

from bench.peers.common import extract

from .models import Extraction


@shared_task(bind=True)
def extract_task(self, session_id: str, stored: str, name: str) -> dict:
    recorder = ProgressRecorder(self)
    stage_times: dict[str, float] = {}

    def on_progress(stage) -> None:
        recorder.set_progress(stage.progress, 100, description=stage.status)
        stage_times[str(stage.progress)] = time.time()

    # A PipelineError propagates: the task fails, and celery-progress reports it (success false).
    result = extract(default_storage.path(stored), name=name, media_root=settings.MEDIA_ROOT, on_progress=on_progress)
    Extraction.objects.create(session_id=session_id, original_name=name, stored_path=stored, status="complete",
                              result=result)
    return {"result": result, "stageTimes": stage_times, "finished": time.time()}
