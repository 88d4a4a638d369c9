"""URLs of data collections and survey aggregates, included into the roadmaps namespace."""

from __future__ import annotations

from typing import Any

from django.urls import path

from roadmaps import views_collections as views

urlpatterns: list[Any] = [
    path("collections/", views.CollectionListView.as_view(), name="collection_list"),
    path("collections/new/", views.collection_create, name="collection_create"),
    path("collections/<int:pk>/", views.collection_detail, name="collection_detail"),
    path(
        "collections/<int:pk>/template.xlsx", views.collection_template, name="collection_template"
    ),
    path("collections/<int:pk>/values.xlsx", views.collection_values, name="collection_values"),
    path("collections/<int:pk>/approve/", views.collection_approve, name="collection_approve"),
    path("collections/<int:pk>/unlock/", views.collection_unlock, name="collection_unlock"),
    path("collections/<int:pk>/deadline/", views.collection_deadline, name="collection_deadline"),
    path(
        "collections/<int:pk>/schools/", views.collection_school_add, name="collection_school_add"
    ),
    path("collections/submissions/<int:pk>/", views.submission_form, name="submission_form"),
    path(
        "collections/submissions/<int:pk>/submit/",
        views.submission_submit,
        name="submission_submit",
    ),
    path(
        "collections/submissions/<int:pk>/return/",
        views.submission_return,
        name="submission_return",
    ),
    path(
        "collections/submissions/<int:pk>/history/",
        views.submission_history,
        name="submission_history",
    ),
    path("surveys/template.xlsx", views.survey_template, name="survey_template"),
    *views.COLLECTION_IMPORT.urls(),
    *views.SURVEY_IMPORT.urls(),
]
