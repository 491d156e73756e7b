"""URL configuration: the API, the upload page and the admin."""

from django.contrib import admin
from django.urls import include, path

from . import admin_lockout

urlpatterns = [
    path("admin/login/", admin_lockout.login),  # before the admin's own: locks out password guessing
    path("admin/", admin.site.urls),
    path("", include("extraction.urls")),
]

handler400 = "imgmvp_site.errors.bad_request"
handler404 = "imgmvp_site.errors.not_found"
handler500 = "imgmvp_site.errors.server_error"
