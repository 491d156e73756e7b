"""HTTP routes of the extraction API."""

from django.urls import path

from . import pages, views

app_name = "extraction"

urlpatterns = [
    path("", pages.upload_page, name="upload-page"),
    path("api/images_mvp/extract", views.extract, name="extract"),
    path("api/images_mvp/sessions/<str:session_id>", views.session_status, name="session-status"),
]
