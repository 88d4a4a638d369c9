"""Django glue between the result rows of a campaign and assessments/indicators.py.

`campaign_report(campaign, user=...)` reads a campaign's results in one query and computes
every figure of DOMAIN §5 per school and for the municipality; the `*_table` functions
turn a report into the django-tables2 tables the results page shows, and
`report_xlsx` writes the same tables to a workbook — a column is declared once
(assessments/tables.py), so the page and the file cannot disagree.

Row-level access: a director gets the municipal totals (computed over every school of his
municipality) but only his own school's rows; nothing else of another school leaves here.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max, QuerySet
from django.urls import reverse

from assessments import selectors
from assessments.choices import ReferenceKind, ReferenceLevel, ThresholdKind, UploadStatus
from assessments.indicators import (
    MARKS,
    MASTERY_THRESHOLDS,
    SMALL_SAMPLE,
    CampaignStats,
    EgeStats,
    Record,
    ege_stats,
    group_by,
)
from assessments.models import Campaign, CampaignTask, ReferenceValue, Result
from assessments.scales import Scale
from assessments.tables import (
    CountColumn,
    EgeTable,
    FigureColumn,
    FiguresTable,
    JournalTable,
    PrimaryDistributionTable,
    RequirementTable,
    TaskSchoolTable,
    TaskTable,
    TrackerTable,
)
from msoko import formatting
from msoko.charts import BarChart, Histogram, Series, mark_distribution
from msoko.exports import table_rows, xlsx_bytes
from schools.models import School

HIGH_BAND = (81, 100)
_RESULT_FIELDS = (
    "school_id",
    "absent",
    "primary_score",
    "mark",
    "journal_mark",
    "scores",
    "test_score",
    "class_name",
)


@dataclass
class CampaignReport:
    """Every figure of one campaign that the user may see.

    `schools` holds only the schools the user may see (a director: his own); `total` is
    the municipality — every school of it, whoever looks.
    """

    campaign: Campaign
    tasks: list[CampaignTask]
    has_marks: bool
    is_ege: bool
    total: CampaignStats
    schools: list[tuple[School, CampaignStats]]
    total_label: str = "Муниципалитет"
    thresholds: dict[str, Decimal] = field(default_factory=dict)
    ege_total: dict[str, EgeStats] = field(default_factory=dict)
    ege_schools: dict[int, dict[str, EgeStats]] = field(default_factory=dict)
    references: dict[tuple[str, str], ReferenceValue] = field(default_factory=dict)
    scale: Scale | None = None
    school_totals: dict[int, tuple[int, int]] = field(default_factory=dict)
    # (school id, class name, mark) of those who wrote, from the same read of the results:
    # the figures job stores the classes' figures from them (assessments.cohorts).
    class_rows: list[tuple[int, str, int | None]] = field(default_factory=list)

    @property
    def participants(self) -> int:
        return self.total.participants

    def school_stats(self, school_id: int) -> CampaignStats | None:
        for school, stats in self.schools:
            if school.pk == school_id:
                return stats
        return None


def campaign_has_marks(campaign: Campaign) -> bool:
    """ЕГЭ gives test scores, except математика база, which gives marks."""
    return campaign.procedure.has_marks or campaign.subject.code == "math_base"


def campaign_scale(campaign: Campaign) -> Scale | None:
    if not campaign.scale:
        return None
    try:
        return Scale.from_dict(campaign.scale)
    except ValueError:
        return None


def result_rows(results: QuerySet[Result]) -> list[tuple[Any, ...]]:
    """The `_RESULT_FIELDS` of the results, as tuples, read in one query.

    On PostgreSQL the server packs the rows into one JSON document that Python decodes
    once, at C speed, instead of Django decoding 100,000 JSON cells and building a Decimal
    per score (about 3× faster for a year of ВПР; see bench/import_vpr.py). Primary scores
    arrive as floats, which the figures treat the same.
    """
    rows = results.values_list(*_RESULT_FIELDS)
    if connection.vendor != "postgresql":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    columns = ", ".join(f"r.{field}" for field in _RESULT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(json_agg(json_build_array({columns}))::text, '[]') FROM ({sql}) AS r",  # noqa: S608 — column names are constants
            params,
        )
        (document,) = cursor.fetchone()
    return [tuple(row) for row in json.loads(document)]


def _records(rows: Iterable[tuple[Any, ...]], with_scores: bool) -> list[Record]:
    return [
        Record(
            absent=absent,
            primary_score=primary,
            mark=mark,
            journal_mark=journal,
            scores=(scores or ()) if with_scores else (),
            test_score=test_score,
            school=str(school_id),
        )
        for school_id, absent, primary, mark, journal, scores, test_score, _class in rows
    ]


def campaign_report(
    campaign: Campaign, *, user: Any = None, municipality_id: int | None = None
) -> CampaignReport:
    """The figures of a campaign for `user` (None: everything, for management commands and
    the figures job, which passes the one municipality it computes).

    Raises ``ValueError`` (a Russian message) when stored results do not fit the campaign —
    e.g. a score array not aligned with the task list.
    """
    tasks = list(campaign.tasks.all())
    results: QuerySet[Result]
    if user is None:
        results = Result.objects.filter(campaign=campaign)
        if municipality_id is not None:
            results = results.filter(school__municipality_id=municipality_id)
        visible: set[int] | None = None
    else:
        results = selectors.municipal_results(campaign, user)
        visible = None if user.sees_all_schools else set(user.visible_school_ids())
    rows = result_rows(results)
    records = _records(rows, with_scores=bool(tasks))
    grouped = group_by(records, lambda r: r.school, tasks, max_primary=campaign.max_primary)
    ids = [int(k) for k in grouped.groups if visible is None or int(k) in visible]
    schools = {s.pk: s for s in School.objects.filter(pk__in=ids)}
    ordered = sorted(ids, key=lambda pk: schools[pk].short_name)
    report = CampaignReport(
        campaign=campaign,
        tasks=tasks,
        has_marks=campaign_has_marks(campaign),
        is_ege=campaign.procedure.has_test_score,
        total=grouped.total,
        schools=[(schools[pk], grouped.groups[str(pk)]) for pk in ordered],
        scale=campaign_scale(campaign),
    )
    if user is not None and user.municipality_id is None and user.sees_all_schools:
        municipalities = {s.municipality_id for s in schools.values()}
        if len(municipalities) > 1:
            report.total_label = "Все муниципалитеты"
    report.references = {
        (ref.level, ref.kind): ref
        for ref in (
            selectors.campaign_references(campaign, user)
            if user is not None
            else ReferenceValue.objects.filter(campaign=campaign, level__in=("russia", "region"))
        )
    }
    if report.is_ege and not report.has_marks:
        _add_ege(report, records, visible)
    report.class_rows = [
        (school_id, class_name, mark)
        for school_id, absent, _p, mark, _j, _s, _t, class_name in rows
        if not absent and class_name and (visible is None or school_id in visible)
    ]
    return report


def ege_minimums(campaign: Campaign) -> dict[str, Decimal]:
    """The year's ЕГЭ minimums of the subject that the figures are counted against."""
    return {
        threshold.kind: threshold.value
        for threshold in selectors.ege_thresholds(campaign)
        if threshold.kind in (ThresholdKind.ATTESTAT, ThresholdKind.UNIVERSITY)
    }


