"""«Анализ результатов ВПР в ШНОР» (seed 002, Таблица 1: аналитические материалы по ВПР в ШНОР).

The year's ШНОР come from reports.selectors_identification.shnor_source (the confirmed
list, else the latest finished run's draft — the document says which). Their ВПР figures
are the stored values of the ВПР report's read (kinds.vpr.load): per subject × grade each
ШНОР against the municipality and the median of the other schools; per school the change
since last year (change_sentence) over three years; and their objectivity markers.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from statistics import median

from assessments.dynamics import Verdict
from assessments.models import ObjectivityMarker
from msoko import formatting
from reports.documents.blocks import Commentary, Document, Paragraph, Section, Table
from reports.documents.catalogue import NoData, Params, Report, report
from reports.documents.kinds.vpr import (
    Place,
    YearData,
    load,
    marker_names,
    rounded,
    sentence,
    shown,
    verdict,
)
from reports.documents.narrative import share_sentence
from reports.selectors_identification import Source, shnor_source
from schools.models import School


def others_median(data: YearData, place: Place, code: str, shnor: frozenset[int]) -> str:
    """The median of the other schools' stored values (as shown), «—» without any."""
    values = [
        v
        for s in data.schools_of(place)
        if s.pk not in shnor
        and (found := data.school(place, s.pk, code)) is not None
        and (v := rounded(found.value, code)) is not None
    ]
    if not values:
        return formatting.DASH
    middle = Decimal(median(values))
    return shown_value(middle, code)


def shown_value(value: Decimal, code: str) -> str:
    return formatting.number(value, 2) if code == "mean_mark" else formatting.percent(value)


