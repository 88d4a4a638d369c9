"""Pages of ВсОШ: the summary of a year and stage, and one school's olympiad history.

Both read the stored figures (`assessments.selectors_olympiads`), never the results: the
figures are computed by the job after each olympiad import.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django_tables2 import RequestConfig

from assessments import selectors_olympiads as selectors
from assessments.tables_olympiads import OlympiadSchoolTable, OlympiadSubjectTable
from msoko import charts, formatting
from msoko.access import AuthedHttpRequest, role_required
from msoko.exports import CSV_TYPE, csv_bytes, download, table_rows
from schools.models import School


def awarded_chart(summary: selectors.Summary, own: School | None = None) -> charts.HBarChart | None:
    """Winners and prize-winners per 100 pupils by school, a row each (highest first), the
    municipality's as the reference line and `own` (a director's school) highlighted; None
    when no school has the figure."""
    lines = [line for line in summary.schools if line.figures.awarded_per_100 is not None]
    if not lines:
        return None
    lines.sort(key=lambda line: (-(line.figures.awarded_per_100 or 0), line.school.short_name))
    total = summary.total.awarded_per_100 if summary.total is not None else None
    return charts.HBarChart(
        title=(
            f"ВсОШ {summary.year}, {summary.stage_label} этап: победителей и призёров "
            "на 100 обучающихся"
        ),
        categories=tuple(line.school.bar_label for line in lines),
        series=charts.Series(
            "Победителей и призёров на 100",
            tuple(line.figures.awarded_per_100 for line in lines),
        ),
        reference=total,
        reference_label="Муниципалитет",
        highlight=own.bar_label if own is not None else None,
        highlight_name="Моя организация",
    )


@role_required()
def olympiad_summary(request: AuthedHttpRequest) -> HttpResponse:
    """ВсОШ of a year and stage: by subject, by school (sortable) and a chart."""
    summary = selectors.summary_for(
        request.user,
        year=request.GET.get("year"),
        stage=request.GET.get("stage"),
        municipality=request.GET.get("municipality"),
    )
    context = {
        "summary": summary,
        "title": "ВсОШ: участники, победители и призёры",
        "stage_labels": selectors.STAGE_LABELS,
        "can_upload": request.user.can_edit or request.user.is_director,
    }
    export = request.GET.get("export") == "csv"
    if summary.has_data or export:
        subject_table = OlympiadSubjectTable(summary.subjects)
        school_table = OlympiadSchoolTable(summary.schools)
        RequestConfig(request, paginate=False).configure(subject_table)
        RequestConfig(request, paginate=False).configure(school_table)
        if export:
            if request.GET.get("table") == "subjects":
                return _table_csv(subject_table, summary, "predmety")
            return _table_csv(school_table, summary, "oo")
        context |= {
            "subject_table": subject_table,
            "school_table": school_table,
            "chart": awarded_chart(summary, request.user.own_school()),
        }
    return render(request, "assessments/olympiad_summary.html", context)


def _csv_cell(value: Any) -> Any:
    """A table's export value for a CSV cell: a number through `formatting.csv_number`
    (the per-100 figures come already rounded to tenths), text as it is."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return formatting.csv_number(value)
    return value


def _table_csv(table: Any, summary: selectors.Summary, part: str) -> HttpResponse:
    """One table of the summary as the page shows it (its rows, its sort), through the
    table's own columns: a column is declared once, in tables_olympiads."""
    header, rows = table_rows(table)
    body = [[_csv_cell(value) for value in row] for row in rows]
    name = "-".join(str(bit) for bit in ("vsosh", summary.year, summary.stage, part) if bit)
    return download(f"{name}.csv", CSV_TYPE, csv_bytes(header, body))


@role_required()
def olympiad_school(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One school's ВсОШ over the years, and its participant codes and statuses (no names)."""
    school = get_object_or_404(School.objects.for_user(request.user), pk=pk)
    history = selectors.school_history(request.user, school, year=request.GET.get("year"))
    return render(
        request,
        "assessments/olympiad_school.html",
        {"history": history, "school": school, "title": f"ВсОШ: {school.short_name}"},
    )


urlpatterns: list[URLPattern] = [
    path("olympiads/", olympiad_summary, name="olympiad_summary"),
    path("olympiads/school/<int:pk>/", olympiad_school, name="olympiad_school"),
]
