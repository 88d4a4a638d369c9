"""«Аналитические материалы по итогам ВсОШ» (seed 002, Таблица 1): the olympiad of a year.

Read from the stored ВсОШ figures only (assessments.IndicatorValue of procedure «vsosh»,
written by the year computation assessments.services.olympiads), grouped as the olympiad
summary page groups them (assessments.selectors_olympiads). Sections:

1. Итоги по этапам — participations, winners, prize-winners and the three per-100 figures of
   each stage held (школьный, муниципальный, региональный; заключительный where stored).
2. A section per stage — by subject, by school (with the per-100 figures), two charts by
   school with the municipality's value as the reference line, the three years.
3. Выводы — by rules: per-100 figures with negative dynamics, subjects without winners or
   prize-winners, schools far below the municipality in participation, schools without a
   social passport (no per-100 figures).

A year without stored ВсОШ figures raises NoData.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assessments import catalogue
from assessments.choices import IndicatorLevel
from assessments.models import IndicatorValue, Subject
from assessments.selectors_olympiads import _ATTRS as CODES  # the stored codes → Figures
from assessments.selectors_olympiads import STAGE_LABELS, STAGES, VSOSH, Figures, _collect
from msoko import charts, formatting
from reports import selectors
from reports.documents.blocks import Commentary, Document, Figure, Paragraph, Section, Table
from reports.documents.catalogue import NoData, Params, Report, report
from reports.documents.narrative import change_sentence
from schools.models import School

PER_100 = ("vsosh.participants_per_100", "vsosh.winners_per_100", "vsosh.prizewinners_per_100")
NAMES = {
    "vsosh.participants_per_100": "Число участников на 100 обучающихся",
    "vsosh.winners_per_100": "Число победителей на 100 обучающихся",
    "vsosh.prizewinners_per_100": "Число призёров на 100 обучающихся",
}
#: A school takes part «far below» the municipality when its participations per 100 pupils
#: are under this share of the municipality's.
LOW_SHARE_OF_MUNICIPAL = Decimal("0.5")
# The stage's adjective in the prepositional («на школьном этапе») and genitive case.
ON_STAGE = {
    "school": "школьном",
    "municipal": "муниципальном",
    "regional": "региональном",
    "final": "заключительном",
}
OF_STAGE = {
    "school": "школьного",
    "municipal": "муниципального",
    "regional": "регионального",
    "final": "заключительного",
}


def _count(value: int | None) -> str:
    return formatting.integer(value)


def _per_100(value: Decimal | None) -> str:
    return formatting.number(value, catalogue.get("vsosh.participants_per_100").places)


def _row(figures: Figures | None) -> list[str]:
    """Participations, winners, prize-winners, and the three per-100 figures."""
    f = figures or Figures()
    return [
        _count(f.participants),
        _count(f.winners),
        _count(f.prizewinners),
        _per_100(f.participants_per_100),
        _per_100(f.winners_per_100),
        _per_100(f.prizewinners_per_100),
    ]


HEADER = [
    "Участников",
    "Победителей",
    "Призёров",
    "Участников на 100",
    "Победителей на 100",
    "Призёров на 100",
]


@dataclass
class Store:
    """The stored figures keyed (year, school id, subject id, stage) and the runs read."""

    found: dict[tuple[Any, ...], Figures]
    schools: dict[int, School]
    subjects: dict[int, Subject]
    runs: set[int]

    def total(self, year: int, stage: str) -> Figures | None:
        return self.found.get((year, None, None, stage))

    def stages(self, year: int) -> list[str]:
        present = {k[3] for k in self.found if k[0] == year}
        return [s for s in STAGES if s in present]

    def by_subject(self, year: int, stage: str) -> list[tuple[Subject, Figures]]:
        lines = [
            (self.subjects[k[2]], f)
            for k, f in self.found.items()
            if k[0] == year and k[3] == stage and k[1] is None and k[2] is not None
        ]
        return sorted(lines, key=lambda item: (item[0].order, item[0].name))

    def by_school(self, year: int, stage: str) -> list[tuple[School, Figures]]:
        lines = [
            (self.schools[k[1]], f)
            for k, f in self.found.items()
            if k[0] == year and k[3] == stage and k[1] is not None and k[2] is None
        ]
        return sorted(lines, key=lambda item: item[0].short_name)


def load(params: Params, years: tuple[int, ...]) -> Store:
    values = IndicatorValue.objects.all()
    if params.user is not None:
        values = IndicatorValue.objects.for_user(params.user)
    rows = list(
        values.filter(
            municipality=params.municipality,
            procedure=VSOSH,
            year__in=list(years),
            code__in=list(CODES),
            level__in=[IndicatorLevel.SCHOOL, IndicatorLevel.MUNICIPALITY],
        ).order_by("pk")
    )
    found = _collect(rows)
    return Store(
        found=found,
        schools=School.objects.in_bulk([k[1] for k in found if k[1] is not None]),
        subjects=Subject.objects.in_bulk([k[2] for k in found if k[2] is not None]),
        runs={row.run_id for row in rows},
    )


def _sentence(store: Store, code: str, year: int, stage: str) -> tuple[str, bool]:
    """The change of a stage's municipal per-100 figure since last year; negative or not."""
    attr = CODES[code]
    before = store.total(year - 1, stage)
    now = store.total(year, stage)
    previous = getattr(before, attr) if before else None
    current = getattr(now, attr) if now else None
    indicator = catalogue.get(code)
    text = change_sentence(
        NAMES[code],
        f"на {ON_STAGE[stage]} этапе",
        previous,
        current,
        unit=indicator.unit,
        higher_is_better=indicator.higher_is_better,
        places=indicator.places,
        years=(year - 1, year),
        thresholds=selectors.thresholds(),
    )
    verdict = selectors.change_of(indicator, previous, current).verdict
    return text, verdict == "negative"


