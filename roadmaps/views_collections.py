"""Pages of data collections: the list, opening one, the tracker, a school's form, the
template, approval and unlock, the value history, and the uploads (template, survey)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import catalogue
from assessments import collected as col
from msoko import formatting
from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES, Role
from msoko.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, download, xlsx_bytes
from msoko.querysets import user_municipality_id
from msoko.views import ImportPages, ObjectListView
from roadmaps import selectors_collections as selectors
from roadmaps import services_collections as services
from roadmaps.exports_collections import CollectionTemplateExport
from roadmaps.filtersets_collections import CollectionFilterSet
from roadmaps.forms_collections import (
    CollectionForm,
    CollectionUploadForm,
    DeadlineForm,
    ReasonForm,
    SurveyUploadForm,
    set_groups,
)
from roadmaps.models import Collection, Submission, SubmissionStatus
from roadmaps.services_surveys import SURVEYS, survey_indicators
from roadmaps.services_templates import COLLECTIONS
from roadmaps.tables_collections import CollectionTable
from schools.models import Municipality, School

FILLERS = (Role.SPECIALIST, Role.ADMIN, Role.DIRECTOR)


def _messages(exc: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]


def _act(
    request: AuthedHttpRequest,
    work: Callable[[], Any],
    *,
    done: str,
    refused: str,
    back: Any,
) -> HttpResponse:
    """Run a one-off action, say how it went (the service's reasons when refused), go back."""
    try:
        work()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"{refused}: " + " ".join(_messages(exc)))
    else:
        messages.success(request, done)
    return redirect(back)


def _reason(request: AuthedHttpRequest) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


class CollectionListView(ObjectListView):
    """«Сбор данных»: the collections with how many schools have submitted."""

    model = Collection
    table_class = CollectionTable
    filterset_class = CollectionFilterSet
    title = "Сбор данных от ОО"
    export_name = "sbor-dannyh"
    template_name = "roadmaps/collections/list.html"
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        return selectors.collections_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["open_submissions"] = selectors.open_submissions(self.request.user)
        context["can_open"] = self.request.user.role in EDITOR_ROLES
        return context


def _municipality(request: AuthedHttpRequest) -> Municipality:
    """The municipality a collection is opened in: the user's own, or the one chosen."""
    bound = user_municipality_id(request.user)
    if bound:
        return get_object_or_404(Municipality, pk=bound)
    wanted = request.GET.get("municipality") or request.POST.get("municipality")
    if wanted:
        return get_object_or_404(Municipality, pk=wanted)
    first = Municipality.objects.order_by("name").first()
    if first is None:
        raise Http404("Нет ни одного муниципалитета.")
    return first


