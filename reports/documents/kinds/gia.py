"""«Аналитический отчёт о результатах ГИА» (seed 002, Таблица 1): ЕГЭ and ОГЭ of a year.

Read from the stored figures only (assessments.IndicatorValue of the ЕГЭ / ОГЭ campaign runs
and of the «ege» year run; the medal outcomes from that run's sources, as the medalists page
reads them). Sections:

1. ЕГЭ — by subject: participants, mean test score, below the minimums for the attestat and
   for university, 81–100, стобалльники, with the region and Russia where imported; the three
   years by subject; a subsection per subject by school with a chart; graduates with 220+ and
   with three subjects at the university minimum; medalists and the medals ЕГЭ does not
   confirm.
2. ОГЭ — by subject: % «2», quality, mean mark (region and Russia where imported), the three
   years, a subsection per subject by school with a chart.
3. Выводы — by rules: subjects with negative dynamics, schools whose share below the minimum
   (ЕГЭ) or of «2» (ОГЭ) is well above the municipality's, unconfirmed medals; and a note on
   graduates without an attestat, which the portal does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessments import catalogue
from assessments.choices import IndicatorLevel, MedalKind, ProcedureCode
from assessments.models import IndicatorValue, Subject
from assessments.selectors_medalists import GraduateLine, latest_run
from assessments.services.graduates import MEDAL_OUTCOME
from msoko import charts, formatting
from reports import selectors
from reports.documents.blocks import Commentary, Document, Figure, Paragraph, Section, Table
from reports.documents.catalogue import NoData, Params, Report, report
from reports.documents.narrative import change_sentence
from schools.models import School

EGE = ProcedureCode.EGE.value
OGE = ProcedureCode.OGE.value
MUNICIPALITY = IndicatorLevel.MUNICIPALITY.value
SCHOOL = IndicatorLevel.SCHOOL.value
REFERENCES = ((IndicatorLevel.REGION.value, "Регион"), (IndicatorLevel.RUSSIA.value, "Россия"))

EGE_CODES = (
    "ege.mean_test",
    "ege.below_min",
    "ege.below_university",
    "ege.high_band",
    "ege.hundred",
)
YEAR_CODES = (
    "ege.graduates",
    "ege.graduates_220",
    "ege.above_min_3",
    "ege.medalists",
    "ege.medalists_unconfirmed",
)
OGE_CODES = ("oge.participants", "oge.fail_share", "oge.quality", "oge.mean_mark")

# The indicators as a sentence names them (the verb agrees with the first word).
NAMES = {
    "ege.mean_test": "Средний тестовый балл",
    "ege.below_min": "Доля участников ниже минимального балла для аттестата",
    "ege.below_university": "Доля участников ниже минимального балла для поступления в вуз",
    "ege.high_band": "Доля участников с результатом 81–100 баллов",
    "ege.hundred": "Число стобалльников",
    "ege.graduates_220": "Доля выпускников с 220 и более баллами по трём предметам",
    "ege.above_min_3": "Доля выпускников, набравших не ниже минимума для вуза по трём и более "
    "предметам,",
    "ege.medalists_unconfirmed": "Доля медалистов, не подтвердивших медаль на ЕГЭ,",
    "oge.fail_share": "Доля «2»",
    "oge.quality": "Качество знаний",
    "oge.mean_mark": "Средняя отметка",
}
# Column headers of the tables.
HEADERS = {
    "ege.mean_test": "Средний тестовый балл",
    "ege.below_min": "Ниже минимума для аттестата",
    "ege.below_university": "Ниже минимума для вуза",
    "ege.high_band": "81–100 баллов",
    "ege.hundred": "Стобалльников, чел.",
    "oge.participants": "Участников",
    "oge.fail_share": "Доля «2»",
    "oge.quality": "Качество знаний",
    "oge.mean_mark": "Средняя отметка",
}
# The indicators whose dynamics the report writes and judges, per procedure.
EGE_DYNAMICS = ("ege.mean_test", "ege.below_min", "ege.below_university", "ege.high_band")
OGE_DYNAMICS = ("oge.fail_share", "oge.quality", "oge.mean_mark")

#: A school's share below the ЕГЭ minimum (ОГЭ: of «2») is «high» when it is this many
#: percentage points or more above the municipality's, with at least SMALL participants.
HIGH_ABOVE_MUNICIPAL_PP = Decimal(10)
#: Below this many participants a share is shown with a warning (DOMAIN §5).
SMALL = 10


def _fmt(code: str, value: Any) -> str:
    indicator = catalogue.get(code)
    return formatting.value(value, indicator.unit, indicator.places)


# The legal form before a school's name says nothing beside its bar (as on the olympiad page).


@dataclass
class Store:
    """The stored values the report reads, keyed (code, year, subject id, school id, level)."""

    rows: dict[tuple[str, int, int | None, int | None, str], IndicatorValue] = field(
        default_factory=dict
    )
    subjects: dict[int, Subject] = field(default_factory=dict)
    schools: dict[int, School] = field(default_factory=dict)
    runs: set[int] = field(default_factory=set)

    def row(
        self,
        code: str,
        year: int,
        subject: int | None = None,
        school: int | None = None,
        level: str = MUNICIPALITY,
    ) -> IndicatorValue | None:
        return self.rows.get((code, year, subject, school, level))

    def value(
        self,
        code: str,
        year: int,
        subject: int | None = None,
        school: int | None = None,
        level: str = MUNICIPALITY,
    ) -> Decimal | None:
        row = self.row(code, year, subject, school, level)
        return row.value if row is not None else None

    def subjects_of(self, code: str, year: int) -> list[Subject]:
        """The subjects with a municipal value of `code` in `year`, in the subjects' order."""
        ids = {k[2] for k in self.rows if k[0] == code and k[1] == year and k[4] == MUNICIPALITY}
        found = [self.subjects[i] for i in ids if i is not None]
        return sorted(found, key=lambda s: (s.order, s.name))

    def schools_of(self, code: str, year: int, subject: int | None) -> list[School]:
        ids = {
            k[3]
            for k in self.rows
            if k[0] == code and k[1] == year and k[2] == subject and k[4] == SCHOOL
        }
        return sorted((self.schools[i] for i in ids if i is not None), key=lambda s: s.short_name)

    def has(self, procedure: str, year: int) -> bool:
        return any(k[1] == year and k[0].startswith(procedure + ".") for k in self.rows)


