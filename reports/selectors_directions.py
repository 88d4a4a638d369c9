"""Reads of the direction dashboards: the monitoring indicators of each direction of work.

A direction (DOMAIN §8) has its set of collected indicators (assessments.collected, stored as
procedure «mon» by an approved data collection or survey) and the assessment indicators of
the catalogue that serve it. Everything comes from the indicator store; the rows a user sees
are `IndicatorValue.objects.for_user` (a director: his school and the municipal totals). How
many schools meet a target is a count over every school of the municipality, as the ranking
of the indicator page counts them: no other school is named.

How a target is judged at the municipality: a share (pooled or survey) against the target
itself; a yes / no, a document or a count reported by each school — when every school that
reported meets it (the target is each school's); an indicator the municipality reports —
its own value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from assessments import catalogue, collected, dynamics
from assessments.choices import IndicatorLevel, ProcedureCode
from assessments.models import IndicatorValue, Subject
from msoko import formatting
from msoko.models import User
from reports.selectors import change_of, thresholds
from roadmaps.models import Direction
from schools.models import Municipality, School

MONITORING = ProcedureCode.MONITORING.value
#: The directions of the dashboards, in the ФИОКО order (assessments.collected.SLUGS).
DIRECTION_CODES = tuple(collected.SLUGS)
#: How many years of the municipality's value the trend shows.
TREND_YEARS = 6

VERDICTS = {
    True: ("success", "✓ выполнено"),
    False: ("danger", "✗ не выполнено"),
}


@dataclass(frozen=True)
class DirectionInfo:
    code: str
    title: str

    @property
    def label(self) -> str:
        """«2.2. Система…»; a direction without a number («objectivity») by its title."""
        return f"{self.code}. {self.title}" if self.code[:1].isdigit() else self.title


def directions() -> list[DirectionInfo]:
    """The ten directions with their titles (roadmaps.Direction), in order."""
    titles = dict(Direction.objects.filter(code__in=DIRECTION_CODES).values_list("code", "title"))
    return [DirectionInfo(code, titles.get(code, code)) for code in DIRECTION_CODES]


def direction(code: str) -> DirectionInfo | None:
    return next((d for d in directions() if d.code == code), None)


def collected_of(code: str) -> list[catalogue.Indicator]:
    """The collected indicators of a direction: its sets' in set order, then any other."""
    codes: list[str] = []
    for item in catalogue.SETS.values():
        if item.direction == code:
            codes += [c for c in item.indicators if c not in codes]
    codes += [
        c
        for c, indicator in catalogue.CATALOGUE.items()
        if indicator.collect is not None and indicator.direction == code and c not in codes
    ]
    return catalogue.collected_in(codes)


def computed_of(code: str) -> list[catalogue.Indicator]:
    """The assessment indicators of the catalogue that serve a direction."""
    return [i for i in catalogue.CATALOGUE.values() if i.collect is None and i.direction == code]


def current_year() -> int:
    return date.today().year


def stored_years(user: User, municipality: Municipality | None) -> list[int]:
    """The years with stored «mon» values of the municipality, newest first."""
    if municipality is None:
        return []
    return sorted(
        set(
            IndicatorValue.objects.for_user(user)
            .filter(municipality=municipality, procedure=MONITORING)
            .values_list("year", flat=True)
            .distinct()
            .order_by()
        ),
        reverse=True,
    )


def default_municipality(candidates: list[Municipality]) -> Municipality | None:
    """A deployment-wide user's first view: a municipality with monitoring values, else the
    first by name."""
    with_values = set(
        IndicatorValue.objects.filter(procedure=MONITORING)
        .values_list("municipality_id", flat=True)
        .distinct()
        .order_by()
    )
    return next((m for m in candidates if m.pk in with_values), None) or (
        candidates[0] if candidates else None
    )


# --------------------------------------------------------------------------- values


