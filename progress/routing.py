"""WebSocket URL routes."""

from django.urls import path

from .consumers import ProgressConsumer

websocket_urlpatterns = [
    path("api/images_mvp/progress/<str:session_id>", ProgressConsumer.as_asgi()),
]