@report
class VprShnorReport(Report):
    kind = "vpr_shnor"
    title = "Анализ результатов ВПР в ШНОР"
    description = (
        "Результаты ВПР школ с низкими образовательными результатами года: против "
        "муниципалитета и остальных ОО, динамика по каждой ШНОР, маркеры необъективности."
    )
    order = 50

    def build(self, params: Params) -> Document:
        source = shnor_source(params.municipality, params.year)
        name = getattr(params.municipality, "short_name", "") or params.municipality.name
        if source is None:
            raise NoData(
                f"За {params.year} год ШНОР не отбирались: в портале нет ни утверждённого "
                f"перечня ШНОР, ни завершённого запуска отбора ({name})."
            )
        if not source.schools:
            raise NoData(
                f"Перечень ШНОР за {params.year} год ({source.label}) не содержит ни одной ОО: "
                "анализировать нечего."
            )
        data = load(params)
        schools = sorted(School.objects.filter(pk__in=source.schools), key=lambda s: s.short_name)
        document = self.document(params, subtitle=f"по итогам ВПР {params.year} года")
        self._list(document.section("Перечень ШНОР"), data, source, schools)
        results = document.section("Результаты ВПР ШНОР по предметам и классам")
        for place in data.places:
            if any(data.school(place, s.pk, "participants") for s in schools):
                self._place(results.section(data.label(place)), data, place, source, schools)
        dynamics = document.section("Динамика результатов ШНОР")
        for school in schools:
            self._dynamics(dynamics.section(school.short_name), data, school)
        self._markers(document.section("Маркеры необъективности в ШНОР"), data, schools)
        document.inputs = sorted(data.inputs)
        return document

    def _list(
        self, section: Section, data: YearData, source: Source, schools: list[School]
    ) -> None:
        section.add(
            Paragraph(
                f"ШНОР {data.year} года — {formatting.integer(len(schools))} ОО; "
                f"источник: {source.label}."
            )
        )
        if not source.confirmed:
            section.add(
                Paragraph(
                    f"Перечень ШНОР за {data.year} год не утверждён: анализ проведён по "
                    "черновику последнего запуска отбора и может измениться после "
                    "утверждения перечня.",
                    style="note",
                )
            )
        with_results = {key[2] for key in data.schools if key[0] == data.year}
        section.add(
            Table(
                f"Таблица. ШНОР {data.year} года",
                ["ОО", "Логин ФИС ОКО", "Участвовала в ВПР"],
                [[s.short_name, s.login, "да" if s.pk in with_results else "нет"] for s in schools],
                numeric_from=3,
                widths=[55, 25, 20],
            ),
            Commentary("vpr_shnor.list"),
        )

    def _place(
        self,
        section: Section,
        data: YearData,
        place: Place,
        source: Source,
        schools: list[School],
    ) -> None:
        rows = []
        above = []
        municipal = rounded(data.total_value(place, "fail_share"), "fail_share")
        for school in schools:
            found = data.school(place, school.pk, "participants")
            if found is None:
                continue
            fail = data.school(place, school.pk, "fail_share")
            rows.append(
                [
                    school.short_name,
                    shown(found, "participants") + (" *" if (found.value or 0) < 10 else ""),
                    shown(fail, "fail_share"),
                    shown(data.school(place, school.pk, "quality"), "quality"),
                    shown(data.school(place, school.pk, "mean_mark"), "mean_mark"),
                ]
            )
            value = rounded(fail.value, "fail_share") if fail else None
            if value is not None and municipal is not None and value > municipal:
                above.append(school.short_name)
        rows.append(
            [
                "Муниципалитет",
                shown(data.total(place, "participants"), "participants"),
                shown(data.total(place, "fail_share"), "fail_share"),
                shown(data.total(place, "quality"), "quality"),
                shown(data.total(place, "mean_mark"), "mean_mark"),
            ]
        )
        others = [s for s in data.schools_of(place) if s.pk not in source.schools]
        rows.append(
            [
                f"Остальные ОО (медиана по {formatting.integer(len(others))} ОО)",
                formatting.DASH,
                others_median(data, place, "fail_share", source.schools),
                others_median(data, place, "quality", source.schools),
                others_median(data, place, "mean_mark", source.schools),
            ]
        )
        section.add(
            Table(
                f"Таблица. {data.label(place)}: ШНОР, муниципалитет и остальные ОО",
                ["ОО", "Участников", "«2», %", "«4–5», %", "Средняя отметка"],
                rows,
                widths=[46, 13, 13, 13, 15],
            )
        )
        section.add(
            Paragraph(
                share_sentence(
                    len(above),
                    len(rows) - 2,
                    f"ШНОР с долей «2» выше муниципальной ({formatting.percent(municipal)})",
                )
                + (" Это " + ", ".join(above) + "." if above else "")
            )
        )
        if any(r[1].endswith("*") for r in rows):
            section.add(
                Paragraph("* Менее 10 участников: проценты приведены справочно.", style="note")
            )

    def _dynamics(self, section: Section, data: YearData, school: School) -> None:
        places = [
            p
            for p in data.places
            if any(
                data.school(p, school.pk, "participants", y)
                for y in range(data.year - 2, data.year + 1)
            )
        ]
        if not places:
            section.add(
                Paragraph(
                    f"Показателей ВПР за {data.year - 2}–{data.year} годы у ОО в портале нет.",
                    style="note",
                )
            )
            return
        years = list(range(data.year - 2, data.year + 1))
        section.add(
            Table(
                f"Таблица. {school.short_name}: доля «2» по ВПР за три года",
                ["Предмет, класс", *map(str, years)],
                [
                    [data.label(p)]
                    + [
                        shown(data.school(p, school.pk, "fail_share", y), "fail_share")
                        for y in years
                    ]
                    for p in places
                ],
                widths=[52, 16, 16, 16],
            )
        )
        negative = 0
        for place in places:
            section.add(Paragraph(sentence(data, place, "fail_share", school=school.pk)))
            if verdict(data, place, "fail_share", school.pk) == Verdict.NEGATIVE:
                negative += 1
        if negative:
            section.add(
                Paragraph(
                    f"Негативная динамика доли «2» — по {formatting.integer(negative)} из "
                    f"{formatting.integer(len(places))} работ."
                )
            )
        section.add(Commentary(f"vpr_shnor.{school.login}"))

    def _markers(self, section: Section, data: YearData, schools: list[School]) -> None:
        ids = {s.pk for s in schools}
        by_school: dict[int, list[ObjectivityMarker]] = defaultdict(list)
        for marker in data.markers:
            if marker.school_id in ids:
                by_school[marker.school_id].append(marker)
        section.add(
            Paragraph(
                share_sentence(
                    len(by_school),
                    len(schools),
                    f"ШНОР с маркерами необъективности результатов ВПР {data.year} года",
                )
            )
        )
        if by_school:
            section.add(
                Paragraph(
                    "Результаты ОО с маркерами необъективности требуют отдельной проверки: "
                    "низкие (или высокие) отметки могут не отражать реальный уровень подготовки."
                ),
                Table(
                    f"Таблица. ШНОР с маркерами необъективности, ВПР {data.year}",
                    ["ОО", "Работа", "Маркеры"],
                    [
                        [
                            school.short_name,
                            label,
                            marker_names(found),
                        ]
                        for school in schools
                        for label, found in _by_work(data, by_school.get(school.pk, []))
                    ],
                    numeric_from=3,
                    widths=[34, 28, 38],
                ),
            )
        section.add(Commentary("vpr_shnor.conclusions", title="Выводы и рекомендации специалиста"))


def _by_work(
    data: YearData, markers: list[ObjectivityMarker]
) -> list[tuple[str, list[ObjectivityMarker]]]:
    """The markers of one school grouped by the work they are about, in the report's order."""
    groups: dict[tuple[int, int], list[ObjectivityMarker]] = defaultdict(list)
    for marker in markers:
        groups[(marker.subject_id or 0, marker.grade or 0)].append(marker)
    order = {p: i for i, p in enumerate(data.places)}
    result = []
    for key in sorted(groups, key=lambda k: (order.get(k, 99), k)):
        label = data.label(key) if key[0] in data.subjects else "ВПР (без предмета)"
        result.append((label, groups[key]))
    return result
