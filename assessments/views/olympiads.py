"""Pages of olympiads (issue 8); filled in by the work on them."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
