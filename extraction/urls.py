"""HTTP routes of the extraction API."""

from django.urls import path

from . import downloads, pages, tus, views

app_name = "extraction"

urlpatterns = [
    path("", pages.upload_page, name="upload-page"),
    path("api/images_mvp/extract", views.extract, name="extract"),
    path("api/images_mvp/sessions/<str:session_id>", views.session_status, name="session-status"),
    path("api/images_mvp/sessions/<str:session_id>/clean", downloads.session_clean, name="session-clean"),
    path("api/images_mvp/sessions/<str:session_id>/preview", downloads.session_preview, name="session-preview"),
    path("api/images_mvp/sessions/<str:session_id>/cancel", views.session_cancel, name="session-cancel"),
    path("api/images_mvp/uploads/", tus.uploads, name="tus-uploads"),
    path("api/images_mvp/uploads/<str:upload_id>", tus.upload, name="tus-upload"),
    path("api/images_mvp/clean-copies.zip", downloads.clean_zip, name="clean-zip"),
]