def load(params: Params, years: Iterable[int]) -> Store:
    """The ЕГЭ and ОГЭ values of the municipality in `years` (a signed-in user: what he may
    see; the command line reads the municipality whole)."""
    values = IndicatorValue.objects.all()
    if params.user is not None:
        values = IndicatorValue.objects.for_user(params.user)
    rows = values.filter(
        municipality=params.municipality,
        procedure__in=[EGE, OGE],
        year__in=list(years),
        code__in=[*EGE_CODES, *YEAR_CODES, *OGE_CODES],
        level__in=[SCHOOL, MUNICIPALITY, *(level for level, _ in REFERENCES)],
    ).select_related("school", "subject")
    store = Store()
    for row in rows.order_by("pk"):
        store.rows[(row.code, row.year, row.subject_id, row.school_id, row.level)] = row
        store.runs.add(row.run_id)
        if row.subject is not None:
            store.subjects[row.subject.pk] = row.subject
        if row.school is not None:
            store.schools[row.school.pk] = row.school
    return store


def _dynamics(store: Store, code: str, year: int, where: str, subject: int | None) -> str:
    indicator = catalogue.get(code)
    return change_sentence(
        NAMES[code],
        where,
        store.value(code, year - 1, subject),
        store.value(code, year, subject),
        unit=indicator.unit,
        higher_is_better=indicator.higher_is_better,
        fail_share=code.endswith(".fail_share"),
        places=indicator.places,
        years=(year - 1, year),
        thresholds=selectors.thresholds(),
    )


def _negative(store: Store, code: str, year: int, subject: int | None) -> bool:
    change = selectors.change_of(
        catalogue.get(code), store.value(code, year - 1, subject), store.value(code, year, subject)
    )
    return change.verdict == "negative"


def _n(row: IndicatorValue | None) -> str:
    if row is None:
        return formatting.DASH
    return formatting.integer(row.n) + (" *" if row.n < SMALL else "")


SMALL_NOTE = (
    f"* — менее {SMALL} участников: доли по такой выборке малоинформативны и приводятся справочно."
)


