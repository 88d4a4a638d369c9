"""«Комплексный анализ результатов оценочных процедур с адресными рекомендациями» (seed 002,
Таблица 1): the year read across procedures.

Sections: the municipality's key figures of ВПР, ОГЭ and ЕГЭ over three years; the schools'
figures side by side with their ШНОР / ШНСУ group and objectivity markers; the four groups;
the objectivity markers; the register of recommendations and the decisions with their
effect; conclusions written by rules, with the schools the rules point at that have no
recommendation of the year yet. Everything is read from stored values (IndicatorValue,
ObjectivityMarker, the school lists, the register); nothing is recomputed.

The helpers at the top (the reading user, the municipal series, the phrases) are shared with
the `annual` kind.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from assessments import catalogue, dynamics
from assessments.choices import IndicatorLevel
from assessments.models import IndicatorValue, ObjectivityMarker, Subject
from assessments.objectivity import MARKER_NAMES
from assessments.selectors_objectivity import CODE_ORDER, counts_by_year
from msoko import charts, formatting
from msoko.models import User
from reports import selectors_identification as identification
from reports.documents.blocks import Commentary, Document, Figure, Paragraph, Table
from reports.documents.catalogue import NoData, Params, Report, report
from reports.documents.narrative import change_sentence, share_sentence
from reports.selectors import thresholds
from roadmaps.models import Decision, Recommendation
from roadmaps.selectors_decisions import decision_effect, is_overdue
from schools.models import School

DASH = formatting.DASH
SMALL_SIGN = "*"

# --------------------------------------------------------------------------- shared helpers


#: How each key indicator reads in a sentence: its name (the grammatical subject, whose first
#: word picks the verb's gender) and what it is of.
PHRASES: dict[str, tuple[str, str]] = {
    "vpr.fail_share_year": ("Доля «2»", "по всем ВПР года"),
    "oge.fail_share_year": ("Доля «2»", "по ОГЭ (русский язык и математика)"),
    "ege.below_min": ("Доля участников ЕГЭ ниже минимального балла", ""),
    "ege.mean_test": ("Средний тестовый балл ЕГЭ", ""),
    "ege.high_band": ("Доля участников ЕГЭ с 81–100 баллами", ""),
    "ege.hundred": ("Число стобалльников ЕГЭ", ""),
    "ege.graduates_220": ("Доля выпускников с 220 и более баллами по трём предметам", ""),
    "ege.medalists": ("Число медалистов", ""),
    "ege.medalists_unconfirmed": ("Доля медалистов, не подтвердивших медаль на ЕГЭ", ""),
}

FAIL_SHARES = ("vpr.fail_share_year", "oge.fail_share_year", "ege.below_min")


@dataclass
class Line:
    """One indicator (and subject) of the municipality over the years: its stored rows."""

    indicator: catalogue.Indicator
    subject: Subject | None
    rows: dict[int, IndicatorValue] = field(default_factory=dict)

    @property
    def label(self) -> str:
        name = self.indicator.name
        if self.subject is not None:
            name += f", {self.subject.name.lower()}"
        return name

    @property
    def short(self) -> str:
        """«ВПР», «ЕГЭ: русский» — a chart's category."""
        procedure = self.indicator.procedure
        name = {"vpr": "ВПР", "oge": "ОГЭ", "ege": "ЕГЭ"}.get(procedure, procedure)
        if self.subject is not None:
            name += f": {self.subject.name.split()[0].lower()}"
        return name

    def value(self, year: int) -> Decimal | None:
        row = self.rows.get(year)
        return row.value if row is not None else None

    def shown(self, year: int) -> str:
        return formatting.value(self.value(year), self.indicator.unit, self.indicator.places)

    def sentence(self, year: int) -> str:
        name, where = PHRASES.get(self.indicator.code, (self.indicator.name, ""))
        if self.subject is not None:
            where = f"{where} ({self.subject.name.lower()})".strip()
        return change_sentence(
            name,
            where,
            self.value(year - 1),
            self.value(year),
            unit=self.indicator.unit,
            higher_is_better=self.indicator.higher_is_better,
            fail_share=self.indicator.code in FAIL_SHARES,
            places=self.indicator.places,
            years=(year - 1, year),
            thresholds=thresholds(),
        )

    def verdict(self, year: int) -> dynamics.Verdict | None:
        places = self.indicator.places
        before = formatting.rounded(self.value(year - 1), places)
        after = formatting.rounded(self.value(year), places)
        return dynamics.change(
            before,
            after,
            higher_is_better=self.indicator.higher_is_better,
            fail_share=self.indicator.code in FAIL_SHARES,
            thresholds=thresholds(),
        ).verdict


