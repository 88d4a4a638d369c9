"""«Карточка ОО»: one school in one year, for its director and for the department.

The card of the portal (reports.selectors.school_card) as a document, for a chosen year:
the social passport of the year (pupils, ИСБШ, ШНСУ), the results of the last three years
per procedure, subject and grade against the municipality and the mean of the similar
schools, the ШНОР / ШНСУ group of the year, the objectivity markers, the «500+» progress,
the recommendations addressed to the school, and its open road-map deadlines.

Why not the selector itself: `school_card(user, school)` compares the school's *latest*
year with the municipality; a document is about a chosen year, and a card for 2025 must
not compare with 2026. So the values are read here for the three years up to the chosen
one, with the selector's own parts — its indicator codes (`CARD_CODES`), its rule of
similar schools (`_similar_schools`, `SIMILAR_MIN`, `RANKING_MIN_PARTICIPANTS`), its
reading of a change (`change_of`) and its restriction (`values_for(user)`). For the latest
year the figures are the page's (a test checks it). As on the page, a director's card
holds nothing of another school but the municipal value and the mean of three or more
similar schools.

Every read goes through `for_user`; from the command line (no user) the card is read as
a specialist of the municipality reads it (Params.reader). A director asking for another
school's card gets PermissionDenied.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from assessments import catalogue
from assessments.choices import IndicatorLevel, ProcedureCode
from assessments.models import IndicatorValue, Subject
from assessments.selectors_objectivity import school_markers
from msoko import formatting
from msoko.charts import BarChart, Series
from reports.documents.blocks import Commentary, Document, Figure, Paragraph, Section, Table
from reports.documents.catalogue import NoData, Params, Report, report
from reports.documents.kinds.roadmap import count, date
from reports.documents.narrative import change_sentence
from reports.selectors import (
    CARD_CODES,
    SIMILAR_BAND,
    SIMILAR_MIN,
    _similar_schools,
    thresholds,
    values_for,
)
from reports.selectors_identification import (
    GROUP_HINTS,
    group_of,
    school_status,
    shnor_source,
    shnsu_source,
)
from roadmaps.choices import RoadmapStatus
from roadmaps.models import Occurrence
from roadmaps.selectors_decisions import school_recommendations
from roadmaps.selectors_risks import school_progress
from schools.choices import OrgFamily
from schools.models import PASSPORT_FIELDS, School, SocialPassport

#: The card covers the chosen year and the two before it.
SPAN = 3
#: Below this many participants a percentage is shown with a warning (DOMAIN §5).
FEW = 10

Place = tuple[str, int | None, int | None]  # procedure, subject id, grade


@dataclass
class Line:
    """One indicator of one place: the school's values by year, the municipality's by year,
    the mean of the similar schools by year, and n by year."""

    indicator: catalogue.Indicator
    own: dict[int, IndicatorValue] = field(default_factory=dict)
    municipality: dict[int, Decimal | None] = field(default_factory=dict)
    similar: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class Results:
    years: list[int]
    places: dict[Place, list[Line]]
    subjects: dict[int, Subject]
    similar: list[School]
    rule: str
    runs: set[int]

    def label(self, place: Place) -> str:
        _procedure, subject_id, grade = place
        subject = self.subjects.get(subject_id) if subject_id else None
        text = subject.name if subject else "Все предметы"
        return f"{text}, {grade} кл." if grade else text


def passport_of(school: School, year: int) -> SocialPassport | None:
    return SocialPassport.objects.filter(school=school, year=year).first()


def results(user: Any, school: School, year: int, passport: SocialPassport | None) -> Results:
    """The school's card figures for `year` and the SPAN − 1 years before it."""
    years = list(range(year - SPAN + 1, year + 1))
    similar = _similar_schools(school, passport)
    codes = [code for group in CARD_CODES.values() for code in group]
    rows = list(
        values_for(user).filter(
            Q(school=school) | Q(level=IndicatorLevel.MUNICIPALITY),
            municipality_id=school.municipality_id,
            code__in=codes,
            part="",
            year__in=years,
        )
    )
    # As on the page: the similar schools only as a mean of three or more, read past a
    # director's scope and never shown one by one.
    others: list[IndicatorValue] = []
    if len(similar) >= SIMILAR_MIN:
        others = list(
            IndicatorValue.objects.filter(
                level=IndicatorLevel.SCHOOL,
                school_id__in=[s.pk for s in similar],
                code__in=codes,
                part="",
                year__in=years,
                n__gte=settings.RANKING_MIN_PARTICIPANTS,
            ).only("run_id", "procedure", "subject_id", "grade", "code", "year", "value")
        )
    own: dict[Place, dict[str, Line]] = defaultdict(dict)
    totals: dict[tuple[Any, ...], IndicatorValue] = {}
    for row in rows:
        place = (row.procedure, row.subject_id, row.grade)
        if row.level == IndicatorLevel.MUNICIPALITY:
            totals[(*place, row.code, row.year)] = row
        elif row.school_id == school.pk:
            line = own[place].setdefault(row.code, Line(catalogue.get(row.code)))
            line.own[row.year] = row
    pooled: dict[tuple[Any, ...], list[Decimal]] = defaultdict(list)
    for row in others:
        if row.value is not None:
            pooled[(row.procedure, row.subject_id, row.grade, row.code, row.year)].append(row.value)
    runs = {row.run_id for row in rows if row.level != IndicatorLevel.MUNICIPALITY}
    for place, lines in own.items():
        for code, line in lines.items():
            for y in years:
                total = totals.get((*place, code, y))
                if total is not None:
                    line.municipality[y] = total.value
                    runs.add(total.run_id)
                values = pooled.get((*place, code, y))
                if values:
                    line.similar[y] = sum(values, Decimal(0)) / len(values)
    runs |= {row.run_id for row in others}
    subjects = {s.pk: s for s in Subject.objects.filter(pk__in={p[1] for p in own if p[1]})}
    procedure_order = {str(code): index for index, code in enumerate(CARD_CODES)}
    code_order = {code: index for index, code in enumerate(codes)}
    places = {
        place: sorted(own[place].values(), key=lambda line: code_order[line.indicator.code])
        for place in sorted(
            own,
            key=lambda p: (
                procedure_order.get(p[0], 99),
                subjects[p[1]].order if p[1] in subjects else 0,
                p[2] or 0,
            ),
        )
    }
    return Results(years, places, subjects, similar, similar_rule(school, passport, similar), runs)


