"""WebSocket URL routes."""

from django.urls import path, re_path

from .consumers import NotFoundConsumer, ProgressConsumer

websocket_urlpatterns = [
    path("api/images_mvp/progress/<str:session_id>", ProgressConsumer.as_asgi()),
    re_path(r"", NotFoundConsumer.as_asgi()),  # last: every other path, a typo or a missing id
]
