"""URL configuration: the API, the upload page and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("extraction.urls")),
]

handler400 = "imgmvp_site.errors.bad_request"
handler404 = "imgmvp_site.errors.not_found"
handler500 = "imgmvp_site.errors.server_error"
