"""URL configuration: the API, the upload page, the admin and /metrics."""

from django.contrib import admin
from django.urls import include, path

from . import admin_lockout
from imgmvp_site.metrics import metrics_view

urlpatterns = [
    path("admin/login/", admin_lockout.login),  # before the admin's own: locks out password guessing
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("", include("extraction.urls")),
]

handler400 = "imgmvp_site.errors.bad_request"
handler404 = "imgmvp_site.errors.not_found"
handler500 = "imgmvp_site.errors.server_error"