def _by_school(
    section: Section,
    store: Store,
    code: str,
    year: int,
    subject_id: int,
    schools: list[School],
    *,
    title: str,
    series: str,
    **chart: Any,
) -> None:
    """Under a schools table: the small-sample note where a school has fewer than SMALL
    participants, and the schools' values of `code` as bars against the municipality."""
    if any((r := store.row(code, year, subject_id, s.pk, SCHOOL)) and r.n < SMALL for s in schools):
        section.add(Paragraph(SMALL_NOTE))
    lines = [
        (s, v)
        for s in schools
        if (v := store.value(code, year, subject_id, s.pk, SCHOOL)) is not None
    ]
    lines.sort(key=lambda item: (-item[1], item[0].short_name))
    if lines:
        section.add(
            Figure(
                charts.HBarChart(
                    title=title,
                    categories=tuple(s.bar_label for s, _ in lines),
                    series=charts.Series(series, tuple(v for _, v in lines)),
                    places=1,
                    reference=store.value(code, year, subject_id),
                    reference_label="Муниципалитет",
                    **chart,
                )
            )
        )


@report
class GiaReport(Report):
    kind = "gia"
    title = "Аналитический отчёт о результатах ГИА"
    description = (
        "ЕГЭ и ОГЭ года: средний балл, доля ниже минимума, 81–100 баллов, стобалльники, 220+, "
        "медалисты, доля «2» и качество по ОГЭ — по предметам и ОО, с динамикой за три года."
    )
    order = 20

    def build(self, params: Params) -> Document:
        year = params.year
        years = (year - 2, year - 1, year)
        store = load(params, years)
        has_ege, has_oge = store.has("ege", year), store.has("oge", year)
        if not (has_ege or has_oge):
            raise NoData(
                f"За {year} год в портале нет рассчитанных показателей ЕГЭ и ОГЭ "
                f"({params.municipality.name}): загрузите протоколы ГИА и дождитесь расчёта "
                "показателей."
            )
        doc = self.document(
            params, subtitle=f"по итогам государственной итоговой аттестации {year} года"
        )
        conclusions: list[str] = []
        ege = doc.section("Результаты ЕГЭ")
        if has_ege:
            self._ege(ege, store, year, years, conclusions)
            self._graduates(ege.section("Выпускники по сумме баллов и минимумам"), store, year)
            self._medalists(
                ege.section("Медалисты и подтверждение медалей"), store, params, conclusions
            )
        else:
            ege.add(Paragraph(f"Результатов ЕГЭ за {year} год в портале нет.", "note"))
        oge = doc.section("Результаты ОГЭ")
        if has_oge:
            self._oge(oge, store, year, years, conclusions)
        else:
            oge.add(Paragraph(f"Результатов ОГЭ за {year} год в портале нет.", "note"))
        ending = doc.section("Выводы")
        if conclusions:
            ending.add(*(Paragraph(text) for text in conclusions))
        else:
            ending.add(
                Paragraph(
                    "Негативной динамики по предметам, ОО с долей ниже минимума или долей «2» "
                    "намного выше муниципальной и неподтверждённых медалей не выявлено."
                )
            )
        ending.add(
            Paragraph(
                "Число выпускников, не получивших аттестат, портал не хранит (сведения "
                "о выдаче аттестатов в него не загружаются): этот показатель приводится "
                "по данным ОО.",
                "note",
            ),
            Commentary("gia.conclusions", "Выводы и предложения специалиста"),
        )
        doc.inputs = sorted(store.runs)
        return doc

    # --- ЕГЭ ------------------------------------------------------------------------------
    def _ege(
        self,
        section: Section,
        store: Store,
        year: int,
        years: tuple[int, ...],
        conclusions: list[str],
    ) -> None:
        subjects = store.subjects_of("ege.mean_test", year)
        summary = _summary(
            section.section("Итоги ЕГЭ по предметам"), store, subjects, year, "ЕГЭ", EGE_CODES
        )
        summary.add(
            Paragraph(
                "Минимальный балл для аттестата установлен не по всем предметам: где его нет, "
                "в графе стоит «—»."
            )
        )
        # three years by subject
        dyn = _three_years(
            section.section("Динамика результатов ЕГЭ за три года"),
            store,
            subjects,
            years,
            tables=("ege.mean_test", "ege.below_university", "ege.high_band"),
            chart_code="ege.mean_test",
            chart_title="Средний тестовый балл ЕГЭ по предметам",
            description="Средний тестовый балл ЕГЭ муниципалитета по предметам за три года.",
            maximum=100,
        )
        for subject in subjects:
            for code in EGE_DYNAMICS:
                if store.value(code, year, subject.pk) is None:
                    continue
                sentence = _dynamics(store, code, year, f"по предмету «{subject.name}»", subject.pk)
                dyn.add(Paragraph(sentence))
                if _negative(store, code, year, subject.pk):
                    conclusions.append(f"ЕГЭ: {sentence}")
        dyn.add(Commentary("gia.ege.summary", "Комментарий специалиста к итогам ЕГЭ"))
        for subject in subjects:
            self._ege_subject(
                section.section(f"ЕГЭ: {subject.name}"), store, year, subject, conclusions
            )

    def _ege_subject(
        self, section: Section, store: Store, year: int, subject: Subject, conclusions: list[str]
    ) -> None:
        schools = store.schools_of("ege.mean_test", year, subject.pk)
        header = ["ОО", "Участников", *(HEADERS[c] for c in EGE_CODES)]
        rows = [
            [
                school.short_name,
                _n(store.row("ege.mean_test", year, subject.pk, school.pk, SCHOOL)),
                *(_fmt(c, store.value(c, year, subject.pk, school.pk, SCHOOL)) for c in EGE_CODES),
            ]
            for school in schools
        ]
        rows.append(
            [
                "Муниципалитет",
                _n(store.row("ege.mean_test", year, subject.pk)),
                *(_fmt(c, store.value(c, year, subject.pk)) for c in EGE_CODES),
            ]
        )
        section.add(Table(f"ЕГЭ {year}, {subject.name}: результаты по ОО", header, rows))
        _by_school(
            section,
            store,
            "ege.mean_test",
            year,
            subject.pk,
            schools,
            title=f"ЕГЭ {year}, {subject.name}: средний тестовый балл по ОО",
            series="Средний тестовый балл",
            maximum=100,
        )
        # schools well above the municipality below the minimum
        code = (
            "ege.below_min"
            if store.value("ege.below_min", year, subject.pk) is not None
            else "ege.below_university"
        )
        total = store.value(code, year, subject.pk)
        high = self._high(store, code, year, subject.pk, schools, total)
        if high:
            which = "для аттестата" if code == "ege.below_min" else "для поступления в вуз"
            text = (
                f"ЕГЭ по предмету «{subject.name}»: доля участников ниже минимального балла "
                f"{which} выше муниципальной ({_fmt(code, total)}) на "
                f"{formatting.integer(HIGH_ABOVE_MUNICIPAL_PP)} п. п. и более в ОО: "
                + ", ".join(f"{s.short_name} ({_fmt(code, v)})" for s, v in high)
                + "."
            )
            section.add(Paragraph(text))
            conclusions.append(text)
        section.add(
            Commentary(f"gia.ege.{subject.code}", f"Комментарий специалиста: ЕГЭ, {subject.name}")
        )

    @staticmethod
    def _high(
        store: Store,
        code: str,
        year: int,
        subject: int | None,
        schools: list[School],
        total: Decimal | None,
    ) -> list[tuple[School, Decimal]]:
        """Schools whose share is HIGH_ABOVE_MUNICIPAL_PP or more above the municipality's
        (as shown), with SMALL participants or more, highest first."""
        if total is None:
            return []
        places = catalogue.get(code).places
        base = formatting.rounded(total, places)
        assert base is not None
        found: list[tuple[School, Decimal]] = []
        for school in schools:
            row = store.row(code, year, subject, school.pk, SCHOOL)
            shown = formatting.rounded(row.value, places) if row is not None else None
            if (
                row is not None
                and row.value is not None
                and shown is not None
                and row.n >= SMALL
                and shown - base >= HIGH_ABOVE_MUNICIPAL_PP
            ):
                found.append((school, row.value))
        return sorted(found, key=lambda item: (-item[1], item[0].short_name))

    def _graduates(self, section: Section, store: Store, year: int) -> None:
        years = (year - 2, year - 1, year)
        lines = {
            key: self._line(store, year, key)
            for key in sorted(
                {k[3] for k in store.rows if k[0] in YEAR_CODES and k[1] == year},
                key=lambda k: (k is None, store.schools[k].short_name if k else ""),
            )
        }
        if not lines:
            section.add(
                Paragraph(f"Показатели ЕГЭ по выпускникам за {year} год не рассчитаны.", "note")
            )
            return
        header = [
            "ОО",
            "Выпускников, сдававших ЕГЭ",
            "220+ баллов, чел.",
            "220+ баллов",
            "3+ предмета не ниже минимума для вуза, чел.",
            "3+ предмета",
        ]
        rows = [
            [
                store.schools[key].short_name if key is not None else "Муниципалитет",
                formatting.integer(line.graduates),
                formatting.integer(line.count_220),
                _fmt("ege.graduates_220", line.share_220),
                formatting.integer(line.count_above_min_3),
                _fmt("ege.above_min_3", line.share_above_min_3),
            ]
            for key, line in lines.items()
        ]
        section.add(
            Paragraph(
                "Выпускник считается один раз по коду участника во всех предметах ЕГЭ года; "
                "220+ — сумма трёх лучших тестовых баллов не меньше 220; 3+ — не ниже "
                "минимального балла для поступления в вуз по трём и более предметам."
            ),
            Table(f"ЕГЭ {year}: выпускники по ОО", header, rows),
            Table(
                f"Выпускники, муниципалитет, {years[0]}–{years[-1]} гг.",
                ["Показатель", *(str(y) for y in years)],
                [
                    [catalogue.get(code).name, *(_fmt(code, store.value(code, y)) for y in years)]
                    for code in ("ege.graduates", "ege.graduates_220", "ege.above_min_3")
                ],
            ),
        )
        for code in ("ege.graduates_220", "ege.above_min_3"):
            section.add(Paragraph(_dynamics(store, code, year, "в муниципалитете", None)))
        section.add(Commentary("gia.ege.graduates", "Комментарий специалиста: выпускники"))

    @staticmethod
    def _line(store: Store, year: int, school: int | None) -> GraduateLine:
        level = MUNICIPALITY if school is None else SCHOOL

        def get(code: str) -> Decimal | None:
            return store.value(code, year, None, school, level)

        def whole(value: Decimal | None) -> int | None:
            return None if value is None else int(value)

        return GraduateLine(
            store.schools.get(school) if school is not None else None,
            graduates=whole(get("ege.graduates")),
            share_220=get("ege.graduates_220"),
            share_above_min_3=get("ege.above_min_3"),
            medalists=whole(get("ege.medalists")),
            unconfirmed_share=get("ege.medalists_unconfirmed"),
        )

    def _medalists(
        self, section: Section, store: Store, params: Params, conclusions: list[str]
    ) -> None:
        year = params.year
        years = (year - 2, year - 1, year)
        total = self._line(store, year, None)
        if total.medalists is None:
            section.add(Paragraph(f"Сведений о медалистах {year} года в портале нет.", "note"))
            return
        keys = sorted(
            {k[3] for k in store.rows if k[0] == "ege.medalists" and k[1] == year and k[3]},
            key=lambda k: store.schools[k].short_name,
        )
        lines = [self._line(store, year, k) for k in keys]
        lines = [line for line in lines if line.medalists]
        section.add(
            Paragraph(
                f"Медалистов «За особые успехи в учении» в {year} году — "
                f"{formatting.integer(total.medalists)}; из них не подтвердили медаль "
                f"результатами ЕГЭ — {formatting.integer(total.unconfirmed)} "
                f"({_fmt('ege.medalists_unconfirmed', total.unconfirmed_share)})."
            ),
            Table(
                f"Медалисты {year} года по ОО",
                ["ОО", "Медалистов", "Не подтвердили, чел.", "Не подтвердили"],
                [
                    [
                        line.school.short_name if line.school else "",
                        formatting.integer(line.medalists),
                        formatting.integer(line.unconfirmed),
                        _fmt("ege.medalists_unconfirmed", line.unconfirmed_share),
                    ]
                    for line in lines
                ]
                + [
                    [
                        "Муниципалитет",
                        formatting.integer(total.medalists),
                        formatting.integer(total.unconfirmed),
                        _fmt("ege.medalists_unconfirmed", total.unconfirmed_share),
                    ]
                ],
            ),
            Table(
                f"Медалисты, муниципалитет, {years[0]}–{years[-1]} гг.",
                ["Показатель", *(str(y) for y in years)],
                [
                    [catalogue.get(code).name, *(_fmt(code, store.value(code, y)) for y in years)]
                    for code in ("ege.medalists", "ege.medalists_unconfirmed")
                ],
            ),
            Paragraph(
                _dynamics(store, "ege.medalists_unconfirmed", year, "в муниципалитете", None)
            ),
        )
        # each unconfirmed medal with its reasons, from the year run that stored the figures
        run = latest_run(params.municipality.pk, year)
        medals = dict(MedalKind.choices)
        visible = (
            None
            if params.user is None or params.user.sees_all_schools
            else set(params.user.visible_school_ids())
        )
        unconfirmed = [
            s
            for s in (run.sources if run is not None else [])
            if isinstance(s, dict)
            and s.get("kind") == MEDAL_OUTCOME
            and s.get("confirmed") is False
            and (visible is None or s.get("school") in visible)
        ]
        if run is not None:
            store.runs.add(run.pk)
        names = {
            s.pk: s.short_name
            for s in School.objects.filter(pk__in=[u.get("school") for u in unconfirmed])
        }
        unconfirmed.sort(key=lambda s: (names.get(s["school"], ""), s["participant_code"]))
        if unconfirmed:
            section.add(
                Table(
                    f"Медали {year} года, не подтверждённые результатами ЕГЭ",
                    ["ОО", "Код участника", "Медаль", "Почему не подтверждена"],
                    [
                        [
                            names.get(s["school"], ""),
                            str(s["participant_code"]),
                            str(medals.get(s["medal"], s["medal"])),
                            "; ".join(s.get("reasons") or []),
                        ]
                        for s in unconfirmed
                    ],
                    numeric_from=4,
                    widths=[3, 2, 2, 5],
                )
            )
        if total.unconfirmed:
            schools = [line.school.short_name for line in lines if line.unconfirmed and line.school]
            conclusions.append(
                f"Медаль не подтвердили результатами ЕГЭ {formatting.integer(total.unconfirmed)} "
                f"из {formatting.integer(total.medalists)} медалистов "
                f"({_fmt('ege.medalists_unconfirmed', total.unconfirmed_share)})"
                + (f": {', '.join(schools)}." if schools else ".")
            )
        section.add(Commentary("gia.ege.medalists", "Комментарий специалиста: медалисты"))

    # --- ОГЭ ------------------------------------------------------------------------------
    def _oge(
        self,
        section: Section,
        store: Store,
        year: int,
        years: tuple[int, ...],
        conclusions: list[str],
    ) -> None:
        subjects = store.subjects_of("oge.fail_share", year)
        codes = ("oge.fail_share", "oge.quality", "oge.mean_mark")
        _summary(section.section("Итоги ОГЭ по предметам"), store, subjects, year, "ОГЭ", codes)
        dyn = _three_years(
            section.section("Динамика результатов ОГЭ за три года"),
            store,
            subjects,
            years,
            tables=codes,
            chart_code="oge.fail_share",
            chart_title="Доля «2» на ОГЭ по предметам",
            description="Доля отметок «2» на ОГЭ в муниципалитете по предметам за три года.",
        )
        for subject in subjects:
            for code in OGE_DYNAMICS:
                sentence = _dynamics(
                    store, code, year, f"на ОГЭ по предмету «{subject.name}»", subject.pk
                )
                dyn.add(Paragraph(sentence))
                if _negative(store, code, year, subject.pk):
                    conclusions.append(f"ОГЭ: {sentence}")
        dyn.add(Commentary("gia.oge.summary", "Комментарий специалиста к итогам ОГЭ"))
        for subject in subjects:
            self._oge_subject(
                section.section(f"ОГЭ: {subject.name}"), store, year, subject, conclusions
            )

    def _oge_subject(
        self, section: Section, store: Store, year: int, subject: Subject, conclusions: list[str]
    ) -> None:
        schools = store.schools_of("oge.fail_share", year, subject.pk)
        codes = ("oge.fail_share", "oge.quality", "oge.mean_mark")
        rows = []
        for school in schools:
            now = store.value("oge.fail_share", year, subject.pk, school.pk, SCHOOL)
            before = store.value("oge.fail_share", year - 1, subject.pk, school.pk, SCHOOL)
            change = selectors.change_of(catalogue.get("oge.fail_share"), before, now)
            rows.append(
                [
                    school.short_name,
                    _n(store.row("oge.fail_share", year, subject.pk, school.pk, SCHOOL)),
                    *(_fmt(c, store.value(c, year, subject.pk, school.pk, SCHOOL)) for c in codes),
                    formatting.signed(change.delta)
                    if change.delta is not None
                    else formatting.DASH,
                ]
            )
        now_total = store.value("oge.fail_share", year, subject.pk)
        change = selectors.change_of(
            catalogue.get("oge.fail_share"),
            store.value("oge.fail_share", year - 1, subject.pk),
            now_total,
        )
        rows.append(
            [
                "Муниципалитет",
                _n(store.row("oge.fail_share", year, subject.pk)),
                *(_fmt(c, store.value(c, year, subject.pk)) for c in codes),
                formatting.signed(change.delta) if change.delta is not None else formatting.DASH,
            ]
        )
        section.add(
            Table(
                f"ОГЭ {year}, {subject.name}: результаты по ОО",
                [
                    "ОО",
                    "Участников",
                    *(HEADERS[c] for c in codes),
                    f"Доля «2»: изменение к {year - 1} г., п. п.",
                ],
                rows,
            )
        )
        _by_school(
            section,
            store,
            "oge.fail_share",
            year,
            subject.pk,
            schools,
            title=f"ОГЭ {year}, {subject.name}: доля «2» по ОО",
            series="Доля «2»",
            unit="%",
        )
        high = self._high(store, "oge.fail_share", year, subject.pk, schools, now_total)
        if high:
            text = (
                f"ОГЭ по предмету «{subject.name}»: доля «2» выше муниципальной "
                f"({_fmt('oge.fail_share', now_total)}) на "
                f"{formatting.integer(HIGH_ABOVE_MUNICIPAL_PP)} п. п. и более в ОО: "
                + ", ".join(f"{s.short_name} ({_fmt('oge.fail_share', v)})" for s, v in high)
                + "."
            )
            section.add(Paragraph(text))
            conclusions.append(text)
        section.add(
            Commentary(f"gia.oge.{subject.code}", f"Комментарий специалиста: ОГЭ, {subject.name}")
        )


