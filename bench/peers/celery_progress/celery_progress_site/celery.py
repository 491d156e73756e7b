"""The Celery app behind `celery -A celery_progress_site worker`, configured from the CELERY_* settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celery_progress_site.settings")

app = Celery("celery_progress_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
