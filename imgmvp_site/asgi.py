"""ASGI entry point: HTTP goes to Django, WebSockets to the progress consumer, and jobs on the
`extraction` channel to the worker consumer (`manage.py runworker extraction`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgmvp_site.settings")
django_asgi_app = get_asgi_application()  # before importing anything that touches models

from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

if not settings._wrapped.SECRET_KEY:  # read raw: Django's own getter raises a vaguer error
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for local development.")

from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from extraction.consumers import ExtractionJobConsumer  # noqa: E402
from imgmvp_site.patches import daphne as daphne_patch  # noqa: E402
from extraction.dispatch import EXTRACTION_CHANNEL, reaper_start  # noqa: E402
from progress.routing import websocket_urlpatterns  # noqa: E402
from progress.security import AllowedHostsOriginValidator  # noqa: E402


class ReaperOnFirstEvent:
    """Starts the inline reaper on a web process's first HTTP or WebSocket event (daphne has no
    lifespan event): a restarted process takes back what the last one left unfinished."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and settings.EXTRACTION_WORKERS == "inline":
            reaper_start()
        return await self.app(scope, receive, send)


application = ReaperOnFirstEvent(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(SessionMiddlewareStack(URLRouter(websocket_urlpatterns))),
            "channel": ChannelNameRouter({EXTRACTION_CHANNEL: ExtractionJobConsumer.as_asgi()}),
        }
    )
)

daphne_patch.apply()
