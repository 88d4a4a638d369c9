"""Reads of the stored figures: the report of a campaign as its figures job stored it.

Pages, exports and (later) rules read a campaign's figures from here, never from raw
results: `report_for` gives what a user may see (a director his school and the municipal
total), `stored_report` a municipality's whole report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assessments import selectors, stats
from assessments.figures import from_data
from assessments.indicators import CampaignStats, EgeStats
from assessments.models import Campaign, FiguresRun, Result
from schools.models import Municipality, School

MARKS = "marks"
EGE_PREFIX = "ege:"


def stored_run(campaign: Campaign, municipality_id: int) -> FiguresRun | None:
    return (
        FiguresRun.objects.filter(campaign=campaign, municipality_id=municipality_id)
        .order_by("-computed_at", "-pk")
        .first()
    )


def stored_report(
    campaign: Campaign,
    *,
    municipality_id: int,
    visible: set[int] | None = None,
    run: FiguresRun | None = None,
) -> stats.CampaignReport | None:
    """The campaign's report as the figures job stored it (None: never computed).

    `visible` limits the schools (a director: his own); the municipality's total is
    always there. References (region, Russia) are imported rows and read as they are.
    """
    run = run or stored_run(campaign, municipality_id)
    if run is None:
        return None
    rows = list(run.figures.all())
    schools = {
        school.pk: school
        for school in School.objects.filter(
            pk__in=[row.school_id for row in rows if row.school_id is not None]
        )
    }
    total: CampaignStats | None = None
    school_marks: list[tuple[School, CampaignStats]] = []
    ege_total: dict[str, EgeStats] = {}
    ege_schools: dict[int, dict[str, EgeStats]] = {}
    for row in rows:
        if not (row.school_id is None or visible is None or row.school_id in visible):
            continue
        if row.kind == MARKS:
            figures = from_data(CampaignStats, row.data)
            if row.school_id is None:
                total = figures
            else:
                school_marks.append((schools[row.school_id], figures))
        elif row.kind.startswith(EGE_PREFIX):
            kind = row.kind.removeprefix(EGE_PREFIX)
            ege = from_data(EgeStats, row.data)
            if row.school_id is None:
                ege_total[kind] = ege
            else:
                ege_schools.setdefault(row.school_id, {})[kind] = ege
    if total is None:
        return None
    report = stats.CampaignReport(
        campaign=campaign,
        tasks=list(campaign.tasks.all()),
        has_marks=stats.campaign_has_marks(campaign),
        is_ege=campaign.procedure.has_test_score,
        total=total,
        schools=sorted(school_marks, key=lambda item: item[0].short_name),
        ege_total=ege_total,
        ege_schools=ege_schools,
        scale=stats.campaign_scale(campaign),
    )
    if report.is_ege and not report.has_marks:
        report.thresholds = stats.ege_minimums(campaign)
    return report


@dataclass
class StoredView:
    """What the results page shows: the report of one municipality, and the choice of it."""

    report: stats.CampaignReport | None
    municipality: Municipality | None
    municipalities: list[Municipality] = field(default_factory=list)
    run: FiguresRun | None = None
    has_results: bool = False


def report_for(campaign: Campaign, user: Any, chosen: str | None = None) -> StoredView:
    """The stored report of the campaign that `user` may see.

    A user bound to a municipality (a director: his school's) reads its figures; a
    deployment-wide user chooses among the municipalities with figures (`chosen`, else the
    first). None as the report: the figures have not been computed yet.
    """
    bound = user.municipality_id or (user.school.municipality_id if user.is_director else None)
    if bound:
        candidates = list(Municipality.objects.filter(pk=bound))
    else:
        ids = set(
            FiguresRun.objects.filter(campaign=campaign).values_list("municipality", flat=True)
        )
        candidates = list(Municipality.objects.filter(pk__in=ids).order_by("name"))
    municipality = next((m for m in candidates if str(m.pk) == chosen), None) or (
        candidates[0] if candidates else None
    )
    if municipality is None:
        return StoredView(report=None, municipality=None, has_results=_has_results(campaign, user))
    visible = None if user.sees_all_schools else set(user.visible_school_ids())
    run = stored_run(campaign, municipality.pk)
    report = stored_report(campaign, municipality_id=municipality.pk, visible=visible, run=run)
    if report is not None:
        report.references = {
            (ref.level, ref.kind): ref for ref in selectors.campaign_references(campaign, user)
        }
    return StoredView(
        report=report,
        municipality=municipality,
        municipalities=candidates if not bound else [],
        run=run,
        has_results=report is not None or _has_results(campaign, user),
    )


def _has_results(campaign: Campaign, user: Any) -> bool:
    return Result.objects.for_user(user).filter(campaign=campaign).exists()
