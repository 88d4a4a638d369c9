"""Pages of the registry: schools, passports, the index settings and the registry import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from msoko.access import AuthedHttpRequest, RoleRequiredMixin, ScopedObjectMixin, role_required
from msoko.choices import EDITOR_ROLES, Role
from msoko.exports import XLSX_TYPE, download
from msoko.jobs import job_create, job_enqueue
from msoko.views import ImportPages, ObjectListView
from schools import selectors, services
from schools.filtersets import SchoolFilterSet
from schools.forms import PassportForm, RegistryUploadForm, SchoolForm, WellbeingSettingsForm
from schools.models import Municipality, School, SocialPassport
from schools.registry import SHEETS, registry_template
from schools.tables import SchoolTable
from schools.wellbeing import DISTANCE_CAP_KM, FACTORS, factor_risks


class SchoolListView(ObjectListView):
    model = School
    table_class = SchoolTable
    filterset_class = SchoolFilterSet
    title = "Образовательные организации"
    export_name = "oo"
    create_url = "schools:school_create"
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        return selectors.schools_for(self.request.user)


class SchoolDetailView(RoleRequiredMixin, ScopedObjectMixin, DetailView):
    model = School
    template_name = "schools/school_detail.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("municipality", "successor")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        school: School = self.object
        user: Any = self.request.user
        passports = list(school.passports.order_by("-year"))
        wellbeing_settings = services.settings_for(school.municipality)
        context.update(
            passports=passports,
            latest=passports[0] if passports else None,
            risks=_risk_rows(passports[0], wellbeing_settings.weights) if passports else [],
            predecessors=School.objects.for_user(user).filter(successor=school),
            history=selectors.school_history(school),
            can_edit_school=user.can_edit,
            can_edit_passport=can_edit_passports(user, school),
        )
        return context


def _risk_rows(passport: SocialPassport, weights: dict[str, float]) -> list[dict[str, Any]]:
    risks = factor_risks(passport.values())
    return [
        {"label": factor.label, "risk": risks[factor.key], "weight": weights.get(factor.key, 0)}
        for factor in FACTORS
    ]


def can_edit_passports(user: Any, school: School) -> bool:
    """Specialists edit every passport; a director edits his own school's passports."""
    return bool(user.can_edit or (user.is_director and user.school_id == school.pk))


def _scoped_school(request: AuthedHttpRequest, pk: int) -> School:
    return get_object_or_404(School.objects.for_user(request.user), pk=pk)


@role_required(*EDITOR_ROLES)
def school_create(request: AuthedHttpRequest) -> HttpResponse:
    form = SchoolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        school = services.school_save(school=form.save(commit=False), user=request.user)
        messages.success(request, f"Организация «{school}» добавлена.")
        return redirect(school)
    return render(request, "form.html", {"form": form, "title": "Новая организация"})


@role_required(*EDITOR_ROLES)
def school_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    school = _scoped_school(request, pk)
    form = SchoolForm(request.POST or None, instance=school, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.school_save(school=form.save(commit=False), user=request.user)
        messages.success(request, "Изменения сохранены.")
        return redirect(school)
    return render(
        request,
        "form.html",
        {"form": form, "title": f"Изменение: {school}", "back": school.get_absolute_url()},
    )


@role_required(Role.SPECIALIST, Role.ADMIN, Role.DIRECTOR)
def passport_create(request: AuthedHttpRequest, school_pk: int) -> HttpResponse:
    school = _scoped_school(request, school_pk)
    if not can_edit_passports(request.user, school):
        raise PermissionDenied("Паспорт этой организации может изменять только её руководитель.")
    initial = {"year": timezone.localdate().year}
    form = PassportForm(request.POST or None, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.passport_save(passport=form.save(commit=False), user=request.user)
        messages.success(request, "Социальный паспорт сохранён, индекс пересчитан.")
        return redirect(school)
    return render(
        request,
        "form.html",
        {"form": form, "title": f"Социальный паспорт: {school}", "back": school.get_absolute_url()},
    )


@role_required(Role.SPECIALIST, Role.ADMIN, Role.DIRECTOR)
def passport_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    passport = get_object_or_404(
        SocialPassport.objects.for_user(request.user).select_related("school"), pk=pk
    )
    if not can_edit_passports(request.user, passport.school):
        raise PermissionDenied("Паспорт этой организации может изменять только её руководитель.")
    form = PassportForm(request.POST or None, instance=passport, school=passport.school)
    if request.method == "POST" and form.is_valid():
        services.passport_save(passport=form.save(commit=False), user=request.user)
        messages.success(request, "Социальный паспорт сохранён, индекс пересчитан.")
        return redirect(passport.school)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": f"Социальный паспорт {passport.year} г.: {passport.school}",
            "back": passport.school.get_absolute_url(),
        },
    )


