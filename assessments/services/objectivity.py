"""Writes of the objectivity markers across procedures: above_unconfirmed, cohort_drop and
vpr_over_oge, per ВПР campaign × school, from the stored indicator values.

The campaign markers (score_peaks, hard_over_basic, journal_gap) need one campaign's figures
and are stored with them (`assessments.services.figures._markers`). These three compare
campaigns: a school's ВПР with its ОГЭ and ЕГЭ of the same year, and grade 5 of a year with
grade 4 of the year before. `objectivity_compute` reads the stored `IndicatorValue` rows
(vpr.quality, oge.quality, ege.mean_test — never the results), decides the markers with the
plain functions of `assessments.objectivity`, and stores them under one `ObjectivityRun` of
the year and municipality, which replaces the last one whole.

When: at the end of every ВПР, ОГЭ or ЕГЭ campaign's figures (`objectivity_after_figures`,
called by `figures_compute` in its transaction), for the campaign's year and — after a
grade-4 ВПР — for the next year too (its cohort_drop reads that grade 4). The computation
first locks the municipality's row: two campaign jobs finishing together take turns, and
the second reads the first one's committed figures (PostgreSQL, READ COMMITTED: every
statement after the lock sees what was committed before it). So whatever order the jobs
finish in, the last run of a year has read every campaign's last figures.

The ВПР side of each marker:

* above_unconfirmed — the school's ВПР quality against the municipality's (the region's is
  kept in the evidence when imported); confirmation by the school's ОГЭ quality in the same
  subject (else every ОГЭ subject of the school, pooled by participants), and by its ЕГЭ
  mean test score over its subjects, each against the municipality's, from
  `min_participants` participants;
* cohort_drop — grade 5 of year Y against grade 4 of Y − 1 in the same subject, matched by
  class letter where the files name classes (`assessments.cohorts.match`), else the grade;
* vpr_over_oge — the school's ВПР quality against its own ОГЭ quality in the same subject
  and year, where the school has both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessments import cohorts, objectivity
from assessments.choices import IndicatorLevel, ProcedureCode
from assessments.models import (
    Campaign,
    FiguresRun,
    IndicatorValue,
    ObjectivityMarker,
    ObjectivityRun,
    Subject,
)
from msoko.models import Job
from schools.choices import OrgType
from schools.models import Municipality, School

VPR = ProcedureCode.VPR.value
OGE = ProcedureCode.OGE.value
EGE = ProcedureCode.EGE.value
#: The procedures whose stored figures these markers read.
SOURCES = (VPR, OGE, EGE)
CODES = ("above_unconfirmed", "cohort_drop", "vpr_over_oge")
#: Schools whose high results are expected (DOMAIN §6): not marked above_unconfirmed.
SELECTIVE = (OrgType.GYMNASIUM.value, OrgType.LYCEUM.value)
READ_CODES = ("vpr.quality", "oge.quality", "ege.mean_test")
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Figure:
    value: Decimal
    n: int


@dataclass
class CampaignValues:
    """The stored values of one campaign read by the markers."""

    campaign_id: int
    year: int
    procedure: str
    subject_id: int | None
    grade: int | None
    schools: dict[int, Figure] = field(default_factory=dict)
    classes: dict[int, dict[str, Figure]] = field(default_factory=lambda: defaultdict(dict))
    municipality: Figure | None = None
    region: Figure | None = None


def _lock(municipality_id: int) -> None:
    """Take turns with another computation of the same municipality (see the module)."""
    list(Municipality.objects.select_for_update().filter(pk=municipality_id).values_list("pk"))


def _read(
    year: int, municipality_id: int
) -> tuple[dict[int, CampaignValues], list[dict[str, Any]]]:
    """The campaigns' values of `year` (ВПР, ОГЭ, ЕГЭ) and of grade-4 ВПР of `year − 1`, and
    the figures runs they came from."""
    rows = IndicatorValue.objects.filter(
        municipality_id=municipality_id,
        campaign__isnull=False,
        code__in=READ_CODES,
        year__in=[year, year - 1],
        value__isnull=False,
        level__in=[
            IndicatorLevel.SCHOOL,
            IndicatorLevel.CLASS,
            IndicatorLevel.MUNICIPALITY,
            IndicatorLevel.REGION,
        ],
    ).values_list(
        "campaign_id",
        "run_id",
        "year",
        "procedure",
        "subject_id",
        "grade",
        "level",
        "school_id",
        "part",
        "value",
        "n",
    )
    found: dict[int, CampaignValues] = {}
    runs: set[int] = set()
    for row in rows:
        campaign_id, run_id, row_year, procedure, subject_id, grade, level, school_id = row[:8]
        part, value, n = row[8:]
        if row_year != year and not (procedure == VPR and grade == 4):
            continue
        item = found.setdefault(
            campaign_id, CampaignValues(campaign_id, row_year, procedure, subject_id, grade)
        )
        runs.add(run_id)
        if value is None:
            continue
        figure = Figure(value, n)
        if level == IndicatorLevel.SCHOOL and school_id is not None:
            item.schools[school_id] = figure
        elif level == IndicatorLevel.CLASS and school_id is not None:
            item.classes[school_id][part] = figure
        elif level == IndicatorLevel.MUNICIPALITY:
            item.municipality = figure
        elif level == IndicatorLevel.REGION:
            item.region = figure
    sources = [
        {
            "run": pk,
            "campaign": campaign_id,
            "computed_at": at.isoformat() if at else None,
        }
        for pk, campaign_id, at in FiguresRun.objects.filter(pk__in=runs)
        .order_by("pk")
        .values_list("pk", "campaign_id", "computed_at")
    ]
    return found, sources


def _pooled(pairs: Iterable[tuple[Figure, Decimal]]) -> tuple[Decimal, Decimal, int] | None:
    """(school figure, municipality value) pairs → the school's and the municipality's
    values weighted by the school's participants, and those participants; None if none."""
    total = 0
    own = other = Decimal(0)
    for figure, reference in pairs:
        total += figure.n
        own += figure.value * figure.n
        other += reference * figure.n
    if not total:
        return None
    return (own / total).quantize(PLACES), (other / total).quantize(PLACES), total


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass
class _Year:
    """The values of one year's computation, by procedure."""

    year: int
    vpr: list[CampaignValues]
    oge: dict[int | None, CampaignValues]
    ege: list[CampaignValues]
    grade4_before: dict[int | None, CampaignValues]
    subjects: dict[int, str]
    selective: set[int]
    min_participants: int


