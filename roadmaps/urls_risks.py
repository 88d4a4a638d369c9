"""URLs of the risks pages, included into the roadmaps namespace (roadmaps/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from roadmaps import views_risks as views

urlpatterns: list[URLPattern] = [
    path("risks/", views.risk_overview, name="risk_overview"),
    path("risks/directions/", views.risk_direction_list, name="risk_direction_list"),
    path("risks/directions/new/", views.risk_direction_create, name="risk_direction_create"),
    path("risks/directions/<int:pk>/", views.risk_direction_detail, name="risk_direction_detail"),
    path(
        "risks/directions/<int:pk>/edit/",
        views.risk_direction_update,
        name="risk_direction_update",
    ),
    path(
        "risks/directions/<int:pk>/measures/new/",
        views.measure_template_create,
        name="measure_template_create",
    ),
    path(
        "risks/measures/<int:pk>/edit/",
        views.measure_template_update,
        name="measure_template_update",
    ),
    path(
        "risks/measures/<int:pk>/delete/",
        views.measure_template_delete,
        name="measure_template_delete",
    ),
    path("risks/schools/<int:school>/<int:year>/", views.risk_profile, name="risk_profile"),
    path(
        "risks/schools/<int:school>/<int:year>/programme/",
        views.risk_programme_create,
        name="risk_programme_create",
    ),
    path("risks/schools/<int:school>/curator/", views.risk_curator, name="risk_curator"),
    path("risks/import/template.xlsx", views.risk_import_template, name="risk_import_template"),
    *views.IMPORT_PAGES.urls(),
]
