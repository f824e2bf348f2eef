"""Served from the site root, outside the language prefixes: the service worker must sit at
/sw.js for its scope to be the whole site."""

from django.urls import path

from . import views

urlpatterns = [path("sw.js", views.service_worker, name="service_worker")]
