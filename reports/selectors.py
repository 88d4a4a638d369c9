"""Reads of the dashboards: the official's home, the school card and the municipal indicator
page. Everything comes from the stored indicator values (assessments.IndicatorValue), already
restricted to the user (`IndicatorValue.objects.for_user`); nothing here reads raw results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Q, QuerySet

from assessments import catalogue, cohorts, dynamics
from assessments.choices import IndicatorLevel, OlympiadStage, ProcedureCode
from assessments.indicators import Informativeness, informativeness
from assessments.models import IndicatorValue, Subject
from msoko import formatting
from msoko.models import User
from schools.choices import ORG_TYPE_FAMILY, OrgFamily
from schools.models import Municipality, School, SocialPassport

#: ИСБШ band of «similar schools»: the same family and an index within ± this many points.
SIMILAR_BAND = Decimal(10)
#: The similar schools are compared as a mean only, and only when there are this many.
SIMILAR_MIN = 3

INFORMATIVENESS_LABELS = {
    Informativeness.TOO_FEW: "мало участников (менее 10)",
    Informativeness.LIMITED: "ограниченно информативно (менее 20)",
    Informativeness.CONDITIONAL: "условно информативно (20–49)",
    Informativeness.INFORMATIVE: "информативно (50 и более)",
}

TOTAL_LEVELS = (IndicatorLevel.MUNICIPALITY, IndicatorLevel.REGION, IndicatorLevel.RUSSIA)


def thresholds() -> dynamics.Thresholds:
    """The dynamics thresholds of the settings (DYNAMICS_*)."""
    return dynamics.Thresholds(
        negative_rise=Decimal(settings.DYNAMICS_NEGATIVE_RISE_PP),
        notable=Decimal(settings.DYNAMICS_NOTABLE_PP),
    )


def change_of(
    indicator: catalogue.Indicator, previous: Decimal | None, current: Decimal | None
) -> dynamics.Change:
    """The change as shown: both values rounded by the one rule first."""
    return dynamics.change(
        formatting.rounded(previous, indicator.places),
        formatting.rounded(current, indicator.places),
        higher_is_better=indicator.higher_is_better,
        fail_share=indicator.code.endswith(".fail_share"),
        thresholds=thresholds(),
    )


def values_for(user: User) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.for_user(user)


def municipality_of(
    user: User, chosen: str | None = None, candidates: list[Municipality] | None = None
) -> Municipality | None:
    """The municipality a dashboard shows: the user's own, or (a deployment-wide user) the
    chosen one among those with stored values, else the first."""
    bound = user.municipality_id or (
        user.school.municipality_id if user.is_director and user.school else None
    )
    if bound:
        return Municipality.objects.filter(pk=bound).first()
    candidates = available_municipalities() if candidates is None else candidates
    return next((m for m in candidates if str(m.pk) == chosen), None) or (
        candidates[0] if candidates else None
    )


def municipality_of_request(request: Any) -> Municipality | None:
    """The municipality a page shows: the user's own, or the one a deployment-wide user
    chose (`municipality` in the query or the form), else the first by name."""
    chosen = request.POST.get("municipality") or request.GET.get("municipality")
    candidates = (
        None if request.user.municipality_id else list(Municipality.objects.order_by("name"))
    )
    return municipality_of(request.user, chosen, candidates)


def available_municipalities() -> list[Municipality]:
    """The municipalities with stored values (for a deployment-wide user's choice)."""
    ids = IndicatorValue.objects.values_list("municipality_id", flat=True).distinct()
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


# --------------------------------------------------------------------------- indicator page


@dataclass
class RankedRow:
    school: School
    value: Decimal | None
    n: int
    informative: Informativeness
    change: dynamics.Change
    rank: int | None = None

    @property
    def informative_label(self) -> str:
        return INFORMATIVENESS_LABELS[self.informative]


@dataclass
class IndicatorPage:
    indicator: catalogue.Indicator
    year: int
    subject: Subject | None
    grade: int | None
    part: str
    ranked: list[RankedRow]
    small: list[RankedRow]  # below RANKING_MIN_PARTICIPANTS: not ranked
    totals: dict[str, IndicatorValue]  # level → value (municipality, region, russia)
    previous_totals: dict[str, IndicatorValue]
    grid: dynamics.Grid[School] | None
    min_n: int
    include_small: bool
    # The municipality over the years (up to five, oldest first), with each year's change.
    history: list[tuple[int, Decimal | None, dynamics.Change]] = field(default_factory=list)
    ranked_count: int = 0  # schools in the ranking, the user's or not
    all_values: list[Decimal | None] = field(default_factory=list)  # of every ranked school
    visible: set[int] | None = None  # the schools the user may see by name (None: all)

    @property
    def part_label(self) -> str:
        """The cut in words: a ВсОШ stage «муниципальный этап»; empty for none."""
        stages = dict(OlympiadStage.choices)
        return f"{stages[self.part]} этап" if self.part in stages else self.part

    def grid_cells(self) -> list[tuple[str, list[tuple[list[School], int]]]]:
        """The grid's rows as (status, cells); a cell: the schools shown by name and how
        many others are in it."""
        if self.grid is None:
            return []
        return [
            (
                label,
                [
                    (
                        [s for s in cell if self.visible is None or s.pk in self.visible],
                        sum(
                            1 for s in cell if self.visible is not None and s.pk not in self.visible
                        ),
                    )
                    for cell in row
                ],
            )
            for label, row in zip(self.grid.status_labels, self.grid.cells, strict=True)
        ]

    @property
    def total_change(self) -> dynamics.Change:
        now = self.totals.get(IndicatorLevel.MUNICIPALITY)
        before = self.previous_totals.get(IndicatorLevel.MUNICIPALITY)
        return change_of(
            self.indicator,
            before.value if before else None,
            now.value if now else None,
        )


def indicator_page(
    user: User,
    *,
    municipality: Municipality,
    code: str,
    year: int,
    subject_id: int | None,
    grade: int | None,
    part: str = "",
    include_small: bool = False,
) -> IndicatorPage:
    """One indicator × subject × grade × year across the municipality's schools, ranked.

    Schools below RANKING_MIN_PARTICIPANTS are listed apart and left out of the ranking and
    the grid unless `include_small`. Ranked best first (by the indicator's direction).
    """
    indicator = catalogue.get(code)
    # Every school of the municipality places the ranking, the grid and the histogram; a
    # director is shown only his school's row and cell (its place among them) — the other
    # schools only as counts. `municipality` is the user's own (municipality_of).
    visible = None if user.sees_all_schools else set(user.visible_school_ids())
    rows = IndicatorValue.objects.filter(
        municipality=municipality,
        code=code,
        year__in=[year, year - 1],
        subject=subject_id,
        grade=grade,
        part=part,
    ).select_related("school")
    current: dict[int, IndicatorValue] = {}
    previous: dict[int, IndicatorValue] = {}
    totals: dict[str, IndicatorValue] = {}
    previous_totals: dict[str, IndicatorValue] = {}
    for row in rows:
        if row.level == IndicatorLevel.SCHOOL and row.school_id is not None:
            (current if row.year == year else previous)[row.school_id] = row
        elif row.level in TOTAL_LEVELS:
            (totals if row.year == year else previous_totals)[row.level] = row
    # A collected value is a school's report, not a sample of participants: no minimum.
    min_n = 0 if indicator.collect is not None else settings.RANKING_MIN_PARTICIPANTS
    ranked: list[RankedRow] = []
    small: list[RankedRow] = []
    for school_id, row in current.items():
        before = previous.get(school_id)
        item = RankedRow(
            school=row.school,  # type: ignore[arg-type]
            value=row.value,
            n=row.n,
            informative=informativeness(row.n),
            change=change_of(indicator, before.value if before else None, row.value),
        )
        (ranked if row.n >= min_n or include_small else small).append(item)
    _rank(ranked, indicator)
    small.sort(key=lambda r: r.school.short_name)
    grid = None
    if indicator.higher_is_better is not None:
        grid = dynamics.status_change_grid(
            [
                (r.school, shown, r.change.previous)
                for r in ranked
                if (shown := formatting.rounded(r.value, indicator.places)) is not None
            ],
            higher_is_better=indicator.higher_is_better,
            thresholds=thresholds(),
        )
    series = dict(
        values_for(user)
        .filter(
            municipality=municipality,
            code=code,
            level=IndicatorLevel.MUNICIPALITY,
            subject=subject_id,
            grade=grade,
            part=part,
            year__lte=year,
            year__gt=year - 5,
        )
        .values_list("year", "value")
    )
    history = [
        (y, series[y], change_of(indicator, series.get(y - 1), series[y])) for y in sorted(series)
    ]

    def named(rows: list[RankedRow]) -> list[RankedRow]:
        return [r for r in rows if visible is None or r.school.pk in visible]

    return IndicatorPage(
        history=history,
        indicator=indicator,
        year=year,
        subject=Subject.objects.filter(pk=subject_id).first() if subject_id else None,
        grade=grade,
        part=part,
        ranked=named(ranked),
        small=named(small),
        ranked_count=len(ranked),
        all_values=[r.value for r in ranked],
        visible=visible,
        totals=totals,
        previous_totals=previous_totals,
        grid=grid,
        min_n=min_n,
        include_small=include_small,
    )


def _rank(rows: list[RankedRow], indicator: catalogue.Indicator) -> None:
    """Sort best first and number the places; equal (rounded) values share a place."""
    lower_first = indicator.higher_is_better is False

    def key(row: RankedRow) -> tuple[bool, Decimal, str]:
        value = formatting.rounded(row.value, indicator.places)
        if value is None:
            return (True, Decimal(0), row.school.short_name)
        return (False, value if lower_first else -value, row.school.short_name)

    rows.sort(key=key)
    place = 0
    last: Decimal | None = None
    for index, row in enumerate(rows, start=1):
        value = formatting.rounded(row.value, indicator.places)
        if value is None:
            continue
        if value != last:
            place, last = index, value
        row.rank = place


def histogram_bins(
    values: Iterable[Decimal | None], *, unit: str, places: int
) -> tuple[list[str], list[int]]:
    """Schools per band of the indicator's value: tenths of 0–100 for a percentage, else ten
    equal bands between the lowest and highest value."""
    found = [v for v in values if v is not None]
    if not found:
        return [], []
    if unit == "%":
        edges = [Decimal(10 * i) for i in range(11)]
    else:
        low, high = min(found), max(found)
        step = (high - low) / 10 or Decimal(1)
        edges = [low + step * i for i in range(11)]
    counts = [0] * 10
    for value in found:
        index = next((i for i in range(10) if value < edges[i + 1]), 9)
        counts[index] += 1
    labels = [
        f"{formatting.number(edges[i], 0 if unit == '%' else places)}–"
        f"{formatting.number(edges[i + 1], 0 if unit == '%' else places)}"
        for i in range(10)
    ]
    return labels, counts


def indicator_choices(values: QuerySet[IndicatorValue], code: str) -> dict[str, Any]:
    """What can be chosen for an indicator: the years, subjects, grades and parts with values."""
    combos = set(
        values.filter(code=code)
        .exclude(level=IndicatorLevel.CLASS)
        .values_list("year", "subject_id", "grade", "part")
        .distinct()
        .order_by()
    )
    subject_ids = {s for _y, s, _g, _p in combos if s is not None}
    return {
        "combos": combos,
        "all_subjects": any(s is None for _y, s, _g, _p in combos),
        "years": sorted({y for y, _s, _g, _p in combos}, reverse=True),
        "subjects": list(Subject.objects.filter(pk__in=subject_ids).order_by("order", "name")),
        "grades": sorted({g for _y, _s, g, _p in combos if g is not None}),
        "parts": sorted({p for _y, _s, _g, p in combos if p}),
    }


# --------------------------------------------------------------------------- school card

#: The indicators a school card shows per procedure, in order.
CARD_CODES = {
    ProcedureCode.VPR: ("vpr.fail_share", "vpr.quality", "vpr.mean_mark"),
    ProcedureCode.OGE: ("oge.fail_share", "oge.quality", "oge.mean_mark"),
    ProcedureCode.EGE: ("ege.mean_test", "ege.below_min", "ege.high_band"),
}

_ORDER = {str(code): index for index, code in enumerate(CARD_CODES)}


@dataclass
class CardSeries:
    indicator: catalogue.Indicator
    points: list[tuple[int, Decimal | None]]  # year → the school's value
    n_last: int | None
    municipality: Decimal | None  # the latest year's
    similar: Decimal | None  # the mean of the similar schools, latest year
    change: dynamics.Change
    sparkline: Any = None  # the chart of `points`, set by the view

    @property
    def informative_label(self) -> str:
        """Short: the n is written beside it."""
        if self.n_last is None:
            return ""
        return INFORMATIVENESS_LABELS[informativeness(self.n_last)].split(" (", 1)[0]


@dataclass
class CardRow:
    procedure: str
    subject: Subject | None
    grade: int | None
    series: list[CardSeries]

    @property
    def procedure_label(self) -> str:
        return dict(ProcedureCode.choices).get(self.procedure, self.procedure)


@dataclass
class SchoolCard:
    school: School
    passport: SocialPassport | None
    years: list[int]
    rows: list[CardRow]
    similar: list[School]
    similar_rule: str
    olympiad: list[CardSeries] = field(default_factory=list)


def school_card(user: User, school: School) -> SchoolCard:
    """Every procedure and subject of the school over the years, against the municipality
    and the similar schools (same family, ИСБШ within ± SIMILAR_BAND of the school's)."""
    passport = SocialPassport.objects.filter(school=school).order_by("-year").first()
    similar = _similar_schools(school, passport)
    codes = [code for group in CARD_CODES.values() for code in group]
    rows = list(
        values_for(user).filter(
            Q(school=school) | Q(level=IndicatorLevel.MUNICIPALITY),
            municipality_id=school.municipality_id,
            code__in=codes,
            part="",
        )
    )
    # The similar schools count only as their mean (of three or more): a director sees no
    # other school's figures, so these rows are read past his scope, and only averaged.
    if len(similar) >= SIMILAR_MIN:
        rows += list(
            IndicatorValue.objects.filter(
                level=IndicatorLevel.SCHOOL,
                school_id__in=[s.pk for s in similar],
                code__in=codes,
                part="",
                n__gte=settings.RANKING_MIN_PARTICIPANTS,
            ).only(
                "procedure",
                "subject_id",
                "grade",
                "code",
                "year",
                "value",
                "school_id",
                "level",
                "n",
            )
        )
    subjects = {s.pk: s for s in Subject.objects.filter(pk__in={r.subject_id for r in rows})}
    own: dict[tuple[str, int | None, int | None], dict[str, dict[int, IndicatorValue]]] = (
        defaultdict(lambda: defaultdict(dict))
    )
    totals: dict[tuple[Any, ...], IndicatorValue] = {}
    others: dict[tuple[Any, ...], list[Decimal]] = defaultdict(list)
    for row in rows:
        place = (row.procedure, row.subject_id, row.grade)
        if row.level == IndicatorLevel.MUNICIPALITY:
            totals[(*place, row.code, row.year)] = row
        elif row.school_id == school.pk:
            own[place][row.code][row.year] = row
        elif row.value is not None:
            others[(*place, row.code, row.year)].append(row.value)
    years = sorted({r.year for r in rows if r.school_id == school.pk})[-5:]
    order = {code: i for i, code in enumerate(codes)}
    card_rows = []
    for place in sorted(
        own,
        key=lambda p: (
            _ORDER.get(p[0], 99),
            subjects[p[1]].order if p[1] in subjects else 0,
            p[2] or 0,
        ),
    ):
        series = []
        for code in sorted(own[place], key=order.__getitem__):
            by_year = own[place][code]
            indicator = catalogue.get(code)
            last_year = max(by_year)
            before = by_year.get(last_year - 1)
            similar_values = others.get((*place, code, last_year), [])
            total = totals.get((*place, code, last_year))
            series.append(
                CardSeries(
                    indicator=indicator,
                    points=[(y, by_year[y].value if y in by_year else None) for y in years],
                    n_last=by_year[last_year].n,
                    municipality=total.value if total else None,
                    similar=(
                        sum(similar_values, Decimal(0)) / len(similar_values)
                        if similar_values
                        else None
                    ),
                    change=change_of(
                        indicator, before.value if before else None, by_year[last_year].value
                    ),
                )
            )
        card_rows.append(
            CardRow(
                procedure=place[0],
                subject=subjects.get(place[1]) if place[1] else None,
                grade=place[2],
                series=series,
            )
        )
    if passport is None or passport.wellbeing_index is None:
        rule = "ИСБШ этой ОО не рассчитан: похожие ОО не подобраны."
    else:
        rule = (
            f"Похожие ОО — того же вида ({OrgFamily(school.family).label.lower()}) с ИСБШ "
            f"{passport.year} г. в пределах ±{formatting.number(SIMILAR_BAND, 0)} от индекса "
            f"этой ОО; в сравнении — их среднее (без выборок менее "
            f"{settings.RANKING_MIN_PARTICIPANTS} участников)"
        )
        if len(similar) < SIMILAR_MIN:
            rule += f"; таких ОО меньше {SIMILAR_MIN}, и среднее не показывается"
        rule += "."
    return SchoolCard(
        school=school,
        passport=passport,
        years=years,
        rows=card_rows,
        similar=similar,
        similar_rule=rule,
    )


def _similar_schools(school: School, passport: SocialPassport | None) -> list[School]:
    if passport is None or passport.wellbeing_index is None:
        return []
    index = passport.wellbeing_index
    ids = (
        SocialPassport.objects.filter(
            year=passport.year,
            school__municipality_id=school.municipality_id,
            school__org_type__in=[t for t, f in ORG_TYPE_FAMILY.items() if f == school.family],
            wellbeing_index__gte=index - SIMILAR_BAND,
            wellbeing_index__lte=index + SIMILAR_BAND,
        )
        .exclude(school=school)
        .values_list("school_id", flat=True)
    )
    return list(School.objects.filter(pk__in=ids).order_by("short_name"))


# --------------------------------------------------------------------------- official's home

#: The key indicators of the home page, by procedure.
HOME_CODES = {
    ProcedureCode.VPR: ("vpr.fail_share", "vpr.quality"),
    ProcedureCode.OGE: ("oge.fail_share", "oge.quality"),
    ProcedureCode.EGE: ("ege.mean_test", "ege.below_min"),
}


@dataclass
class HomeCell:
    indicator: catalogue.Indicator
    value: Decimal | None
    change: dynamics.Change
    region: Decimal | None
    russia: Decimal | None

    @property
    def label(self) -> str:
        """The column heading: short, the procedure being the table's own."""
        return HOME_LABELS.get(self.indicator.code, self.indicator.name.split(": ", 1)[-1])


HOME_LABELS = {
    "vpr.fail_share": "доля «2»",
    "oge.fail_share": "доля «2»",
    "vpr.quality": "качество знаний",
    "oge.quality": "качество знаний",
    "ege.mean_test": "средний балл",
    "ege.below_min": "ниже минимума",
    "vsosh.participants_per_100": "участников на 100",
    "vsosh.winners_per_100": "победителей на 100",
    "vsosh.prizewinners_per_100": "призёров на 100",
}


@dataclass
class HomeRow:
    procedure: str
    subject: Subject | None
    grade: int | None
    cells: list[HomeCell]


@dataclass
class Attention:
    school: School
    reasons: list[str]


@dataclass
class Dashboard:
    municipality: Municipality | None
    year: int | None
    rows: dict[str, list[HomeRow]]  # procedure label → rows
    attention: list[Attention]
    olympiad: list[HomeCell] = field(default_factory=list)  # ВсОШ, municipal stage
    olympiad_year: int | None = None


#: ВсОШ on the home page: the municipal stage, all subjects, per 100 pupils.
HOME_OLYMPIAD_STAGE = "municipal"
HOME_OLYMPIAD_CODES = (
    "vsosh.participants_per_100",
    "vsosh.winners_per_100",
    "vsosh.prizewinners_per_100",
)


class Value(NamedTuple):
    """A stored value as a plain tuple: the home page reads thousands of them."""

    level: str
    school_id: int | None
    procedure: str
    subject_id: int | None
    grade: int | None
    code: str
    year: int
    value: Decimal | None
    n: int


_VALUE_FIELDS = Value._fields
PROCEDURE_LABELS = dict(ProcedureCode.choices)


def dashboard(user: User, municipality: Municipality | None) -> Dashboard:
    """The municipality at a glance for its latest year: key indicators by procedure with the
    change since last year and the region and Russia; the schools needing attention."""
    if municipality is None:
        return Dashboard(None, None, {}, [])
    values = values_for(user).filter(municipality=municipality)
    codes = [code for group in HOME_CODES.values() for code in group]
    # One read: the totals of every year, the schools' shares that attention looks at, and
    # the municipal stage of ВсОШ.
    rows = [
        Value(*row)
        for row in values.filter(
            Q(level__in=TOTAL_LEVELS, code__in=codes, part="")
            | Q(level=IndicatorLevel.SCHOOL, code__in=ATTENTION_RISES, part="")
            | Q(
                level=IndicatorLevel.MUNICIPALITY,
                code__in=HOME_OLYMPIAD_CODES,
                part=HOME_OLYMPIAD_STAGE,
                subject__isnull=True,
            )
        ).values_list(*_VALUE_FIELDS)
    ]
    olympiad = [v for v in rows if v.procedure == ProcedureCode.VSOSH]
    rows = [v for v in rows if v.procedure != ProcedureCode.VSOSH]
    totals = [v for v in rows if v.level != IndicatorLevel.SCHOOL]
    year = max((v.year for v in totals if v.level == IndicatorLevel.MUNICIPALITY), default=None)
    if year is None:
        return Dashboard(municipality, None, {}, [])
    by_place: dict[tuple[Any, ...], dict[tuple[str, str, int], Value]] = defaultdict(dict)
    for row in totals:
        if row.year in (year, year - 1):
            by_place[(row.procedure, row.subject_id, row.grade)][
                (row.code, row.level, row.year)
            ] = row
    subjects = {s.pk: s for s in Subject.objects.all()}
    result: dict[str, list[HomeRow]] = {}
    for place in sorted(
        by_place,
        key=lambda p: (
            _ORDER.get(p[0], 99),
            subjects[p[1]].order if p[1] in subjects else 0,
            p[2] or 0,
        ),
    ):
        found = by_place[place]
        if not any(key[2] == year and key[1] == IndicatorLevel.MUNICIPALITY for key in found):
            continue
        cells = []
        for code in HOME_CODES[ProcedureCode(place[0])]:
            indicator = catalogue.get(code)
            now = found.get((code, IndicatorLevel.MUNICIPALITY, year))
            before = found.get((code, IndicatorLevel.MUNICIPALITY, year - 1))
            region = found.get((code, IndicatorLevel.REGION, year))
            russia = found.get((code, IndicatorLevel.RUSSIA, year))
            cells.append(
                HomeCell(
                    indicator=indicator,
                    value=now.value if now else None,
                    change=change_of(
                        indicator, before.value if before else None, now.value if now else None
                    ),
                    region=region.value if region else None,
                    russia=russia.value if russia else None,
                )
            )
        result.setdefault(PROCEDURE_LABELS[place[0]], []).append(
            HomeRow(
                procedure=place[0],
                subject=subjects.get(place[1]) if place[1] else None,
                grade=place[2],
                cells=cells,
            )
        )
    school_rows = [
        v for v in rows if v.level == IndicatorLevel.SCHOOL and v.year in (year, year - 1)
    ]
    olympiad_year = max((v.year for v in olympiad), default=0)
    by_code = {(v.code, v.year): v.value for v in olympiad}
    olympiad_cells = [
        HomeCell(
            indicator=(indicator := catalogue.get(code)),
            value=by_code.get((code, olympiad_year)),
            change=change_of(
                indicator,
                by_code.get((code, olympiad_year - 1)),
                by_code.get((code, olympiad_year)),
            ),
            region=None,
            russia=None,
        )
        for code in HOME_OLYMPIAD_CODES
    ]
    return Dashboard(
        municipality=municipality,
        year=year,
        rows=result,
        olympiad=olympiad_cells if olympiad_year else [],
        olympiad_year=olympiad_year or None,
        attention=attention(school_rows, year, subjects),
    )


#: Shares whose rise by DYNAMICS_NEGATIVE_RISE_PP points or more calls for attention (the
#: ФИОКО rule for the share of «2», and its ЕГЭ counterpart); the share of «2» is also
#: checked against the worst tenth of the schools. The home page reads only these.
ATTENTION_RISES = ("vpr.fail_share", "oge.fail_share", "ege.below_min")


def attention(
    rows: Sequence[Value], year: int, subjects: dict[int, Subject], limit: int = 12
) -> list[Attention]:
    """Schools needing attention in `year`, each with its reasons, most reasons first:
    a share of «2» (ЕГЭ: below the minimum) that rose by DYNAMICS_NEGATIVE_RISE_PP points or
    more (the ФИОКО rule), and a share of «2» in the worst tenth of the municipality's
    schools (PERCENTILE.INC 90 %). Samples below RANKING_MIN_PARTICIPANTS are left out."""
    min_n = max(settings.RANKING_MIN_PARTICIPANTS, 1)
    index = {(r.school_id, r.procedure, r.subject_id, r.grade, r.code, r.year): r for r in rows}
    groups: dict[tuple[Any, ...], list[Value]] = defaultdict(list)
    for row in rows:
        if row.year == year and row.n >= min_n and row.value is not None:
            groups[(row.procedure, row.subject_id, row.grade, row.code)].append(row)
    reasons: dict[int, list[str]] = defaultdict(list)
    for (procedure, subject_id, grade, code), group in sorted(
        groups.items(), key=lambda item: (item[0][0], item[0][1] or 0, item[0][2] or 0, item[0][3])
    ):
        indicator = catalogue.get(code)
        name = indicator.name.split(": ", 1)[-1]
        cut = (
            dynamics.percentile_inc([r.value for r in group if r.value is not None], Decimal("0.9"))
            if code.endswith(".fail_share") and len(group) >= 5
            else None
        )
        what = _place_label(procedure, subjects.get(subject_id or 0), grade)
        for row in group:
            school_id = row.school_id
            assert school_id is not None
            before = index.get((school_id, procedure, subject_id, grade, code, year - 1))
            shift = change_of(indicator, before.value if before else None, row.value)
            if shift.verdict == dynamics.Verdict.NEGATIVE and before and before.n >= min_n:
                reasons[school_id].append(
                    f"{what}: {name} {formatting.number(shift.previous, indicator.places)} → "
                    f"{formatting.number(shift.current, indicator.places)} "
                    f"({formatting.signed(shift.delta, indicator.places)} п.п.)"
                )
            if cut is not None and row.value is not None and row.value >= cut and row.value > 0:
                reasons[school_id].append(
                    f"{what}: доля «2» {formatting.percent(row.value)} — в худших 10 % ОО "
                    "муниципалитета"
                )
    schools = School.objects.in_bulk(list(reasons))
    ordered = sorted(reasons, key=lambda pk: (-len(reasons[pk]), schools[pk].short_name))
    return [Attention(school=schools[pk], reasons=reasons[pk]) for pk in ordered[:limit]]


def _place_label(procedure: str, subject: Subject | None, grade: int | None) -> str:
    label = PROCEDURE_LABELS[procedure]
    if subject is not None:
        label += f", {subject.name.lower()}"
    if grade:
        label += f", {grade} кл."
    return label


# --------------------------------------------------------------------------- cohorts


@dataclass
class CohortPair:
    label: str
    before: IndicatorValue
    after: IndicatorValue
    change: dynamics.Change

    @property
    def small(self) -> bool:
        """Either side below RANKING_MIN_PARTICIPANTS: the change is not reliable."""
        return min(self.before.n, self.after.n) < settings.RANKING_MIN_PARTICIPANTS


@dataclass
class CohortRow:
    school: School
    method: cohorts.Method
    pairs: list[CohortPair]


def cohort_rows(
    user: User,
    *,
    municipality: Municipality,
    code: str,
    subject_id: int,
    grade: int,
    year: int,
) -> list[CohortRow]:
    """The cohort of grade `grade` in `year` against grade + 1 in year + 1, per school:
    matched by class letter where the files name the classes, else by the whole grade."""
    rows = (
        values_for(user)
        .filter(
            municipality=municipality,
            code=code,
            subject_id=subject_id,
            level__in=[IndicatorLevel.SCHOOL, IndicatorLevel.CLASS],
        )
        .filter(
            year__in=[year, year + 1],
        )
        .select_related("school")
    )
    before: dict[int, dict[str, IndicatorValue]] = defaultdict(dict)
    after: dict[int, dict[str, IndicatorValue]] = defaultdict(dict)
    whole_before: dict[int, IndicatorValue] = {}
    whole_after: dict[int, IndicatorValue] = {}
    schools: dict[int, School] = {}
    for row in rows:
        if row.school_id is None or row.school is None:
            continue
        schools[row.school_id] = row.school
        if row.year == year and row.grade == grade:
            if row.level == IndicatorLevel.CLASS:
                before[row.school_id][row.part] = row
            else:
                whole_before[row.school_id] = row
        elif row.year == year + 1 and row.grade == grade + 1:
            if row.level == IndicatorLevel.CLASS:
                after[row.school_id][row.part] = row
            else:
                whole_after[row.school_id] = row
    indicator = catalogue.get(code)
    found = []
    for school_id in sorted(
        set(whole_before) & set(whole_after), key=lambda pk: schools[pk].short_name
    ):
        method, pairs = cohorts.match(
            before.get(school_id, {}),
            after.get(school_id, {}),
            grade=grade,
            whole_before=whole_before.get(school_id),
            whole_after=whole_after.get(school_id),
        )
        if pairs:
            found.append(
                CohortRow(
                    school=schools[school_id],
                    method=method,
                    pairs=[
                        CohortPair(
                            p.label,
                            p.before,
                            p.after,
                            change_of(indicator, p.before.value, p.after.value),
                        )
                        for p in pairs
                    ],
                )
            )
    return found


# --------------------------------------------------------------------------- ВПР vs ОГЭ


@dataclass
class VprOgeRow:
    school: School
    vpr: IndicatorValue | None
    oge: IndicatorValue | None

    @property
    def gap(self) -> Decimal | None:
        if self.vpr is None or self.oge is None or self.vpr.value is None or self.oge.value is None:
            return None
        return self.vpr.value - self.oge.value


def vpr_oge_rows(
    user: User,
    *,
    municipality: Municipality,
    measure: str,
    subject_id: int,
    vpr_grade: int,
    year: int,
) -> list[VprOgeRow]:
    """ВПР of `vpr_grade` against ОГЭ of the same school, subject and year, for one measure
    (fail_share, quality, mean_mark), largest gap first."""
    rows = (
        values_for(user)
        .filter(
            municipality=municipality,
            level=IndicatorLevel.SCHOOL,
            subject_id=subject_id,
            year=year,
            part="",
            code__in=[f"vpr.{measure}", f"oge.{measure}"],
        )
        .select_related("school")
    )
    by_school: dict[int, VprOgeRow] = {}
    for row in rows:
        if row.school is None or row.school_id is None:
            continue
        if row.procedure == ProcedureCode.VPR and row.grade != vpr_grade:
            continue
        item = by_school.setdefault(row.school_id, VprOgeRow(row.school, None, None))
        if row.procedure == ProcedureCode.VPR:
            item.vpr = row
        else:
            item.oge = row
    both = [r for r in by_school.values() if r.vpr is not None and r.oge is not None]
    higher_worse = measure == "fail_share"
    both.sort(
        key=lambda r: (
            r.gap is None,
            (r.gap if higher_worse else -(r.gap or 0)) if r.gap is not None else 0,
            r.school.short_name,
        )
    )
    return both
