"""Writes of the stored figures: a campaign's figures computed once, by a job, and kept.

`figures_compute` reads a campaign's results for one municipality, computes every figure
with `assessments.indicators` (through `stats.campaign_report`), and stores them as one
`FiguresRun` with a `CampaignFigures` row per school and one for the municipality, with
what they were made from, and with them the campaign's objectivity markers; the markers
across procedures of its year follow in the same transaction
(`assessments.services.objectivity`). It runs after each import and scale change, and on
demand for a year (`manage.py compute_indicators --year Y`). `assessments.stored` reads
them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessments import catalogue, cohorts, objectivity, stats
from assessments.choices import IndicatorLevel, ReferenceKind, ReferenceLevel, UploadStatus
from assessments.figures import FIGURES_VERSION, to_data
from assessments.indicators import CampaignStats, EgeStats
from assessments.models import (
    Campaign,
    CampaignFigures,
    FiguresRun,
    IndicatorValue,
    ObjectivityMarker,
    ReferenceValue,
    Result,
    ResultUpload,
)
from assessments.services.objectivity import objectivity_after_figures
from msoko.jobs import job_create, job_enqueue
from msoko.models import Job, User
from schools.models import Municipality

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
        year=campaign.year,
        procedure=campaign.procedure.code,
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
    IndicatorValue.objects.bulk_create(_values(run, campaign, report), batch_size=2000)
    ObjectivityMarker.objects.bulk_create(_markers(run, campaign, report), batch_size=2000)
    # The markers across procedures read these figures with the year's other campaigns'.
    objectivity_after_figures(campaign=campaign, municipality_id=municipality_id, job=job)
    return run


def _markers(
    run: FiguresRun, campaign: Campaign, report: stats.CampaignReport
) -> list[ObjectivityMarker]:
    """The markers one campaign's figures decide for each school (assessments.objectivity):
    peaks at the cut-offs, П / В above Б, and the journal against the region (else the
    municipality). Campaigns without marks (ЕГЭ test scores) have none."""
    if not report.has_marks or report.is_ege:
        return []
    cutoffs = sorted(stats.mark_cutoffs(report).scores.values())
    journal = report.references.get((ReferenceLevel.REGION, ReferenceKind.JOURNAL))
    if journal is not None:
        lowered, raised = journal.percent("lowered"), journal.percent("raised")
    else:
        lowered = report.total.journal.lowered_percent
        raised = report.total.journal.raised_percent
    found = []
    for school, figures in report.schools:
        markers = [
            objectivity.hard_over_basic(figures, report.total),
            objectivity.journal_gap(figures, lowered, raised),
        ]
        if cutoffs:
            markers.insert(0, objectivity.score_peaks(figures.primary_distribution, cutoffs))
        found += [
            ObjectivityMarker(
                run=run,
                campaign=campaign,
                municipality_id=run.municipality_id,
                school=school,
                year=campaign.year,
                procedure=campaign.procedure.code,
                subject_id=campaign.subject_id,
                grade=campaign.grade,
                code=marker.code,
                value=marker.value,
                threshold=marker.threshold,
                raised=marker.raised,
                evidence={
                    **marker.evidence,
                    "reference": "region" if journal is not None else "municipality",
                }
                if marker.code == "journal_gap"
                else marker.evidence,
                reason=marker.reason[:255],
                params_version=objectivity.PARAMS_VERSION,
            )
            for marker in markers
        ]
    return found


def _values(
    run: FiguresRun, campaign: Campaign, report: stats.CampaignReport
) -> list[IndicatorValue]:
    """A row per catalogue indicator of the campaign's procedure for every school, the
    municipality and the imported region and Russia forms."""
    indicators = catalogue.for_procedure(campaign.procedure.code)
    common = {
        "run": run,
        "campaign": campaign,
        "municipality_id": run.municipality_id,
        "year": campaign.year,
        "procedure": campaign.procedure.code,
        "subject_id": campaign.subject_id,
        "grade": campaign.grade,
    }
    levels: list[tuple[str, int | None, CampaignStats, dict[str, EgeStats]]] = [
        (ReferenceLevel.MUNICIPALITY, None, report.total, report.ege_total)
    ]
    levels += [
        (ReferenceLevel.SCHOOL, school.pk, figures, report.ege_schools.get(school.pk, {}))
        for school, figures in report.schools
    ]
    values = []
    for level, school_id, marks, ege in levels:
        for indicator in indicators:
            figures = _figures_for(indicator, marks, ege)
            if figures is None:
                continue
            value = indicator.value(figures)
            values.append(
                IndicatorValue(
                    **common,
                    level=level,
                    school_id=school_id,
                    code=indicator.code,
                    value=None if value is None else Decimal(value),
                    n=figures.participants,
                )
            )
    values += _reference_values(common, campaign, indicators)
    values += _class_values(common, campaign, report, {i.code for i in indicators})
    return values


# The figures a class row carries (assessments.cohorts.ClassMarks), by indicator key.
_CLASS_FIGURES = {
    "participants": "participants",
    "fail_share": "fail_share",
    "pass_rate": "pass_rate",
    "quality": "quality",
    "mean_mark": "mean_mark",
}


def _class_values(
    common: dict[str, Any], campaign: Campaign, report: stats.CampaignReport, codes: set[str]
) -> list[IndicatorValue]:
    """A row per class (level «class», `part` = the class name) for the cohort pages: the
    mark figures of every class the result files name (from the report's own read)."""
    procedure = campaign.procedure.code
    wanted = {f"{procedure}.{key}": attr for key, attr in _CLASS_FIGURES.items()}
    wanted = {code: attr for code, attr in wanted.items() if code in codes}
    if not wanted or not campaign.procedure.has_marks:
        return []
    values = []
    for (school_id, name), figures in sorted(cohorts.class_marks(report.class_rows).items()):
        for code, attr in wanted.items():
            value = getattr(figures, attr)
            values.append(
                IndicatorValue(
                    **common,
                    level=IndicatorLevel.CLASS,
                    school_id=school_id,
                    part=name[:16],
                    code=code,
                    value=None if value is None else Decimal(value),
                    n=figures.participants,
                )
            )
    return values


def _figures_for(
    indicator: catalogue.Indicator, marks: CampaignStats, ege: dict[str, EgeStats]
) -> CampaignStats | EgeStats | None:
    if indicator.figures == catalogue.MARKS:
        return marks
    if indicator.figures == catalogue.YEAR:  # stored by its year computation instead
        return None
    kind = indicator.figures.removeprefix(EGE_PREFIX)
    if kind in ege:
        return ege[kind]
    return next(iter(ege.values()), None) if indicator.any_minimum else None


def _reference_values(
    common: dict[str, Any], campaign: Campaign, indicators: list[catalogue.Indicator]
) -> list[IndicatorValue]:
    """The region's and Russia's values from the imported ФИС ОКО forms, where there are."""
    forms: dict[str, dict[str, dict[str, Any]]] = {}
    participants: dict[str, int] = {}
    for ref in ReferenceValue.objects.filter(
        campaign=campaign, level__in=[ReferenceLevel.REGION, ReferenceLevel.RUSSIA]
    ):
        forms.setdefault(ref.level, {})[ref.kind] = ref.percents
        if ref.kind == ReferenceKind.MARKS and ref.participants:
            participants[ref.level] = ref.participants
    values = []
    for level, percents in sorted(forms.items()):
        for indicator in indicators:
            value = indicator.reference_value(percents)
            if value is not None:
                values.append(
                    IndicatorValue(
                        **common,
                        level=level,
                        school_id=None,
                        code=indicator.code,
                        value=value,
                        n=participants.get(level, 0),
                    )
                )
    return values


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


def figures_request(
    *,
    campaign_id: int,
    user: User | None = None,
    only: int | None = None,
    with_year: bool = True,
) -> list[Job]:
    """Queue the computation of a campaign's figures, one job per municipality it touches
    (`only`: just that municipality), and the year figures of its procedure after them
    (`with_year=False`: the caller queues those once for many campaigns)."""
    from assessments.tasks import figures_compute_task

    campaign = Campaign.objects.get(pk=campaign_id)
    municipalities = [pk for pk in figures_municipalities(campaign) if only is None or pk == only]
    jobs = []
    for municipality_id in municipalities:
        job = job_create(
            kind="figures_compute",
            title=f"Расчёт показателей: {campaign}"[:300],
            created_by=user,
            params={"campaign_id": campaign.pk, "municipality_id": municipality_id},
            municipality_id=municipality_id,
        )
        job_enqueue(job, figures_compute_task)
        jobs.append(job)
    # A procedure with figures of a whole year (ЕГЭ per graduate) follows its campaigns.
    if with_year and campaign.procedure.code in YEAR_FIGURES:
        jobs += year_figures_request(
            procedure=campaign.procedure.code,
            year=campaign.year,
            municipality_ids=municipalities,
            user=user,
        )
    return jobs


# --- figures of a whole year of a procedure (ВсОШ, ЕГЭ per graduate) ---------------------


@dataclass(frozen=True)
class YearValue:
    """One value a year computation gives: an indicator for a school or the municipality."""

    code: str
    value: Decimal | int | None
    n: int
    school_id: int | None = None  # None: the municipality
    subject_id: int | None = None
    grade: int | None = None
    part: str = ""


#: procedure code → the computation of its year in one municipality: (year, municipality id)
#: → (the values, the sources they were made from). Registered by the modules that own them.
YearComputation = Callable[[int, int], tuple[Iterable[YearValue], list[dict[str, Any]]]]
YEAR_FIGURES: dict[str, YearComputation] = {}


def year_figures_register(procedure: str) -> Callable[[YearComputation], YearComputation]:
    def register(compute: YearComputation) -> YearComputation:
        YEAR_FIGURES[procedure] = compute
        return compute

    return register


@transaction.atomic
def year_figures_compute(
    *, procedure: str, year: int, municipality_id: int, job: Job | None = None
) -> FiguresRun | None:
    """Compute and store a procedure's year-level figures in one municipality (replaces the
    last run of that procedure, year and municipality that has no campaign). None: there is
    nothing to compute from (the last run, if any, is removed)."""
    values, sources = YEAR_FIGURES[procedure](year, municipality_id)
    FiguresRun.objects.filter(
        campaign=None, procedure=procedure, year=year, municipality_id=municipality_id
    ).delete()
    values = list(values)
    if not values:
        return None
    run = FiguresRun.objects.create(
        campaign=None,
        year=year,
        procedure=procedure,
        municipality_id=municipality_id,
        code_version=FIGURES_VERSION,
        sources=sources,
        participants=max((v.n for v in values if v.school_id is None), default=0),
        job=job,
    )
    year_values_write(run, values)
    return run


def year_values_write(run: FiguresRun, values: Iterable[YearValue]) -> None:
    """The rows of `values` in the store, under `run` (its municipality, year, procedure)."""
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                run=run,
                municipality_id=run.municipality_id,
                level=IndicatorLevel.MUNICIPALITY if v.school_id is None else IndicatorLevel.SCHOOL,
                school_id=v.school_id,
                year=run.year,
                procedure=run.procedure,
                subject_id=v.subject_id,
                grade=v.grade,
                part=v.part,
                code=v.code,
                value=None if v.value is None else Decimal(str(v.value)),
                n=v.n,
            )
            for v in values
        ],
        batch_size=2000,
    )


