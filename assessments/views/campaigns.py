"""Campaign catalogue, tracker, templates and results pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
