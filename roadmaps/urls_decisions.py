"""URLs of the decisions pages, included into the roadmaps namespace (roadmaps/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
