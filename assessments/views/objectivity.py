"""Pages of the objectivity markers (маркеры необъективности, DOMAIN §6).

The list of a year's raised markers (filters, sort, XLSX / CSV through its table, a chart of
the counts), the schools with markers in several years, one marker with its evidence, and
the upload of a federal list through the shared upload flow. Everything reads the stored
markers (`assessments.selectors_objectivity`), restricted by `for_user`: a director sees his
school's markers only, another municipality's marker is a 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django_tables2 import RequestConfig

from assessments import objectivity
from assessments import selectors_objectivity as selectors
from assessments.filtersets import ObjectivityMarkerFilterSet
from assessments.forms_objectivity import FederalListUploadForm
from assessments.models import ObjectivityMarker
from assessments.services.federal_lists import FEDERAL_LIST
from assessments.tables_objectivity import ObjectivityMarkerTable, RepeatTable, marker_places
from msoko import charts, formatting
from msoko.access import AuthedHttpRequest, role_required
from msoko.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, download, table_rows, xlsx_bytes
from msoko.querysets import user_municipality_id
from msoko.views import ImportPages, ObjectListView

CHART_YEARS = 3  # the chart compares the counts of the chosen year and the two before


def _csv_cell(value: Any) -> Any:
    """A table's export value for a CSV cell: numbers with a decimal comma."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return formatting.csv_number(value)
    return value


def _table_download(table: Any, name: str, kind: str, title: str) -> HttpResponse:
    header, rows = table_rows(table)
    stamp = timezone.localdate().isoformat()
    if kind == "csv":
        body = [[_csv_cell(value) for value in row] for row in rows]
        return download(f"{name}-{stamp}.csv", CSV_TYPE, csv_bytes(header, body))
    return download(f"{name}-{stamp}.xlsx", XLSX_TYPE, xlsx_bytes([(title, header, rows)]))


def counts_chart(
    user: Any, *, year: int | None, municipality_id: int | None = None
) -> charts.BarChart | None:
    """How many schools raise each marker, in the chosen year and the two before (the schools
    the user sees: a director, his own); None without a year or without markers."""
    if year is None:
        return None
    years = [y for y in selectors.marker_years(user) if year - CHART_YEARS < y <= year]
    if not years:
        return None
    years.sort()
    counts = selectors.counts_by_year(user, years=years, municipality_id=municipality_id)
    codes = [code for code in selectors.CODE_ORDER if any((y, code) in counts for y in years)]
    if not codes:
        return None
    return charts.BarChart(
        title=f"ОО с выявленными маркерами необъективности, {years[0]}–{years[-1]}"
        if len(years) > 1
        else f"ОО с выявленными маркерами необъективности, {years[0]}",
        categories=tuple(objectivity.MARKER_SHORT.get(code, code) for code in codes),
        series=tuple(
            charts.Series(str(y), tuple(counts.get((y, code), 0) for code in codes)) for y in years
        ),
        unit="",
        places=0,
        description="Число ОО, у которых маркер выявлен хотя бы в одной кампании года.",
    )


class ObjectivityMarkerListView(ObjectListView):
    """The raised markers of a year: a row per school × campaign × marker (the latest year
    with markers unless another is chosen)."""

    model = ObjectivityMarker
    table_class = ObjectivityMarkerTable
    filterset_class = ObjectivityMarkerFilterSet
    template_name = "assessments/objectivity_list.html"
    title = "Маркеры необъективности"
    export_name = "markery-neobektivnosti"
    create_url = None
    paginate_by = 50
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        return selectors.raised_for(self.request.user).order_by(
            "school__short_name", "procedure", "subject__order", "grade", "code", "pk"
        )

    def chosen_year(self) -> int | None:
        text = self.request.GET.get("year", "")
        if text.strip().isdigit():
            return int(text)
        years = selectors.marker_years(self.request.user)
        return years[0] if years else None

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        year = self.chosen_year()
        if "year" not in self.request.GET and year is not None:
            data = self.request.GET.copy()
            data["year"] = str(year)
            kwargs["data"] = data
        return kwargs

    def export(self, kind: str) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        valid = not filterset.is_bound or filterset.is_valid()
        queryset = filterset.qs if valid else self.get_queryset().none()
        table = ObjectivityMarkerTable(queryset, request=self.request)
        RequestConfig(self.request, paginate=False).configure(table)
        year = self.chosen_year()
        name = f"{self.export_name}-{year}" if year else self.export_name
        return _table_download(table, name, kind, self.title)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = self.chosen_year()
        chosen = self.request.GET.get("municipality", "")
        context |= {
            "year": year,
            "years": selectors.marker_years(user),
            "chart": counts_chart(
                user,
                year=year,
                municipality_id=int(chosen) if chosen.isdigit() else None,
            ),
            "can_upload": user.can_edit,
            "marker_names": objectivity.MARKER_NAMES,
            "tab": "list",
        }
        return context


@role_required()
def objectivity_repeat(request: AuthedHttpRequest) -> HttpResponse:
    """Schools with raised markers in two years or more: years × markers."""
    user = request.user
    code = request.GET.get("code", "")
    codes = [code] if code in objectivity.MARKER_NAMES else None
    rows, years = selectors.repeat_offenders(user, codes=codes)
    table = RepeatTable(rows, years)
    RequestConfig(request, paginate=False).configure(table)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _table_download(table, "markery-povtorno", export, "Маркеры в нескольких годах")
    return render(
        request,
        "assessments/objectivity_repeat.html",
        {
            "title": "Маркеры необъективности в нескольких годах",
            "table": table,
            "rows": rows,
            "code": code if codes else "",
            "marker_choices": list(objectivity.MARKER_SHORT.items()),
            "can_upload": user.can_edit,
            "tab": "repeat",
        },
    )


