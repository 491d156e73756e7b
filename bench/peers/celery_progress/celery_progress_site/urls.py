from django.urls import include, path

from . import views

urlpatterns = [
    path("api/images_mvp/extract", views.extract),
    path("celery-progress/", include("celery_progress.urls")),  # as celery-progress's README mounts it
]
