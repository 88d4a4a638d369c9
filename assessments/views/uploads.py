"""Upload of result files: dry run, confirmation, progress, history."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