def similar_rule(school: School, passport: SocialPassport | None, similar: list[School]) -> str:
    """The selector's sentence on how the similar schools are chosen, for the card's year."""
    if passport is None or passport.wellbeing_index is None:
        return "ИСБШ этой ОО за год не рассчитан: похожие ОО не подобраны."
    rule = (
        f"Похожие ОО — того же вида ({OrgFamily(school.family).label.lower()}) с ИСБШ "
        f"{passport.year} г. в пределах ±{formatting.number(SIMILAR_BAND, 0)} от индекса "
        f"этой ОО; в сравнении — их среднее (без выборок менее "
        f"{settings.RANKING_MIN_PARTICIPANTS} участников)"
    )
    if len(similar) < SIMILAR_MIN:
        rule += f"; таких ОО меньше {SIMILAR_MIN}, и среднее не показывается"
    return rule + "."


def shown(line: Line, value: Decimal | None) -> str:
    return formatting.value(value, line.indicator.unit, line.indicator.places)


def short_name(indicator: catalogue.Indicator) -> str:
    """«ВПР: доля «2»» → «доля «2»», with its unit when it is not a percentage."""
    name = indicator.name.split(": ", 1)[-1]
    unit = {"балл": ", балл", "отметка": ""}.get(indicator.unit, "")
    return name[:1].upper() + name[1:] + unit