def _add_ege(report: CampaignReport, records: list[Record], visible: set[int] | None) -> None:
    report.thresholds = ege_minimums(report.campaign)
    kinds = report.thresholds or {"": Decimal(0)}
    by_school: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        by_school[int(record.school)].append(record)
    for kind, minimum in kinds.items():
        report.ege_total[kind] = ege_stats(records, minimum=float(minimum), high_band=HIGH_BAND)
        for school, _stats in report.schools:
            report.ege_schools.setdefault(school.pk, {})[kind] = ege_stats(
                by_school[school.pk], minimum=float(minimum), high_band=HIGH_BAND
            )


# --------------------------------------------------------------------------- table rows


def school_label(school: School) -> dict[str, Any]:
    return {
        "name": school.short_name,
        "login": school.login,
        "url": reverse("schools:school_detail", args=[school.pk]),
        "school_id": school.pk,
    }


def figures_row(stats: CampaignStats) -> dict[str, Any]:
    return {
        "participants": stats.participants,
        "absent": stats.absent,
        "p2": stats.mark_percents[2],
        "p3": stats.mark_percents[3],
        "p4": stats.mark_percents[4],
        "p5": stats.mark_percents[5],
        "pass_rate": stats.pass_rate,
        "quality_rate": stats.quality_rate,
        "mean_mark": stats.mean_mark,
        "mean_primary": stats.mean_primary,
        "mean_primary_percent": stats.mean_primary_percent,
        "informative": str(stats.informative),
        "small_sample": stats.small_sample,
    }


