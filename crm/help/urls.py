"""The help centre's addresses, included under help/ by crm/urls.py (namespace crm)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.help_home, name="help"),
    path("search/", views.help_search, name="help_search"),
    path("for-complaint/", views.help_suggested, name="help_suggested"),
    path("vote/<int:pk>/", views.help_vote, name="help_vote"),
    path("c/<slug:slug>/", views.help_category, name="help_category"),
    path("a/<slug:slug>/", views.help_article, name="help_article"),
]