def year_figures_request(
    *, procedure: str, year: int, municipality_ids: Iterable[int], user: User | None = None
) -> list[Job]:
    """Queue a procedure's year figures, one job per municipality (after an import)."""
    from assessments.tasks import year_figures_compute_task

    jobs = []
    for municipality_id in sorted(set(municipality_ids)):
        job = job_create(
            kind="year_figures_compute",
            title=f"Расчёт показателей года: {procedure} {year}",
            created_by=user,
            params={"procedure": procedure, "year": year, "municipality_id": municipality_id},
            municipality_id=municipality_id,
        )
        job_enqueue(job, year_figures_compute_task)
        jobs.append(job)
    return jobs


def figures_request_year(*, year: int, user: User | None = None) -> list[Job]:
    """Queue every figure of a year (the specialist's button): each campaign's, then each
    year computation once (not once per campaign). A user bound to a municipality computes
    only his own."""
    bound = user.municipality_id if user is not None else None
    jobs = []
    for campaign_id in Campaign.objects.filter(year=year).values_list("pk", flat=True):
        jobs += figures_request(campaign_id=campaign_id, user=user, only=bound, with_year=False)
    municipalities = Municipality.objects.values_list("pk", flat=True)
    if bound is not None:
        municipalities = municipalities.filter(pk=bound)
    for procedure in YEAR_FIGURES:
        jobs += year_figures_request(
            procedure=procedure, year=year, municipality_ids=list(municipalities), user=user
        )
    return jobs