def _latest(rows: Iterable[IndicatorValue]) -> dict[tuple[Any, ...], IndicatorValue]:
    """One value per (code, school, year): the latest run's, when sources overlap."""
    found: dict[tuple[Any, ...], IndicatorValue] = {}
    for row in sorted(rows, key=lambda r: (r.run.computed_at, r.run_id)):
        found[(row.code, row.school_id, row.year)] = row
    return found


def _monitoring_rows(
    queryset: QuerySet[IndicatorValue],
    municipality: Municipality,
    codes: Iterable[str],
    years: Iterable[int],
) -> dict[tuple[Any, ...], IndicatorValue]:
    return _latest(
        queryset.filter(
            municipality=municipality,
            procedure=MONITORING,
            code__in=list(codes),
            year__in=list(years),
            level__in=[IndicatorLevel.MUNICIPALITY, IndicatorLevel.SCHOOL],
        ).select_related("run", "school")
    )


def _tally(
    municipality: Municipality, indicators: list[catalogue.Indicator], year: int
) -> dict[str, tuple[int, int]]:
    """code → (schools meeting the target, schools that reported), over every school."""
    judged = {
        i.code: i.collect
        for i in indicators
        if i.collect is not None
        and i.collect.per == collected.SCHOOL
        and i.collect.target_value is not None
    }
    rows = _latest(
        IndicatorValue.objects.filter(
            municipality=municipality,
            procedure=MONITORING,
            level=IndicatorLevel.SCHOOL,
            year=year,
            code__in=list(judged),
        ).select_related("run")
    )
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (code, _school, _year), row in rows.items():
        if row.value is None:
            continue
        out[code][1] += 1
        if judged[code].target_met(row.value):
            out[code][0] += 1
    return {code: (met, total) for code, (met, total) in out.items()}


def shows_percent(indicator: catalogue.Indicator, level: str) -> bool:
    """Whether a value of this level reads as a percentage: a share, and the municipality's
    value of a school's yes / no or document (the share of its schools with «да»)."""
    collect = indicator.collect
    if collect is None:
        return indicator.unit == "%"
    if collect.kind == collected.SHARE:
        return True
    return (
        collect.kind in (collected.BOOL, collected.DOCUMENT)
        and collect.per == collected.SCHOOL
        and level == IndicatorLevel.MUNICIPALITY
    )


def shown(indicator: catalogue.Indicator, value: Decimal | None, level: str) -> str:
    """A stored value as the dashboards write it: «12,5 %», «1 234», «да» / «нет»."""
    if value is None:
        return formatting.DASH
    collect = indicator.collect
    if shows_percent(indicator, level):
        return formatting.percent(value, 1)
    if collect is not None and collect.kind in (collected.BOOL, collected.DOCUMENT):
        if collect.kind == collected.DOCUMENT:
            return "есть" if value else "нет"
        return "да" if value else "нет"
    return formatting.value(value, indicator.unit, indicator.places)


def municipal_met(
    indicator: catalogue.Indicator, value: Decimal | None, tally: tuple[int, int] | None
) -> bool | None:
    """Whether the municipality meets the target (None: no target or no value)."""
    collect = indicator.collect
    if collect is None or value is None or collect.target_value is None:
        return None
    if collect.per == collected.MUNICIPALITY or collect.kind == collected.SHARE:
        return collect.target_met(value)
    if tally is not None and tally[1]:
        return tally[0] == tally[1]
    if collect.kind in (collected.BOOL, collected.DOCUMENT):  # no school rows: the share
        share = value / collected.HUNDRED
        return (collect.target_met(Decimal(1)) is True and share == 1) or (
            collect.target_met(Decimal(0)) is True and share == 0
        )
    return None


def verdict(met: bool | None, collect: collected.Collect, has_value: bool) -> tuple[str, str]:
    """The badge's colour and its words (words, so it does not read by colour only)."""
    if collect.target_value is None or not collect.target_comparison:
        if collect.target:
            return "light", "не оценивается автоматически"
        return "secondary", "целевое значение не задано"
    if met is None:
        return "light", "нет данных для оценки" if not has_value else "не оценивается"
    return VERDICTS[met]


