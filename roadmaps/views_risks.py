"""Pages of the federal project «500+» (DOMAIN §7): the reference of risks and measures,
a school's risk profile of a year, the survey workbook upload, the anti-risk programme,
the curator and the municipal overview.

Schools are looked up through ``School.objects.for_user`` (a director asking for another
school, or a specialist for another municipality's, gets 404); writes go through
roadmaps/services_risks.py, reads through roadmaps/selectors_risks.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from msoko import charts
from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES, Role
from msoko.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, download, table_rows, xlsx_bytes
from msoko.views import ImportPages
from roadmaps import selectors_risks as selectors
from roadmaps import services_risks as services
from roadmaps.exports_risks import RiskTemplateExport
from roadmaps.forms_risks import (
    CuratorForm,
    MeasureTemplateForm,
    RiskDirectionForm,
    RiskEntryForm,
    RiskUploadForm,
)
from roadmaps.models import (
    MeasureTemplate,
    RiskDirection,
    RiskProgramme,
    SchoolCurator,
    SchoolRisk,
)
from roadmaps.tables_risks import ProgrammeOverviewTable
from schools.models import School

PROFILE_EDITORS = (*EDITOR_ROLES, Role.DIRECTOR)


@dataclass
class ProfileLine:
    """A row of the profile page: the risk, the school's entry, its form when editable."""

    risk: RiskDirection
    entry: SchoolRisk | None
    form: RiskEntryForm | None
    valid: bool  # the risk is valid in the page's year


def _school(request: AuthedHttpRequest, pk: int) -> School:
    return get_object_or_404(
        School.objects.for_user(request.user).select_related("municipality"), pk=pk
    )


