from django.urls import re_path

from . import consumers

websocket_urlpatterns = [re_path(r"^api/images_mvp/progress/(?P<session_id>[A-Za-z0-9_-]{1,64})$",
                                 consumers.ProgressConsumer.as_asgi())]