@dataclass
class SchoolRow:
    school: School
    value: Decimal | None
    text: str
    n: int
    met: bool | None
    verdict: tuple[str, str]
    previous: Decimal | None
    previous_text: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass
class IndicatorBlock:
    """One collected indicator of the direction page."""

    indicator: catalogue.Indicator
    year: int
    value: Decimal | None = None
    text: str = formatting.DASH
    n: int = 0
    previous: Decimal | None = None
    previous_text: str = formatting.DASH
    change: dynamics.Change | None = None
    met: bool | None = None
    verdict: tuple[str, str] = ("secondary", "")
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    history: list[tuple[int, Decimal | None]] = field(default_factory=list)
    schools: list[SchoolRow] = field(default_factory=list)
    tally: tuple[int, int] | None = None  # (meeting the target, reported), every school
    chart: Any = None  # set by the view

    @property
    def collect(self) -> collected.Collect:
        assert self.indicator.collect is not None
        return self.indicator.collect

    @property
    def is_text(self) -> bool:
        return self.collect.kind == collected.TEXT

    @property
    def per_school(self) -> bool:
        return self.collect.per == collected.SCHOOL

    @property
    def kind_label(self) -> str:
        return collected.KINDS[self.collect.kind]

    @property
    def per_label(self) -> str:
        return collected.PER[self.collect.per]

    @property
    def percent(self) -> bool:
        return shows_percent(self.indicator, IndicatorLevel.MUNICIPALITY)

    @property
    def numeric(self) -> bool:
        """Whether the municipal value is a number with a change and a trend."""
        return self.percent or self.collect.kind == collected.COUNT

    @property
    def places(self) -> int:
        return 1 if self.percent else self.indicator.places

    @property
    def unit(self) -> str:
        return "%" if self.percent else ""

    @property
    def counts_text(self) -> tuple[str, str] | None:
        """A derived share's numerator and denominator, as stored, formatted."""
        if not self.collect.derived or (self.numerator is None and self.denominator is None):
            return None
        return (formatting.integer(self.numerator), formatting.integer(self.denominator))

    @property
    def part_names(self) -> tuple[str, str]:
        names = []
        for code in (self.collect.numerator, self.collect.denominator):
            other = catalogue.CATALOGUE.get(code or "")
            names.append(other.name if other else (code or ""))
        return names[0], names[1]


def _value(
    rows: dict[tuple[Any, ...], IndicatorValue], code: str, school: int | None, year: int
) -> IndicatorValue | None:
    return rows.get((code, school, year))


def direction_blocks(
    user: User, municipality: Municipality, code: str, year: int
) -> list[IndicatorBlock]:
    """The collected indicators of a direction for a year: the municipality's value against
    its target, the previous year and the change, the trend, and the schools' values."""
    indicators = collected_of(code)
    codes = collected.with_counts([i.code for i in indicators], catalogue.collects())
    years = range(year - TREND_YEARS + 1, year + 1)
    rows = _monitoring_rows(IndicatorValue.objects.for_user(user), municipality, codes, years)
    tallies = _tally(municipality, indicators, year)
    blocks = []
    for indicator in indicators:
        block = IndicatorBlock(indicator=indicator, year=year)
        blocks.append(block)
        if block.is_text:
            continue
        collect = block.collect
        now = _value(rows, indicator.code, None, year)
        before = _value(rows, indicator.code, None, year - 1)
        block.value = now.value if now else None
        block.n = now.n if now else 0
        block.text = shown(indicator, block.value, IndicatorLevel.MUNICIPALITY)
        block.previous = before.value if before else None
        block.previous_text = shown(indicator, block.previous, IndicatorLevel.MUNICIPALITY)
        if block.numeric:
            block.change = _change(indicator, block.places, block.previous, block.value)
        block.tally = tallies.get(indicator.code)
        block.met = municipal_met(indicator, block.value, block.tally)
        block.verdict = verdict(block.met, collect, block.value is not None)
        if collect.derived:
            for attr, part in (
                ("numerator", collect.numerator),
                ("denominator", collect.denominator),
            ):
                found = _value(rows, part or "", None, year)
                setattr(block, attr, found.value if found else None)
        block.history = [
            (y, row.value) for y in years if (row := _value(rows, indicator.code, None, y))
        ]
        if block.per_school:
            block.schools = _school_rows(indicator, rows, year)
    return blocks