def municipal_lines(
    user: User, municipality: Any, codes: tuple[str, ...], years: list[int]
) -> list[Line]:
    """The municipality's stored values of `codes` in `years`, a line per code and subject
    (whole-year values first, then by the subject's order), in the order of `codes`."""
    rows = (
        IndicatorValue.objects.for_user(user)
        .filter(
            municipality=municipality,
            level=IndicatorLevel.MUNICIPALITY,
            code__in=codes,
            year__in=years,
            part="",
        )
        .select_related("subject")
        .order_by("code", "subject__order", "year", "pk")
    )
    lines: dict[tuple[str, int | None], Line] = {}
    for row in rows:
        key = (row.code, row.subject_id)
        line = lines.setdefault(key, Line(catalogue.get(row.code), row.subject))
        line.rows[row.year] = row
    order = {code: i for i, code in enumerate(codes)}
    return sorted(
        lines.values(),
        key=lambda line: (
            order[line.indicator.code],
            line.subject.order if line.subject else -1,
            line.subject.name if line.subject else "",
        ),
    )


def lines_table(caption: str, lines: list[Line], years: list[int]) -> Table:
    return Table(
        caption=caption,
        header=["Показатель", *(f"{y} г." for y in years), f"Изменение {years[-2]}–{years[-1]}"],
        rows=[
            [line.label, *(line.shown(y) for y in years), _delta(line, years[-1])] for line in lines
        ],
        widths=[5, *([2] * len(years)), 2],
    )


def _delta(line: Line, year: int) -> str:
    places = line.indicator.places
    before = formatting.rounded(line.value(year - 1), places)
    after = formatting.rounded(line.value(year), places)
    if before is None or after is None:
        return DASH
    text = formatting.signed(after - before, places)
    return f"{text} п. п." if line.indicator.unit == "%" else text


def run_ids(*groups: Any) -> list[int]:
    """The FiguresRun ids of the IndicatorValue rows (and of other rows with `run_id`)."""
    found = {
        row.run_id for group in groups for row in group if getattr(row, "run_id", None) is not None
    }
    return sorted(found)


def names(schools: list[School], limit: int = 12) -> str:
    shown = [s.short_name for s in schools[:limit]]
    rest = len(schools) - len(shown)
    return ", ".join(shown) + (f" и ещё {rest}" if rest > 0 else "")


def groups_of(user: User, params: Params) -> identification.Groups:
    return identification.groups(user, params.municipality, params.year)


def groups_table(found: identification.Groups) -> Table:
    rows = [
        [
            str(group.label),
            found.cells[group.value].hint,
            formatting.integer(found.cells[group.value].count),
        ]
        for group in identification.GROUP_ORDER
    ]
    rows.append(["Всего", "", formatting.integer(found.total)])
    return Table(
        caption=f"Группы ОО по результатам и социальному контексту, {found.year} г.",
        header=["Группа", "Что означает", "ОО"],
        rows=rows,
        numeric_from=2,
    )


def groups_schools(found: identification.Groups) -> list[Paragraph]:
    """The schools of each group but «норма», a paragraph each."""
    return [
        Paragraph(f"{group.label}: {names(found.cells[group.value].schools, limit=60)}.")
        for group in identification.GROUP_ORDER
        if group != identification.Group.NORMAL and found.cells[group.value].schools
    ]


