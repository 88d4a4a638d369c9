"""Pages that read every app: the home page with the official's dashboard, the indicator
catalogue, the municipal indicator page, the school card, cohorts and ВПР against ОГЭ."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from assessments import catalogue, cohorts, dynamics
from assessments.choices import IndicatorLevel, ProcedureCode
from assessments.selectors import home_summary as assessments_summary
from assessments.selectors_objectivity import school_markers
from msoko import charts, formatting
from msoko.access import AuthedHttpRequest, role_required
from msoko.exports import CSV_TYPE, csv_bytes, download
from reports import selectors
from reports.forms import AnalyticsForm
from reports.selectors_directions import school_monitoring
from reports.selectors_identification import school_status
from roadmaps.choices import CLOSED_STATUSES, RoadmapStatus
from roadmaps.models import Direction
from roadmaps.selectors import home_summary as roadmaps_summary
from roadmaps.selectors import occurrences_for, progress_of
from roadmaps.selectors_collections import open_submissions
from roadmaps.selectors_decisions import school_recommendations
from roadmaps.selectors_risks import profile_years, school_progress
from schools.selectors import home_summary as registry_summary
from schools.selectors import schools_for


@role_required()
def home(request: AuthedHttpRequest) -> HttpResponse:
    """The first screen: the registry, this year's campaigns and the road-map deadlines."""
    user = request.user
    context: dict[str, Any] = {
        "summary": registry_summary(user),
        "assessments": assessments_summary(user),
        "roadmaps": roadmaps_summary(user),
        # The open collections the director's school still has to hand in.
        "waiting": [s for s in open_submissions(user) if s.status != "submitted"],
    }
    if user.sees_all_schools:  # the official's dashboard: the municipality at a glance
        candidates = None if user.municipality_id else selectors.available_municipalities()
        municipality = selectors.municipality_of(user, request.GET.get("municipality"), candidates)
        board = selectors.dashboard(user, municipality)
        context["board"] = board
        context["progress"] = progress_of(
            occurrences_for(user).filter(task__roadmap__status=RoadmapStatus.APPROVED)
        )
        if board.rows:
            context["board_chart"] = _board_chart(board)
        context["municipalities"] = candidates or []
    return render(request, "home.html", context)


def _board_chart(board: selectors.Dashboard) -> charts.BarChart | None:
    """The share of «2» of every ВПР campaign of the year: the municipality, region, Russia."""
    rows = next(iter(board.rows.values()), [])
    if not rows:
        return None
    first = rows[0].cells[0]
    categories = tuple(f"{(r.subject.name if r.subject else '')[:3]}., {r.grade} кл." for r in rows)
    return charts.BarChart(
        title=f"{first.indicator.name}, {board.year}: муниципалитет, регион, Россия",
        categories=categories,
        series=(
            charts.Series("Муниципалитет", tuple(r.cells[0].value for r in rows)),
            charts.Series("Регион", tuple(r.cells[0].region for r in rows)),
            charts.Series("Россия", tuple(r.cells[0].russia for r in rows)),
        ),
        unit=first.indicator.unit,
        places=first.indicator.places,
        description="По каждой кампании года; где регион или Россия не загружены, столбца нет.",
    )


@role_required()
def indicator_catalogue(request: AuthedHttpRequest) -> HttpResponse:
    """Every indicator grouped by procedure: code, name, unit, direction, better, formula."""
    labels = dict(ProcedureCode.choices)
    directions = dict(Direction.objects.values_list("code", "title"))
    groups: dict[str, list[catalogue.Indicator]] = {}
    for indicator in catalogue.CATALOGUE.values():
        groups.setdefault(indicator.procedure, []).append(indicator)
    rows = [
        (
            labels.get(code, code),
            [(indicator, directions.get(indicator.direction, "")) for indicator in items],
        )
        for code, items in groups.items()
    ]
    return render(request, "reports/indicator_catalogue.html", {"groups": rows})


# --------------------------------------------------------------------------- dashboards