def charts(found: Results, items: list[Any]) -> list[BarChart]:
    """Small bar charts of the first indicator over the years: per subject with its
    grades (ВПР), or one per procedure with its subjects when each has one grade."""
    years = found.years
    by_subject: dict[int | None, list[Any]] = defaultdict(list)
    for place, lines in items:
        by_subject[place[1]].append((place, lines[0]))
    if all(len(entries) == 1 for entries in by_subject.values()):
        groups: list[tuple[int | None, list[Any]]] = [
            (None, [entry for entries in by_subject.values() for entry in entries])
        ]
    else:
        groups = list(by_subject.items())
    result = []
    for subject_id, entries in groups:
        indicator = entries[0][1].indicator
        subject = found.subjects.get(subject_id) if subject_id else None
        categories = tuple(
            f"{p[2]} кл." if subject is not None else found.label(p) for p, _ in entries
        )
        series = tuple(
            Series(
                f"{y} г.",
                tuple(line.own[y].value if y in line.own else None for _, line in entries),
            )
            for y in years
        )
        if not any(v is not None for s in series for v in s.values):
            continue
        name = short_name(indicator).split(",")[0]
        title = f"{name}: {subject.name}" if subject else name
        result.append(
            BarChart(
                title=f"{title}, {years[0]}–{years[-1]} гг.",
                categories=categories,
                series=series,
                unit=indicator.unit if indicator.unit == "%" else "",
                places=indicator.places,
                width=520 if len(categories) > 3 else 420,
                height=200,
                description=(
                    f"{short_name(indicator)} в ОО по годам {years[0]}–{years[-1]}"
                    + (f", {subject.name.lower()}, по классам" if subject else ", по предметам")
                    + "."
                ),
            )
        )
    return result