def marks_chart(report: CampaignReport, focus: School | None = None) -> BarChart | None:
    """The mark distribution: a school (the director's, or the one in focus), the
    municipality, and the region and Russia where their figures were imported."""
    if not report.has_marks or report.total.with_mark == 0:
        return None
    groups: list[tuple[str, dict[int, Decimal | None]]] = []
    school = focus or (report.schools[0][0] if len(report.schools) == 1 else None)
    if school is not None and report.school_stats(school.pk) is not None:
        groups.append((school.short_name, report.school_stats(school.pk).mark_percents))  # type: ignore[union-attr]
    groups.append((report.total_label, report.total.mark_percents))
    for level in ("region", "russia"):
        ref = report.references.get((level, ReferenceKind.MARKS))
        if ref is not None:
            groups.append((ref.get_level_display(), {m: ref.percent(str(m)) for m in MARKS}))
    return mark_distribution(f"Распределение отметок: {report.campaign}", groups)


# --------------------------------------------------------------------------- charts
# Every chart reads the report, i.e. the stored figures: a school (the director's, or the
# one in focus), the municipality, and the region and Russia where they were imported.


@dataclass(frozen=True)
class ChartBlock:
    """A chart of the results page and its small-sample warning («» when none)."""

    chart: BarChart | Histogram
    small: str = ""


def _chart_school(report: CampaignReport, focus: School | None) -> School | None:
    school = focus or (report.schools[0][0] if len(report.schools) == 1 else None)
    return school if school is not None and report.school_stats(school.pk) else None


def _chart_groups(report: CampaignReport, focus: School | None) -> list[tuple[str, CampaignStats]]:
    """(name, figures) of the school in focus (if any) and of the municipality."""
    school = _chart_school(report, focus)
    groups = []
    if school is not None:
        groups.append((school.short_name, report.school_stats(school.pk)))
    groups.append((report.total_label, report.total))
    return [(name, stats) for name, stats in groups if stats is not None]


def small_sample_warning(groups: Iterable[tuple[str, int]]) -> str:
    """«Меньше 10 участников: …» for the groups of a chart with a small sample, else «»."""
    few = [f"{name} ({n})" for name, n in groups if n < SMALL_SAMPLE]
    if not few:
        return ""
    return (
        f"Меньше {SMALL_SAMPLE} участников: {', '.join(few)} — проценты малоинформативны, "
        "делать по ним выводы нельзя."
    )


@dataclass(frozen=True)
class Cutoffs:
    """The first primary score of each mark «3»…«5» and where it comes from: the
    campaign's scale, or inferred from the stored figures (the lowest primary score seen
    with each mark), or nothing to show."""

    scores: dict[int, int]
    source: str  # SCALE, INFERRED, STALE (figures stored before cut-offs were) or NONE

    SCALE = "scale"
    INFERRED = "inferred"
    STALE = "stale"
    NONE = "none"


