"""Writes of the stored figures: a campaign's figures computed once, by a job, and kept.

`figures_compute` reads a campaign's results for one municipality, computes every figure
with `assessments.indicators` (through `stats.campaign_report`), and stores them as one
`FiguresRun` with a `CampaignFigures` row per school and one for the municipality, with
what they were made from. It runs after each import and scale change, and on demand for a
year (`manage.py compute_indicators --year Y`). `assessments.stored` reads them back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from assessments import stats
from assessments.choices import UploadStatus
from assessments.figures import FIGURES_VERSION, to_data
from assessments.models import Campaign, CampaignFigures, FiguresRun, Result, ResultUpload
from msoko.jobs import job_create, job_enqueue
from msoko.models import Job, User

MARKS = "marks"
EGE_PREFIX = "ege:"


@transaction.atomic
def figures_compute(
    *, campaign: Campaign, municipality_id: int, job: Job | None = None
) -> FiguresRun:
    """Compute and store every figure of `campaign` in one municipality; replaces the last run.

    Safe to run twice: the new run replaces the old one whole, and the same results give
    the same rows.
    """
    report = stats.campaign_report(campaign, municipality_id=municipality_id)
    FiguresRun.objects.filter(campaign=campaign, municipality_id=municipality_id).delete()
    run = FiguresRun.objects.create(
        campaign=campaign,
        municipality_id=municipality_id,
        code_version=FIGURES_VERSION,
        scale_version=campaign.scale_versions.order_by("-version")
        .values_list("version", flat=True)
        .first(),
        sources=_sources(campaign, municipality_id),
        participants=report.total.participants,
        job=job,
    )
    rows = [_row(run, None, MARKS, report.total)]
    rows += [_row(run, school.pk, MARKS, figures) for school, figures in report.schools]
    rows += [_row(run, None, EGE_PREFIX + kind, ege) for kind, ege in report.ege_total.items()]
    rows += [
        _row(run, school_id, EGE_PREFIX + kind, ege)
        for school_id, by_kind in report.ege_schools.items()
        for kind, ege in by_kind.items()
    ]
    CampaignFigures.objects.bulk_create(rows)
    return run


def _row(run: FiguresRun, school_id: int | None, kind: str, figures: Any) -> CampaignFigures:
    return CampaignFigures(
        run=run,
        school_id=school_id,
        kind=kind,
        participants=figures.participants,
        data=to_data(figures),
    )


def _sources(campaign: Campaign, municipality_id: int) -> list[dict[str, Any]]:
    """The imported uploads whose results the figures were made from."""
    return [
        {"upload": pk, "sha256": sha, "file": name, "imported_at": at.isoformat() if at else None}
        for pk, sha, name, at in ResultUpload.objects.filter(
            campaign=campaign, status=UploadStatus.IMPORTED, municipality_id=municipality_id
        )
        .order_by("pk")
        .values_list("pk", "sha256", "filename", "imported_at")
    ]


def figures_municipalities(campaign: Campaign) -> list[int]:
    """The municipalities with results in the campaign."""
    return sorted(
        set(
            Result.objects.filter(campaign=campaign).values_list(
                "school__municipality_id", flat=True
            )
        )
    )


def figures_request(*, campaign_id: int, user: User | None = None) -> list[Job]:
    """Queue the computation of a campaign's figures, one job per municipality it touches."""
    from assessments.tasks import figures_compute_task

    campaign = Campaign.objects.get(pk=campaign_id)
    jobs = []
    for municipality_id in figures_municipalities(campaign):
        job = job_create(
            kind="figures_compute",
            title=f"Расчёт показателей: {campaign}"[:300],
            created_by=user,
            params={"campaign_id": campaign.pk, "municipality_id": municipality_id},
            municipality_id=municipality_id,
        )
        job_enqueue(job, figures_compute_task)
        jobs.append(job)
    return jobs