def _change(
    indicator: catalogue.Indicator, places: int, previous: Decimal | None, current: Decimal | None
) -> dynamics.Change:
    """The change as shown: both values rounded as they are written (a yes / no's share of
    schools to tenths of a percent)."""
    return dynamics.change(
        formatting.rounded(previous, places),
        formatting.rounded(current, places),
        higher_is_better=indicator.higher_is_better,
        fail_share=False,
        thresholds=thresholds(),
    )


def _school_rows(
    indicator: catalogue.Indicator, rows: dict[tuple[Any, ...], IndicatorValue], year: int
) -> list[SchoolRow]:
    collect = indicator.collect
    assert collect is not None
    out = []
    for (code, school_id, row_year), row in rows.items():
        if code != indicator.code or school_id is None or row_year != year or row.school is None:
            continue
        before = _value(rows, code, school_id, year - 1)
        met = collect.target_met(row.value)
        item = SchoolRow(
            school=row.school,
            value=row.value,
            text=shown(indicator, row.value, IndicatorLevel.SCHOOL),
            n=row.n,
            met=met,
            verdict=verdict(met, collect, row.value is not None),
            previous=before.value if before else None,
            previous_text=shown(indicator, before.value if before else None, IndicatorLevel.SCHOOL),
        )
        if collect.derived:
            numerator = _value(rows, collect.numerator or "", school_id, year)
            denominator = _value(rows, collect.denominator or "", school_id, year)
            item.numerator = numerator.value if numerator else None
            item.denominator = denominator.value if denominator else None
        out.append(item)
    out.sort(key=lambda r: r.school.short_name)
    return out


# --------------------------------------------------------------------------- the list


@dataclass
class DirectionSummary:
    direction: DirectionInfo
    indicators: int  # collected indicators of the direction
    with_value: int  # of them, with a stored municipal value in the year
    with_target: int  # of those with a value, with a target to judge them by
    met: int
    targets: int = 0  # indicators of the direction with a target, with a value or not


def overview(user: User, municipality: Municipality | None, year: int) -> list[DirectionSummary]:
    """Every direction: its collected indicators, how many have a municipal value in
    `year`, and how many meet their target."""
    found: list[DirectionSummary] = []
    by_direction = {d.code: collected_of(d.code) for d in directions()}
    every = [i for items in by_direction.values() for i in items]
    values: dict[str, Decimal | None] = {}
    tallies: dict[str, tuple[int, int]] = {}
    if municipality is not None:
        rows = _latest(
            IndicatorValue.objects.for_user(user)
            .filter(
                municipality=municipality,
                procedure=MONITORING,
                level=IndicatorLevel.MUNICIPALITY,
                year=year,
                code__in=[i.code for i in every],
            )
            .select_related("run")
        )
        values = {code: row.value for (code, _s, _y), row in rows.items()}
        tallies = _tally(municipality, every, year)
    for info in directions():
        items = by_direction[info.code]
        stored = [i for i in items if values.get(i.code) is not None]
        found.append(
            DirectionSummary(
                direction=info,
                indicators=len(items),
                with_value=len(stored),
                with_target=sum(
                    1
                    for i in stored
                    if i.collect is not None and i.collect.target_value is not None
                ),
                targets=sum(
                    1 for i in items if i.collect is not None and i.collect.target_value is not None
                ),
                met=sum(
                    1
                    for i in stored
                    if municipal_met(i, values[i.code], tallies.get(i.code)) is True
                ),
            )
        )
    return found


# --------------------------------------------------------------------------- assessments