def mark_cutoffs(report: CampaignReport) -> Cutoffs:
    """The cut-offs marked on the primary-score histogram."""
    if report.scale is not None:
        bands = {band.mark: band.min_primary for band in report.scale.bands}
        scores: dict[int, int] = {m: bands[m] for m in (3, 4, 5) if m in bands}
        return Cutoffs(scores, Cutoffs.SCALE)
    if not report.has_marks or report.total.with_mark == 0:
        return Cutoffs({}, Cutoffs.NONE)
    seen = report.total.mark_cutoffs  # over the whole municipality, as a scale would be
    if not seen:
        return Cutoffs({}, Cutoffs.STALE)
    return Cutoffs({m: math.ceil(seen[m]) for m in (3, 4, 5) if m in seen}, Cutoffs.INFERRED)


def distribution_charts(report: CampaignReport, focus: School | None = None) -> list[ChartBlock]:
    """The primary-score histogram of the school in focus and of the municipality, with
    the first score of each mark marked."""
    cutoffs = mark_cutoffs(report)
    markers = tuple((score, f"«{mark}»") for mark, score in sorted(cutoffs.scores.items()))
    name = "Граница отметки" + (" (выведена)" if cutoffs.source == Cutoffs.INFERRED else "")
    blocks = []
    for group, stats in _chart_groups(report, focus):
        bins = stats.primary_distribution
        if not bins or stats.with_primary == 0:
            continue
        blocks.append(
            ChartBlock(
                Histogram(
                    title=f"Распределение первичных баллов: {group}",
                    bins=[str(score) for score in range(len(bins))],
                    counts=list(bins),
                    markers=[(p, label) for p, label in markers if p < len(bins)],
                    x_label="Первичный балл",
                    y_label="Участников",
                    marker_name=name,
                ),
                small_sample_warning([(group, stats.participants)]),
            )
        )
    return blocks


def task_chart(report: CampaignReport, focus: School | None = None) -> ChartBlock | None:
    """% выполнения of each task, labelled with its level, against the ФИОКО mastery
    threshold of the level (60 % for Б, 30 % for П and В) drawn across the task."""
    tasks = report.total.tasks
    if not tasks or report.total.participants == 0:
        return None
    groups = _chart_groups(report, focus)
    categories = tuple(task.number for task in tasks)
    return ChartBlock(
        BarChart(
            title=f"Выполнение заданий по уровням, %: {report.campaign}",
            categories=categories,
            series=tuple(
                Series(name, tuple(task.success for task in stats.tasks)) for name, stats in groups
            ),
            unit="%",
            maximum=100.0,
            marks=tuple((task.number, task.level) for task in tasks if task.level),
            mark_name="Уровень",
            targets=tuple(
                (task.number, MASTERY_THRESHOLDS[task.level])
                for task in tasks
                if task.level in MASTERY_THRESHOLDS
            ),
            target_name="Порог освоения",
            description=_task_description(groups),
        ),
        small_sample_warning((name, stats.participants) for name, stats in groups),
    )


def _task_description(groups: list[tuple[str, CampaignStats]]) -> str:
    parts = []
    for name, stats in groups:
        parts.append(
            f"{name}: "
            + ", ".join(
                f"{task.number} ({task.level or 'уровень не указан'}) — "
                f"{_percent_text(task.success)}"
                + (
                    ""
                    if task.mastered is None
                    else (", освоено" if task.mastered else ", не освоено")
                )
                for task in stats.tasks
            )
        )
    parts.append("Порог освоения: 60 % для заданий уровня Б, 30 % для П и В")
    return "; ".join(parts) + "."


def _percent_text(value: Decimal | None) -> str:
    """As a chart writes a percentage (BarChart.text)."""
    return formatting.percent(value)


JOURNAL_KEYS = (("lowered", "Понизили"), ("confirmed", "Подтвердили"), ("raised", "Повысили"))


