"""The quality section of the yearly report «О состоянии системы образования» (seed 004 п. 13,
DOMAIN §9): what the portal holds, filled in; the rest as the specialists' text blocks.

Filled: the network (the registry's schools by type) and the contingent (the year's social
passports: pupils, pupils with ОВЗ, teachers and vacancies); the key results of ВПР, ОГЭ
and ЕГЭ over three years; the ШНОР / ШНСУ groups; ВсОШ by stage; the approved road maps'
progress in the year. Left to the specialists, each with a sentence that the portal does
not hold the data: staffing beyond the passports, conditions, preschool and additional
education, upbringing, and the conclusions and tasks for the next year.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from assessments import dynamics
from assessments.choices import IndicatorLevel, OlympiadStage, ProcedureCode
from assessments.models import IndicatorValue
from msoko import charts, formatting
from msoko.models import User
from reports.documents.blocks import Commentary, Document, Figure, Paragraph, Section, Table
from reports.documents.catalogue import NoData, Params, Report, report
from reports.documents.kinds.complex import (
    Line,
    groups_of,
    groups_paragraphs,
    groups_table,
    lines_table,
    municipal_lines,
    run_ids,
)
from reports.documents.narrative import change_sentence
from reports.selectors import thresholds
from roadmaps.choices import RoadmapStatus
from roadmaps.models import Occurrence, Roadmap
from roadmaps.selectors import progress_of
from schools.choices import OrgType
from schools.models import School, SocialPassport

DASH = formatting.DASH

RESULT_CODES = (
    "vpr.fail_share_year",
    "oge.fail_share_year",
    "ege.mean_test",
    "ege.below_min",
    "ege.high_band",
    "ege.hundred",
    "ege.graduates_220",
    "ege.medalists",
    "ege.medalists_unconfirmed",
)
OLYMPIAD_CODES = (
    ("vsosh.participants", "Участий", "чел."),
    ("vsosh.winners", "Победителей", "чел."),
    ("vsosh.prizewinners", "Призёров", "чел."),
    ("vsosh.participants_per_100", "Участий на 100 обучающихся", "на 100"),
    ("vsosh.winners_per_100", "Победителей на 100 обучающихся", "на 100"),
    ("vsosh.prizewinners_per_100", "Призёров на 100 обучающихся", "на 100"),
)
STAGE_LABELS = dict(OlympiadStage.choices)
#: Lines written as a sentence only when their change counts (the table has them all).
QUIET = ("ege.high_band", "ege.hundred")

#: The parts of the yearly report the portal does not hold: (key, title, what is missing).
NOT_HELD = (
    (
        "annual.staff",
        "Кадровое обеспечение",
        "Портал хранит только численность педагогов и вакансии из социальных паспортов ОО; "
        "сведения о квалификации, аттестации и повышении квалификации педагогов в портале "
        "не хранятся.",
    ),
    (
        "annual.conditions",
        "Условия осуществления образовательной деятельности",
        "Сведений о материально-технической базе, цифровой образовательной среде, питании и "
        "подвозе обучающихся портал не хранит.",
    ),
    (
        "annual.preschool",
        "Дошкольное образование",
        "Портал хранит только перечень дошкольных организаций; контингент и показатели "
        "качества дошкольного образования в нём не хранятся.",
    ),
    (
        "annual.additional",
        "Дополнительное образование и воспитание",
        "Сведений об охвате дополнительным образованием, о воспитательной работе и "
        "профилактике правонарушений портал не хранит.",
    ),
)


MONITORING_TITLE = "Мониторинг по направлениям (данные, собранные от ОО)"
MONITORING_VERDICTS: dict[bool | None, str] = {True: "выполнено", False: "не выполнено"}
#: The parts of NOT_HELD a direction's collected indicators speak to.
MONITORED_BY = {"annual.staff": "2.2", "annual.preschool": "2.4", "annual.additional": "2.3"}


@report
class AnnualReport(Report):
    kind = "annual"
    title = "О состоянии системы образования: качество образования"
    description = (
        "Раздел ежегодного доклада о качестве образования: сеть и контингент по паспортам, "
        "результаты ВПР, ОГЭ, ЕГЭ, ШНОР / ШНСУ, ВсОШ, дорожные карты и текстовые разделы."
    )
    order = 90

    def build(self, params: Params) -> Document:
        user = params.reader
        year = params.year
        years = [year - 2, year - 1, year]
        passports = SocialPassport.objects.filter(
            school__municipality=params.municipality, year=year
        )
        lines = municipal_lines(user, params.municipality, RESULT_CODES, years)
        has_results = any(year in line.rows for line in lines)
        if not has_results and not passports.exists():
            raise NoData(
                f"За {year} год нет ни социальных паспортов ОО, ни рассчитанных показателей "
                f"оценочных процедур по муниципалитету {params.municipality.name}."
            )
        doc = self.document(params, subtitle=f"Раздел ежегодного доклада за {year} год")
        inputs = run_ids(*(line.rows.values() for line in lines))
        self._network(doc, params, passports)
        self._results(doc, lines, years, has_results)
        self._groups(doc, user, params)
        inputs += self._olympiad(doc, user, params)
        self._roadmaps(doc, user, params)
        monitored, runs = self._monitoring(doc, user, params)
        inputs += runs
        for key, title, note in NOT_HELD:
            part = doc.section(title)
            if key == "annual.staff":
                part.add(*self._staff(passports, year))
            direction = MONITORED_BY.get(key)
            if direction in monitored:
                part.add(
                    Paragraph(
                        f"Показатели мониторинга направления «{monitored[direction]}» за "
                        f"{year} год — в разделе «{MONITORING_TITLE}».",
                        style="note",
                    )
                )
            part.add(Paragraph(note, style="note"), Commentary(key, title))
        doc.section("Выводы и задачи на следующий год").add(
            Paragraph(
                "Выводы и задачи формулирует орган управления образованием; портал приводит "
                "к ним данные разделов выше.",
                style="note",
            ),
            Commentary("annual.conclusions", "Выводы и задачи на следующий год"),
        )
        doc.inputs = sorted(set(inputs))
        return doc

    # --- the network and the contingent ------------------------------------------------
    def _network(self, doc: Document, params: Params, passports: QuerySet[SocialPassport]) -> None:
        year = params.year
        part = doc.section("Сеть образовательных организаций и контингент")
        schools = School.objects.filter(municipality=params.municipality, is_active=True)
        by_type = Counter(schools.values_list("org_type", flat=True))
        labels = dict(OrgType.choices)
        order = {value: i for i, value in enumerate(OrgType.values)}
        part.add(
            Table(
                caption="Образовательные организации по типам (реестр портала)",
                header=["Тип", "ОО"],
                rows=[
                    [str(labels.get(t, t)), formatting.integer(n)]
                    for t, n in sorted(by_type.items(), key=lambda item: order.get(item[0], 99))
                ]
                + [["Всего", formatting.integer(sum(by_type.values()))]],
            ),
            Paragraph(
                f"В реестре портала — {formatting.integer(sum(by_type.values()))} действующих "
                f"ОО, из них общеобразовательных — "
                f"{formatting.integer(schools.general().count())}."
            ),
        )
        totals = passports.aggregate(
            schools=Count("pk"),
            pupils=Sum("pupils_total"),
            ovz=Sum("pupils_ovz"),
            ovz_schools=Count("pk", filter=Q(pupils_ovz__isnull=False)),
            shnsu=Count("pk", filter=Q(is_shnsu=True)),
        )
        before = SocialPassport.objects.filter(
            school__municipality=params.municipality, year=year - 1
        ).aggregate(pupils=Sum("pupils_total"), schools=Count("pk"))
        if not totals["schools"]:
            part.add(
                Paragraph(f"Социальных паспортов ОО за {year} год в портале нет.", style="note")
            )
        else:
            rows = [
                ["ОО с социальным паспортом", formatting.integer(totals["schools"])],
                ["Обучающихся, чел.", formatting.integer(totals["pupils"])],
                [
                    f"Обучающихся с ОВЗ, чел. (указано в {totals['ovz_schools']} паспортах)",
                    formatting.integer(totals["ovz"]),
                ],
                ["ОО в неблагоприятных социальных условиях (ИСБШ)", str(totals["shnsu"])],
            ]
            part.add(
                Table(
                    caption=f"Контингент по социальным паспортам ОО, {year} г.",
                    header=["Показатель", "Значение"],
                    rows=rows,
                )
            )
            if before["schools"]:
                part.add(
                    Paragraph(
                        change_sentence(
                            "Число обучающихся",
                            "по социальным паспортам ОО",
                            Decimal(before["pupils"] or 0),
                            Decimal(totals["pupils"] or 0),
                            unit="чел.",
                            higher_is_better=None,
                            places=0,
                            years=(year - 1, year),
                            thresholds=thresholds(),
                        )
                    )
                )
        part.add(Commentary("annual.contingent", "Комментарий к разделу"))

    def _staff(self, passports: QuerySet[SocialPassport], year: int) -> list[Table]:
        totals = passports.aggregate(
            schools=Count("pk", filter=Q(teachers_total__isnull=False)),
            teachers=Sum("teachers_total"),
            vacancy_schools=Count("pk", filter=Q(teacher_vacancies__isnull=False)),
            vacancies=Sum("teacher_vacancies"),
        )
        if not totals["schools"] and not totals["vacancy_schools"]:
            return []
        return [
            Table(
                caption=f"Педагогические кадры по социальным паспортам ОО, {year} г.",
                header=["Показатель", "ОО, указавших", "Значение"],
                rows=[
                    [
                        "Педагогов, чел.",
                        formatting.integer(totals["schools"]),
                        formatting.integer(totals["teachers"]),
                    ],
                    [
                        "Вакансий учителей",
                        formatting.integer(totals["vacancy_schools"]),
                        formatting.integer(totals["vacancies"]),
                    ],
                ],
            )
        ]

    # --- results ------------------------------------------------------------------------
    def _results(
        self, doc: Document, lines: list[Line], years: list[int], has_results: bool
    ) -> None:
        year = years[-1]
        part = doc.section("Результаты оценочных процедур")
        if not has_results:
            part.add(
                Paragraph(f"Показатели ВПР, ОГЭ и ЕГЭ за {year} год не рассчитаны.", style="note"),
                Commentary("annual.results", "Комментарий к разделу"),
            )
            return
        part.add(lines_table(f"Результаты оценочных процедур, {years[0]}–{year} гг.", lines, years))
        part.add(
            *(
                Paragraph(line.sentence(year))
                for line in lines
                if year in line.rows
                and (
                    line.indicator.code not in QUIET
                    or line.verdict(year) not in (None, dynamics.Verdict.STABLE)
                )
            )
        )
        shares = [
            line
            for line in lines
            if line.indicator.code in ("vpr.fail_share_year", "oge.fail_share_year")
        ]
        if shares:
            part.add(
                Figure(
                    charts.BarChart(
                        title="Доля «2» по ВПР и ОГЭ за год, %",
                        categories=tuple(f"{y} г." for y in years),
                        series=tuple(
                            charts.Series(line.short, tuple(line.value(y) for y in years))
                            for line in shares
                        ),
                        unit="%",
                        description=f"Доля «2» по всем ВПР и по ОГЭ (русский язык и "
                        f"математика) в муниципалитете в {years[0]}–{year} гг.",
                    )
                )
            )
        part.add(
            Paragraph(
                "Подробно результаты разобраны в аналитических отчётах о результатах ВПР и ГИА "
                "и в комплексном анализе результатов оценочных процедур."
            ),
            Commentary("annual.results", "Комментарий к разделу"),
        )

    # --- ШНОР ---------------------------------------------------------------------------
    def _groups(self, doc: Document, user: User, params: Params) -> None:
        part = doc.section("Школы с низкими результатами и в неблагоприятных условиях")
        found = groups_of(user, params)
        part.add(*groups_paragraphs(found))
        if found.shnor is not None:
            part.add(groups_table(found))
        part.add(Commentary("annual.shnor", "Комментарий к разделу"))

    # --- ВсОШ ---------------------------------------------------------------------------
    def _olympiad(self, doc: Document, user: User, params: Params) -> list[int]:
        year = params.year
        part = doc.section("Всероссийская олимпиада школьников")
        rows = list(
            IndicatorValue.objects.for_user(user).filter(
                municipality=params.municipality,
                procedure=ProcedureCode.VSOSH,
                level=IndicatorLevel.MUNICIPALITY,
                subject__isnull=True,
                year__in=[year - 1, year],
                code__in=[code for code, _n, _u in OLYMPIAD_CODES],
            )
        )
        by = {(r.part, r.code, r.year): r for r in rows}
        stages = [
            s for s in OlympiadStage.values if any(r.part == s and r.year == year for r in rows)
        ]
        if not stages:
            part.add(
                Paragraph(f"Показатели ВсОШ за {year} год не рассчитаны.", style="note"),
                Commentary("annual.vsosh", "Комментарий к разделу"),
            )
            return run_ids(rows)
        table = []
        for code, name, unit in OLYMPIAD_CODES:
            places = 1 if unit == "на 100" else 0
            table.append(
                [name]
                + [
                    formatting.number(r.value, places) if (r := by.get((s, code, year))) else DASH
                    for s in stages
                ]
            )
        part.add(
            Table(
                caption=f"ВсОШ {year}: муниципалитет по этапам",
                header=["Показатель", *(f"{STAGE_LABELS[s].capitalize()} этап" for s in stages)],
                rows=table,
            )
        )
        for stage in stages:
            for code, name in (
                ("vsosh.participants_per_100", "Число участий на 100 обучающихся"),
                ("vsosh.winners_per_100", "Число победителей на 100 обучающихся"),
            ):
                now, before = by.get((stage, code, year)), by.get((stage, code, year - 1))
                if now is not None:
                    part.add(
                        Paragraph(
                            change_sentence(
                                name,
                                f"({STAGE_LABELS[stage]} этап)",
                                before.value if before else None,
                                now.value,
                                unit="на 100",
                                higher_is_better=True,
                                places=1,
                                years=(year - 1, year),
                                thresholds=thresholds(),
                            )
                        )
                    )
        part.add(Commentary("annual.vsosh", "Комментарий к разделу"))
        return run_ids(rows)

    # --- road maps ----------------------------------------------------------------------
    def _monitoring(
        self, doc: Document, user: User, params: Params
    ) -> tuple[dict[str, str], list[int]]:
        """The collected indicators with a municipal value in the year, per direction, against
        their targets (the same figures as the direction dashboards); the directions shown
        (code → title) and the store's runs read."""
        from reports.selectors_directions import direction_blocks, directions

        year = params.year
        shown: dict[str, str] = {}
        part: Section | None = None
        for info in directions():
            every = direction_blocks(user, params.municipality, info.code, year)
            parts = {
                code
                for b in every
                if b.collect.derived
                for code in (b.collect.numerator, b.collect.denominator)
            }
            # The counts behind a share are in its line; texts are not in the store.
            blocks = [
                b
                for b in every
                if not b.is_text and b.value is not None and b.indicator.code not in parts
            ]
            if not blocks:
                continue
            if part is None:
                part = doc.section(MONITORING_TITLE)
                part.add(
                    Paragraph(
                        "Значения показателей, которые не дают оценочные процедуры, по данным "
                        "сборов от ОО, утверждённых управлением, и анкетирования; значение "
                        "муниципалитета по ОО — сумма (численность), доля по сумме числителей "
                        "и знаменателей или доля ОО с ответом «да»."
                    )
                )
            shown[info.code] = info.title
            met = sum(1 for b in blocks if b.met)
            judged = sum(1 for b in blocks if b.met is not None)
            section = part.section(info.title)
            section.add(
                Paragraph(
                    f"Собрано показателей: {formatting.integer(len(blocks))}"
                    + (
                        f"; целевое значение достигнуто по {formatting.integer(met)} из "
                        f"{formatting.integer(judged)} с заданной целью."
                        if judged
                        else "."
                    )
                ),
                Table(
                    caption=f"{info.title}: показатели {year - 1}–{year} гг.",
                    header=["Показатель", "Целевое значение", "Оценка", str(year - 1), str(year)],
                    rows=[
                        [
                            b.indicator.name,
                            b.collect.target or DASH,
                            MONITORING_VERDICTS.get(b.met, "не оценивается")
                            if b.collect.target
                            else DASH,
                            b.previous_text,
                            b.text,
                        ]
                        for b in blocks
                    ],
                    numeric_from=3,
                    widths=[8, 4, 3, 2, 2],
                ),
            )
        if part is not None:
            part.add(Commentary("annual.monitoring", "Комментарий к разделу"))
        runs = sorted(
            set(
                IndicatorValue.objects.for_user(user)
                .filter(
                    municipality=params.municipality,
                    procedure=ProcedureCode.MONITORING,
                    year__in=[year - 1, year],
                )
                .values_list("run_id", flat=True)
            )
        )
        return shown, runs if shown else []

    def _roadmaps(self, doc: Document, user: User, params: Params) -> None:
        year = params.year
        part = doc.section("Дорожные карты")
        maps = list(
            Roadmap.objects.for_user(user)
            .filter(
                Q(municipality=params.municipality) | Q(municipality__isnull=True),
                status=RoadmapStatus.APPROVED,
                start_year__lte=year,
                end_year__gte=year,
            )
            .order_by("title", "pk")
        )
        if not maps:
            part.add(
                Paragraph(
                    f"Утверждённых дорожных карт, действующих в {year} году, нет.", style="note"
                ),
                Commentary("annual.roadmaps", "Комментарий к разделу"),
            )
            return
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        rows = []
        totals = [0, 0, 0]
        for roadmap in maps:
            progress = progress_of(
                Occurrence.objects.for_user(user).filter(
                    task__roadmap=roadmap, due__range=(start, end)
                )
            )
            totals = [
                totals[0] + progress.total,
                totals[1] + progress.done,
                totals[2] + progress.overdue,
            ]
            act = (
                f"№ {roadmap.act_number} от {roadmap.act_date:%d.%m.%Y}"
                if roadmap.act_number and roadmap.act_date
                else DASH
            )
            rows.append(
                [
                    roadmap.title,
                    act,
                    formatting.integer(progress.total),
                    formatting.integer(progress.done),
                    formatting.integer(progress.overdue),
                    formatting.percent(Decimal(progress.done * 100) / progress.total)
                    if progress.total
                    else DASH,
                ]
            )
        part.add(
            Paragraph(
                f"Действуют {formatting.integer(len(maps))} утверждённых дорожных карт. "
                f"Из {formatting.integer(totals[0])} мероприятий со сроком в {year} году "
                f"выполнено {formatting.integer(totals[1])}, просрочено {formatting.integer(totals[2])}."
            ),
            Table(
                caption=f"Исполнение дорожных карт: мероприятия со сроком в {year} году",
                header=[
                    "Дорожная карта",
                    "Акт",
                    "Мероприятий",
                    "Выполнено",
                    "Просрочено",
                    "Доля выполненных",
                ],
                rows=rows,
                numeric_from=2,
                widths=[7, 3, 2, 2, 2, 2],
            ),
            Paragraph(
                "Просрочено — срок прошёл, а мероприятие не выполнено и не отменено (на дату "
                "формирования документа); отменённые мероприятия не считаются.",
                style="note",
            ),
            Commentary("annual.roadmaps", "Комментарий к разделу"),
        )
