"""«Перечень муниципальных оценочных процедур» (seed 002, Таблица 1): every campaign of the
year, grouped by procedure, with its subject, grade, date and — where its figures are
stored for the municipality — the participants and the schools that wrote it.

The participants are the stored figures run's count and the schools the stored school rows
of the run (CampaignFigures «marks»); a campaign whose figures have not been computed shows
a dash and is named in a note.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from assessments.choices import IndicatorLevel, OlympiadStage, ProcedureCode
from assessments.models import Campaign, CampaignFigures, FiguresRun, IndicatorValue
from assessments.stored import MARKS
from msoko import formatting
from reports.documents.blocks import Commentary, Document, Paragraph, Table
from reports.documents.catalogue import NoData, Params, Report, report

DASH = formatting.DASH
STAGES = {str(value): str(label).capitalize() for value, label in OlympiadStage.choices}
STAGE_ORDER = [str(value) for value in OlympiadStage.values]


@report
class ProceduresReport(Report):
    kind = "procedures"
    title = "Перечень муниципальных оценочных процедур"
    description = (
        "Оценочные процедуры года по видам: предмет, класс, дата проведения, число "
        "участников и ОО по рассчитанным показателям."
    )
    order = 80

    def build(self, params: Params) -> Document:
        year = params.year
        campaigns = list(
            Campaign.objects.filter(year=year)
            .select_related("procedure", "subject")
            .order_by("procedure__order", "procedure__code", "subject__order", "grade", "pk")
        )
        if not campaigns:
            raise NoData(
                f"За {year} год в портале нет ни одной оценочной кампании: перечень процедур "
                "составляется по созданным кампаниям."
            )
        runs = _latest_runs(params, [c.pk for c in campaigns])
        schools = _school_counts(list(runs.values()))
        doc = self.document(params, subtitle=f"на {year} год")
        by_procedure: dict[str, list[Campaign]] = defaultdict(list)
        for campaign in campaigns:
            by_procedure[campaign.procedure.code].append(campaign)

        summary = doc.section("Сводка")
        summary.add(
            Paragraph(
                f"В {year} году в портале — {formatting.integer(len(campaigns))} оценочных "
                "кампаний: "
                + "; ".join(
                    f"{_label(items[0])} — {formatting.integer(len(items))}"
                    for items in by_procedure.values()
                )
                + "."
            ),
            Table(
                caption=f"Оценочные процедуры {year} года",
                header=["Процедура", "Кампаний", "Предметов", "Участников"],
                rows=[
                    [
                        _label(items[0]),
                        formatting.integer(len(items)),
                        formatting.integer(len({c.subject_id for c in items})),
                        _sum([runs.get(c.pk) for c in items]),
                    ]
                    for items in by_procedure.values()
                ],
            ),
            Paragraph(
                "Участники — по рассчитанным показателям кампании для муниципалитета "
                "(выполнявшие работу, без отсутствовавших); участник нескольких кампаний "
                "считается в каждой."
            ),
        )
        missing: list[Campaign] = []
        for items in by_procedure.values():
            part = doc.section(items[0].procedure.name or _label(items[0]))
            rows = []
            for index, campaign in enumerate(items, start=1):
                run = runs.get(campaign.pk)
                if run is None:
                    missing.append(campaign)
                rows.append(
                    [
                        str(index),
                        campaign.subject.name,
                        formatting.integer(campaign.grade),
                        f"{campaign.date:%d.%m.%Y}" if campaign.date else DASH,
                        formatting.integer(run.participants) if run else DASH,
                        formatting.integer(schools.get(run.pk, 0)) if run else DASH,
                    ]
                )
            part.add(
                Table(
                    caption=f"{_label(items[0])} {year}",
                    header=["№", "Предмет", "Класс", "Дата", "Участников", "ОО"],
                    rows=rows,
                    numeric_from=2,
                    widths=[1, 6, 1, 2, 2, 1],
                )
            )
            undated = sum(1 for c in items if c.date is None)
            if undated:
                part.add(
                    Paragraph(
                        f"Дата проведения не указана в {formatting.integer(undated)} кампаниях.",
                        style="note",
                    )
                )
        olympiad = _olympiad(params)
        if olympiad:
            part = doc.section("Всероссийская олимпиада школьников")
            part.add(
                Table(
                    caption=f"Этапы ВсОШ {year} года по рассчитанным показателям",
                    header=["Этап", "Участий", "ОО"],
                    rows=[
                        [f"{STAGES.get(stage, stage)} этап", formatting.integer(value), str(n)]
                        for stage, value, n in olympiad
                    ],
                ),
                Paragraph(
                    "Олимпиада хранится как результаты года по этапам, а не как кампании; "
                    "даты этапов по предметам портал не хранит.",
                    style="note",
                ),
            )
        notes = doc.section("Примечания")
        if missing:
            notes.add(
                Paragraph(
                    "Показатели не рассчитаны для муниципалитета (участники и ОО не "
                    "указаны): " + "; ".join(str(c) for c in missing) + ".",
                    style="note",
                )
            )
        notes.add(
            Paragraph(
                "Портал не хранит приказ об утверждении перечня, регламент и план-график "
                "муниципальных процедур, а также процедуры, по которым в портале не созданы "
                "кампании (мониторинги, анкетирования): они вносятся в комментарий.",
                style="note",
            ),
            Commentary("procedures.plan", "Регламент и план-график проведения процедур"),
        )
        doc.inputs = sorted({run.pk for run in runs.values()} | _olympiad_runs(params))
        return doc


def _label(campaign: Campaign) -> str:
    code = campaign.procedure.code
    try:
        return str(ProcedureCode(code).label)
    except ValueError:
        return campaign.procedure.name


def _latest_runs(params: Params, campaign_ids: list[int]) -> dict[int, FiguresRun]:
    """The latest figures run of each campaign for the municipality (what pages read)."""
    found: dict[int, FiguresRun] = {}
    for run in FiguresRun.objects.filter(
        campaign_id__in=campaign_ids, municipality=params.municipality
    ).order_by("campaign_id", "-computed_at", "-pk"):
        assert run.campaign_id is not None
        found.setdefault(run.campaign_id, run)
    return found


def _school_counts(runs: list[FiguresRun]) -> dict[int, int]:
    """Run id → the schools with stored figures in it."""
    counts: dict[int, int] = defaultdict(int)
    for run_id in CampaignFigures.objects.filter(
        run__in=runs, kind=MARKS, school__isnull=False
    ).values_list("run_id", flat=True):
        counts[run_id] += 1
    return dict(counts)


def _sum(runs: list[FiguresRun | None]) -> str:
    found = [run.participants for run in runs if run is not None]
    return formatting.integer(sum(found)) if found else DASH


def _olympiad_values(params: Params) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(
            municipality=params.municipality,
            procedure=ProcedureCode.VSOSH,
            code="vsosh.participants",
            year=params.year,
            subject__isnull=True,
            level=IndicatorLevel.MUNICIPALITY,
        )
    )


def _olympiad(params: Params) -> list[tuple[str, object, int]]:
    """(stage, the municipality's participations, schools with a stored row) by stage."""
    totals = {row.part: row.value for row in _olympiad_values(params)}
    schools = dict(
        IndicatorValue.objects.filter(
            municipality=params.municipality,
            procedure=ProcedureCode.VSOSH,
            code="vsosh.participants",
            year=params.year,
            subject__isnull=True,
            level=IndicatorLevel.SCHOOL,
        )
        .values_list("part")
        .annotate(n=Count("school", distinct=True))
        .order_by()
    )
    order = {stage: i for i, stage in enumerate(STAGE_ORDER)}
    return [
        (stage, totals[stage], schools.get(stage, 0))
        for stage in sorted(totals, key=lambda s: order.get(s, 99))
    ]


def _olympiad_runs(params: Params) -> set[int]:
    return {row.run_id for row in _olympiad_values(params)}