def journal_chart(report: CampaignReport, focus: School | None = None) -> ChartBlock | None:
    """Понизили / подтвердили / повысили, % of the pupils with both marks."""
    if not report.has_marks:
        return None
    series = []
    sizes = []
    for name, stats in _chart_groups(report, focus):
        j = stats.journal
        if j.compared:
            series.append(Series(name, (j.lowered_percent, j.confirmed_percent, j.raised_percent)))
            sizes.append((name, j.compared))
    for level in _LEVELS:
        ref = report.references.get((level, ReferenceKind.JOURNAL))
        if ref is not None:
            series.append(
                Series(ref.get_level_display(), tuple(ref.percent(key) for key, _l in JOURNAL_KEYS))
            )
    if not sizes:
        return None
    return ChartBlock(
        BarChart(
            title=f"Отметки за работу и по журналу, %: {report.campaign}",
            categories=tuple(label for _key, label in JOURNAL_KEYS),
            series=tuple(series),
            unit="%",
            maximum=100.0,
        ),
        small_sample_warning(sizes),
    )


def _reference_marks_row(ref: ReferenceValue) -> dict[str, Any]:
    p = {mark: ref.percent(str(mark)) for mark in MARKS}
    known = [value for value in p.values() if value is not None]
    total = sum(known, Decimal(0))
    complete = len(known) == len(MARKS)
    return {
        "name": ref.get_level_display(),
        "login": ref.code or "",
        "participants": ref.participants,
        "absent": None,
        "p2": p[2],
        "p3": p[3],
        "p4": p[4],
        "p5": p[5],
        "pass_rate": (p[3] + p[4] + p[5]) if complete else None,  # type: ignore[operator]
        "quality_rate": (p[4] + p[5]) if complete else None,  # type: ignore[operator]
        "mean_mark": (
            sum((mark * value for mark, value in p.items() if value is not None), Decimal(0))
            / total
            if complete and total
            else None
        ),
        "mean_primary": None,
        "mean_primary_percent": None,
        "informative": "данные ФИС ОКО",
    }


_LEVELS = (ReferenceLevel.REGION, ReferenceLevel.RUSSIA)


def figures_table(report: CampaignReport) -> FiguresTable:
    rows = [school_label(school) | figures_row(stats) for school, stats in report.schools]
    return FiguresTable(rows, prefix="f-")


def comparison_table(report: CampaignReport) -> FiguresTable:
    """The municipality against the region and Russia (ФИС ОКО «Статистика по отметкам»)."""
    rows = [{"name": report.total_label} | figures_row(report.total)]
    for level in _LEVELS:
        ref = report.references.get((level, ReferenceKind.MARKS))
        if ref is not None:
            rows.append(_reference_marks_row(ref))
    return FiguresTable(rows, orderable=False, prefix="c-")


def journal_row(stats: CampaignStats) -> dict[str, Any]:
    j = stats.journal
    return {
        "compared": j.compared,
        "lowered": j.lowered,
        "lowered_percent": j.lowered_percent,
        "confirmed": j.confirmed,
        "confirmed_percent": j.confirmed_percent,
        "raised": j.raised,
        "raised_percent": j.raised_percent,
        "gap": j.gap_two_plus,
        "gap_percent": j.gap_two_plus_percent,
        "small_sample": stats.small_sample,
    }


def journal_table(report: CampaignReport) -> JournalTable:
    rows = [school_label(school) | journal_row(stats) for school, stats in report.schools]
    return JournalTable(rows, prefix="j-")


def journal_comparison_table(report: CampaignReport) -> JournalTable:
    rows = [{"name": report.total_label} | journal_row(report.total)]
    for level in _LEVELS:
        ref = report.references.get((level, ReferenceKind.JOURNAL))
        if ref is None:
            continue
        counts = ref.counts
        rows.append(
            {
                "name": ref.get_level_display(),
                "login": ref.code or "",
                "compared": ref.participants,
                "lowered": counts.get("lowered"),
                "lowered_percent": ref.percent("lowered"),
                "confirmed": counts.get("confirmed"),
                "confirmed_percent": ref.percent("confirmed"),
                "raised": counts.get("raised"),
                "raised_percent": ref.percent("raised"),
                "gap": None,
                "gap_percent": None,
            }
        )
    return JournalTable(rows, orderable=False, prefix="jc-")