def groups_paragraphs(found: identification.Groups) -> list[Paragraph]:
    """Where the year's lists come from, and how the schools moved since last year."""
    if found.shnor is None:
        return [
            Paragraph(
                f"Перечень ШНОР за {found.year} год в портале не сформирован: нет ни "
                "утверждённого перечня, ни завершённого запуска правила отбора.",
                style="note",
            )
        ]
    out = [
        Paragraph(f"ШНОР — {found.shnor.label}; ШНСУ — {found.shnsu.label}."),
        Paragraph(
            share_sentence(
                found.cells["both"].count + found.cells["management"].count,
                found.total,
                f"ШНОР в {found.year} году",
            )
        ),
    ]
    if found.previous is not None:
        was = {k for k, g in found.previous.items() if g in _SHNOR_GROUPS}
        now = {k for k, g in found.of_school.items() if g in _SHNOR_GROUPS}
        common = set(found.previous) & set(found.of_school)
        left = len((was - now) & common)
        came = len((now - was) & common)
        out.append(
            Paragraph(
                f"По сравнению с {found.year - 1} годом вышли из числа ШНОР "
                f"{formatting.integer(left)} ОО, вошли в него {formatting.integer(came)} ОО."
            )
        )
    return out


_SHNOR_GROUPS = (identification.Group.BOTH, identification.Group.MANAGEMENT)


# --------------------------------------------------------------------------- the report

KEY_CODES = (
    "vpr.fail_share_year",
    "oge.fail_share_year",
    "ege.below_min",
    "ege.mean_test",
    "ege.graduates_220",
    "ege.medalists_unconfirmed",
)
SCHOOL_CODES = ("vpr.fail_share_year", "oge.fail_share_year", "ege.below_min")