def _year_or_404(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404("Нет такого года.")
    return year


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# ------------------------------------------------------------------ reference


@role_required()
def risk_direction_list(request: AuthedHttpRequest) -> HttpResponse:
    """The risk directions of the profile with their years and number of template measures."""
    year = timezone.localdate().year
    return render(
        request,
        "roadmaps/risks/direction_list.html",
        {
            "directions": selectors.directions_with_measures(),
            "year": year,
            "can_edit": request.user.can_edit,
        },
    )


@role_required()
def risk_direction_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    direction = get_object_or_404(RiskDirection, pk=pk)
    return render(
        request,
        "roadmaps/risks/direction_detail.html",
        {
            "direction": direction,
            "measures": selectors.measures_of(direction),
            "can_edit": request.user.can_edit,
        },
    )


def _direction_form(
    request: AuthedHttpRequest, direction: RiskDirection, title: str, back: str
) -> HttpResponse:
    form = RiskDirectionForm(request.POST or None, instance=direction)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.risk_direction_save(
                direction=form.save(commit=False), user=request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Риск «{saved.title}» сохранён.")
            return redirect("roadmaps:risk_direction_detail", pk=saved.pk)
    return render(request, "form.html", {"form": form, "title": title, "back": back})


@role_required(*EDITOR_ROLES)
def risk_direction_create(request: AuthedHttpRequest) -> HttpResponse:
    return _direction_form(
        request,
        RiskDirection(valid_from=timezone.localdate().year),
        "Новый риск риск-профиля",
        reverse("roadmaps:risk_direction_list"),
    )


@role_required(*EDITOR_ROLES)
def risk_direction_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    direction = get_object_or_404(RiskDirection, pk=pk)
    return _direction_form(
        request,
        direction,
        f"Риск: {direction.title}",
        reverse("roadmaps:risk_direction_detail", args=[direction.pk]),
    )


def _measure_form(
    request: AuthedHttpRequest, template: MeasureTemplate, title: str
) -> HttpResponse:
    back = reverse("roadmaps:risk_direction_detail", args=[template.risk_id])
    form = MeasureTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_template_save(template=form.save(commit=False), user=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Мероприятие сохранено.")
            return redirect(back)
    return render(request, "form.html", {"form": form, "title": title, "back": back})


@role_required(*EDITOR_ROLES)
def measure_template_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    direction = get_object_or_404(RiskDirection, pk=pk)
    return _measure_form(
        request, MeasureTemplate(risk=direction), f"Новое мероприятие: {direction.title}"
    )


@role_required(*EDITOR_ROLES)
def measure_template_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MeasureTemplate.objects.select_related("risk"), pk=pk)
    return _measure_form(request, template, f"Мероприятие: {template.risk.title}")


@require_POST
@role_required(*EDITOR_ROLES)
def measure_template_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MeasureTemplate, pk=pk)
    risk_id = template.risk_id
    services.measure_template_delete(template=template, user=request.user)
    messages.success(request, "Мероприятие удалено из шаблона; созданные программы не изменились.")
    return redirect("roadmaps:risk_direction_detail", pk=risk_id)


# ------------------------------------------------------------------ the profile


@role_required()
def risk_profile(request: AuthedHttpRequest, school: int, year: int) -> HttpResponse:
    """A school's risk profile of a year: every valid risk with value, level, evidence and
    «выбран»; specialists and the school's director edit it (POST), officials read it."""
    the_school = _school(request, school)
    year = _year_or_404(year)
    can_edit = services.can_edit_profile(request.user, the_school)
    rows = selectors.profile_rows(the_school, year)
    posted = request.method == "POST"
    if posted and not can_edit:
        raise PermissionDenied("Риск-профиль изменяют специалисты управления и руководитель ОО.")
    lines = []
    for row in rows:
        valid = row.risk.valid_in(year)
        form = None
        if can_edit and valid:
            form = RiskEntryForm(
                request.POST if posted else None,
                prefix=f"risk-{row.risk.pk}",
                initial=RiskEntryForm.initial_for(row.entry),
            )
        lines.append(ProfileLine(row.risk, row.entry, form, valid))
    editable = [(line.risk, line.form) for line in lines if line.form is not None]
    if posted and all(form.is_valid() for _risk, form in editable):
        entries = [
            services.RiskEntry(
                risk_id=risk.pk,
                value=form.cleaned_data["value"],
                level=form.cleaned_data["level"],
                selected=form.cleaned_data["selected"],
                evidence=form.cleaned_data["evidence"],
            )
            for risk, form in editable
        ]
        try:
            changed = services.risk_profile_save(
                school=the_school, year=year, user=request.user, entries=entries
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Риск-профиль сохранён (изменено рисков: {changed})."
                if changed
                else "Изменений нет.",
            )
            return redirect("roadmaps:risk_profile", school=the_school.pk, year=year)
    elif posted:
        messages.error(request, "Проверьте выделенные поля.")
    progress = selectors.school_progress(request.user, the_school, year)
    this_year = timezone.localdate().year
    years = sorted(
        set(selectors.profile_years(request.user, the_school)) | {year, this_year}, reverse=True
    )
    return render(
        request,
        "roadmaps/risks/profile.html",
        {
            "school": the_school,
            "year": year,
            "years": years,
            "lines": lines,
            "can_edit": can_edit,
            "progress": progress,
            "selected": sum(1 for row in rows if row.entry is not None and row.entry.selected),
            "history": selectors.risk_history(the_school, year),
            "is_editor": request.user.can_edit,
        },
    )


@require_POST
@role_required(*PROFILE_EDITORS)
def risk_programme_create(request: AuthedHttpRequest, school: int, year: int) -> HttpResponse:
    """«Создать антирисковую программу»: the road map with a section per selected risk."""
    the_school = _school(request, school)
    year = _year_or_404(year)
    if not services.can_edit_profile(request.user, the_school):
        raise PermissionDenied("Программу создают специалисты управления и руководитель ОО.")
    existed = RiskProgramme.objects.filter(school=the_school, year=year).exists()
    try:
        programme = services.risk_programme_create(school=the_school, year=year, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roadmaps:risk_profile", school=the_school.pk, year=year)
    messages.success(
        request,
        "Антирисковая программа дополнена разделами выбранных рисков."
        if existed
        else "Антирисковая программа создана: по разделу на каждый выбранный риск.",
    )
    return redirect(programme.roadmap)


# ------------------------------------------------------------------ curator


@role_required()
def risk_curator(request: AuthedHttpRequest, school: int) -> HttpResponse:
    """The school's curator in the «500+» project and the history of assignments; POST
    (specialists) assigns one, or removes him with «remove»."""
    the_school = _school(request, school)
    can_edit = request.user.can_edit
    candidates = services.curator_candidates(the_school)
    form = CuratorForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Куратора назначают специалисты управления образования.")
        if request.POST.get("remove"):
            if services.curator_remove(school=the_school, user=request.user):
                messages.success(request, "Куратор снят.")
            return redirect("roadmaps:risk_curator", school=the_school.pk)
        if form.is_valid():
            try:
                record = services.curator_assign(
                    school=the_school,
                    curator=form.cleaned_data["user"],
                    user=request.user,
                    since=form.cleaned_data["since"],
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, f"Куратор назначен: {form.cleaned_data['user']}.")
                return redirect("roadmaps:risk_curator", school=record.school_id)
    current = SchoolCurator.objects.filter(school=the_school).select_related("user").first()
    return render(
        request,
        "roadmaps/risks/curator.html",
        {
            "school": the_school,
            "current": current,
            "form": form if can_edit else None,
            "history": selectors.curator_history(the_school),
            "year": timezone.localdate().year,
        },
    )


# ------------------------------------------------------------------ the overview


def _int_param(request: AuthedHttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def progress_chart(rows: list[selectors.Progress], year: int) -> charts.HBarChart | None:
    """% of occurrences done per school with a programme (highest first); the reference
    line is all the programmes together. None when no programme has occurrences."""
    lines = [row for row in rows if row.has_programme and row.percent is not None]
    if not lines:
        return None
    lines.sort(key=lambda row: (-(row.percent or 0), row.school_name))
    total = sum(row.total for row in lines)
    done = sum(row.done for row in lines)
    return charts.HBarChart(
        title=f"Выполнение антирисковых программ {year} г., % сроков исполнения",
        categories=tuple(row.school_name for row in lines),
        series=charts.Series("Выполнено, %", tuple(row.percent for row in lines)),
        unit="%",
        maximum=100,
        reference=100 * done / total if total else None,
        reference_label="Все программы",
    )


@role_required()
def risk_overview(request: AuthedHttpRequest) -> HttpResponse:
    """«Проект 500+»: every school with a risk profile or a programme in the year — risks,
    programme, % of measures done, overdue, curator; sortable, exported as XLSX / CSV."""
    years = selectors.overview_years(request.user)
    year = _int_param(request, "year")
    if year is None or not 2000 <= year <= 2100:
        year = years[0] if years else timezone.localdate().year
    municipalities = list(selectors.overview_municipalities(request.user))
    municipality = _int_param(request, "municipality")
    progress = selectors.programme_progress(request.user, year)
    rows = list(progress.values())
    if municipality and len(municipalities) > 1:
        allowed = set(
            School.objects.filter(pk__in=progress, municipality_id=municipality).values_list(
                "pk", flat=True
            )
        )
        rows = [row for row in rows if row.school_id in allowed]
    table = ProgrammeOverviewTable(rows, request=request)
    RequestConfig(request, paginate=False).configure(table)
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        header, values = table_rows(table)
        name = f"proekt-500-{year}"
        if export == "csv":
            return download(f"{name}.csv", CSV_TYPE, csv_bytes(header, values))
        return download(
            f"{name}.xlsx", XLSX_TYPE, xlsx_bytes([(f"Проект 500+ {year}", header, values)])
        )
    with_programme = [row for row in rows if row.has_programme]
    return render(
        request,
        "roadmaps/risks/overview.html",
        {
            "title": "Проект «500+»",
            "table": table,
            "year": year,
            "years": sorted(set(years) | {year, timezone.localdate().year}, reverse=True),
            "municipalities": municipalities if len(municipalities) > 1 else [],
            "municipality": municipality,
            "chart": progress_chart(rows, year),
            "schools": len(rows),
            "programmes": len(with_programme),
            "overdue": sum(row.overdue for row in rows),
            "without_curator": sum(1 for row in rows if row.curator is None),
            "can_edit": request.user.can_edit,
        },
    )


# ------------------------------------------------------------------ import


class RiskImportPages(ImportPages):
    """Survey aggregates per school and risk: the department's; applied in a job."""

    flow = services.RISKS
    namespace = "roadmaps"
    prefix = "risk_import"
    path = "risks/import/"
    form_class = RiskUploadForm
    form_template = "roadmaps/risks/import.html"
    detail_template = "roadmaps/risks/import_detail.html"

    def store_kwargs(self, request: AuthedHttpRequest, form: Any) -> dict[str, Any]:
        return {"year": form.cleaned_data["year"]}

    def imported_link(self, upload: Any) -> dict[str, Any]:
        return {
            "imported_url": f"{reverse('roadmaps:risk_overview')}?year={upload.year}",
            "imported_label": "Открыть «Проект 500+»",
        }

    def form_context(self, request: AuthedHttpRequest) -> dict[str, Any]:
        return {"template_year": timezone.localdate().year}


IMPORT_PAGES = RiskImportPages()


@role_required(*EDITOR_ROLES)
def risk_import_template(request: AuthedHttpRequest) -> HttpResponse:
    """The workbook to fill: headers, drop-down lists, the risks and the user's schools."""
    year = _int_param(request, "year") or timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    filename, content_type, content = RiskTemplateExport(request.user, year).render()
    return download(filename, content_type, content)
