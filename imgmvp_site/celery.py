"""The Celery app behind `celery -A imgmvp_site worker` (and `beat`): configured from the CELERY_*
Django settings, tasks found in each installed app's `tasks.py`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgmvp_site.settings")

app = Celery("imgmvp_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