def _confirmation(data: _Year, school_id: int, subject_id: int | None) -> dict[str, Any]:
    """The school's ОГЭ (same subject, else all pooled) and ЕГЭ against the municipality."""
    least = data.min_participants
    found: dict[str, Any] = {}
    same = data.oge.get(subject_id)
    figure = same.schools.get(school_id) if same is not None else None
    if same is not None and figure is not None and figure.n >= least and same.municipality:
        found |= {
            "oge_quality": figure.value,
            "oge_municipality": same.municipality.value,
            "oge_subjects": [data.subjects.get(subject_id or 0, "")],
            "oge_n": figure.n,
        }
    else:
        pairs = [
            (c.schools[school_id], c.municipality.value, c.subject_id)
            for c in data.oge.values()
            if school_id in c.schools
            and c.schools[school_id].n >= least
            and c.municipality is not None
        ]
        pooled = _pooled((f, m) for f, m, _subject in pairs)
        if pooled is not None:
            found |= {
                "oge_quality": pooled[0],
                "oge_municipality": pooled[1],
                "oge_subjects": sorted(data.subjects.get(s or 0, "") for _f, _m, s in pairs),
                "oge_n": pooled[2],
            }
    ege = _pooled(
        (c.schools[school_id], c.municipality.value)
        for c in data.ege
        if school_id in c.schools and c.schools[school_id].n >= least and c.municipality is not None
    )
    if ege is not None:
        found |= {"ege_mean": ege[0], "ege_municipality": ege[1], "ege_n": ege[2]}
    return found


