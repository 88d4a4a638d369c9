"""The direction dashboards: the monitoring indicators of each direction of work (DOMAIN §8).

The list shows the ten directions for a year — how many collected indicators each has,
how many have a stored municipal value and how many meet their target; a direction's page
shows each indicator against its target with the year before, its trend and the schools.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django_tables2 import RequestConfig

from msoko import charts
from msoko.access import AuthedHttpRequest, role_required
from msoko.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, download, table_rows, xlsx_bytes
from msoko.formatting import csv_number
from reports import selectors_directions as selectors
from reports.tables_directions import SchoolValueTable
from schools.models import Municipality

YEAR_RANGE = range(2000, 2101)


def _municipality(request: AuthedHttpRequest) -> tuple[Municipality | None, list[Municipality]]:
    """The municipality shown and, for a deployment-wide user, those he may choose.

    A user bound to a municipality (a director: his school's) sees only his own: asking
    for another (`?municipality=`) is 404, as another municipality's object is.
    """
    user = request.user
    chosen = request.GET.get("municipality", "")
    school = user.own_school()
    bound = user.municipality_id or (school.municipality_id if school else None)
    if bound:
        if chosen and chosen != str(bound):
            raise Http404("Нет такого муниципалитета.")
        return Municipality.objects.filter(pk=bound).first(), []
    candidates = list(Municipality.objects.order_by("name"))
    if chosen:
        found = next((m for m in candidates if str(m.pk) == chosen), None)
        if found is None:
            raise Http404("Нет такого муниципалитета.")
        return found, candidates
    return selectors.default_municipality(candidates), candidates


def _year(request: AuthedHttpRequest, stored: list[int]) -> int:
    """The year asked for, else the latest with stored values, else the current one."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in YEAR_RANGE:
        return int(raw)
    return stored[0] if stored else selectors.current_year()


def _choice(
    request: AuthedHttpRequest, municipality: Municipality | None, choices: list[Municipality]
) -> dict[str, Any]:
    """The municipality, the years to choose from, the year, and the query that keeps them."""
    stored = selectors.stored_years(request.user, municipality)
    year = _year(request, stored)
    years = sorted({*stored, selectors.current_year(), year}, reverse=True)
    keep: dict[str, Any] = {"year": year}
    if choices and municipality is not None:
        keep["municipality"] = municipality.pk
    return {
        "municipality": municipality,
        "municipalities": choices,
        "year": year,
        "years": years,
        "stored_years": stored,
        "query": urlencode(keep),
    }


@role_required()
def direction_list(request: AuthedHttpRequest) -> HttpResponse:
    """The ten directions for a year, each with its indicators, values and targets met."""
    municipality, choices = _municipality(request)
    context = _choice(request, municipality, choices)
    rows = selectors.overview(request.user, municipality, context["year"])
    context.update(
        rows=rows,
        has_values=any(row.with_value for row in rows),
        has_indicators=any(row.indicators for row in rows),
        collections_url=_collections_url(),
        title="Показатели по направлениям",
    )
    return render(request, "reports/directions.html", context)


@role_required()
def direction_page(request: AuthedHttpRequest, code: str) -> HttpResponse:
    """One direction for a year: every collected indicator against its target, the year
    before, its trend and the schools; then the assessment indicators of the direction."""
    info = selectors.direction(code)
    if info is None:
        raise Http404("Нет такого направления.")
    municipality, choices = _municipality(request)
    context = _choice(request, municipality, choices)
    year = context["year"]
    blocks: list[selectors.IndicatorBlock] = []
    computed: list[selectors.ComputedRow] = []
    tables: dict[str, SchoolValueTable] = {}
    if municipality is not None:
        blocks = selectors.direction_blocks(request.user, municipality, code, year)
        computed = selectors.computed_rows(request.user, municipality, code, year)
        for block in blocks:
            if block.schools:
                table = SchoolValueTable(block)
                RequestConfig(request, paginate=False).configure(table)
                tables[block.indicator.code] = table
            if block.numeric and len(block.history) >= 2:
                block.chart = _trend(block)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        if not request.user.sees_all_schools:
            raise PermissionDenied("Выгрузка значений ОО — для специалистов управления.")
        wanted = tables.get(request.GET.get("indicator", ""))
        if wanted is None:
            raise Http404("Нет таблицы ОО этого показателя.")
        return _export(wanted, export, year)
    context.update(
        direction=info,
        blocks=[(block, tables.get(block.indicator.code)) for block in blocks],
        computed=computed,
        collections_url=_collections_url(),
        can_export=request.user.sees_all_schools,
        title=info.label,
    )
    return render(request, "reports/direction.html", context)


def _trend(block: selectors.IndicatorBlock) -> charts.BarChart:
    indicator = block.indicator
    unit = "ед." if not block.percent else "%"
    return charts.BarChart(
        title=f"{indicator.name}: муниципалитет по годам",
        categories=tuple(str(y) for y, _v in block.history),
        series=(charts.Series("Муниципалитет", tuple(v for _y, v in block.history)),),
        unit=block.unit,
        places=block.places,
        description=f"Значение муниципалитета ({unit}) в каждом году, где оно сохранено.",
        width=420,
        height=220,
    )


def _export(table: SchoolValueTable, kind: str, year: int) -> HttpResponse:
    """The schools table as the page shows it (its columns, its sort)."""
    header, rows = table_rows(table)
    name = f"pokazatel-{table.block.indicator.code}-{year}"
    if kind == "xlsx":
        content = xlsx_bytes([(table.block.indicator.code, header, rows)])
        return download(f"{name}.xlsx", XLSX_TYPE, content)
    body = [[csv_number(v) if _is_number(v) else v for v in row] for row in rows]
    return download(f"{name}.csv", CSV_TYPE, csv_bytes(header, body))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _collections_url() -> str | None:
    """The data collections page, where values come from (None until it exists)."""
    try:
        return reverse("roadmaps:collection_list")
    except NoReverseMatch:
        return None
