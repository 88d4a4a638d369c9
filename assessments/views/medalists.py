"""Pages of medalists and of ЕГЭ per graduate (issue 8).

The lists and figures read what the «ege» year run stored (`assessments.selectors_medalists`),
never the results; the writes go through `assessments.services.graduates`, and the list
upload through the shared upload flow (msoko.views.ImportPages).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from assessments import selectors_medalists as selectors
from assessments.forms_medalists import MedalistForm, MedalistUploadForm
from assessments.models import Medalist
from assessments.services import graduates as services
from msoko import formatting
from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES
from msoko.exports import CSV_TYPE, csv_bytes, download
from msoko.views import ImportPages


@role_required()
def medalist_list(request: AuthedHttpRequest) -> HttpResponse:
    """Medalists of a year with whether ЕГЭ confirms the medal, and counts per school."""
    page = selectors.medalists_page(
        request.user,
        year=request.GET.get("year"),
        municipality=request.GET.get("municipality"),
        school=request.GET.get("school"),
    )
    if request.GET.get("export") == "csv":
        return _medalists_csv(page)
    return render(
        request,
        "assessments/medalist_list.html",
        {"page": page, "title": "Медалисты", "can_edit": request.user.can_edit},
    )


MEDALISTS_HEADER = ["ОО", "Код участника", "Медаль", "Подтверждена ЕГЭ", "Причина"]


def confirmation_label(line: selectors.MedalistLine) -> str:
    """The «Подтверждена ЕГЭ» cell as the page words it."""
    if not line.computed:
        return "ещё не рассчитано"
    if line.confirmed is None:
        return "не проверено (нет правил на год)"
    return "да" if line.confirmed else "нет"


def _medalists_csv(page: selectors.MedalistsPage) -> HttpResponse:
    """The list as the page shows it (the user's medalists of the year and school chosen)."""
    rows = [
        [
            line.medalist.school.short_name,
            line.medalist.participant_code,
            line.medalist.get_medal_display(),
            confirmation_label(line),
            "; ".join(line.reasons),
        ]
        for line in page.lines
    ]
    filename = f"medalisty-{page.year}.csv" if page.year else "medalisty.csv"
    return download(filename, CSV_TYPE, csv_bytes(MEDALISTS_HEADER, rows))


@role_required(*EDITOR_ROLES)
def medalist_create(request: AuthedHttpRequest) -> HttpResponse:
    """Add one medalist by hand (the list of a school can also be uploaded whole)."""
    form = MedalistForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            medalist = services.medalist_create(
                user=request.user,
                year=data["year"],
                school=data["school"],
                participant_code=data["participant_code"],
                medal=data["medal"],
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Медалист {medalist.participant_code} добавлен; подтверждение медали "
                "пересчитывается.",
            )
            return redirect(f"{reverse('assessments:medalist_list')}?year={medalist.year}")
    return render(
        request, "assessments/medalist_form.html", {"form": form, "title": "Добавить медалиста"}
    )


@require_POST
@role_required(*EDITOR_ROLES)
def medalist_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Remove a medalist from the list (a medal entered by mistake)."""
    medalist = get_object_or_404(
        Medalist.objects.for_user(request.user).select_related("school"), pk=pk
    )
    year = medalist.year
    services.medalist_delete(user=request.user, medalist=medalist)
    messages.success(request, f"Медалист {medalist.participant_code} удалён из списка {year} г.")
    return redirect(f"{reverse('assessments:medalist_list')}?year={year}")


class MedalistUploadPages(ImportPages):
    """A medalist list (Год | Логин ОО | Код участника | Медаль): the department's; each
    year and school of the file replaces that school's list, in a job on confirmation."""

    flow = services.MEDALISTS
    namespace = "assessments"
    prefix = "medalist_upload"
    path = "medalists/upload/"
    form_class = MedalistUploadForm
    form_template = "assessments/medalist_upload.html"
    detail_template = "assessments/medalist_upload_detail.html"

    def imported_link(self, upload: Any) -> dict[str, Any]:
        return {
            "imported_url": reverse("assessments:medalist_list"),
            "imported_label": "Открыть список медалистов",
        }


UPLOAD_PAGES = MedalistUploadPages()


@role_required()
def ege_graduates(request: AuthedHttpRequest) -> HttpResponse:
    """ЕГЭ per graduate of a year by school: 220+ on three subjects, 3+ subjects at the
    university minimum, medalists whose ЕГЭ does not confirm the medal (stored values)."""
    page = selectors.graduates_page(
        request.user, year=request.GET.get("year"), municipality=request.GET.get("municipality")
    )
    if request.GET.get("export") == "csv":
        return _graduates_csv(page)
    return render(
        request,
        "assessments/ege_graduates.html",
        {"page": page, "title": "ЕГЭ: выпускники"},
    )


GRADUATES_HEADER = [
    "ОО",
    "Выпускников",
    "220+: доля, %",
    "220+: чел.",
    "3+ не ниже минимума: доля, %",
    "3+ не ниже минимума: чел.",
    "Медалистов",
    "Не подтвердили медаль",
    "Не подтвердили медаль: доля, %",
]


def _graduates_csv(page: selectors.GraduatesPage) -> HttpResponse:
    """The page's table (the schools the user sees) and, last, the municipality's figures
    the page shows above it; shares rounded to tenths as on the page."""
    lines = [(line.school.short_name if line.school else "", line) for line in page.schools]
    if page.total is not None:
        lines.append(("Муниципалитет", page.total))
    rows = [
        [
            name,
            formatting.csv_number(line.graduates),
            formatting.csv_number(line.share_220, 1),
            formatting.csv_number(line.count_220),
            formatting.csv_number(line.share_above_min_3, 1),
            formatting.csv_number(line.count_above_min_3),
            formatting.csv_number(line.medalists),
            formatting.csv_number(line.unconfirmed),
            formatting.csv_number(line.unconfirmed_share, 1) if line.medalists else "",
        ]
        for name, line in lines
    ]
    filename = f"ege-vypuskniki-{page.year}.csv" if page.year else "ege-vypuskniki.csv"
    return download(filename, CSV_TYPE, csv_bytes(GRADUATES_HEADER, rows))


urlpatterns: list[URLPattern] = [
    path("medalists/", medalist_list, name="medalist_list"),
    path("medalists/add/", medalist_create, name="medalist_create"),
    path("medalists/<int:pk>/delete/", medalist_delete, name="medalist_delete"),
    *UPLOAD_PAGES.urls(),
    path("ege/graduates/", ege_graduates, name="ege_graduates"),
]
