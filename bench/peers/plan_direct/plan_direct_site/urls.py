from django.urls import path

from . import views

urlpatterns = [path("api/images_mvp/extract", views.extract)]
