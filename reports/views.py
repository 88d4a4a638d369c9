"""Pages that read every app: the home page's summary (later the dashboards and documents)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from assessments.selectors import home_summary as assessments_summary
from msoko.access import AuthedHttpRequest, role_required
from roadmaps.selectors import home_summary as roadmaps_summary
from schools.selectors import home_summary as registry_summary


@role_required()
def home(request: AuthedHttpRequest) -> HttpResponse:
    """The first screen: the registry, this year's campaigns and the road-map deadlines."""
    context = {
        "summary": registry_summary(request.user),
        "assessments": assessments_summary(request.user),
        "roadmaps": roadmaps_summary(request.user),
    }
    return render(request, "home.html", context)