@report
class VsoshReport(Report):
    kind = "vsosh"
    title = "Аналитические материалы по итогам ВсОШ"
    description = (
        "Всероссийская олимпиада школьников года по этапам: участники, победители и призёры "
        "по предметам и ОО, на 100 обучающихся, с динамикой за три года."
    )
    order = 30

    def build(self, params: Params) -> Document:
        year = params.year
        years = (year - 2, year - 1, year)
        store = load(params, years)
        stages = store.stages(year)
        if not stages:
            raise NoData(
                f"За {year} год в портале нет рассчитанных показателей всероссийской "
                f"олимпиады школьников ({params.municipality.name}): загрузите результаты "
                "этапов ВсОШ и дождитесь расчёта показателей."
            )
        doc = self.document(
            params, subtitle=f"по итогам всероссийской олимпиады школьников {year} года"
        )
        conclusions: list[str] = []
        self._overview(doc.section("Итоги олимпиады по этапам"), store, year, stages)
        for stage in stages:
            self._stage(
                doc.section(f"{STAGE_LABELS[stage].capitalize()} этап"),
                store,
                year,
                stage,
                conclusions,
            )
        ending = doc.section("Выводы")
        if conclusions:
            ending.add(*(Paragraph(text) for text in conclusions))
        else:
            ending.add(
                Paragraph(
                    "Негативной динамики на этапах, предметов без победителей и призёров и ОО "
                    "с участием намного ниже муниципального не выявлено."
                )
            )
        ending.add(Commentary("vsosh.conclusions", "Выводы и предложения специалиста"))
        doc.inputs = sorted(store.runs)
        return doc

    def _overview(self, section: Section, store: Store, year: int, stages: list[str]) -> None:
        section.add(
            Paragraph(
                "Участие — один код участника одной ОО в одном предмете этапа (участник "
                "нескольких предметов считается в каждом). «На 100» — на 100 обучающихся "
                "по социальному паспорту ОО года; в муниципальном значении учтены только ОО "
                "с паспортом."
            ),
            Table(
                f"ВсОШ {year}: итоги по этапам, муниципалитет",
                ["Этап", *HEADER],
                [[STAGE_LABELS[s].capitalize(), *_row(store.total(year, s))] for s in stages],
            ),
        )
        missing = [s for s in STAGES[:3] if s not in stages]
        if missing:
            section.add(
                Paragraph(
                    f"Показателей {', '.join(OF_STAGE[s] for s in missing)} "
                    f"{'этапа' if len(missing) == 1 else 'этапов'} за {year} год в портале "
                    "нет: результаты не загружены.",
                    "note",
                )
            )

    def _stage(
        self, section: Section, store: Store, year: int, stage: str, conclusions: list[str]
    ) -> None:
        label = STAGE_LABELS[stage]
        total = store.total(year, stage)
        if total is not None:
            section.add(
                Paragraph(
                    f"На {ON_STAGE[stage]} этапе {year} года — {_count(total.participants)} участий, "
                    f"{_count(total.winners)} победителей и {_count(total.prizewinners)} "
                    f"призёров; на 100 обучающихся — {_per_100(total.participants_per_100)} "
                    f"участий и {_per_100(total.awarded_per_100)} победителей и призёров."
                )
            )
        # by subject
        subjects = store.by_subject(year, stage)
        part = section.section(f"{label.capitalize()} этап: по предметам")
        part.add(
            Table(
                f"ВсОШ {year}, {label} этап: по предметам",
                ["Предмет", *HEADER],
                [[s.name, *_row(f)] for s, f in subjects],
            )
        )
        empty = [s.name for s, f in subjects if f.participants and not f.awarded]
        if empty:
            text = (
                f"На {ON_STAGE[stage]} этапе нет победителей и призёров по "
                f"{len(empty)} {'предмету' if len(empty) == 1 else 'предметам'}: "
                + ", ".join(empty)
                + "."
            )
            part.add(Paragraph(text))
            conclusions.append(text)
        # by school
        schools = store.by_school(year, stage)
        part = section.section(f"{label.capitalize()} этап: по ОО")
        part.add(
            Table(
                f"ВсОШ {year}, {label} этап: по ОО",
                ["ОО", *HEADER],
                [[s.short_name, *_row(f)] for s, f in schools] + [["Муниципалитет", *_row(total)]],
            )
        )
        without = [s.short_name for s, f in schools if f.no_passport]
        if without:
            part.add(
                Paragraph(
                    "Нет социального паспорта за год (число обучающихся неизвестно, "
                    "показатели «на 100» не рассчитаны): " + ", ".join(without) + ".",
                    "note",
                )
            )
        for attr, name in (
            ("participants_per_100", "Участников на 100 обучающихся"),
            ("awarded_per_100", "Победителей и призёров на 100 обучающихся"),
        ):
            lines = [(s, getattr(f, attr)) for s, f in schools if getattr(f, attr) is not None]
            if not lines:
                continue
            lines.sort(key=lambda item: (-item[1], item[0].short_name))
            part.add(
                Figure(
                    charts.HBarChart(
                        title=f"ВсОШ {year}, {label} этап: {name.lower()}",
                        categories=tuple(s.bar_label for s, _ in lines),
                        series=charts.Series(name, tuple(v for _, v in lines)),
                        places=1,
                        reference=getattr(total, attr) if total else None,
                        reference_label="Муниципалитет",
                    )
                )
            )
        municipal = total.participants_per_100 if total else None
        if municipal:
            cut = formatting.rounded(municipal * LOW_SHARE_OF_MUNICIPAL, 1)
            low = [
                (s, f.participants_per_100)
                for s, f in schools
                if f.participants_per_100 is not None
                and cut is not None
                and (formatting.rounded(f.participants_per_100, 1) or 0) < cut
            ]
            if low:
                text = (
                    f"На {ON_STAGE[stage]} этапе участий на 100 обучающихся меньше половины "
                    f"муниципального значения ({_per_100(municipal)}) в ОО: "
                    + ", ".join(f"{s.short_name} ({_per_100(v)})" for s, v in low)
                    + "."
                )
                part.add(Paragraph(text))
                conclusions.append(text)
        # three years
        years = (year - 2, year - 1, year)
        part = section.section(f"{label.capitalize()} этап: динамика за три года")
        part.add(
            Table(
                f"ВсОШ, {label} этап, муниципалитет, {years[0]}–{years[-1]} гг.",
                ["Год", *HEADER],
                [[str(y), *_row(store.total(y, stage))] for y in years],
                numeric_from=1,
            )
        )
        for code in PER_100:
            text, negative = _sentence(store, code, year, stage)
            part.add(Paragraph(text))
            if negative:
                conclusions.append(text)
        part.add(Commentary(f"vsosh.{stage}", f"Комментарий специалиста: {label} этап"))