def _three_years(
    dyn: Section,
    store: Store,
    subjects: list[Subject],
    years: Sequence[int],
    *,
    tables: tuple[str, ...],
    chart_code: str,
    chart_title: str,
    description: str,
    maximum: float | None = None,
) -> Section:
    """The municipality over three years: a table per indicator, a chart of one of them."""
    for code in tables:
        dyn.add(
            Table(
                f"{catalogue.get(code).name}, муниципалитет, {years[0]}–{years[-1]} гг.",
                ["Предмет", *(str(y) for y in years)],
                [
                    [s.name, *(_fmt(code, store.value(code, y, s.pk)) for y in years)]
                    for s in subjects
                ],
            )
        )
    dyn.add(
        Figure(
            charts.BarChart(
                title=f"{chart_title}, {years[0]}–{years[-1]} гг.",
                categories=tuple(s.name for s in subjects),
                series=tuple(
                    charts.Series(str(y), tuple(store.value(chart_code, y, s.pk) for s in subjects))
                    for y in years
                ),
                unit=catalogue.get(chart_code).unit
                if catalogue.get(chart_code).unit == "%"
                else "",
                places=1,
                maximum=maximum,
                description=description,
            )
        )
    )
    return dyn


def _summary(
    summary: Section,
    store: Store,
    subjects: list[Subject],
    year: int,
    procedure: str,
    codes: Sequence[str],
) -> Section:
    """The year by subject with the region and Russia under each subject where stored."""
    rows = []
    references = False
    for subject in subjects:
        rows.append(
            [
                subject.name,
                _n(store.row(codes[0], year, subject.pk)),
                *(_fmt(c, store.value(c, year, subject.pk)) for c in codes),
            ]
        )
        for level, label in REFERENCES:
            if any(store.row(c, year, subject.pk, None, level) for c in codes):
                references = True
                rows.append(
                    [
                        f"{subject.name}: {label.lower()}",
                        formatting.DASH,
                        *(_fmt(c, store.value(c, year, subject.pk, None, level)) for c in codes),
                    ]
                )
    summary.add(
        Table(
            f"Результаты {procedure} {year} года по предметам, муниципалитет",
            ["Предмет / уровень", "Участников", *(HEADERS[c] for c in codes)],
            rows,
        )
    )
    if not references:
        summary.add(
            Paragraph(
                f"Значения региона и России по {procedure} в портал не загружены: сравнение "
                "с ними не приводится.",
                "note",
            )
        )
    return summary