def _above_unconfirmed(
    data: _Year, campaign: CampaignValues, school_id: int, figure: Figure
) -> objectivity.Marker:
    confirm = _confirmation(data, school_id, campaign.subject_id)
    marker = objectivity.above_unconfirmed(
        vpr_quality=figure.value,
        vpr_municipality=campaign.municipality.value if campaign.municipality else None,
        oge_quality=confirm.get("oge_quality"),
        oge_municipality=confirm.get("oge_municipality"),
        ege_mean=confirm.get("ege_mean"),
        ege_municipality=confirm.get("ege_municipality"),
        n=figure.n,
        selective=school_id in data.selective,
    )
    if marker.value is None:
        return marker
    subjects = [s for s in confirm.get("oge_subjects", []) if s]
    evidence = {
        **marker.evidence,
        "vpr_n": figure.n,
        "vpr_region": _s(campaign.region.value) if campaign.region else None,
        "oge_n": confirm.get("oge_n"),
        "oge_subjects_label": f"ОГЭ ({', '.join(s.lower() for s in subjects)})"
        if subjects
        else None,
        "ege_n": confirm.get("ege_n"),
    }
    return objectivity.Marker(
        marker.code, marker.value, marker.threshold, marker.raised, evidence, marker.reason
    )


def _cohort_drop(
    data: _Year, campaign: CampaignValues, school_id: int
) -> objectivity.Marker | None:
    before = data.grade4_before.get(campaign.subject_id)
    if before is None or school_id not in before.schools:
        return None
    method, pairs = cohorts.match(
        before.classes.get(school_id, {}),
        campaign.classes.get(school_id, {}),
        grade=4,
        whole_before=before.schools.get(school_id),
        whole_after=campaign.schools.get(school_id),
    )
    if not pairs:
        return None
    grade4 = _pooled((p.before, p.before.value) for p in pairs)
    grade5 = _pooled((p.after, p.after.value) for p in pairs)
    marker = objectivity.cohort_drop(
        grade4_quality=grade4[0] if grade4 else None,
        grade5_quality=grade5[0] if grade5 else None,
        n=min(grade4[2] if grade4 else 0, grade5[2] if grade5 else 0),
    )
    evidence = {
        **marker.evidence,
        "year_before": data.year - 1,
        "campaign_before": before.campaign_id,
        "method": str(method),
        "pairs": [
            {
                "label": p.label,
                "before": str(p.before.value),
                "after": str(p.after.value),
                "n_before": p.before.n,
                "n_after": p.after.n,
            }
            for p in pairs
        ],
    }
    return objectivity.Marker(
        marker.code, marker.value, marker.threshold, marker.raised, evidence, marker.reason
    )


def _vpr_over_oge(
    data: _Year, campaign: CampaignValues, school_id: int, figure: Figure
) -> objectivity.Marker | None:
    oge = data.oge.get(campaign.subject_id)
    own = oge.schools.get(school_id) if oge is not None else None
    if oge is None or own is None:
        return None  # the school writes no ОГЭ in the subject: nothing to compare
    marker = objectivity.vpr_over_oge(
        vpr_quality=figure.value, oge_quality=own.value, n=min(figure.n, own.n)
    )
    evidence = {
        **marker.evidence,
        "vpr_n": figure.n,
        "oge_n": own.n,
        "oge_campaign": oge.campaign_id,
    }
    return objectivity.Marker(
        marker.code, marker.value, marker.threshold, marker.raised, evidence, marker.reason
    )