@report
class ComplexReport(Report):
    kind = "complex"
    title = "Комплексный анализ результатов оценочных процедур с адресными рекомендациями"
    description = (
        "ВПР, ОГЭ и ЕГЭ по муниципалитету и ОО, группы ШНОР / ШНСУ, маркеры "
        "необъективности, реестр адресных рекомендаций и управленческие решения с их эффектом."
    )
    order = 40

    def build(self, params: Params) -> Document:
        user = params.reader
        year = params.year
        years = [year - 2, year - 1, year]
        lines = municipal_lines(user, params.municipality, KEY_CODES, years)
        if not any(year in line.rows for line in lines):
            raise NoData(
                f"За {year} год нет рассчитанных показателей ВПР, ОГЭ и ЕГЭ по муниципалитету "
                f"{params.municipality.name}: загрузите результаты и рассчитайте показатели года."
            )
        doc = self.document(params)
        inputs: list[int] = run_ids(*(line.rows.values() for line in lines))
        findings: list[str] = []
        flagged: dict[int, School] = {}

        self._key(doc, lines, years, findings)
        found = groups_of(user, params)
        inputs += self._schools(doc, user, params, found, lines, findings, flagged)
        self._groups(doc, found, findings)
        inputs += self._markers(doc, user, params, findings, flagged)
        addressed = self._recommendations(doc, user, params, findings)
        inputs += self._decisions(doc, user, params, findings)
        self._conclusions(doc, params, findings, flagged, addressed)
        doc.inputs = sorted(set(inputs))
        return doc

    # --- 1 ---------------------------------------------------------------------------
    def _key(self, doc: Document, lines: list[Line], years: list[int], findings: list[str]) -> None:
        year = years[-1]
        part = doc.section("Ключевые показатели оценочных процедур муниципалитета")
        part.add(
            Paragraph(
                "Показатели рассчитаны порталом по загруженным результатам ВПР, ОГЭ и ЕГЭ; "
                "доля «2» за год — по всем работам года вместе (ВПР — все предметы и классы, "
                "ОГЭ — русский язык и математика)."
            ),
            lines_table(f"Ключевые показатели муниципалитета, {years[0]}–{year} гг.", lines, years),
        )
        for line in lines:
            if year in line.rows:
                part.add(Paragraph(line.sentence(year)))
                if line.verdict(year) == dynamics.Verdict.NEGATIVE:
                    findings.append(line.sentence(year))
        shares = [line for line in lines if line.indicator.code in FAIL_SHARES]
        if shares:
            part.add(
                Figure(
                    charts.BarChart(
                        title="Доля «2» (ЕГЭ — ниже минимума) по годам, %",
                        categories=tuple(line.short for line in shares),
                        series=tuple(
                            charts.Series(f"{y} г.", tuple(line.value(y) for line in shares))
                            for y in years
                        ),
                        unit="%",
                        description=f"Доли «2» ВПР и ОГЭ и доля участников ЕГЭ ниже минимума "
                        f"по муниципалитету в {years[0]}–{year} гг.",
                    )
                )
            )
        part.add(Commentary("complex.summary", "Комментарий специалиста к ключевым показателям"))

    # --- 2 ---------------------------------------------------------------------------
    def _schools(
        self,
        doc: Document,
        user: User,
        params: Params,
        found: identification.Groups,
        lines: list[Line],
        findings: list[str],
        flagged: dict[int, School],
    ) -> list[int]:
        year = params.year
        rows = list(
            IndicatorValue.objects.for_user(user)
            .filter(
                municipality=params.municipality,
                level=IndicatorLevel.SCHOOL,
                code__in=SCHOOL_CODES,
                year__in=[year - 1, year],
                part="",
            )
            .select_related("subject", "school")
        )
        part = doc.section("Результаты образовательных организаций")
        columns: list[tuple[str, int | None, str]] = [
            ("vpr.fail_share_year", None, "ВПР: доля «2»"),
            ("oge.fail_share_year", None, "ОГЭ: доля «2»"),
        ]
        ege = sorted(
            {(r.subject.order, r.subject_id, r.subject.name) for r in rows if r.subject},
        )
        columns += [
            ("ege.below_min", s, f"ЕГЭ ниже мин.: {n.split()[0].lower()}") for _o, s, n in ege
        ]
        by: dict[tuple[int, str, int | None, int], IndicatorValue] = {}
        schools: dict[int, School] = {}
        for row in rows:
            assert row.school_id is not None and row.school is not None
            by[(row.school_id, row.code, row.subject_id, row.year)] = row
            if row.year == year:
                schools[row.school_id] = row.school
        if not schools:
            part.add(
                Paragraph(f"Значений показателей ОО за {year} год нет.", style="note"),
            )
            return run_ids(rows)
        general = {s.pk for s in School.objects.general().filter(municipality=params.municipality)}
        ordered = sorted(
            (s for s in schools.values() if s.pk in general), key=lambda s: s.short_name
        )
        markers = _raised(user, params, [year])
        total = {
            (line.indicator.code, line.subject.pk if line.subject else None): line.value(year)
            for line in lines
        }
        min_n = settings.RANKING_MIN_PARTICIPANTS
        table_rows = []
        small = False
        for school in ordered:
            cells = [school.short_name, _group_label(found, school.pk)]
            for code, subject_id, _title in columns:
                row = by.get((school.pk, code, subject_id, year))
                text = formatting.percent(row.value) if row else DASH
                if row is not None and row.value is not None and row.n < min_n:
                    text += SMALL_SIGN
                    small = True
                cells.append(text)
            cells.append(formatting.integer(len(markers.get(school.pk, ()))))
            table_rows.append(cells)
        table_rows.append(
            [
                "Муниципалитет",
                "",
                *(formatting.percent(total.get((c, s))) for c, s, _t in columns),
                "",
            ]
        )
        part.add(
            Paragraph(
                "ОО перечислены по алфавиту; сравнение ОО между собой по этим долям не является "
                "рейтингом и не используется для оценки учителей."
            ),
            Table(
                caption=f"Показатели ОО, {year} г.",
                header=["ОО", "Группа", *(t for _c, _s, t in columns), "Маркеры"],
                rows=table_rows,
                numeric_from=2,
                widths=[4, 3, *([2] * len(columns)), 2],
            ),
        )
        if small:
            part.add(
                Paragraph(
                    f"{SMALL_SIGN} — менее {min_n} участников: доля малоинформативна.",
                    style="note",
                )
            )
        # the chart: ВПР, the schools with enough participants
        vpr = [
            (s, r)
            for s in ordered
            if (r := by.get((s.pk, "vpr.fail_share_year", None, year))) is not None
            and r.n >= min_n
            and r.value is not None
        ]
        if vpr:
            part.add(
                Figure(
                    charts.HBarChart(
                        title=f"ВПР {year}: доля «2» за год по ОО, %",
                        categories=tuple(s.short_name for s, _r in vpr),
                        series=charts.Series("Доля «2»", tuple(r.value for _s, r in vpr)),
                        unit="%",
                        reference=total.get(("vpr.fail_share_year", None)),
                        reference_label="Муниципалитет",
                        description=f"Доля «2» по всем ВПР {year} года в каждой ОО (не менее "
                        f"{min_n} участников) и по муниципалитету.",
                    )
                )
            )
        # rules: above the municipality in both ВПР and ОГЭ; a rise of the ВПР share
        both = []
        rises = []
        for school in ordered:
            above = 0
            for code in ("vpr.fail_share_year", "oge.fail_share_year"):
                row = by.get((school.pk, code, None, year))
                mean = total.get((code, None))
                if row and row.value is not None and mean is not None and row.n >= min_n:
                    above += formatting.rounded(row.value) > formatting.rounded(mean)  # type: ignore[operator]
            if above == 2:
                both.append(school)
            now = by.get((school.pk, "vpr.fail_share_year", None, year))
            before = by.get((school.pk, "vpr.fail_share_year", None, year - 1))
            if now and before and min(now.n, before.n) >= min_n:
                shift = dynamics.change(
                    formatting.rounded(before.value),
                    formatting.rounded(now.value),
                    higher_is_better=False,
                    fail_share=True,
                    thresholds=thresholds(),
                )
                if shift.verdict == dynamics.Verdict.NEGATIVE:
                    rises.append((school, shift))
        if both:
            text = (
                f"Доля «2» выше муниципальной и по ВПР, и по ОГЭ — {len(both)} ОО: {names(both)}."
            )
            part.add(Paragraph(text))
            findings.append(text)
            flagged.update({s.pk: s for s in both})
        else:
            part.add(Paragraph("ОО, где доля «2» выше муниципальной и по ВПР, и по ОГЭ, нет."))
        if rises:
            text = (
                f"Доля «2» по ВПР выросла на {settings.DYNAMICS_NEGATIVE_RISE_PP} п. п. и более "
                f"за год (негативная динамика) — {len(rises)} ОО: "
                + "; ".join(
                    f"{s.short_name} (с {formatting.percent(c.previous)} до "
                    f"{formatting.percent(c.current)})"
                    for s, c in rises
                )
                + "."
            )
            part.add(Paragraph(text))
            findings.append(text)
            flagged.update({s.pk: s for s, _c in rises})
        part.add(Commentary("complex.schools", "Комментарий специалиста к результатам ОО"))
        return run_ids(rows)

    # --- 3 ---------------------------------------------------------------------------
    def _groups(self, doc: Document, found: identification.Groups, findings: list[str]) -> None:
        part = doc.section("Школы с низкими результатами и школы в неблагоприятных условиях")
        part.add(*groups_paragraphs(found))
        if found.shnor is not None:
            part.add(groups_table(found), *groups_schools(found))
            both = found.cells["both"].count
            management = found.cells["management"].count
            if management:
                findings.append(
                    f"{management} ОО из числа ШНОР работают в благополучном социальном "
                    "контексте: причина низких результатов — в управлении, а не в условиях."
                )
            if both:
                findings.append(
                    f"{both} ОО — ШНОР в неблагоприятных социальных условиях: им нужна "
                    "адресная поддержка по антирисковым программам."
                )
        part.add(Commentary("complex.shnor", "Комментарий специалиста о ШНОР и ШНСУ"))

    # --- 4 ---------------------------------------------------------------------------
    def _markers(
        self,
        doc: Document,
        user: User,
        params: Params,
        findings: list[str],
        flagged: dict[int, School],
    ) -> list[int]:
        year = params.year
        part = doc.section("Объективность результатов")
        counts = counts_by_year(
            user, years=[year - 1, year], municipality_id=params.municipality.pk
        )
        codes = sorted(
            {code for _y, code in counts},
            key=lambda c: CODE_ORDER.index(c) if c in CODE_ORDER else 99,
        )
        markers = _raised(user, params, [year])
        general = School.objects.general().filter(municipality=params.municipality).count()
        if not codes:
            part.add(
                Paragraph(
                    f"Маркеров необъективности за {year - 1}–{year} гг. в портале нет.",
                    style="note",
                )
            )
        else:
            part.add(
                Table(
                    caption="ОО с маркерами необъективности",
                    header=["Маркер", f"{year - 1} г.", f"{year} г."],
                    rows=[
                        [
                            MARKER_NAMES.get(code, code),
                            formatting.integer(counts.get((year - 1, code), 0)),
                            formatting.integer(counts.get((year, code), 0)),
                        ]
                        for code in codes
                    ],
                    widths=[6, 2, 2],
                ),
                Paragraph(
                    share_sentence(
                        len(markers), general, f"ОО хотя бы с одним маркером в {year} году"
                    )
                ),
            )
            many = sorted(
                (pk for pk, found in markers.items() if len(set(found)) >= 2),
            )
            if many:
                schools = sorted(School.objects.filter(pk__in=many), key=lambda s: s.short_name)
                text = (
                    f"Маркеры двух и более видов в {year} году — {len(schools)} ОО: "
                    f"{names(schools)}; их результаты требуют перепроверки."
                )
                part.add(Paragraph(text))
                findings.append(text)
                flagged.update({s.pk: s for s in schools})
        part.add(Commentary("complex.objectivity", "Комментарий специалиста об объективности"))
        return sorted(
            {
                pk
                for pk in ObjectivityMarker.objects.for_user(user)
                .filter(municipality=params.municipality, year=year, raised=True)
                .values_list("run_id", flat=True)
                if pk is not None
            }
        )

    # --- 5 ---------------------------------------------------------------------------
    def _recommendations(
        self, doc: Document, user: User, params: Params, findings: list[str]
    ) -> set[int]:
        year = params.year
        part = doc.section("Адресные рекомендации")
        rows = list(
            Recommendation.objects.for_user(user)
            .filter(municipality=params.municipality, year=year)
            .select_related("school")
            .order_by("number", "pk")
        )
        if not rows:
            part.add(
                Paragraph(f"В реестре нет адресных рекомендаций за {year} год.", style="note"),
                Commentary("complex.recommendations", "Комментарий специалиста"),
            )
            return set()
        today = timezone.localdate()
        overdue = [r for r in rows if is_overdue(r, today)]
        done = [r for r in rows if r.status == "accepted"]
        part.add(
            Paragraph(
                f"В реестре за {year} год — {formatting.integer(len(rows))} адресных "
                "рекомендаций. "
                + share_sentence(len(done), len(rows), "Исполнено")
                + (
                    f" Просрочено (срок прошёл, ответ не принят): "
                    f"{formatting.integer(len(overdue))}."
                    if overdue
                    else ""
                )
            ),
            Table(
                caption=f"Реестр адресных рекомендаций, {year} г.",
                header=["№", "Адресат", "Рекомендация", "Основание", "Срок", "Состояние"],
                rows=[
                    [
                        r.number or str(index),
                        r.addressee,
                        r.text,
                        _basis(r),
                        f"{r.due_date:%d.%m.%Y}" if r.due_date else DASH,
                        r.get_status_display() + (", просрочено" if r in overdue else ""),
                    ]
                    for index, r in enumerate(rows, start=1)
                ],
                numeric_from=99,
                widths=[2, 3, 5, 4, 3, 2],
            ),
        )
        if overdue:
            findings.append(
                f"Не исполнены в срок {len(overdue)} из {len(rows)} адресных рекомендаций "
                f"{year} года: " + ", ".join(r.addressee for r in overdue) + "."
            )
        part.add(Commentary("complex.recommendations", "Комментарий специалиста"))
        return {r.school_id for r in rows if r.school_id is not None}

    # --- 6 ---------------------------------------------------------------------------
    def _decisions(
        self, doc: Document, user: User, params: Params, findings: list[str]
    ) -> list[int]:
        year = params.year
        part = doc.section("Управленческие решения и их эффект")
        decisions = list(
            Decision.objects.for_user(user)
            .filter(municipality=params.municipality, year__in=[year - 1, year])
            .select_related("school", "municipality")
            .order_by("act_date", "pk")
        )
        if not decisions:
            part.add(
                Paragraph(
                    f"Управленческих решений {year - 1}–{year} гг. в реестре нет.", style="note"
                ),
                Commentary("complex.decisions", "Комментарий специалиста"),
            )
            return []
        part.add(
            Paragraph(
                "Эффект решения — значение его показателя в год решения и в следующем году, "
                "как они рассчитаны порталом."
            )
        )
        rows = []
        messages: list[Paragraph] = []
        used: list[Any] = []
        effects = []
        for d in decisions:
            effect = decision_effect(d, user)
            effects.append((d, effect))
            rows.append(
                [
                    f"№ {d.act_number} от {d.act_date:%d.%m.%Y}",
                    d.title,
                    (effect.indicator.name if effect and effect.indicator else DASH)
                    + (f" ({effect.where})" if effect else ""),
                    (effect.verdict_text or "не оценён") if effect else "показатель не задан",
                    effect.before_text if effect else DASH,
                    effect.after_text if effect else DASH,
                    effect.delta_text if effect else DASH,
                ]
            )
            if effect is not None and effect.message:
                messages.append(Paragraph(f"Решение № {d.act_number}: {effect.message}", "note"))
            if effect is not None:
                used += [r for r in (effect.before, effect.after) if r is not None]
        part.add(
            Table(
                caption=f"Управленческие решения {year - 1}–{year} гг. и их эффект",
                header=["Акт", "Решение", "Показатель", "Оценка", "До", "После", "Изменение"],
                rows=rows,
                numeric_from=4,
                widths=[3, 4, 4, 3, 2, 2, 3],
            ),
            *messages,
        )
        positive = sum(
            1
            for _d, e in effects
            if e and e.change and e.change.verdict == dynamics.Verdict.POSITIVE
        )
        negative = [
            d
            for d, e in effects
            if e and e.change and e.change.verdict == dynamics.Verdict.NEGATIVE
        ]
        measured = sum(1 for _d, e in effects if e and e.before and e.after)
        part.add(
            Paragraph(
                f"Эффект можно оценить по {formatting.integer(measured)} из "
                f"{formatting.integer(len(decisions))} решений; положительная динамика — "
                f"{formatting.integer(positive)}, негативная — {formatting.integer(len(negative))}."
            )
        )
        if negative:
            findings.append(
                "Негативная динамика показателя после решения: "
                + "; ".join(f"№ {d.act_number} «{d.title}»" for d in negative)
                + " — меры требуют пересмотра."
            )
        for d, effect in effects:
            if effect is not None and effect.chart is not None and effect.before and effect.after:
                part.add(Figure(effect.chart, alt=f"Решение № {d.act_number}: {effect.where}."))
        part.add(Commentary("complex.decisions", "Комментарий специалиста"))
        return run_ids(used)

    # --- 7 ---------------------------------------------------------------------------
    def _conclusions(
        self,
        doc: Document,
        params: Params,
        findings: list[str],
        flagged: dict[int, School],
        addressed: set[int],
    ) -> None:
        part = doc.section("Выводы и адресные рекомендации")
        if findings:
            part.add(Paragraph("По правилам анализа выделено:"))
            part.add(*(Paragraph(f"{i}. {text}") for i, text in enumerate(findings, start=1)))
        else:
            part.add(
                Paragraph(
                    "Правила анализа не выявили негативной динамики, ОО с долей «2» выше "
                    "муниципальной по двум процедурам и просроченных рекомендаций."
                )
            )
        without = sorted(
            (s for pk, s in flagged.items() if pk not in addressed), key=lambda s: s.short_name
        )
        if without:
            part.add(
                Paragraph(
                    f"ОО, выделенные правилами, которым в реестре за {params.year} год не "
                    f"направлено ни одной адресной рекомендации ({len(without)}): "
                    f"{names(without, limit=40)}. Рекомендуется направить им рекомендации по "
                    "итогам анализа."
                )
            )
        part.add(
            Paragraph(
                "Портал не хранит результаты НИКО, региональных диагностик и анкетирования "
                "участников образовательных отношений: выводы по ним вносятся специалистом.",
                style="note",
            ),
            Commentary("complex.conclusions", "Выводы и рекомендации специалиста"),
        )


def _group_label(found: identification.Groups, school_id: int) -> str:
    group = found.of_school.get(school_id)
    return str(group.label) if group is not None else DASH


def _basis(r: Recommendation) -> str:
    if r.basis_text:
        return r.basis_text
    detail = " ".join(x for x in (r.basis_code, r.basis_value) if x)
    text = r.get_basis_kind_display()
    return f"{text}: {detail}" if detail else text


def _raised(user: User, params: Params, years: list[int]) -> dict[int, list[str]]:
    """School id → the codes of its raised markers in `years` (one per marker)."""
    found: dict[int, list[str]] = defaultdict(list)
    for school_id, code in (
        ObjectivityMarker.objects.for_user(user)
        .filter(municipality=params.municipality, year__in=years, raised=True)
        .values_list("school_id", "code")
    ):
        found[school_id].append(code)
    return dict(found)
