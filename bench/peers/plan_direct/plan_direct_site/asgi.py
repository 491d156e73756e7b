"""The direct plan's ASGI app, with our daphne multipart fix applied as imgmvp_site/asgi.py applies it."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plan_direct_site.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from imgmvp_site.patches import daphne as daphne_patch  # noqa: E402
from plan_direct_site.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": URLRouter(websocket_urlpatterns)})

daphne_patch.apply()