def _analytics_context(request: AuthedHttpRequest, code_default: str) -> dict[str, Any]:
    """The municipality, indicator, year, subject, grade and part a dashboard page shows,
    chosen from what is stored, with the form that changes them."""
    user = request.user
    municipality = selectors.municipality_of(user, request.GET.get("municipality"))
    values = selectors.values_for(user)
    if municipality is not None:
        values = values.filter(municipality=municipality)
    code = request.GET.get("code") or code_default
    if code not in catalogue.CATALOGUE:
        raise Http404(f"Показателя «{code}» нет в каталоге.")
    options = selectors.indicator_choices(values, code)
    if not user.municipality_id and not user.is_director:
        options["municipalities"] = selectors.available_municipalities()
    form = AnalyticsForm(request.GET or None, options=options)
    years = options["years"]
    year = form.value("year", years[0] if years else None)
    subjects = options["subjects"]
    default_subject = None if options["all_subjects"] or not subjects else subjects[0].pk
    subject = form.value("subject", default_subject) if request.GET.get("subject") != "" else None
    grades = options["grades"]
    grade = form.value("grade", grades[0] if grades else None)
    part = form.value("part", "")
    combos = options["combos"]
    if (year, subject, grade, part) not in combos:  # a combination that is not stored:
        fitting = sorted(  # the nearest that is (same year and subject first)
            (c for c in combos if c[0] == year),
            key=lambda c: (c[1] != subject, c[2] != grade, c[3] != part, c[2] or 0),
        )
        if fitting:
            year, subject, grade, part = fitting[0]
    chosen = {
        "code": code,
        "year": year,
        "subject": "" if subject is None else subject,
        "grade": grade,
        "part": part or "",
        "small": bool(form.value("small", False)),
        "municipality": municipality.pk if municipality else None,
    }
    return {
        "form": AnalyticsForm(None, options=options, initial=chosen),
        "municipality": municipality,
        "indicator": catalogue.CATALOGUE[code],
        "year": year,
        "subject_id": subject,
        "grade": grade,
        "part": part or "",
        "include_small": chosen["small"],
    }


@role_required()
def indicator_page(request: AuthedHttpRequest) -> HttpResponse:
    """One indicator across the municipality's schools: ranked with n and informativeness,
    a histogram, and the status × change grid."""
    context = _analytics_context(request, "vpr.fail_share")
    page = None
    if context["municipality"] is not None and context["year"] is not None:
        page = selectors.indicator_page(
            request.user,
            municipality=context["municipality"],
            code=context["indicator"].code,
            year=context["year"],
            subject_id=context["subject_id"],
            grade=context["grade"],
            part=context["part"],
            include_small=context["include_small"],
        )
        indicator = page.indicator
        labels, counts = selectors.histogram_bins(
            page.all_values, unit=indicator.unit, places=indicator.places
        )
        if counts:
            context["histogram"] = charts.Histogram(
                title=f"Распределение ОО по значению: {indicator.name}, {page.year}",
                bins=labels,
                counts=counts,
                x_label=f"Значение, {indicator.unit}",
                y_label="Число ОО",
                description="Высота столбца — число ОО, чьё значение попало в интервал "
                "(ОО с малым числом участников не входят).",
            )
        if request.GET.get("export") == "csv":
            return _ranked_csv(page)
        if len(page.history) > 1:
            context["history_chart"] = charts.BarChart(
                title=f"{indicator.name}: муниципалитет по годам",
                categories=tuple(str(y) for y, _v, _c in page.history),
                series=(charts.Series("Муниципалитет", tuple(v for _y, v, _c in page.history)),),
                unit=indicator.unit,
                places=indicator.places,
                description="Значение муниципалитета в каждом году (до пяти лет).",
                width=420,
                height=220,
            )
        context["totals"] = [
            ("Муниципалитет", page.totals.get(IndicatorLevel.MUNICIPALITY), True),
            ("Регион", page.totals.get(IndicatorLevel.REGION), False),
            ("Россия", page.totals.get(IndicatorLevel.RUSSIA), False),
        ]
        if page.grid is not None:
            context["grid_rows"] = page.grid_cells()
            context["change_labels"] = dynamics.CHANGE_LABELS
            context["notable"] = settings.DYNAMICS_NOTABLE_PP
    context.update(page=page, title="Показатель по ОО муниципалитета")
    return render(request, "reports/indicator.html", context)