def task_table(report: CampaignReport) -> TaskTable:
    rows = []
    for task in report.total.tasks:
        rows.append(
            {
                "number": task.number,
                "level": task.level,
                "max_score": task.max_score,
                "requirement": task.requirement,
                "success": task.success,
                "s2": task.success_by_mark[2],
                "s3": task.success_by_mark[3],
                "s4": task.success_by_mark[4],
                "s5": task.success_by_mark[5],
                "not_attempted_percent": task.not_attempted_percent,
                "mastered": "" if task.mastered is None else ("да" if task.mastered else "нет"),
            }
        )
    exclude = () if report.has_marks else ("s2", "s3", "s4", "s5")
    return TaskTable(rows, orderable=False, exclude=exclude, prefix="t-")


def task_school_table(report: CampaignReport) -> TaskSchoolTable:
    """Tasks × schools: the municipality's success and each visible school's."""
    rows: list[dict[str, Any]] = [
        {"number": task.number, "level": task.level, "municipality": task.success}
        for task in report.total.tasks
    ]
    extra = []
    for school, stats in report.schools:
        key = f"school_{school.pk}"
        extra.append((key, FigureColumn(school.short_name, orderable=False)))
        for row, task in zip(rows, stats.tasks, strict=True):
            row[key] = task.success
    return TaskSchoolTable(rows, extra_columns=extra, prefix="ts-")


def requirement_table(report: CampaignReport) -> RequirementTable:
    rows = [
        {
            "requirement": req.requirement,
            "tasks": ", ".join(req.task_numbers),
            "max_score": req.max_score,
            "success": req.success,
        }
        for req in report.total.requirements
    ]
    return RequirementTable(rows, orderable=False, prefix="r-")


def ege_row(stats_by_kind: dict[str, EgeStats], primary: CampaignStats) -> dict[str, Any]:
    any_stats = next(iter(stats_by_kind.values()))
    row: dict[str, Any] = {
        "participants": any_stats.participants,
        "absent": any_stats.absent,
        "mean_score": any_stats.mean_score,
        "high": any_stats.in_high_band,
        "high_percent": any_stats.in_high_band_percent,
        "hundred": any_stats.hundred,
        "mean_primary": primary.mean_primary,
        "informative": str(any_stats.informative),
        "small_sample": any_stats.small_sample,
    }
    for kind in (ThresholdKind.ATTESTAT, ThresholdKind.UNIVERSITY):
        stats = stats_by_kind.get(kind)
        row[f"below_{kind}"] = stats.below_minimum if stats else None
        row[f"below_{kind}_percent"] = stats.below_minimum_percent if stats else None
    return row


def _ege_exclude(report: CampaignReport) -> tuple[str, ...]:
    exclude: list[str] = []
    attestat = report.thresholds.get(ThresholdKind.ATTESTAT)
    university = report.thresholds.get(ThresholdKind.UNIVERSITY)
    if attestat is None:
        exclude += ["below_attestat", "below_attestat_percent"]
    if university is None or university == attestat:
        exclude += ["below_university", "below_university_percent"]
    return tuple(exclude)


def ege_table(report: CampaignReport) -> EgeTable:
    rows = [
        school_label(school) | ege_row(report.ege_schools[school.pk], stats)
        for school, stats in report.schools
    ]
    return EgeTable(rows, exclude=_ege_exclude(report), prefix="e-")


def ege_total_table(report: CampaignReport) -> EgeTable:
    rows = [{"name": report.total_label} | ege_row(report.ege_total, report.total)]
    return EgeTable(rows, exclude=_ege_exclude(report), orderable=False, prefix="ec-")


def _band_mark(scale: Scale | None, score: int) -> int | None:
    if scale is None:
        return None
    mark = None
    for band in sorted(scale.bands, key=lambda b: b.mark):
        if score >= band.min_primary:
            mark = band.mark
    return mark


