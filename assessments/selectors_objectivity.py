"""Reads of the stored objectivity markers, for the pages, the school card and the exports.

Every read that serves a user starts from `ObjectivityMarker.objects.for_user(user)`: a
director sees his school's markers only (no other school is listed or counted), a
specialist or an official bound to a municipality sees its schools'. Nothing here computes
a marker: they are stored by the figures jobs and the federal list import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from assessments import objectivity
from assessments.choices import ProcedureCode
from assessments.models import ObjectivityMarker
from schools.models import School

#: The order markers are listed in: by procedure first, the campaign's before those across.
CODE_ORDER = (
    "above_unconfirmed",
    "vpr_over_oge",
    "cohort_drop",
    "score_peaks",
    "hard_over_basic",
    "journal_gap",
    "federal_list",
)


def markers_for(user: Any) -> QuerySet[ObjectivityMarker]:
    """The markers the user may see, with what their lines show."""
    return ObjectivityMarker.objects.for_user(user).select_related(
        "school", "subject", "campaign", "municipality"
    )


def raised_for(user: Any) -> QuerySet[ObjectivityMarker]:
    return markers_for(user).filter(raised=True)


def marker_years(user: Any) -> list[int]:
    """The years with a raised marker the user may see, latest first."""
    return sorted(
        set(raised_for(user).values_list("year", flat=True).order_by().distinct()), reverse=True
    )


def procedure_label(code: str) -> str:
    try:
        return str(ProcedureCode(code).label)
    except ValueError:
        return code


def what(marker: ObjectivityMarker) -> str:
    """What the marker is about: «ВПР, русский язык, 4 класс»."""
    parts = [procedure_label(marker.procedure)]
    if marker.subject is not None:
        parts.append(marker.subject.name.lower())
    if marker.grade:
        parts.append(f"{marker.grade} класс")
    return ", ".join(parts)


def explain(marker: ObjectivityMarker) -> str:
    """The marker's evidence in words (assessments.objectivity.explain)."""
    return objectivity.explain(
        marker.code, marker.value, marker.threshold, marker.evidence, reason=marker.reason
    )


def campaign_url(marker: ObjectivityMarker) -> str | None:
    """The campaign's results page where the marker shows, for its school and municipality:
    score_peaks opens the primary-score histogram with the cut-offs, the journal markers
    the journal tab."""
    if marker.campaign_id is None:
        return None
    tab = {"score_peaks": "distribution", "journal_gap": "journal", "hard_over_basic": "tasks"}
    url = reverse("assessments:campaign_detail", args=[marker.campaign_id])
    query = f"municipality={marker.municipality_id}&school={marker.school_id}"
    if marker.code in tab:
        query += f"&tab={tab[marker.code]}"
    return f"{url}?{query}"


@dataclass(frozen=True)
class MarkerLine:
    """One marker as a line of a page: its name, what it is about and its evidence in words."""

    marker: ObjectivityMarker
    name: str
    short: str
    about: str
    text: str
    url: str
    campaign_url: str | None


def line(marker: ObjectivityMarker) -> MarkerLine:
    return MarkerLine(
        marker=marker,
        name=objectivity.MARKER_NAMES.get(marker.code, marker.code),
        short=objectivity.MARKER_SHORT.get(marker.code, marker.code),
        about=what(marker),
        text=explain(marker),
        url=marker.get_absolute_url(),
        campaign_url=campaign_url(marker),
    )


def _sort_key(marker: ObjectivityMarker) -> tuple[Any, ...]:
    order = CODE_ORDER.index(marker.code) if marker.code in CODE_ORDER else len(CODE_ORDER)
    return (
        marker.procedure,
        marker.subject.order if marker.subject else 0,
        marker.grade or 0,
        order,
    )


@dataclass
class SchoolMarkers:
    """A school's raised markers by year (latest first), for the school card."""

    school: School
    years: list[tuple[int, list[MarkerLine]]] = field(default_factory=list)
    computed: bool = False  # some markers (raised or not) are stored for the school

    @property
    def count(self) -> int:
        return sum(len(lines) for _year, lines in self.years)


def school_markers(user: Any, school: School) -> SchoolMarkers:
    """The raised markers of one school that the user may see, by year.

    Through `for_user`: a director asking about another school gets none (the card itself
    is not his to open either).
    """
    markers = list(markers_for(user).filter(school=school))
    found = SchoolMarkers(school=school, computed=bool(markers))
    by_year: dict[int, list[ObjectivityMarker]] = defaultdict(list)
    for marker in markers:
        if marker.raised:
            by_year[marker.year].append(marker)
    found.years = [
        (year, [line(m) for m in sorted(by_year[year], key=_sort_key)])
        for year in sorted(by_year, reverse=True)
    ]
    return found


@dataclass
class RepeatRow:
    """A school with raised markers in several years: the codes of each year."""

    school: School
    codes: dict[int, list[str]]

    @property
    def years(self) -> list[int]:
        return sorted(self.codes)

    def cell(self, year: int) -> str:
        """The year's markers in words, with how many of each («Пики на границах (3)»)."""
        counts: dict[str, int] = defaultdict(int)
        for code in self.codes.get(year, []):
            counts[code] += 1
        return "; ".join(
            objectivity.MARKER_SHORT.get(code, code) + (f" ({n})" if n > 1 else "")
            for code, n in sorted(
                counts.items(),
                key=lambda item: CODE_ORDER.index(item[0]) if item[0] in CODE_ORDER else 99,
            )
        )


def repeat_offenders(
    user: Any,
    *,
    min_years: int = 2,
    codes: Iterable[str] | None = None,
    municipality_id: int | None = None,
) -> tuple[list[RepeatRow], list[int]]:
    """Schools with raised markers in `min_years` years or more (years × marker codes), most
    years first; and the years shown as columns."""
    markers = raised_for(user)
    if codes:
        markers = markers.filter(code__in=list(codes))
    if municipality_id:
        markers = markers.filter(municipality_id=municipality_id)
    by_school: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    schools: dict[int, School] = {}
    for marker in markers.order_by("year", "pk"):
        by_school[marker.school_id][marker.year].append(marker.code)
        schools[marker.school_id] = marker.school
    rows = [
        RepeatRow(schools[pk], dict(years))
        for pk, years in by_school.items()
        if len(years) >= min_years
    ]
    rows.sort(key=lambda r: (-len(r.codes), -sum(map(len, r.codes.values())), r.school.short_name))
    years = sorted({year for row in rows for year in row.codes})
    return rows, years


def counts_by_year(
    user: Any, *, years: list[int], municipality_id: int | None = None
) -> dict[tuple[int, str], int]:
    """(year, code) → the number of schools with that raised marker, among those the user
    sees (a director: his own school only)."""
    markers = raised_for(user).filter(year__in=years)
    if municipality_id:
        markers = markers.filter(municipality_id=municipality_id)
    schools: dict[tuple[int, str], set[int]] = defaultdict(set)
    for year, code, school_id in markers.values_list("year", "code", "school_id"):
        schools[(year, code)].add(school_id)
    return {key: len(found) for key, found in schools.items()}


def raised_by_school(*, municipality_id: int, years: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """School id → the codes of its raised markers in `years` (for the rules that handle
    the schools with markers apart; not a user's read, the rule runs for the municipality)."""
    found: dict[int, set[str]] = defaultdict(set)
    for school_id, code in ObjectivityMarker.objects.filter(
        municipality_id=municipality_id, year__in=list(years), raised=True
    ).values_list("school_id", "code"):
        found[school_id].add(code)
    return {pk: tuple(sorted(codes)) for pk, codes in found.items()}