@report
class SchoolCardReport(Report):
    kind = "school_card"
    title = "Карточка ОО"
    per_school = True
    description = (
        "Одна ОО за год: социальный паспорт, результаты за три года в сравнении с "
        "муниципалитетом и похожими ОО, статус ШНОР / ШНСУ, признаки необъективности, "
        "«500+», адресные рекомендации и открытые мероприятия дорожных карт."
    )
    order = 70

    def build(self, params: Params) -> Document:
        school = params.school
        if school is None:
            raise ValueError("Карточка ОО строится для одной ОО: укажите ОО.")
        year = params.year
        user = params.reader
        if not School.objects.for_user(user).filter(pk=school.pk).exists():
            raise PermissionDenied("Карточка этой ОО вам недоступна.")
        passport = passport_of(school, year)
        found = results(user, school, year, passport)
        has_year = any(year in line.own for lines in found.places.values() for line in lines)
        if passport is None and not has_year:
            raise NoData(
                f"За {year} г. у ОО «{school.short_name}» нет ни социального паспорта, ни "
                "результатов оценочных процедур: карточку составить не из чего."
            )
        document = self.document(params, subtitle=f"{school.short_name}, {year} год")
        document.inputs = sorted(found.runs)
        self._passport(document, school, passport, year)
        self._results(document, found, year)
        self._status(document, school, year)
        self._markers(document, user, school, found.years)
        self._risks(document, user, school, year)
        self._recommendations(document, user, school, year)
        self._tasks(document, user, school, year)
        return document

    # --- sections ----------------------------------------------------------------------
    def _passport(
        self, document: Document, school: School, passport: SocialPassport | None, year: int
    ) -> None:
        section = document.section("Паспорт ОО")
        about = [
            ["Полное наименование", school.full_name],
            ["Тип", school.get_org_type_display()],
        ]
        if school.address:
            about.append(["Адрес", school.address])
        if school.director_name:
            about.append(["Руководитель", school.director_name])
        section.add(
            Table(
                "Сведения об ОО", ["Сведение", "Значение"], about, numeric_from=2, widths=[25, 75]
            )
        )
        if passport is None:
            section.add(
                Paragraph(f"Социального паспорта ОО за {year} г. в портале нет.", style="note")
            )
        else:
            rows = []
            for name in PASSPORT_FIELDS:
                value = getattr(passport, name)
                if value is None:
                    continue
                label = str(getattr(SocialPassport._meta.get_field(name), "verbose_name", name))
                rows.append([label[:1].upper() + label[1:], formatting.trimmed(value, 1)])
            rows.append(
                [
                    "Индекс социального благополучия (ИСБШ)",
                    formatting.number(passport.wellbeing_index, 1),
                ]
            )
            rows.append(
                [
                    "ШНСУ по социальному паспорту",
                    "да" if passport.is_shnsu else "нет",
                ]
            )
            section.add(Table(f"Социальный паспорт {year} г.", ["Показатель", "Значение"], rows))
            text = f"В {year} г. в ОО {count(passport.pupils_total)} обучающихся"
            if passport.wellbeing_index is not None:
                text += f"; ИСБШ — {formatting.number(passport.wellbeing_index, 1)}"
            text += (
                "; по социальному паспорту ОО относится к школам, функционирующим в "
                "неблагоприятных социальных условиях (ШНСУ)."
                if passport.is_shnsu
                else "; по социальному паспорту ОО не относится к ШНСУ."
            )
            section.add(Paragraph(text))
        section.add(Commentary("school_card.passport"))

    def _results(self, document: Document, found: Results, year: int) -> None:
        section = document.section("Результаты оценочных процедур")
        first, last = found.years[0], found.years[-1]
        section.add(
            Paragraph(
                f"Результаты ОО за {first}–{last} гг. по процедурам, предметам и классам; в "
                f"сравнении — значение муниципалитета и среднее похожих ОО за {year} г. "
                f"{found.rule}"
            )
        )
        if not found.places:
            section.add(
                Paragraph(
                    f"Результатов оценочных процедур ОО за {first}–{last} гг. в портале нет.",
                    style="note",
                )
            )
        by_procedure: dict[str, list[Any]] = defaultdict(list)
        for place, lines in found.places.items():
            by_procedure[place[0]].append((place, lines))
        labels = dict(ProcedureCode.choices)
        for procedure, items in by_procedure.items():
            part = section.section(str(labels.get(procedure, procedure)))
            self._procedure(part, found, items, year)
            part.add(Commentary(f"school_card.results.{procedure}"))

    def _procedure(self, section: Section, found: Results, items: list[Any], year: int) -> None:
        years = found.years
        rows = []
        small = []
        for place, lines in items:
            for line in lines:
                last = line.own.get(year)
                rows.append(
                    [
                        found.label(place),
                        short_name(line.indicator),
                        *(shown(line, line.own[y].value if y in line.own else None) for y in years),
                        shown(line, line.municipality.get(year)),
                        shown(line, line.similar.get(year)),
                        count(last.n) if last else formatting.DASH,
                    ]
                )
            last = lines[0].own.get(year)
            if last is not None and last.n < FEW:
                small.append(found.label(place))
        section.add(
            Table(
                caption="Результаты ОО, муниципалитета и похожих ОО",
                header=[
                    "Предмет, класс",
                    "Показатель",
                    *(f"{y} г." for y in years),
                    f"МО, {year} г.",
                    f"Похожие ОО, {year} г.",
                    f"Участников, {year} г.",
                ],
                rows=rows,
                numeric_from=2,
                widths=[20, 20, *([9] * len(years)), 9, 10, 10],
            )
        )
        if small:
            section.add(
                Paragraph(
                    f"Менее {FEW} участников в {year} г. — проценты показаны с оговоркой, "
                    "их надёжность мала: " + "; ".join(small) + ".",
                    style="note",
                )
            )
        # the narrative: the change of the first indicator, and where the school is worse
        # than the municipality in the year
        sentences = []
        worse = []
        for place, lines in items:
            line = lines[0]
            before, after = line.own.get(year - 1), line.own.get(year)
            if after is None:
                continue
            if before is not None:
                sentences.append(
                    change_sentence(
                        short_name(line.indicator).split(",")[0],
                        f"({found.label(place)})",
                        before.value,
                        after.value,
                        unit=line.indicator.unit,
                        higher_is_better=line.indicator.higher_is_better,
                        fail_share=line.indicator.code.endswith(".fail_share"),
                        places=line.indicator.places,
                        years=(year - 1, year),
                        thresholds=thresholds(),
                    )
                )
            municipal = line.municipality.get(year)
            if municipal is not None and after.value is not None:
                a = formatting.rounded(after.value, line.indicator.places)
                m = formatting.rounded(municipal, line.indicator.places)
                assert a is not None and m is not None
                hib = line.indicator.higher_is_better
                if hib is not None and ((a < m) if hib else (a > m)):
                    worse.append(
                        f"{found.label(place)} ({shown(line, a)} при {shown(line, m)} по МО)"
                    )
        section.add(*(Paragraph(s) for s in sentences))
        if worse:
            name = short_name(items[0][1][0].indicator).split(",")[0].lower()
            section.add(
                Paragraph(
                    f"Хуже значения муниципалитета в {year} г. ({name}): " + "; ".join(worse) + "."
                )
            )
        for chart in charts(found, items):
            section.add(Figure(chart))

    def _status(self, document: Document, school: School, year: int) -> None:
        section = document.section("Статус ОО: ШНОР и ШНСУ")
        shnor = shnor_source(school.municipality, year)
        shnsu = shnsu_source(school.municipality, year)
        if shnor is None:
            section.add(
                Paragraph(
                    f"Школы с низкими образовательными результатами (ШНОР) за {year} г. не "
                    "определялись: перечня в портале нет.",
                    style="note",
                )
            )
            in_shnsu = school.pk in shnsu.schools
            section.add(
                Paragraph(
                    f"ШНСУ ({shnsu.label}): ОО {'входит' if in_shnsu else 'не входит'} в их число."
                )
            )
        else:
            group = group_of(school.pk, shnor.schools, shnsu.schools)
            section.add(
                Paragraph(
                    f"В {year} г. ОО {'входит' if school.pk in shnor.schools else 'не входит'} "
                    f"в число ШНОР ({shnor.label}) и "
                    f"{'входит' if school.pk in shnsu.schools else 'не входит'} в число ШНСУ "
                    f"({shnsu.label})."
                ),
                Paragraph(f"Группа ОО: «{group.label}» — {GROUP_HINTS[group]}."),
            )
        entries = [e for e in school_status(school).entries if e.school_list.year == year]
        if entries:
            section.add(
                Table(
                    caption=f"ОО в перечнях {year} г.",
                    header=["Перечень", "Состояние", "В перечне", "Основание", "Критерии"],
                    rows=[
                        [
                            e.school_list.get_kind_display(),
                            e.school_list.get_status_display(),
                            "да" if e.included else "нет",
                            e.get_origin_display(),
                            "; ".join(str(c) for c in e.criteria) or "—",
                        ]
                        for e in entries
                    ],
                    numeric_from=5,
                )
            )
        section.add(Commentary("school_card.status"))

    def _markers(self, document: Document, user: Any, school: School, years: list[int]) -> None:
        section = document.section("Признаки необъективности результатов")
        found = school_markers(user, school)
        lines = [(y, line) for y, items in found.years if y in years for line in items]
        if not found.computed:
            section.add(
                Paragraph(
                    "Признаки необъективности для ОО в портале не рассчитывались.", style="note"
                )
            )
        elif not lines:
            section.add(
                Paragraph(f"За {years[0]}–{years[-1]} гг. признаков необъективности у ОО нет.")
            )
        else:
            section.add(
                Paragraph(
                    f"За {years[0]}–{years[-1]} гг. выявлено признаков необъективности: "
                    f"{count(len(lines))}."
                ),
                Table(
                    caption="Признаки необъективности",
                    header=["Год", "Признак", "Процедура", "Обоснование"],
                    rows=[[str(y), line.name, line.about, line.text] for y, line in lines],
                    numeric_from=4,
                    widths=[8, 24, 24, 44],
                ),
            )
        section.add(Commentary("school_card.objectivity"))

    def _risks(self, document: Document, user: Any, school: School, year: int) -> None:
        section = document.section("Проект «500+»: риск-профиль и антирисковая программа")
        progress = school_progress(user, school, year)
        if progress is None or (not progress.has_profile and not progress.has_programme):
            section.add(
                Paragraph(
                    f"Риск-профиля и антирисковой программы ОО за {year} г. в портале нет.",
                    style="note",
                )
            )
            return
        rows = [
            ["Рисков в профиле", count(progress.risks_total)],
            ["Выбрано для работы", count(progress.risks_selected)],
            ["Антирисковая программа", "есть" if progress.has_programme else "нет"],
            ["Мероприятий программы", count(progress.measures)],
            ["Сроков мероприятий", count(progress.total)],
            ["Выполнено", count(progress.done)],
            ["В работе", count(progress.in_progress)],
            ["Просрочено", count(progress.overdue)],
            ["Выполнено, %", formatting.percent(progress.percent, 0)],
        ]
        if progress.curator is not None:
            rows.append(["Куратор", progress.curator_name])
        section.add(Table(f"«500+», {year} г.", ["Показатель", "Значение"], rows))
        if progress.risk_titles:
            section.add(Paragraph("Выбранные риски: " + "; ".join(progress.risk_titles) + "."))
        if progress.total:
            section.add(
                Paragraph(
                    f"По антирисковой программе выполнено {count(progress.done)} из "
                    f"{count(progress.total)} сроков мероприятий "
                    f"({formatting.percent(progress.percent, 0)}), просрочено — "
                    f"{count(progress.overdue)}."
                )
            )
        section.add(Commentary("school_card.risks"))

    def _recommendations(self, document: Document, user: Any, school: School, year: int) -> None:
        section = document.section("Адресные рекомендации")
        rows = [
            r
            for r in school_recommendations(user, school)
            if r.year == year or (r.year < year and getattr(r, "overdue", False))
        ]
        if not rows:
            section.add(Paragraph(f"Адресных рекомендаций ОО за {year} г. нет."))
        else:
            section.add(
                Table(
                    caption="Рекомендации, адресованные ОО",
                    header=["№", "Год", "Рекомендация", "Срок", "Состояние"],
                    rows=[
                        [
                            r.number or "—",
                            str(r.year),
                            r.text,
                            date(r.due_date) if r.due_date else "—",
                            r.get_status_display()
                            + (", срок истёк" if getattr(r, "overdue", False) else ""),
                        ]
                        for r in rows
                    ],
                    numeric_from=5,
                    widths=[6, 7, 55, 12, 20],
                )
            )
            late = sum(bool(getattr(r, "overdue", False)) for r in rows)
            if late:
                section.add(
                    Paragraph(
                        f"Срок исполнения истёк, ответ не принят: {count(late)} из {count(len(rows))}."
                    )
                )
        section.add(Commentary("school_card.recommendations"))

    def _tasks(self, document: Document, user: Any, school: School, year: int) -> None:
        section = document.section("Открытые мероприятия дорожных карт")
        items = list(
            Occurrence.objects.for_user(user)
            .filter(school=school, due__year__lte=year)
            .exclude(task__roadmap__status=RoadmapStatus.DRAFT)
            .open()
            .select_related("task", "task__roadmap")
            .order_by("due", "task__roadmap__title", "task__sort_key", "pk")
        )
        if not items:
            section.add(Paragraph(f"Невыполненных мероприятий со сроком до конца {year} г. нет."))
            return
        overdue = sum(o.overdue for o in items)
        section.add(
            Paragraph(
                f"Не выполнено мероприятий со сроком до конца {year} г.: {count(len(items))}, "
                f"из них просрочено — {count(overdue)} (на дату формирования документа)."
            ),
            Table(
                caption="Невыполненные мероприятия ОО",
                header=["Мероприятие", "Дорожная карта", "Период", "Срок", "Статус"],
                rows=[
                    [
                        f"{o.task.number}. {o.task.title}",
                        o.task.roadmap.title,
                        o.label,
                        date(o.due),
                        o.display_status,
                    ]
                    for o in items
                ],
                numeric_from=5,
                widths=[36, 26, 11, 12, 15],
            ),
        )
