"""«Аналитический отчёт о результатах ВПР» for a year and a municipality (seed 002, Таблица 1).

Read from the stored figures only: the indicator values of the year and the two before
(participants, % «2», качество, средняя отметка, the journal shares; the municipality, its
schools, the region and Russia), the municipality's stored campaign figures of the year
(task and requirement success, the journal comparison), the imported reference forms (the
region's «подтвердили»), the raised objectivity markers of the year and the cohort rows of
reports.selectors. A handful of queries for the whole year (one per campaign for cohorts),
never one per school.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessments import catalogue, objectivity
from assessments.choices import IndicatorLevel, ReferenceKind, ReferenceLevel
from assessments.dynamics import Verdict
from assessments.figures import from_data
from assessments.indicators import MASTERY_THRESHOLDS, CampaignStats
from assessments.models import (
    Campaign,
    CampaignFigures,
    FiguresRun,
    ObjectivityMarker,
    ReferenceValue,
    Subject,
)
from msoko import formatting
from msoko.charts import BarChart, HBarChart, Series
from reports import selectors
from reports.documents.blocks import Commentary, Document, Figure, Paragraph, Section, Table
from reports.documents.catalogue import NoData, Params, Report, report
from reports.documents.narrative import change_sentence, share_sentence
from schools.models import School

PROCEDURE = "vpr"
MEASURES = (
    "participants",
    "fail_share",
    "quality",
    "mean_mark",
    "journal_lowered",
    "journal_raised",
)
CODES = tuple(f"{PROCEDURE}.{m}" for m in MEASURES)
TOTALS = (IndicatorLevel.MUNICIPALITY, IndicatorLevel.REGION, IndicatorLevel.RUSSIA)
LEVEL_NAMES: dict[str, str] = {
    IndicatorLevel.MUNICIPALITY: "Муниципалитет",
    IndicatorLevel.REGION: "Регион",
    IndicatorLevel.RUSSIA: "Россия",
}
SMALL = 10  # participants below this: percentages shown with a warning
PLACES = {code: catalogue.get(code).places for code in CODES}

Place = tuple[int, int]  # (subject id, grade)


@dataclass(frozen=True)
class Stored:
    value: Decimal | None
    n: int
    run_id: int


@dataclass
class YearData:
    """Everything the ВПР documents read, loaded once."""

    year: int
    municipality: Any
    subjects: dict[int, Subject]
    places: list[Place]  # the year's subject × grade with a municipal value, in order
    campaigns: dict[Place, Campaign]
    # (year, place, level, code) → value; (year, place, school id, code) → value
    totals: dict[tuple[int, Place, str, str], Stored]
    schools: dict[tuple[int, Place, int, str], Stored]
    school_names: dict[int, School]
    figures: dict[Place, CampaignStats]  # the municipality's stored campaign figures
    journal_refs: dict[tuple[Place, str], ReferenceValue]
    markers: list[ObjectivityMarker]  # raised, ВПР, the year
    inputs: set[int] = field(default_factory=set)

    def total(self, place: Place, code: str, level: str = "municipality", year: int = 0):
        return self.totals.get((year or self.year, place, level, f"{PROCEDURE}.{code}"))

    def total_value(self, place: Place, code: str, level: str = "municipality", year: int = 0):
        found = self.total(place, code, level, year)
        return found.value if found else None

    def school(self, place: Place, school_id: int, code: str, year: int = 0) -> Stored | None:
        return self.schools.get((year or self.year, place, school_id, f"{PROCEDURE}.{code}"))

    def schools_of(self, place: Place, year: int = 0) -> list[School]:
        ids = {
            key[2]
            for key in self.schools
            if key[0] == (year or self.year) and key[1] == place and key[3] == CODES[0]
        }
        return sorted((self.school_names[pk] for pk in ids), key=lambda s: s.short_name)

    def label(self, place: Place) -> str:
        return f"{self.subjects[place[0]].name}, {place[1]} класс"

    def where(self, place: Place) -> str:
        """«по русскому языку в 5 классах» is not spelled by rule: «(русский язык, 5 класс)»."""
        return f"({self.subjects[place[0]].name.lower()}, {place[1]} класс)"

    def markers_of(self, place: Place) -> list[ObjectivityMarker]:
        return [m for m in self.markers if (m.subject_id, m.grade) == place]


def load(params: Params, *, years: int = 3) -> YearData:
    """The ВПР figures of `params.year` and the `years − 1` before, in a few queries."""
    municipality, year = params.municipality, params.year
    user = params.reader
    wanted = list(range(year - years + 1, year + 1))
    rows = (
        selectors.values_for(user)
        .filter(
            municipality=municipality,
            procedure=PROCEDURE,
            year__in=wanted,
            part="",
            code__in=CODES,
            level__in=[*TOTALS, IndicatorLevel.SCHOOL],
        )
        .values_list(
            "run_id", "level", "school_id", "year", "subject_id", "grade", "code", "value", "n"
        )
    )
    totals: dict[tuple[int, Place, str, str], Stored] = {}
    schools: dict[tuple[int, Place, int, str], Stored] = {}
    inputs: set[int] = set()
    for run_id, level, school_id, y, subject_id, grade, code, value, n in rows:
        if subject_id is None or grade is None:
            continue
        place: Place = (subject_id, grade)
        stored = Stored(value, n, run_id)
        inputs.add(run_id)
        if level == IndicatorLevel.SCHOOL:
            schools[(y, place, school_id, code)] = stored
        else:
            totals[(y, place, level, code)] = stored
    subjects = {s.pk: s for s in Subject.objects.all()}
    present = {
        key[1]
        for key in totals
        if key[0] == year and key[2] == IndicatorLevel.MUNICIPALITY and key[3] == CODES[0]
    }
    places = sorted(present, key=lambda p: (subjects[p[0]].order, subjects[p[0]].name, p[1]))
    if not places:
        name = getattr(municipality, "short_name", "") or municipality.name
        raise NoData(
            f"За {year} год нет рассчитанных показателей ВПР ({name}): результаты ВПР "
            f"{year} года не загружены или их показатели ещё не рассчитаны."
        )
    campaigns = {
        (c.subject_id, c.grade): c
        for c in Campaign.objects.filter(procedure__code=PROCEDURE, year=year).select_related(
            "subject"
        )
    }
    runs: dict[int, int] = {}
    for run_id, campaign_id in (
        FiguresRun.objects.filter(campaign__in=list(campaigns.values()), municipality=municipality)
        .order_by("campaign_id", "-computed_at", "-pk")
        .values_list("pk", "campaign_id")
    ):
        runs.setdefault(campaign_id, run_id)  # the latest run of each campaign
    by_run = {runs[c.pk]: (c.subject_id, c.grade) for c in campaigns.values() if c.pk in runs}
    figures: dict[Place, CampaignStats] = {}
    for run_id, data in CampaignFigures.objects.filter(
        run_id__in=list(by_run), school__isnull=True, kind="marks"
    ).values_list("run_id", "data"):
        figures[by_run[run_id]] = from_data(CampaignStats, data)
        inputs.add(run_id)
    journal_refs = {
        ((ref.campaign.subject_id, ref.campaign.grade), ref.level): ref
        for ref in ReferenceValue.objects.filter(
            campaign__in=list(campaigns.values()),
            kind=ReferenceKind.JOURNAL,
            level__in=[ReferenceLevel.REGION, ReferenceLevel.RUSSIA],
        ).select_related("campaign")
    }
    markers = list(
        ObjectivityMarker.objects.for_user(user)
        .filter(municipality=municipality, year=year, procedure=PROCEDURE, raised=True)
        .select_related("school")
        .order_by("school__short_name", "code", "pk")
    )
    ids = {key[2] for key in schools}
    return YearData(
        year=year,
        municipality=municipality,
        subjects=subjects,
        places=places,
        campaigns=campaigns,
        totals=totals,
        schools=schools,
        school_names=School.objects.in_bulk(list(ids)),
        figures=figures,
        journal_refs=journal_refs,
        markers=markers,
        inputs=inputs,
    )


# --- shown values -----------------------------------------------------------------------


def shown(stored: Stored | None, code: str) -> str:
    if stored is None:
        return formatting.DASH
    if code == "participants":
        return formatting.integer(stored.value)
    unit = catalogue.get(f"{PROCEDURE}.{code}").unit
    return formatting.value(stored.value, unit, PLACES[f"{PROCEDURE}.{code}"])


def _n(stored: Stored | None) -> str:
    """Participants, with «*» below 10 (DOMAIN §5: percentages of limited value)."""
    if stored is None:
        return formatting.DASH
    text = formatting.integer(stored.value)
    return text + " *" if (stored.value or 0) < SMALL else text


def rounded(value: Decimal | None, code: str) -> Decimal | None:
    return formatting.rounded(value, PLACES[f"{PROCEDURE}.{code}"])


def sentence(data: YearData, place: Place, code: str, *, school: int | None = None) -> str:
    """The change of one measure from last year to this (change_sentence, ФИОКО rule)."""
    name = {"fail_share": "Доля «2»", "quality": "Качество знаний"}[code]
    indicator = catalogue.get(f"{PROCEDURE}.{code}")
    if school is None:
        before = data.total_value(place, code, year=data.year - 1)
        after = data.total_value(place, code)
    else:
        b, a = data.school(place, school, code, data.year - 1), data.school(place, school, code)
        before, after = (b.value if b else None), (a.value if a else None)
    return change_sentence(
        name,
        data.where(place),
        before,
        after,
        unit=indicator.unit,
        higher_is_better=indicator.higher_is_better,
        fail_share=code == "fail_share",
        places=indicator.places,
        years=(data.year - 1, data.year),
        thresholds=selectors.thresholds(),
    )


def verdict(data: YearData, place: Place, code: str, school: int | None = None) -> Verdict | None:
    indicator = catalogue.get(f"{PROCEDURE}.{code}")
    if school is None:
        before = data.total_value(place, code, year=data.year - 1)
        after = data.total_value(place, code)
    else:
        b, a = data.school(place, school, code, data.year - 1), data.school(place, school, code)
        before, after = (b.value if b else None), (a.value if a else None)
    return selectors.change_of(indicator, before, after).verdict


def marker_names(markers: Iterable[ObjectivityMarker]) -> str:
    codes = sorted({m.code for m in markers})
    return "; ".join(objectivity.MARKER_SHORT.get(c, c) for c in codes)


def short(data: YearData, place: Place) -> str:
    """A chart's category: «Рус. 4», «Мат. 5» (the full names are in the table beside)."""
    name = data.subjects[place[0]].name
    return f"{name[:3]}. {place[1]}" if len(name) > 4 else f"{name} {place[1]}"