@dataclass
class ComputedRow:
    """A municipal value of an assessment indicator of the direction: one cut of a year."""

    indicator: catalogue.Indicator
    subject: Subject | None
    grade: int | None
    part: str
    value: Decimal | None
    n: int
    previous: Decimal | None
    change: dynamics.Change

    @property
    def cut_label(self) -> str:
        parts = []
        if self.subject is not None:
            parts.append(self.subject.name)
        if self.grade:
            parts.append(f"{self.grade} класс")
        if self.part:
            parts.append(self.part)
        return ", ".join(parts) or "все предметы и классы"


def computed_rows(
    user: User, municipality: Municipality, code: str, year: int
) -> list[ComputedRow]:
    """The municipality's values of the direction's assessment indicators in `year`, each
    cut (subject, grade, part) with the previous year's value and the change."""
    indicators = {i.code: i for i in computed_of(code)}
    if not indicators:
        return []
    rows = (
        IndicatorValue.objects.for_user(user)
        .filter(
            municipality=municipality,
            level=IndicatorLevel.MUNICIPALITY,
            code__in=list(indicators),
            year__in=[year, year - 1],
        )
        .exclude(procedure=MONITORING)
        .select_related("run")
        .order_by("run__computed_at", "run_id")
    )
    found: dict[tuple[Any, ...], IndicatorValue] = {}
    for row in rows:
        found[(row.code, row.subject_id, row.grade, row.part, row.year)] = row
    subjects = Subject.objects.in_bulk({key[1] for key in found if key[1] is not None})
    order = {c: index for index, c in enumerate(indicators)}
    out = []
    for key in sorted(
        (k for k in found if k[4] == year),
        key=lambda k: (
            order[k[0]],
            subjects[k[1]].order if k[1] in subjects else -1,
            subjects[k[1]].name if k[1] in subjects else "",
            k[2] or 0,
            k[3],
        ),
    ):
        code_, subject_id, grade, part, _year = key
        now = found[key]
        before = found.get((code_, subject_id, grade, part, year - 1))
        indicator = indicators[code_]
        out.append(
            ComputedRow(
                indicator=indicator,
                subject=subjects.get(subject_id) if subject_id else None,
                grade=grade,
                part=part,
                value=now.value,
                n=now.n,
                previous=before.value if before else None,
                change=change_of(indicator, before.value if before else None, now.value),
            )
        )
    return out


@dataclass
class SchoolMonitoringRow:
    """A collected indicator of one school, its latest year, beside the municipality's."""

    direction: str
    indicator: catalogue.Indicator
    year: int
    text: str
    municipal: str
    met: bool | None

    @property
    def verdict(self) -> tuple[str, str]:
        assert self.indicator.collect is not None
        return verdict(self.met, self.indicator.collect, True)


def school_monitoring(user: User, school: School) -> list[SchoolMonitoringRow]:
    """The school's collected values (the school card): each indicator's latest year, per
    direction in the catalogue's order, against its target and the municipality's value."""
    values = IndicatorValue.objects.for_user(user).filter(
        municipality_id=school.municipality_id, procedure=MONITORING
    )
    own = _latest(values.filter(school=school).select_related("run"))
    if not own:
        return []
    latest: dict[str, IndicatorValue] = {}
    for (code, _school, year), row in own.items():
        if row.value is not None and (code not in latest or latest[code].year < year):
            latest[code] = row
    totals = _latest(
        values.filter(
            level=IndicatorLevel.MUNICIPALITY, year__in={row.year for row in latest.values()}
        ).select_related("run")
    )
    titles = {d.code: d.title for d in directions()}
    out: list[SchoolMonitoringRow] = []
    for code in DIRECTION_CODES:
        for indicator in collected_of(code):
            found = latest.get(indicator.code)
            if found is None or found.value is None or indicator.collect is None:
                continue
            total = totals.get((indicator.code, None, found.year))
            out.append(
                SchoolMonitoringRow(
                    direction=titles.get(code, code),
                    indicator=indicator,
                    year=found.year,
                    text=shown(indicator, found.value, IndicatorLevel.SCHOOL),
                    municipal=shown(
                        indicator, total.value if total else None, IndicatorLevel.MUNICIPALITY
                    ),
                    met=indicator.collect.target_met(found.value),
                )
            )
    return out