def distribution_table(
    report: CampaignReport, school: School | None = None
) -> PrimaryDistributionTable:
    """How many pupils got each primary score, with the mark the score's band gives."""
    extra = []
    focus = report.school_stats(school.pk) if school is not None else None
    if school is not None and focus is not None:
        extra.append(("school", CountColumn(school.short_name)))
    rows = []
    for score, count in enumerate(report.total.primary_distribution):
        row: dict[str, Any] = {
            "score": score,
            "mark": _band_mark(report.scale, score) if report.has_marks else None,
            "municipality": count,
        }
        if focus is not None and score < len(focus.primary_distribution):
            row["school"] = focus.primary_distribution[score]
        rows.append(row)
    return PrimaryDistributionTable(rows, extra_columns=extra, prefix="d-")


# --------------------------------------------------------------------------- tracker


@dataclass
class Tracker:
    """Who has sent results for a campaign and who is still missing."""

    table: TrackerTable
    expected: int
    with_results: int
    missing: list[School]
    participants: int


def tracker(report: CampaignReport, user: Any = None) -> Tracker:
    campaign = report.campaign
    expected = (
        selectors.expected_schools(campaign, user)
        if user is not None
        else [
            s
            for s in School.objects.filter(is_active=True).order_by("short_name")
            if selectors.school_takes_grade(s.org_type, campaign.grade)
        ]
    )
    with_results = {school.pk: (school, stats) for school, stats in report.schools}
    uploads = (
        selectors.campaign_uploads(campaign, user) if user is not None else campaign.uploads.all()
    )
    last = dict(
        uploads.filter(status=UploadStatus.IMPORTED, school__isnull=False)
        .values_list("school")
        .annotate(last=Max("created_at"))
        .values_list("school", "last")
    )
    rows = []
    missing = []
    seen = set()
    for school in [*expected, *(s for s, _stats in report.schools)]:
        if school.pk in seen:
            continue
        seen.add(school.pk)
        found = with_results.get(school.pk)
        stats = found[1] if found else None
        if stats is None:
            missing.append(school)
        rows.append(
            school_label(school)
            | {
                "status": "загружены" if stats else "нет результатов",
                "has_results": stats is not None,
                "participants": stats.participants if stats else 0,
                "absent": stats.absent if stats else 0,
                "last_upload": last.get(school.pk),
            }
        )
    return Tracker(
        table=TrackerTable(rows, prefix="tr-"),
        expected=len(expected),
        with_results=len(with_results),
        missing=missing,
        participants=sum(stats.participants for _s, stats in report.schools),
    )


# --------------------------------------------------------------------------- export


def report_tables(report: CampaignReport) -> list[tuple[str, list[Any]]]:
    """(sheet title, tables) in the order of the page's sections."""
    sheets: list[tuple[str, list[Any]]] = []
    if report.is_ege and not report.has_marks:
        sheets.append(("ЕГЭ", [ege_table(report), ege_total_table(report)]))
    else:
        sheets.append(("Показатели", [figures_table(report), comparison_table(report)]))
        sheets.append(("Журнал", [journal_table(report), journal_comparison_table(report)]))
    if report.tasks:
        sheets.append(("Задания", [task_table(report)]))
        sheets.append(("Задания по ОО", [task_school_table(report)]))
        if report.total.requirements:
            sheets.append(("Требования", [requirement_table(report)]))
    if report.total.primary_distribution:
        sheets.append(("Распределение баллов", [distribution_table(report)]))
    return sheets


def report_xlsx(report: CampaignReport, tracker_table: TrackerTable | None = None) -> bytes:
    """The results page as a workbook: one sheet per section, from the same tables."""
    sheets = report_tables(report)
    if tracker_table is not None:
        sheets.append(("Приём результатов", [tracker_table]))
    out = []
    for title, tables in sheets:
        header: list[Any] = []
        rows: list[list[Any]] = []
        for table in tables:
            table_header, table_body = table_rows(table)
            header = header or table_header
            rows += table_body
        out.append((title, header, rows))
    return xlsx_bytes(out)