# --- the report -------------------------------------------------------------------------


@report
class VprReport(Report):
    kind = "vpr"
    title = "Аналитический отчёт о результатах ВПР"
    description = (
        "Результаты ВПР по предметам и классам: муниципалитет, регион и Россия, динамика за "
        "три года, задания с низкой успешностью, сравнение с журналом, маркеры "
        "необъективности, результаты ОО и когорты."
    )
    order = 10

    def build(self, params: Params) -> Document:
        data = load(params)
        document = self.document(params, subtitle=f"по итогам ВПР {params.year} года")
        self._summary(document.section("Общие сведения"), data)
        details = document.section("Результаты по предметам и классам")
        for place in data.places:
            self._place(details.section(data.label(place)), data, place, params)
        self._conclusions(document.section("Выводы"), data)
        document.inputs = sorted(data.inputs)
        return document

    # 1 -------------------------------------------------------------------------------
    def _summary(self, section: Section, data: YearData) -> None:
        participations = sum(
            int(found.value or 0)
            for place in data.places
            if (found := data.total(place, "participants")) is not None
        )
        schools = {key[2] for key in data.schools if key[0] == data.year and key[3] == CODES[0]}
        section.add(
            Paragraph(
                f"В {data.year} году в муниципалитете проведено ВПР по "
                f"{formatting.integer(len(data.places))} сочетаниям предмета и класса; "
                f"участий обучающихся — {formatting.integer(participations)}, "
                f"участвовали ОО — {formatting.integer(len(schools))}."
            )
        )
        rows = []
        for place in data.places:
            rows.append(
                [
                    data.subjects[place[0]].name,
                    str(place[1]),
                    shown(data.total(place, "participants"), "participants"),
                    shown(data.total(place, "fail_share"), "fail_share"),
                    shown(data.total(place, "fail_share", "region"), "fail_share"),
                    shown(data.total(place, "fail_share", "russia"), "fail_share"),
                    shown(data.total(place, "quality"), "quality"),
                    shown(data.total(place, "quality", "region"), "quality"),
                    shown(data.total(place, "quality", "russia"), "quality"),
                    shown(data.total(place, "mean_mark"), "mean_mark"),
                ]
            )
        section.add(
            Table(
                f"Таблица. Результаты ВПР {data.year} года по предметам и классам",
                [
                    "Предмет",
                    "Класс",
                    "Участников",
                    "«2», %",
                    "«2», % регион",
                    "«2», % Россия",
                    "«4–5», %",
                    "«4–5», % регион",
                    "«4–5», % Россия",
                    "Средняя отметка",
                ],
                rows,
                numeric_from=1,
                widths=[24, 7, 10, 8, 8, 8, 8, 8, 8, 9],
            )
        )
        if not any(data.total(p, "fail_share", "region") for p in data.places):
            section.add(
                Paragraph(
                    "Формы ФИС ОКО «Статистика по отметкам» региона и России за "
                    f"{data.year} год в портал не загружены: сравнение с ними не приводится.",
                    style="note",
                )
            )
        series = [
            Series(
                LEVEL_NAMES[level],
                tuple(
                    rounded(data.total_value(p, "fail_share", level), "fail_share")
                    for p in data.places
                ),
            )
            for level in TOTALS
            if level == IndicatorLevel.MUNICIPALITY
            or any(data.total(p, "fail_share", level) for p in data.places)
        ]
        section.add(
            Figure(
                BarChart(
                    title=f"Доля «2» по предметам и классам, ВПР {data.year}, %",
                    categories=tuple(short(data, p) for p in data.places),
                    series=tuple(series),
                    unit="%",
                )
            ),
            Commentary("vpr.summary"),
        )

    # 2 -------------------------------------------------------------------------------
    def _place(self, section: Section, data: YearData, place: Place, params: Params) -> None:
        label = data.label(place)
        # the municipality over three years, with the region and Russia of the year
        rows = [
            [
                f"Муниципалитет, {y}",
                shown(data.total(place, "participants", year=y), "participants"),
                shown(data.total(place, "fail_share", year=y), "fail_share"),
                shown(data.total(place, "quality", year=y), "quality"),
                shown(data.total(place, "mean_mark", year=y), "mean_mark"),
            ]
            for y in range(data.year - 2, data.year + 1)
            if data.total(place, "participants", year=y) is not None
        ]
        for level in (IndicatorLevel.REGION, IndicatorLevel.RUSSIA):
            found = data.total(place, "fail_share", level)
            if found is None:
                continue
            rows.append(
                [
                    f"{LEVEL_NAMES[level]}, {data.year}",
                    formatting.integer(found.n) if found.n else formatting.DASH,
                    shown(found, "fail_share"),
                    shown(data.total(place, "quality", level), "quality"),
                    shown(data.total(place, "mean_mark", level), "mean_mark"),
                ]
            )
        section.add(
            Table(
                f"Таблица. {label}: муниципалитет за три года, регион и Россия",
                ["Уровень, год", "Участников", "«2», %", "«4–5», %", "Средняя отметка"],
                rows,
            )
        )
        fail, region_fail = (
            rounded(data.total_value(place, "fail_share"), "fail_share"),
            rounded(data.total_value(place, "fail_share", "region"), "fail_share"),
        )
        if fail is not None and region_fail is not None:
            compare = "выше" if fail > region_fail else "ниже" if fail < region_fail else "равна"
            section.add(
                Paragraph(
                    f"Доля «2» в муниципалитете — {formatting.percent(fail)}, "
                    f"{compare} регионального значения ({formatting.percent(region_fail)})."
                )
            )
        elif data.total(place, "fail_share", "region") is None:
            section.add(
                Paragraph(
                    "Значения региона и России по этой работе в портал не загружены.",
                    style="note",
                )
            )
        section.add(
            Paragraph(sentence(data, place, "fail_share")),
            Paragraph(sentence(data, place, "quality")),
        )
        self._tasks(section, data, place)
        self._journal(section, data, place)
        markers = data.markers_of(place)
        if markers:
            by_school: dict[int, list[ObjectivityMarker]] = defaultdict(list)
            for marker in markers:
                by_school[marker.school_id].append(marker)
            names = sorted(by_school, key=lambda pk: by_school[pk][0].school.short_name)
            section.add(
                Paragraph(
                    f"Маркеры необъективности результатов выявлены у "
                    f"{formatting.integer(len(by_school))} ОО (всего маркеров — "
                    f"{formatting.integer(len(markers))})."
                ),
                Table(
                    f"Таблица. {label}: ОО с маркерами необъективности",
                    ["ОО", "Маркеры"],
                    [
                        [by_school[pk][0].school.short_name, marker_names(by_school[pk])]
                        for pk in names
                    ],
                    numeric_from=2,
                ),
            )
        else:
            section.add(Paragraph("Маркеры необъективности результатов не выявлены."))
        self._schools(section, data, place)
        self._cohorts(section, data, place, params)
        section.add(Commentary(f"vpr.{data.subjects[place[0]].code}.{place[1]}"))

    def _tasks(self, section: Section, data: YearData, place: Place) -> None:
        stats = data.figures.get(place)
        if stats is None or not stats.tasks:
            section.add(
                Paragraph(
                    "Выполнение заданий по муниципалитету в портале не рассчитано "
                    "(нет сохранённых показателей заданий).",
                    style="note",
                )
            )
            return
        levels = objectivity.level_success(stats)
        section.add(
            Paragraph(
                "Средняя успешность выполнения заданий базового уровня — "
                f"{formatting.percent(levels['basic'])}, повышенного и высокого уровня — "
                f"{formatting.percent(levels['hard'])}."
            )
        )
        low = [t for t in stats.tasks if t.mastered is False]
        if not low:
            section.add(
                Paragraph(
                    "Все задания освоены на уровне муниципалитета (базовые — не ниже 60 %, "
                    "повышенного и высокого уровня — не ниже 30 %)."
                )
            )
        else:
            section.add(
                Paragraph(
                    f"Заданий с успешностью ниже порога освоения (Б — 60 %, П / В — 30 %): "
                    f"{formatting.integer(len(low))} из {formatting.integer(len(stats.tasks))}."
                ),
                Table(
                    f"Таблица. {data.label(place)}: задания с низкой успешностью",
                    [
                        "Задание",
                        "Уровень",
                        "Проверяемое требование (умение)",
                        "Выполнение, %",
                        "Порог, %",
                    ],
                    [
                        [
                            t.number,
                            t.level,
                            t.requirement or formatting.DASH,
                            formatting.percent(t.success),
                            formatting.integer(MASTERY_THRESHOLDS[t.level]),
                        ]
                        for t in low
                    ],
                    numeric_from=3,
                    widths=[9, 8, 55, 14, 10],
                ),
            )
        levels_of = {t.number: t.level for t in stats.tasks}
        weak = []
        for req in stats.requirements:
            if not req.requirement or req.success is None:
                continue
            basic = all(levels_of.get(n) == "Б" for n in req.task_numbers)
            limit = MASTERY_THRESHOLDS["Б" if basic else "П"]
            if req.success < limit:
                weak.append((req, limit))
        if weak:
            section.add(
                Table(
                    f"Таблица. {data.label(place)}: требования с низкой успешностью "
                    "(порог — 60 % для требований из заданий Б, иначе 30 %)",
                    ["Проверяемое требование (умение)", "Задания", "Выполнение, %"],
                    [
                        [
                            req.requirement,
                            ", ".join(req.task_numbers),
                            formatting.percent(req.success),
                        ]
                        for req, _limit in weak
                    ],
                    numeric_from=2,
                    widths=[64, 16, 20],
                )
            )

    def _journal(self, section: Section, data: YearData, place: Place) -> None:
        stats = data.figures.get(place)
        rows = []
        if stats is not None and stats.journal.compared:
            j = stats.journal
            rows.append(
                [
                    "Муниципалитет",
                    formatting.integer(j.compared),
                    formatting.percent(j.lowered_percent),
                    formatting.percent(j.confirmed_percent),
                    formatting.percent(j.raised_percent),
                ]
            )
        for level in (ReferenceLevel.REGION, ReferenceLevel.RUSSIA):
            ref = data.journal_refs.get((place, level))
            if ref is not None:
                rows.append(
                    [
                        LEVEL_NAMES[level],
                        formatting.integer(ref.participants),
                        formatting.percent(ref.percent("lowered")),
                        formatting.percent(ref.percent("confirmed")),
                        formatting.percent(ref.percent("raised")),
                    ]
                )
        if not rows:
            section.add(
                Paragraph(
                    "Отметки по журналу в результатах не указаны: сравнение с журналом не "
                    "приводится.",
                    style="note",
                )
            )
            return
        section.add(
            Table(
                f"Таблица. {data.label(place)}: отметки за ВПР и по журналу",
                ["Уровень", "Сравнено", "Понизили, %", "Подтвердили, %", "Повысили, %"],
                rows,
            )
        )
        region = data.journal_refs.get((place, ReferenceLevel.REGION))
        if stats is not None and stats.journal.compared and region is not None:
            section.add(
                Paragraph(
                    f"Понизили отметку по журналу {formatting.percent(stats.journal.lowered_percent)} "
                    f"участников (регион — {formatting.percent(region.percent('lowered'))}), "
                    f"повысили — {formatting.percent(stats.journal.raised_percent)} "
                    f"(регион — {formatting.percent(region.percent('raised'))})."
                )
            )

    def _schools(self, section: Section, data: YearData, place: Place) -> None:
        schools = data.schools_of(place)
        if not schools:
            return
        rows = [
            [
                s.short_name,
                _n(data.school(place, s.pk, "participants")),
                shown(data.school(place, s.pk, "fail_share"), "fail_share"),
                shown(data.school(place, s.pk, "quality"), "quality"),
                shown(data.school(place, s.pk, "mean_mark"), "mean_mark"),
            ]
            for s in schools
        ]
        section.add(
            Table(
                f"Таблица. {data.label(place)}: результаты ОО",
                ["ОО", "Участников", "«2», %", "«4–5», %", "Средняя отметка"],
                rows,
                widths=[46, 13, 13, 13, 15],
            )
        )
        if any(r[1].endswith("*") for r in rows):
            section.add(
                Paragraph(
                    "* Менее 10 участников: проценты приведены справочно, выводы по ним ненадёжны.",
                    style="note",
                )
            )
        ordered = sorted(
            schools,
            key=lambda s: (
                -(rounded(v.value, "fail_share") or 0)
                if (v := data.school(place, s.pk, "fail_share"))
                else 0,
                s.short_name,
            ),
        )
        section.add(
            Figure(
                HBarChart(
                    title=f"Доля «2» по ОО, %: {data.label(place)}",
                    categories=tuple(s.short_name for s in ordered),
                    series=Series(
                        "Доля «2»",
                        tuple(
                            rounded(v.value, "fail_share")
                            if (v := data.school(place, s.pk, "fail_share"))
                            else None
                            for s in ordered
                        ),
                    ),
                    unit="%",
                    reference=rounded(data.total_value(place, "fail_share"), "fail_share"),
                    reference_label="Муниципалитет",
                )
            )
        )

    def _cohorts(self, section: Section, data: YearData, place: Place, params: Params) -> None:
        subject_id, grade = place
        if grade <= 4:
            return
        rows = selectors.cohort_rows(
            params.reader,
            municipality=data.municipality,
            code=f"{PROCEDURE}.fail_share",
            subject_id=subject_id,
            grade=grade - 1,
            year=data.year - 1,
        )
        if not rows:
            section.add(
                Paragraph(
                    f"Сопоставить тот же класс с ВПР {data.year - 1} года ({grade - 1} класс) "
                    "нельзя: показателей прошлого года по этому предмету в портале нет.",
                    style="note",
                )
            )
            return
        compared = 0
        table = []
        for row in rows:
            for pair in row.pairs:
                compared += 1
                data.inputs.update({pair.before.run_id, pair.after.run_id})
                if pair.change.verdict != Verdict.NEGATIVE:
                    continue
                table.append(
                    [
                        row.school.short_name,
                        pair.label,
                        formatting.percent(pair.change.previous),
                        formatting.percent(pair.change.current),
                        formatting.signed(pair.change.delta) + " п. п.",
                        formatting.integer(min(pair.before.n, pair.after.n))
                        + (" *" if pair.small else ""),
                    ]
                )
        section.add(
            Paragraph(
                f"Тот же класс годом раньше ({grade - 1} класс, ВПР {data.year - 1}): "
                f"сопоставлений по ОО и классам — {formatting.integer(compared)}; доля «2» "
                f"выросла на 10 п. п. и более (негативная динамика) в "
                f"{formatting.integer(len(table))}."
            )
        )
        if table:
            section.add(
                Table(
                    f"Таблица. {data.label(place)}: классы, в которых доля «2» выросла на "
                    f"10 п. п. и более по сравнению с ВПР {data.year - 1} года",
                    ["ОО", "Класс", f"{data.year - 1}", f"{data.year}", "Изменение", "n"],
                    table,
                    numeric_from=2,
                    widths=[36, 16, 12, 12, 14, 10],
                )
            )
            if any(r[-1].endswith("*") for r in table):
                section.add(
                    Paragraph("* Менее 10 участников в одном из лет: изменение ненадёжно.", "note")
                )

    # 3 -------------------------------------------------------------------------------
    def _conclusions(self, section: Section, data: YearData) -> None:
        negative = [
            p
            for p in data.places
            if verdict(data, p, "fail_share") == Verdict.NEGATIVE
            or verdict(data, p, "quality") == Verdict.NEGATIVE
        ]
        if negative:
            section.add(Paragraph("Негативная динамика по сравнению с прошлым годом:"))
            for place in negative:
                for code in ("fail_share", "quality"):
                    if verdict(data, place, code) == Verdict.NEGATIVE:
                        section.add(Paragraph(sentence(data, place, code)))
        else:
            section.add(
                Paragraph(
                    "Негативной динамики доли «2» и качества знаний по сравнению с прошлым "
                    "годом не выявлено."
                )
            )
        above = []
        for place in data.places:
            own = rounded(data.total_value(place, "fail_share"), "fail_share")
            region = rounded(data.total_value(place, "fail_share", "region"), "fail_share")
            if own is not None and region is not None and own > region:
                above.append(
                    f"{data.label(place)} ({formatting.percent(own)} при "
                    f"{formatting.percent(region)} в регионе)"
                )
        if above:
            section.add(Paragraph("Доля «2» выше региональной: " + "; ".join(above) + "."))
        elif any(data.total(p, "fail_share", "region") for p in data.places):
            section.add(Paragraph("Доля «2» ни по одному предмету и классу не выше региональной."))
        schools = {key[2] for key in data.schools if key[0] == data.year and key[3] == CODES[0]}
        marked = {m.school_id for m in data.markers}
        section.add(
            Paragraph(
                share_sentence(
                    len(marked & schools) if schools else len(marked),
                    len(schools),
                    f"ОО с маркерами необъективности результатов ВПР {data.year} года",
                )
            )
        )
        if marked:
            names = sorted({m.school.short_name for m in data.markers})
            section.add(Paragraph("Это " + ", ".join(names) + "."))
        section.add(Commentary("vpr.conclusions", title="Выводы и рекомендации специалиста"))