@role_required(*EDITOR_ROLES)
def collection_create(request: AuthedHttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    form = CollectionForm(request.POST or None, municipality=municipality)
    candidates = list(
        School.objects.filter(municipality=municipality, is_active=True).order_by("short_name")
    )
    wanted = set(request.POST.getlist("schools"))
    chosen = [school for school in candidates if str(school.pk) in wanted]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            collection = services.collection_open(
                user=request.user,
                municipality=municipality,
                set_code=data["set_code"],
                year=data["year"],
                deadline=data["deadline"],
                rotation=data["rotation"],
                task=data["task"],
                indicators=request.POST.getlist("indicators") or None,
                schools=chosen or None,
                title=data["title"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"Сбор «{collection.title}» открыт: ОО — {collection.submissions.exclude(school=None).count()}.",
            )
            return redirect(collection)
    return render(
        request,
        "roadmaps/collections/form.html",
        {
            "form": form,
            "municipality": municipality,
            "groups": set_groups(request.POST.getlist("indicators")),
            "candidates": [(school, school in chosen) for school in candidates],
        },
    )


def _collection(request: AuthedHttpRequest, pk: int) -> Collection:
    return get_object_or_404(Collection.objects.for_user(request.user), pk=pk)


@role_required()
def collection_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The tracker: each school's state, what to correct, the events, approve / unlock."""
    collection = _collection(request, pk)
    rows = selectors.tracker(collection, request.user)
    schools = [row for row in rows if row.school_id is not None]
    counts = {
        status: sum(1 for row in schools if row.status == status) for status in SubmissionStatus
    }
    state = request.GET.get("state", "")
    if state in SubmissionStatus.values:
        rows = [row for row in rows if row.status == state]
    else:
        state = ""
    return render(
        request,
        "roadmaps/collections/detail.html",
        {
            "collection": collection,
            "rows": rows,
            "counts": counts,
            "state": state,
            "states": [(s.value, s.label, counts[s]) for s in SubmissionStatus],
            "schools": len(schools),
            "overdue": not collection.locked and collection.deadline < timezone.localdate(),
            "events": collection.events.select_related("user", "school").order_by("-at", "-pk")[:50]
            if services.is_department(request.user)
            else [],
            "indicators": catalogue.collected_in(collection.indicators),
            "set": catalogue.SETS.get(collection.set_code),
            "is_department": services.is_department(request.user),
            "reason_form": ReasonForm(),
            "addable": School.objects.filter(
                municipality_id=collection.municipality_id, is_active=True
            )
            .exclude(pk__in=[row.school_id for row in schools])
            .order_by("short_name")
            if services.is_department(request.user) and not collection.locked
            else [],
        },
    )


@role_required(*FILLERS)
def collection_template(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The xlsx to fill in: the user's school (a director) or every school of it."""
    collection = _collection(request, pk)
    submissions = list(
        Submission.objects.for_user(request.user)
        .filter(collection=collection)
        .select_related("school", "collection")
        .prefetch_related("values")
        .order_by(F("school__login").asc(nulls_last=True))
    )
    filename, content_type, content = CollectionTemplateExport(collection, submissions).render()
    return download(filename, content_type, content)


@role_required()
def collection_values(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The values as a sheet (XLSX, or CSV with ?format=csv): a row per school the user sees."""
    collection = _collection(request, pk)
    header, rows = selectors.values_table(collection, request.user)
    name = f"sbor-{collection.pk}-{collection.year}-znacheniya"
    if request.GET.get("format") == "csv":
        cells = [
            [formatting.csv_number(v) if isinstance(v, Decimal) else v for v in row] for row in rows
        ]
        return download(f"{name}.csv", CSV_TYPE, csv_bytes(header, cells))
    return download(f"{name}.xlsx", XLSX_TYPE, xlsx_bytes([("Значения", header, rows)]))


@require_POST
@role_required(*EDITOR_ROLES)
def collection_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    collection = _collection(request, pk)
    return _act(
        request,
        lambda: services.collection_approve(collection=collection, user=request.user),
        done="Сбор утверждён и закрыт: значения сданных ОО внесены в показатели. Изменения "
        "больше не принимаются.",
        refused="Сбор не утверждён",
        back=collection,
    )


@require_POST
@role_required(*EDITOR_ROLES)
def collection_deadline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    collection = _collection(request, pk)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Срок не изменён: укажите дату.")
        return redirect(collection)
    return _act(
        request,
        lambda: services.collection_deadline_set(
            collection=collection, user=request.user, deadline=form.cleaned_data["deadline"]
        ),
        done="Срок сдачи изменён; задачи ОО, ещё не сдавших данные, перенесены.",
        refused="Срок не изменён",
        back=collection,
    )


@require_POST
@role_required(*EDITOR_ROLES)
def collection_school_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    collection = _collection(request, pk)
    wanted = request.POST.get("school", "")
    school = (
        School.objects.filter(municipality_id=collection.municipality_id, pk=wanted).first()
        if wanted.isdigit()
        else None
    )
    if school is None:
        messages.error(request, "ОО не добавлена: выберите ОО этого муниципалитета.")
        return redirect(collection)
    return _act(
        request,
        lambda: services.collection_school_add(
            collection=collection, user=request.user, school=school
        ),
        done=f"{school.short_name} добавлена в сбор; задача — в её «Мои задачи».",
        refused="ОО не добавлена",
        back=collection,
    )


@require_POST
@role_required(*EDITOR_ROLES)
def collection_unlock(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    collection = _collection(request, pk)
    reason = _reason(request)
    return _act(
        request,
        lambda: services.collection_unlock(collection=collection, user=request.user, reason=reason),
        done="Утверждение снято; причина записана в журнал сбора.",
        refused="Утверждение не снято",
        back=collection,
    )


def _submission(request: AuthedHttpRequest, pk: int) -> Submission:
    return get_object_or_404(
        Submission.objects.for_user(request.user).select_related("collection", "school"), pk=pk
    )


@role_required()
def submission_form(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A school's values: last year's beside each, the shares derived; save or hand in."""
    submission = _submission(request, pk)
    refusal = services.may_edit(request.user, submission)
    typed: dict[str, Any] | None = None
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        codes = [
            i.code
            for i in services.typed_indicators(
                submission.collection, services.submission_per(submission)
            )
        ]
        typed = {code: request.POST.get(f"v-{code}", "") for code in codes}
        try:
            services.values_save(submission=submission, user=request.user, raw=typed)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "Ничего не сохранено: " + "; ".join(_messages(exc)) + ".")
        else:
            if not request.POST.get("submit"):
                messages.success(request, "Сохранено (ещё не сдано).")
                return redirect("roadmaps:submission_form", pk=submission.pk)
            try:
                services.submission_submit(submission=submission, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "Сохранено, но не сдано: " + " ".join(_messages(exc)))
            else:
                messages.success(request, "Данные сданы.")
            return redirect("roadmaps:submission_form", pk=submission.pk)
    return render(
        request,
        "roadmaps/collections/submission.html",
        {
            "submission": submission,
            "collection": submission.collection,
            "rows": selectors.form_rows(submission, typed),
            "refusal": refusal,
            "is_department": services.is_department(request.user),
            "reason_form": ReasonForm(),
        },
    )


@require_POST
@role_required(*FILLERS)
def submission_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    return _act(
        request,
        lambda: services.submission_submit(submission=submission, user=request.user),
        done="Данные сданы.",
        refused="Не сдано",
        back=submission,
    )


@require_POST
@role_required(*EDITOR_ROLES)
def submission_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    reason = _reason(request)
    return _act(
        request,
        lambda: services.submission_return(submission=submission, user=request.user, reason=reason),
        done="Данные возвращены ОО на доработку.",
        refused="Не возвращено",
        back=submission.collection,
    )


@role_required()
def submission_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Every change of the school's values: when, who, from what to what, and why."""
    submission = _submission(request, pk)
    names = {i.code: i.name for i in catalogue.collected_in(submission.collection.indicators)}
    return render(
        request,
        "roadmaps/collections/history.html",
        {
            "submission": submission,
            "collection": submission.collection,
            "changes": selectors.value_history(submission),
            "names": names,
        },
    )


# ------------------------------------------------------------------ uploads


class CollectionImportPages(ImportPages):
    """A filled template: a director's for his school, the department's for any."""

    flow = COLLECTIONS
    namespace = "roadmaps"
    prefix = "collection_import"
    path = "collections/import/"
    form_class = CollectionUploadForm
    form_template = "roadmaps/collections/import.html"
    detail_template = "roadmaps/collections/import_detail.html"
    roles = FILLERS
    viewer_roles = FILLERS

    def form(self, request: AuthedHttpRequest) -> Any:
        form = CollectionUploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "GET" and request.GET.get("collection"):
            form.fields["collection"].initial = request.GET["collection"]
        return form

    def store_kwargs(self, request: AuthedHttpRequest, form: Any) -> dict[str, Any]:
        collection = form.cleaned_data["collection"]
        return {
            "collection": collection,
            "school": request.user.school if request.user.is_director else None,
        }

    def imported_link(self, upload: Any) -> dict[str, Any]:
        return {
            "imported_url": upload.collection.get_absolute_url(),
            "imported_label": "Открыть сбор",
        }


COLLECTION_IMPORT = CollectionImportPages()


class SurveyImportPages(ImportPages):
    """Survey aggregates per school: the department's; applied in a job."""

    flow = SURVEYS
    namespace = "roadmaps"
    prefix = "survey_import"
    path = "surveys/import/"
    form_class = SurveyUploadForm
    form_template = "roadmaps/collections/survey_import.html"
    detail_template = "roadmaps/collections/survey_import_detail.html"

    def store_kwargs(self, request: AuthedHttpRequest, form: Any) -> dict[str, Any]:
        return {"year": form.cleaned_data["year"]}

    def form_context(self, request: AuthedHttpRequest) -> dict[str, Any]:
        return {"indicators": survey_indicators()}


SURVEY_IMPORT = SurveyImportPages()


@role_required(*EDITOR_ROLES)
def survey_template(request: AuthedHttpRequest) -> HttpResponse:
    """The survey file's columns, with the survey indicators of the catalogue to pick from."""
    header = ["Логин ОО", "Показатель", "Значение", "Респондентов"]
    reference = [
        [
            i.code,
            i.name,
            col.KINDS[i.collect.kind] if i.collect else "",
            i.collect.limits_text if i.collect else "",
        ]
        for i in survey_indicators()
    ]
    content = xlsx_bytes(
        [
            ("Анкетирование", header, []),
            ("Показатели", ["Код", "Показатель", "Единица", "Допустимо"], reference),
        ]
    )
    return download("anketirovanie-shablon.xlsx", XLSX_TYPE, content)