def year_markers(
    year: int, municipality_id: int
) -> tuple[list[tuple[CampaignValues, int, objectivity.Marker]], list[dict[str, Any]]]:
    """The markers of a year in a municipality: (ВПР campaign, school id, marker), and the
    figures runs read. Writes nothing."""
    found, sources = _read(year, municipality_id)
    this_year = [c for c in found.values() if c.year == year]
    vpr = [c for c in this_year if c.procedure == VPR]
    if not vpr:
        return [], sources
    school_ids = {pk for c in found.values() for pk in c.schools}
    data = _Year(
        year=year,
        vpr=sorted(vpr, key=lambda c: (c.grade or 0, c.subject_id or 0)),
        oge={c.subject_id: c for c in this_year if c.procedure == OGE},
        ege=[c for c in this_year if c.procedure == EGE],
        grade4_before={
            c.subject_id: c
            for c in found.values()
            if c.procedure == VPR and c.grade == 4 and c.year == year - 1
        },
        subjects=dict(Subject.objects.values_list("pk", "name")),
        selective=set(
            School.objects.filter(pk__in=school_ids, org_type__in=SELECTIVE).values_list(
                "pk", flat=True
            )
        ),
        min_participants=int(objectivity.DEFAULT_PARAMS["above_unconfirmed"]["min_participants"]),
    )
    markers: list[tuple[CampaignValues, int, objectivity.Marker]] = []
    for campaign in data.vpr:
        for school_id, figure in sorted(campaign.schools.items()):
            markers.append(
                (campaign, school_id, _above_unconfirmed(data, campaign, school_id, figure))
            )
            if campaign.grade == 5:
                drop = _cohort_drop(data, campaign, school_id)
                if drop is not None:
                    markers.append((campaign, school_id, drop))
            gap = _vpr_over_oge(data, campaign, school_id, figure)
            if gap is not None:
                markers.append((campaign, school_id, gap))
    return markers, sources


@transaction.atomic
def objectivity_compute(
    *, year: int, municipality_id: int, job: Job | None = None
) -> ObjectivityRun | None:
    """Compute and store the markers across procedures of a year in one municipality; the
    new run replaces the last one whole. None: the year has no stored ВПР figures there (the
    last run, if any, is removed). Safe to run twice."""
    _lock(municipality_id)
    ObjectivityRun.objects.filter(year=year, municipality_id=municipality_id).delete()
    markers, sources = year_markers(year, municipality_id)
    if not markers:
        return None
    run = ObjectivityRun.objects.create(
        year=year,
        municipality_id=municipality_id,
        params_version=objectivity.PARAMS_VERSION,
        sources=sources,
        job=job,
    )
    ObjectivityMarker.objects.bulk_create(
        [
            ObjectivityMarker(
                objectivity_run=run,
                campaign_id=campaign.campaign_id,
                municipality_id=municipality_id,
                school_id=school_id,
                year=year,
                procedure=VPR,
                subject_id=campaign.subject_id,
                grade=campaign.grade,
                code=marker.code,
                value=marker.value,
                threshold=marker.threshold,
                raised=marker.raised,
                evidence=_json(marker.evidence),
                reason=marker.reason[:255],
                params_version=objectivity.PARAMS_VERSION,
            )
            for campaign, school_id, marker in markers
        ],
        batch_size=2000,
    )
    return run


def _json(evidence: dict[str, Any]) -> dict[str, Any]:
    """Evidence as JSON: Decimals as their text (the functions' own evidence already is)."""
    return {
        key: str(value) if isinstance(value, Decimal) else value for key, value in evidence.items()
    }


def objectivity_after_figures(
    *, campaign: Campaign, municipality_id: int, job: Job | None = None
) -> list[ObjectivityRun]:
    """The markers across procedures that a campaign's new figures change: its year's, and
    after a grade-4 ВПР the next year's (its cohort_drop), where that year has ВПР figures.
    Called by `figures_compute` in its transaction."""
    procedure = campaign.procedure.code
    if procedure not in SOURCES:
        return []
    years = [campaign.year]
    if (
        procedure == VPR
        and campaign.grade == 4
        and IndicatorValue.objects.filter(
            municipality_id=municipality_id,
            procedure=VPR,
            year=campaign.year + 1,
            grade=5,
            campaign__isnull=False,
        ).exists()
    ):
        years.append(campaign.year + 1)
    runs = []
    for year in years:
        run = objectivity_compute(year=year, municipality_id=municipality_id, job=job)
        if run is not None:
            runs.append(run)
    return runs