def evidence_chart(marker: ObjectivityMarker) -> charts.BarChart | None:
    """The numbers a marker compares, as bars (each chart carries its data table)."""
    e = marker.evidence or {}

    def d(key: str) -> Decimal | None:
        value = e.get(key)
        return None if value is None else Decimal(str(value))

    about = selectors.what(marker)
    if marker.value is None:
        return None
    if marker.code == "score_peaks" and e.get("cutoffs"):
        cuts = sorted(e["cutoffs"].items(), key=lambda item: int(item[0]))
        return charts.BarChart(
            title=f"{about}: участники на границах отметок и ожидаемое по соседним баллам",
            categories=tuple(f"{cut} б." for cut, _info in cuts),
            series=(
                charts.Series("Участников с этим баллом", tuple(i.get("count") for _c, i in cuts)),
                charts.Series(
                    "Ожидалось (среднее соседних)",
                    tuple(Decimal(str(i.get("expected"))) for _c, i in cuts),
                ),
            ),
            places=1,
        )
    if marker.code == "hard_over_basic":
        return charts.BarChart(
            title=f"{about}: выполнение заданий по уровням, %",
            categories=("Задания Б", "Задания П / В"),
            series=(
                charts.Series("ОО", (d("school_basic"), d("school_hard"))),
                charts.Series("Муниципалитет", (d("municipality_basic"), d("municipality_hard"))),
            ),
            unit="%",
            maximum=100,
        )
    if marker.code == "journal_gap":
        where = "Регион" if e.get("reference") == "region" else "Муниципалитет"
        return charts.BarChart(
            title=f"{about}: отметка ВПР и отметка по журналу, %",
            categories=("Понизили", "Повысили"),
            series=(
                charts.Series("ОО", (d("lowered"), d("raised"))),
                charts.Series(where, (d("reference_lowered"), d("reference_raised"))),
            ),
            unit="%",
            maximum=100,
        )
    if marker.code == "above_unconfirmed":
        categories = ["ВПР"]
        own, total = [d("vpr_quality")], [d("vpr_municipality")]
        if e.get("oge_quality") is not None:
            categories.append("ОГЭ")
            own.append(d("oge_quality"))
            total.append(d("oge_municipality"))
        return charts.BarChart(
            title=f"{about}: качество знаний, %",
            categories=tuple(categories),
            series=(
                charts.Series("ОО", tuple(own)),
                charts.Series("Муниципалитет", tuple(total)),
            ),
            unit="%",
            maximum=100,
        )
    if marker.code == "cohort_drop":
        before = e.get("year_before")
        return charts.BarChart(
            title=f"{about}: качество знаний того же класса, %",
            categories=(f"4 класс, {before}", f"5 класс, {marker.year}"),
            series=(charts.Series("ОО", (d("grade4"), d("grade5"))),),
            unit="%",
            maximum=100,
        )
    if marker.code == "vpr_over_oge":
        return charts.BarChart(
            title=f"{about}: качество знаний по ВПР и по ОГЭ в ОО, %",
            categories=("ВПР", "ОГЭ"),
            series=(charts.Series("ОО", (d("vpr_quality"), d("oge_quality"))),),
            unit="%",
            maximum=100,
        )
    return None


@role_required()
def objectivity_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One marker: what it compared, the numbers, the threshold, where it came from."""
    marker = get_object_or_404(
        selectors.markers_for(request.user).select_related(
            "run", "objectivity_run", "upload", "campaign__procedure", "campaign__subject"
        ),
        pk=pk,
    )
    others = [
        selectors.line(m)
        for m in selectors.raised_for(request.user)
        .filter(school_id=marker.school_id, year=marker.year)
        .exclude(pk=marker.pk)
        .order_by("procedure", "subject__order", "grade", "code")
    ]
    return render(
        request,
        "assessments/objectivity_detail.html",
        {
            "title": f"Маркер: {objectivity.MARKER_SHORT.get(marker.code, marker.code)} — "
            f"{marker.school.short_name}",
            "marker": marker,
            "line": selectors.line(marker),
            "chart": evidence_chart(marker),
            "places": marker_places(marker.code),
            "others": others,
            "params": objectivity.DEFAULT_PARAMS.get(marker.code, {}),
        },
    )


class FederalListUploadPages(ImportPages):
    """A federal list of schools with objectivity markers: the department's; each year of
    the file replaces that year's federal_list markers, in a job on confirmation."""

    flow = FEDERAL_LIST
    namespace = "assessments"
    prefix = "federal_list_upload"
    path = "objectivity/federal/upload/"
    form_class = FederalListUploadForm
    form_template = "assessments/objectivity_federal_upload.html"
    detail_template = "assessments/objectivity_federal_upload_detail.html"

    def imported_link(self, upload: Any) -> dict[str, Any]:
        years = [y["year"] for y in (upload.report or {}).get("years", [])]
        query = "?code=federal_list" + (f"&year={years[0]}" if len(years) == 1 else "")
        return {
            "imported_url": reverse("assessments:objectivity_list") + query,
            "imported_label": "Открыть маркеры федерального перечня",
        }

    def form_context(self, request: AuthedHttpRequest) -> dict[str, Any]:
        return {"bound": user_municipality_id(request.user)}


UPLOAD_PAGES = FederalListUploadPages()

urlpatterns: list[URLPattern] = [
    path("objectivity/", ObjectivityMarkerListView.as_view(), name="objectivity_list"),
    path("objectivity/repeat/", objectivity_repeat, name="objectivity_repeat"),
    path("objectivity/<int:pk>/", objectivity_detail, name="objectivity_detail"),
    *UPLOAD_PAGES.urls(),
]
