"""Pages that read every app: the home page's summary, the indicator catalogue (later the
dashboards and documents)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from assessments import catalogue
from assessments.choices import ProcedureCode
from assessments.selectors import home_summary as assessments_summary
from msoko.access import AuthedHttpRequest, role_required
from roadmaps.models import Direction
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


@role_required()
def indicator_catalogue(request: AuthedHttpRequest) -> HttpResponse:
    """Every indicator grouped by procedure: code, name, unit, direction, better, formula."""
    labels = dict(ProcedureCode.choices)
    directions = dict(Direction.objects.values_list("code", "title"))
    groups: dict[str, list[catalogue.Indicator]] = {}
    for indicator in catalogue.CATALOGUE.values():
        groups.setdefault(indicator.procedure, []).append(indicator)
    rows = [
        (
            labels.get(code, code),
            [(indicator, directions.get(indicator.direction, "")) for indicator in items],
        )
        for code, items in groups.items()
    ]
    return render(request, "reports/indicator_catalogue.html", {"groups": rows})
