"""ASGI entry point: HTTP goes to Django, WebSockets to the progress consumer; at the server's start,
`extraction.tasks.inline_start` runs on its event loop (the inline sweep)."""

import os
import sys

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgmvp_site.settings")
django_asgi_app = get_asgi_application()  # before importing anything that touches models

from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

if not settings._wrapped.SECRET_KEY:  # read raw: Django's own getter raises a vaguer error
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for local development.")

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from extraction.tasks import inline_start  # noqa: E402
from imgmvp_site.metrics_asgi import observed  # noqa: E402
from imgmvp_site.patches import daphne as daphne_patch  # noqa: E402
from imgmvp_site.patches import daphne_access  # noqa: E402
from progress.routing import websocket_urlpatterns  # noqa: E402
from progress.security import AllowedHostsOriginValidator  # noqa: E402


async def lifespan(scope, receive, send):
    """ASGI lifespan (uvicorn, hypercorn): start the inline sweep at startup."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            inline_start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(SessionMiddlewareStack(URLRouter(websocket_urlpatterns))),
        "lifespan": lifespan,
    }
)
application = observed(application)  # /metrics: open sockets, closes, upload bytes

if "daphne.server" in sys.modules:
    # daphne sends no lifespan events. Its Twisted reactor runs an asyncio loop, started after this
    # import; startup triggers fire just before that loop runs, so the call waits one turn of it.
    from twisted.internet import reactor

    reactor.callWhenRunning(reactor.callLater, 0, inline_start)

daphne_patch.apply()
daphne_access.apply()