def _ranked_csv(page: selectors.IndicatorPage) -> HttpResponse:
    indicator = page.indicator
    header = [
        "Место",
        "ОО",
        "Логин",
        "Значение",
        "n",
        "Информативность",
        "Прошлый год",
        "Изменение",
    ]
    rows = []
    for row in [*page.ranked, *page.small]:
        rows.append(
            [
                row.rank or "",
                row.school.short_name,
                row.school.login,
                formatting.csv_number(row.value, indicator.places),
                row.n,
                row.informative_label,
                formatting.csv_number(row.change.previous, indicator.places),
                formatting.csv_number(row.change.delta, indicator.places),
            ]
        )
    filename = f"pokazatel-{indicator.code}-{page.year}.csv"
    return download(filename, CSV_TYPE, csv_bytes(header, rows))


@role_required()
def school_card(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A school over the years: every procedure and subject with sparklines, against the
    municipality and similar schools; its passport, ИСБШ, ШНСУ status and road-map tasks."""
    school = get_object_or_404(schools_for(request.user).select_related("municipality"), pk=pk)
    card = selectors.school_card(request.user, school)
    tasks = list(
        occurrences_for(request.user)
        .filter(school=school)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("task")
        .order_by("due")[:10]
    )
    for row in card.rows:
        for series in row.series:
            series.sparkline = charts.Sparkline(
                title=f"{series.indicator.name} по годам",
                points=[(str(year), value) for year, value in series.points],
                places=series.indicator.places,
                # only «%» is written after the last value: a word would not fit the cell
                unit="%" if series.indicator.unit == "%" else "",
            )
    context = {
        "school": school,
        "card": card,
        "negative_rise": settings.DYNAMICS_NEGATIVE_RISE_PP,
        "tasks": tasks,
        "status": school_status(school),
        "progress": _programme(request.user, school),
        "school_markers": school_markers(request.user, school),
        "school_recommendations": school_recommendations(request.user, school),
        "title": f"Карточка ОО: {school.short_name}",
    }
    context["monitoring_rows"] = school_monitoring(request.user, school)
    return render(request, "reports/school_card.html", context)


def _programme(user: Any, school: Any) -> Any:
    """The «500+» progress of the school's latest year with a risk profile or programme."""
    years = profile_years(user, school)
    return school_progress(user, school, years[0]) if years else None


@role_required()
def cohorts_page(request: AuthedHttpRequest) -> HttpResponse:
    """The same cohort a year later: grade g in year Y against grade g + 1 in Y + 1."""
    context = _analytics_context(request, "vpr.fail_share")
    rows: list[selectors.CohortRow] = []
    year, grade = context["year"], context["grade"]
    if context["municipality"] is not None and year and grade and context["subject_id"]:
        rows = selectors.cohort_rows(
            request.user,
            municipality=context["municipality"],
            code=context["indicator"].code,
            subject_id=context["subject_id"],
            grade=grade,
            year=year,
        )
    context.update(
        rows=rows, methods=cohorts.METHOD_LABELS, title="Когорты: тот же класс через год"
    )
    return render(request, "reports/cohorts.html", context)


VPR_OGE_MEASURES = {
    "fail_share": "доля «2»",
    "quality": "качество знаний",
    "mean_mark": "средняя отметка",
}


@role_required()
def vpr_oge_page(request: AuthedHttpRequest) -> HttpResponse:
    """ВПР against ОГЭ of the same school and subject in the same year."""
    measure = request.GET.get("measure", "quality")
    if measure not in VPR_OGE_MEASURES:
        measure = "quality"
    context = _analytics_context(request, f"vpr.{measure}")
    rows: list[selectors.VprOgeRow] = []
    if context["municipality"] is not None and context["year"] and context["subject_id"]:
        rows = selectors.vpr_oge_rows(
            request.user,
            municipality=context["municipality"],
            measure=measure,
            subject_id=context["subject_id"],
            vpr_grade=context["grade"] or 8,
            year=context["year"],
        )
    context.update(
        rows=rows,
        measure=measure,
        measures=VPR_OGE_MEASURES,
        measure_label=VPR_OGE_MEASURES[measure],
        unit=catalogue.CATALOGUE[f"vpr.{measure}"].unit,
        places=catalogue.CATALOGUE[f"vpr.{measure}"].places,
        title="ВПР и ОГЭ одной ОО",
    )
    return render(request, "reports/vpr_oge.html", context)
