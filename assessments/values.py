"""Reads of the stored indicator values (`IndicatorValue`): series over years, rankings,
the previous year's value. Pages, exports and rules read indicators from here by catalogue
code; nothing here reads raw results. Every function that serves a user takes the
queryset already restricted to him (`IndicatorValue.objects.for_user(user)`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from assessments.choices import ReferenceLevel
from assessments.models import FiguresRun, IndicatorValue
from msoko.querysets import user_municipality_id
from schools.models import Municipality

#: Where a value sits: the same procedure, subject, grade and cut, in one municipality.
Key = tuple[str, int | None, int | None, str, int, int | None, str]


def value_key(row: IndicatorValue, *, year_offset: int = 0) -> tuple[Any, ...]:
    """What identifies a value apart from its year (and the year, shifted)."""
    return (
        row.year + year_offset,
        row.procedure,
        row.subject_id,
        row.grade,
        row.part,
        row.municipality_id,
        row.school_id,
        row.level,
        row.code,
    )


def export_rows(
    *,
    codes: list[str],
    year: int | None = None,
    procedure: str | None = None,
    school_login: str | None = None,
    queryset: QuerySet[IndicatorValue] | None = None,
) -> Iterator[tuple[IndicatorValue, IndicatorValue | None]]:
    """Each school's and municipality's value with the same value a year before (or None).

    In the order of the export: year, procedure, subject, grade, then the schools by name
    and the municipality last, then the catalogue's order of indicators.
    """
    rows = (queryset if queryset is not None else IndicatorValue.objects.all()).filter(
        code__in=codes, level__in=[ReferenceLevel.SCHOOL, ReferenceLevel.MUNICIPALITY]
    )
    if procedure:
        rows = rows.filter(procedure=procedure)
    if school_login:
        rows = rows.filter(school__login=school_login)
    wanted = rows
    if year:
        wanted = rows.filter(year=year)
        rows = rows.filter(year__in=[year, year - 1])
    previous = {value_key(row, year_offset=1): row for row in rows}
    order = {code: index for index, code in enumerate(codes)}
    found = list(wanted.select_related("school", "subject"))
    found.sort(
        key=lambda row: (
            row.year,
            row.procedure,
            row.subject.order if row.subject else 0,
            row.subject_id or 0,
            row.grade or 0,
            row.part,
            row.municipality_id,
            row.school is None,
            row.school.short_name if row.school else "",
            order[row.code],
        )
    )
    for row in found:
        yield row, previous.get(value_key(row))


def year_municipalities(
    user: Any, *, procedure: str, also: Iterable[int] = ()
) -> list[Municipality]:
    """The municipalities a user may choose among for a procedure's year figures: his own
    when he is bound to one; else those with stored year figures of the procedure and
    `also` (those with data whose figures are not stored yet: the page says so)."""
    bound = user_municipality_id(user)
    if bound:
        return list(Municipality.objects.filter(pk=bound))
    ids = set(
        FiguresRun.objects.filter(procedure=procedure, campaign=None).values_list(
            "municipality_id", flat=True
        )
    )
    ids |= set(also)
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))
