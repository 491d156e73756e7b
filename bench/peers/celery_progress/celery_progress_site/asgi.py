"""The peer's ASGI app (HTTP only: progress is polled), with our daphne multipart fix applied as
imgmvp_site/asgi.py applies it."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celery_progress_site.settings")
application = get_asgi_application()

from imgmvp_site.patches import daphne as daphne_patch  # noqa: E402

daphne_patch.apply()
