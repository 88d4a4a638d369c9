"""URLs of the decisions pages, included into the roadmaps namespace (roadmaps/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from roadmaps import views_decisions as views

urlpatterns: list[URLPattern] = [
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation_list"),
    path("recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path(
        "recommendations/<int:pk>/edit/",
        views.recommendation_update,
        name="recommendation_update",
    ),
    path(
        "recommendations/<int:pk>/respond/",
        views.recommendation_respond,
        name="recommendation_respond",
    ),
    path(
        "recommendations/<int:pk>/review/",
        views.recommendation_review,
        name="recommendation_review",
    ),
    path("recommendations/<int:pk>/file/", views.recommendation_file, name="recommendation_file"),
    path("decisions/", views.DecisionListView.as_view(), name="decision_list"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/edit/", views.decision_update, name="decision_update"),
    path("cycle/<int:pk>/pick/<str:kind>/", views.cycle_pick, name="cycle_pick"),
]