@role_required()
def wellbeing(request: AuthedHttpRequest) -> HttpResponse:
    """The formula of the index, its weights and the ШНСУ rule; specialists edit them."""
    all_settings = selectors.settings_for_user(request.user)
    wellbeing_settings = all_settings[0] if all_settings else None
    if "municipality" in request.GET:
        wellbeing_settings = next(
            (s for s in all_settings if str(s.municipality_id) == request.GET["municipality"]),
            wellbeing_settings,
        )
    form = None
    if wellbeing_settings is not None and request.user.can_edit:
        initial: dict[str, Any] = {
            f"w_{key}": Decimal(str(value)) for key, value in wellbeing_settings.weights.items()
        }
        initial |= {
            "shnsu_rule": wellbeing_settings.shnsu_rule,
            "shnsu_value": wellbeing_settings.shnsu_value,
        }
        form = WellbeingSettingsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                changed = services.wellbeing_settings_update(
                    wellbeing_settings=wellbeing_settings,
                    weights=form.weights(),
                    shnsu_rule=form.cleaned_data["shnsu_rule"],
                    shnsu_value=form.cleaned_data["shnsu_value"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Настройки сохранены. Пересчитано паспортов: {changed}.")
                return redirect(
                    f"{reverse('schools:wellbeing')}?municipality={wellbeing_settings.municipality_id}"
                )
    elif request.method == "POST":
        raise PermissionDenied("Изменять веса может только специалист.")
    factors = [
        {
            "label": factor.label,
            "weight": (wellbeing_settings.weights if wellbeing_settings else {}).get(factor.key),
        }
        for factor in FACTORS
    ]
    return render(
        request,
        "schools/wellbeing.html",
        {
            "settings": wellbeing_settings,
            "all_settings": all_settings,
            "form": form,
            "factors": factors,
            "distance_cap": DISTANCE_CAP_KM,
        },
    )


@require_POST
@role_required(*EDITOR_ROLES)
def wellbeing_recompute(request: AuthedHttpRequest) -> HttpResponse:
    """Recompute every index in the background; the user watches the job page."""
    from schools.tasks import wellbeing_recompute_task

    municipality_id = request.user.municipality_id
    job = job_create(
        kind="wellbeing_recompute",
        title="Пересчёт индекса социального благополучия",
        created_by=request.user,
        params={"municipality_id": municipality_id},
    )
    job_enqueue(job, wellbeing_recompute_task)
    return redirect("job_detail", pk=job.pk)


@role_required(*EDITOR_ROLES)
def registry_template_download(request: AuthedHttpRequest) -> HttpResponse:
    return download("shablon-reestra-oo.xlsx", XLSX_TYPE, registry_template())


@role_required(*EDITOR_ROLES)
def registry_export(request: AuthedHttpRequest) -> HttpResponse:
    """The current registry in the template layout: edit it and upload it back."""
    rows: dict[str, list[list[Any]]] = {spec.name: [] for spec in SHEETS}
    schools = School.objects.for_user(request.user).select_related("municipality")
    municipalities = selectors.municipalities_for(request.user)
    chosen = request.GET.get("municipality", "")
    municipality: Municipality | None
    if chosen:
        municipality = get_object_or_404(municipalities, pk=chosen if chosen.isdigit() else 0)
    else:
        candidates = list(municipalities[:2])
        if len(candidates) > 1:
            messages.info(request, "Выберите муниципалитет, реестр которого нужно выгрузить.")
            return redirect("schools:registry_upload")
        municipality = candidates[0] if candidates else None
    if municipality is not None:
        rows["Муниципалитет"].append(
            [
                municipality.name,
                municipality.short_name,
                municipality.oktmo,
                municipality.region,
                municipality.fisoko_code,
            ]
        )
        schools = schools.filter(municipality=municipality)
    for school in schools:
        rows["ОО"].append(
            [
                school.login,
                school.full_name,
                school.short_name,
                school.get_org_type_display(),
                school.inn,
                school.address,
                school.get_locality_display().lower(),
                school.director_name,
                school.phone,
                school.email,
                "да" if school.is_active else "нет",
                ", ".join(p.login for p in school.predecessors.all()),
            ]
        )
    for passport in (
        SocialPassport.objects.filter(school__in=schools)
        .select_related("school")
        .order_by("school__login", "year")
    ):
        rows["Паспорта"].append(
            [
                passport.school.login,
                passport.year,
                *[
                    getattr(passport, name)
                    for name in (
                        "pupils_total",
                        "pupils_ovz",
                        "share_low_income",
                        "share_large_families",
                        "share_non_native",
                        "share_pdn",
                        "share_single_parent",
                        "share_parents_no_higher",
                        "teachers_total",
                        "teacher_vacancies",
                        "share_teachers_pension",
                        "share_teachers_category",
                        "distance_km",
                    )
                ],
            ]
        )
    content = registry_template(rows)
    return download(f"reestr-oo-{timezone.localdate().isoformat()}.xlsx", XLSX_TYPE, content)


class RegistryPages(ImportPages):
    """The registry workbook: the department's; applied whole on confirmation, in a job."""

    flow = services.REGISTRY
    namespace = "schools"
    prefix = "registry_upload"
    path = "registry/"
    form_class = RegistryUploadForm
    form_template = "schools/registry_upload.html"
    detail_template = "schools/registry_upload_detail.html"

    def form_context(self, request: AuthedHttpRequest) -> dict[str, Any]:
        return {"municipalities": selectors.municipalities_for(request.user)}

    def imported_link(self, upload: Any) -> dict[str, Any]:
        return {"imported_url": reverse("schools:school_list"), "imported_label": "Открыть реестр"}


REGISTRY_PAGES = RegistryPages()
