"""Pages of the road maps: maps, tasks, occurrences, «Мои задачи», calendar, timeline,
ICS feed, notifications, import, PDF and the management-cycle self-assessment.

Every object is looked up through ``for_user`` (a director asking for another school's
occurrence gets 404); writes go through roadmaps/services.py.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES, WIDE_ROLES, JobStatus
from msoko.exports import download
from msoko.views import ImportPages, ObjectListView
from roadmaps import selectors, services
from roadmaps.choices import CLOSED_STATUSES, CycleElement, IndicatorKind
from roadmaps.exports import CalendarExport, RoadmapTableExport
from roadmaps.filtersets import OccurrenceFilterSet, RoadmapFilterSet
from roadmaps.forms import (
    CommentForm,
    CycleCreateForm,
    CycleForm,
    DirectionForm,
    EvidenceForm,
    ImportForm,
    OccurrenceAddForm,
    OccurrenceForm,
    RoadmapForm,
    SectionForm,
    TaskForm,
)
from roadmaps.models import (
    MAX_TOTAL,
    CalendarFeed,
    CycleAssessment,
    Evidence,
    Notification,
    Occurrence,
    Roadmap,
    RoadmapPdf,
    Submission,
    Task,
)
from roadmaps.selectors_decisions import pick_search
from roadmaps.services_decisions import cycle_assessment_links_save
from roadmaps.tables import OccurrenceTable, RoadmapTable

MONTHS = (
    "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь Декабрь".split()  # noqa: SIM905
)


def _roadmap(request: AuthedHttpRequest, pk: int) -> Roadmap:
    return get_object_or_404(Roadmap.objects.for_user(request.user), pk=pk)


def _task(request: AuthedHttpRequest, pk: int) -> Task:
    return get_object_or_404(
        Task.objects.for_user(request.user).select_related("roadmap", "section", "parent"), pk=pk
    )


def _occurrence(request: AuthedHttpRequest, pk: int) -> Occurrence:
    return get_object_or_404(
        Occurrence.objects.for_user(request.user).select_related(
            "task", "task__roadmap", "task__section", "school", "completed_by"
        ),
        pk=pk,
    )


# ------------------------------------------------------------------ road maps


class RoadmapListView(ObjectListView):
    model = Roadmap
    table_class = RoadmapTable
    filterset_class = RoadmapFilterSet
    title = "Дорожные карты"
    export_name = "dorozhnye-karty"
    create_url = "roadmaps:roadmap_create"
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        today = timezone.localdate()
        overdue = Q(tasks__occurrences__due__lt=today) & ~Q(
            tasks__occurrences__status__in=CLOSED_STATUSES
        )
        return (
            selectors.roadmaps_for(self.request.user)
            .annotate(
                task_count=Count("tasks", distinct=True),
                overdue_count=Count("tasks__occurrences", filter=overdue, distinct=True),
            )
            .order_by("-start_year", "title")
        )  # Meta.ordering is not applied to GROUP BY queries


@role_required(*EDITOR_ROLES)
def roadmap_create(request: AuthedHttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    form = RoadmapForm(request.POST or None, initial={"start_year": year, "end_year": year + 2})
    if request.method == "POST" and form.is_valid():
        roadmap = form.save(commit=False)
        roadmap.municipality = request.user.municipality
        services.roadmap_save(roadmap=roadmap, user=request.user)
        messages.success(request, "Дорожная карта создана. Добавьте разделы и задачи.")
        return redirect(roadmap)
    return render(request, "form.html", {"form": form, "title": "Новая дорожная карта"})


@role_required(*EDITOR_ROLES)
def roadmap_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _roadmap(request, pk)
    form = RoadmapForm(request.POST or None, instance=roadmap)
    if request.method == "POST" and form.is_valid():
        try:
            services.roadmap_save(roadmap=form.save(commit=False), user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Изменения сохранены, сроки задач пересчитаны.")
            return redirect(roadmap)
    return render(
        request,
        "form.html",
        {"form": form, "title": f"Изменение: {roadmap}", "back": roadmap.get_absolute_url()},
    )


@role_required()
def roadmap_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The road map as a tree by direction, with progress per direction."""
    roadmap = _roadmap(request, pk)
    blocks = selectors.roadmap_tree(roadmap, request.user)
    return render(
        request,
        "roadmaps/roadmap_detail.html",
        {
            "roadmap": roadmap,
            "blocks": blocks,
            "total": selectors.progress_of(
                Occurrence.objects.for_user(request.user).filter(task__roadmap=roadmap)
            ),
            "can_edit": request.user.can_edit,
            "wide": request.user.sees_all_schools,
            "pdfs": RoadmapPdf.objects.for_user(request.user)
            .filter(roadmap=roadmap)
            .select_related("job")[:3]
            if request.user.sees_all_schools
            else [],
        },
    )


@role_required()
def roadmap_export(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The road map in the official layout, XLSX (or CSV with ?format=csv)."""
    roadmap = _roadmap(request, pk)
    kind = "csv" if request.GET.get("format") == "csv" else "xlsx"
    filename, content_type, content = RoadmapTableExport(roadmap, request.user).render(kind)
    return download(filename, content_type, content)


@role_required()
def roadmap_timeline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _roadmap(request, pk)
    months, rows = selectors.roadmap_timeline(roadmap, request.user)
    years: list[tuple[int, int]] = []
    for month in months:
        if not years or years[-1][0] != month.year:
            years.append((month.year, 0))
        years[-1] = (month.year, years[-1][1] + 1)
    return render(
        request,
        "roadmaps/timeline.html",
        {
            "roadmap": roadmap,
            "months": months,
            "years": years,
            "rows": rows,
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(*WIDE_ROLES)
def roadmap_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Queue the PDF for approval; rendering happens in a Celery task."""
    roadmap = _roadmap(request, pk)
    pdf = services.roadmap_pdf_request(roadmap=roadmap, user=request.user)
    return redirect("roadmaps:pdf_detail", pk=pdf.pk)


@role_required(*WIDE_ROLES)
def pdf_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pdf = get_object_or_404(
        RoadmapPdf.objects.for_user(request.user).select_related("job", "roadmap"), pk=pk
    )
    template = (
        "roadmaps/_pdf_job.html"
        if request.headers.get("HX-Request")
        else "roadmaps/pdf_detail.html"
    )
    return render(request, template, {"pdf": pdf, "job": pdf.job})


@role_required(*WIDE_ROLES)
def pdf_download(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pdf = get_object_or_404(RoadmapPdf.objects.for_user(request.user), pk=pk)
    if pdf.job.status != JobStatus.SUCCEEDED or not pdf.file:
        raise Http404("PDF ещё не готов.")
    with pdf.file.open("rb") as handle:
        return download(f"dorozhnaya-karta-{pdf.roadmap_id}.pdf", "application/pdf", handle.read())


@role_required(*EDITOR_ROLES)
def section_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _roadmap(request, pk)
    form = SectionForm(request.POST or None, initial={"order": roadmap.sections.count() + 1})
    if request.method == "POST" and form.is_valid():
        section = form.save(commit=False)
        section.roadmap = roadmap
        services.section_save(section=section)
        messages.success(request, "Раздел добавлен.")
        return redirect(roadmap)
    return render(
        request,
        "form.html",
        {"form": form, "title": f"Новый раздел: {roadmap}", "back": roadmap.get_absolute_url()},
    )


@role_required(*EDITOR_ROLES)
def direction_create(request: AuthedHttpRequest) -> HttpResponse:
    form = DirectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            direction = services.direction_create(title=form.cleaned_data["title"])
        except ValidationError as exc:
            form.add_error("title", exc)
        else:
            messages.success(request, f"Направление «{direction.title}» добавлено.")
            return redirect("roadmaps:roadmap_list")
    return render(request, "form.html", {"form": form, "title": "Новое направление"})


# ------------------------------------------------------------------ tasks


def _task_form_save(request: AuthedHttpRequest, form: TaskForm, task: Task) -> Task | None:
    try:
        return services.task_save(
            task=task,
            user=request.user,
            schools=form.cleaned_data["responsible_schools"],
            users=form.cleaned_data["responsible_users"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@role_required(*EDITOR_ROLES)
def task_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    roadmap = _roadmap(request, pk)
    if not roadmap.sections.exists():
        messages.info(request, "Сначала добавьте раздел дорожной карты.")
        return redirect("roadmaps:section_create", pk=roadmap.pk)
    form = TaskForm(
        request.POST or None, roadmap=roadmap, user=request.user, instance=Task(roadmap=roadmap)
    )
    if request.method == "POST" and form.is_valid():
        task = _task_form_save(request, form, form.save(commit=False))
        if task is not None:
            messages.success(request, f"Задача {task.number} добавлена.")
            return redirect(task)
    return render(
        request,
        "form.html",
        {"form": form, "title": f"Новая задача: {roadmap}", "back": roadmap.get_absolute_url()},
    )


@role_required(*EDITOR_ROLES)
def task_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = TaskForm(request.POST or None, roadmap=task.roadmap, user=request.user, instance=task)
    if request.method == "POST" and form.is_valid():
        saved = _task_form_save(request, form, form.save(commit=False))
        if saved is not None:
            messages.success(request, "Задача сохранена, сроки исполнения пересчитаны.")
            return redirect(saved)
    return render(
        request,
        "form.html",
        {"form": form, "title": f"Задача {task.number}", "back": task.get_absolute_url()},
    )


@role_required()
def task_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    occurrences = (
        Occurrence.objects.for_user(request.user)
        .filter(task=task)
        .select_related("school")
        .order_by("due", "school__short_name")
    )
    return render(
        request,
        "roadmaps/task_detail.html",
        {
            "task": task,
            "roadmap": task.roadmap,
            "occurrences": occurrences,
            "children": Task.objects.for_user(request.user)
            .filter(parent=task)
            .order_by("sort_key"),
            "comments": selectors.comments_for(task, request.user),
            "comment_form": CommentForm(),
            "add_form": OccurrenceAddForm(task=task) if request.user.can_edit else None,
            "history": selectors.task_history(task, request.user),
            "can_edit": request.user.can_edit,
            "schools": task.responsible_schools.all(),
            "users": task.responsible_users.all(),
        },
    )


@require_POST
@role_required()
def task_comment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    if not request.user.can_edit and not request.user.is_director:
        raise PermissionDenied("Комментарии пишут специалисты и ответственные организации.")
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(task=task, user=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Комментарий добавлен.")
    else:
        messages.error(request, "Комментарий пуст.")
    return redirect(task)


@require_POST
@role_required(*EDITOR_ROLES)
def occurrence_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = OccurrenceAddForm(request.POST, task=task)
    if form.is_valid():
        try:
            services.occurrence_add(task=task, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Срок исполнения добавлен.")
    else:
        messages.error(request, "Укажите период и срок.")
    return redirect(task)


# ------------------------------------------------------------------ occurrences


@role_required()
def occurrence_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One occurrence: its status form, evidence and history. POST changes the status."""
    occurrence = _occurrence(request, pk)
    task = occurrence.task
    can_update = services.can_update_occurrence(request.user, occurrence)
    numeric = task.indicator_kind == IndicatorKind.NUMBER
    initial = {
        "status": occurrence.status,
        "achieved_value": occurrence.achieved_value,
        "comment": occurrence.comment,
    }
    form = OccurrenceForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        numeric=numeric,
        initial=initial,
    )
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied("Отмечать исполнение может ответственная организация.")
        if form.is_valid():
            try:
                services.occurrence_update(
                    occurrence=occurrence,
                    user=request.user,
                    status=form.cleaned_data["status"],
                    achieved_value=form.cleaned_data.get("achieved_value"),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "Статус сохранён.")
                return redirect(occurrence)
    return render(
        request,
        "roadmaps/occurrence_detail.html",
        {
            "occurrence": occurrence,
            "task": task,
            "form": form if can_update else None,
            "evidence_form": EvidenceForm(prefix="evidence") if can_update else None,
            "evidence": occurrence.evidence.select_related("added_by"),
            "history": selectors.occurrence_history(occurrence),
            "target_met": services.target_met(occurrence),
            "can_update": can_update,
            # The data collection this occurrence stands for in «Мои задачи», if any.
            "submission": Submission.objects.for_user(request.user)
            .filter(occurrence=occurrence)
            .select_related("collection")
            .first(),
        },
    )


@require_POST
@role_required(*EDITOR_ROLES, "director")
def evidence_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    occurrence = _occurrence(request, pk)
    if not services.can_update_occurrence(request.user, occurrence):
        raise PermissionDenied("Подтверждения прикладывает ответственная организация.")
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.evidence_add(
                occurrence=occurrence,
                user=request.user,
                filename=upload.name if upload else "",
                data=upload.read() if upload else None,
                link=form.cleaned_data["link"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Подтверждение добавлено.")
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
    return redirect(occurrence)


@role_required()
def evidence_download(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Evidence files are served only here, after the access check (no public media URL)."""
    evidence = get_object_or_404(Evidence.objects.for_user(request.user), pk=pk)
    if not evidence.file:
        raise Http404("У этого подтверждения нет файла.")
    with evidence.file.open("rb") as handle:
        return download(evidence.original_name or "file", evidence.content_type, handle.read())


class OccurrenceListView(ObjectListView):
    """«Мои задачи»: the occurrences the user may see, filtered, sorted, exportable."""

    model = Occurrence
    table_class = OccurrenceTable
    filterset_class = OccurrenceFilterSet
    title = "Мои задачи"
    export_name = "moi-zadachi"
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        return selectors.occurrences_for(self.request.user)

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        """The list opens on the user's own tasks; «Все» in the filter shows everyone's."""
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not self.request.user.is_director:
            data = (kwargs["data"] or QueryDict()).copy()
            data.setdefault("mine", "true")
            kwargs["data"] = data
        return kwargs


@role_required()
def calendar_view(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        first = datetime.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "roadmaps/calendar.html",
        {
            "weeks": selectors.calendar_month(request.user, first.year, first.month),
            "month_name": f"{MONTHS[first.month - 1]} {first.year}",
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            "today": today,
            "weekdays": ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"),
        },
    )


# ------------------------------------------------------------------ ICS, notifications


@role_required()
def ics_settings(request: AuthedHttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = (
        request.build_absolute_uri(reverse("roadmaps:ics_feed", args=[feed.token])) if feed else ""
    )
    return render(request, "roadmaps/ics.html", {"feed": feed, "url": url})


@require_POST
@role_required()
def ics_reset(request: AuthedHttpRequest) -> HttpResponse:
    """Create the feed, or replace its secret address (the old one stops working)."""
    existed = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_reset(user=request.user)
    messages.success(
        request,
        "Создан новый адрес календаря; старый больше не работает."
        if existed
        else "Адрес календаря создан.",
    )
    return redirect("roadmaps:ics_settings")


@require_POST
@role_required()
def ics_revoke(request: AuthedHttpRequest) -> HttpResponse:
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, "Календарь отключён: адрес больше не работает.")
    return redirect("roadmaps:ics_settings")


def ics_feed(request: Any, token: str) -> HttpResponse:
    """The ICS feed: no sign-in (calendar programs can't), the secret token is the key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("Календарь не найден.")
    _name, content_type, content = CalendarExport(
        feed.user, request.build_absolute_uri("/")
    ).render()
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=900"
    return response


@role_required()
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    items = Notification.objects.for_user(request.user)[:200]
    return render(request, "roadmaps/notifications.html", {"items": items})


@require_POST
@role_required()
def notifications_read(request: AuthedHttpRequest) -> HttpResponse:
    pk = request.POST.get("pk")
    services.notifications_mark_read(user=request.user, pk=int(pk) if pk and pk.isdigit() else None)
    return redirect("roadmaps:notification_list")


# ------------------------------------------------------------------ import


class RoadmapImportPages(ImportPages):
    """Road-map tables from Word or Excel: the department's; the road map is made in a job."""

    flow = services.ROADMAP_IMPORT
    namespace = "roadmaps"
    prefix = "import"
    path = "import/"
    names = {"upload": "import_upload"}
    form_class = ImportForm
    form_template = "roadmaps/import.html"
    detail_template = "roadmaps/import_detail.html"

    def queryset(self, request: AuthedHttpRequest) -> Any:
        return super().queryset(request).select_related("roadmap")

    def store_kwargs(self, request: AuthedHttpRequest, form: Any) -> dict[str, Any]:
        return {"params": form.params()}

    def imported_link(self, upload: Any) -> dict[str, Any]:
        if upload.roadmap is None:
            return {}
        return {
            "imported_url": upload.roadmap.get_absolute_url(),
            "imported_label": "Открыть дорожную карту",
        }


IMPORT_PAGES = RoadmapImportPages()


# ------------------------------------------------------------------ self-assessment


def _year(request: AuthedHttpRequest) -> int:
    value = request.GET.get("year", "")
    return (
        int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year
    )


@role_required(*WIDE_ROLES)
def cycle_summary(request: AuthedHttpRequest) -> HttpResponse:
    """Per direction: the nine elements of the year, the total and the level."""
    year = _year(request)
    years = sorted(
        set(CycleAssessment.objects.for_user(request.user).values_list("year", flat=True)) | {year},
        reverse=True,
    )
    return render(
        request,
        "roadmaps/cycle_summary.html",
        {
            "year": year,
            "years": years,
            "rows": selectors.cycle_summary(request.user, year),
            "elements": CycleElement.choices,
            "max_total": MAX_TOTAL,
            "can_edit": request.user.can_edit,
        },
    )


@role_required(*EDITOR_ROLES)
def cycle_create(request: AuthedHttpRequest) -> HttpResponse:
    form = CycleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.cycle_assessment_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("roadmaps:cycle_update", pk=assessment.pk)
    return render(request, "form.html", {"form": form, "title": "Новая самооценка направления"})


@role_required(*WIDE_ROLES)
def cycle_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        CycleAssessment.objects.for_user(request.user).select_related("direction", "updated_by"),
        pk=pk,
    )
    scores = assessment.scores.prefetch_related(
        "tasks", "tasks__roadmap", "recommendations", "recommendations__school", "decisions"
    )
    return render(
        request,
        "roadmaps/cycle_detail.html",
        {
            "assessment": assessment,
            "scores": scores,
            "max_total": MAX_TOTAL,
            "can_edit": request.user.can_edit,
        },
    )


def _cycle_fallback_search(
    request: AuthedHttpRequest, form: CycleForm, assessment: CycleAssessment
) -> bool:
    """Without JavaScript a picker's search box is sent with the form: find its matches and
    show them to tick (nothing is saved). With JavaScript the boxes are not sent."""
    found = {}
    for name, kind in form.picker_names():
        term = request.POST.get(f"q_{name}", "").strip()
        if term:
            chosen = [int(v) for v in request.POST.getlist(name) if v.isdigit()]
            found[name] = (
                term,
                pick_search(kind, request.user, assessment, term[:200], exclude=chosen),
            )
    if not found:
        return False
    form.fallback_search(found)
    messages.info(
        request,
        "Найденное показано под полями поиска: отметьте нужное и нажмите «Сохранить». "
        "Пока ничего не сохранено.",
    )
    return True


@role_required(*EDITOR_ROLES)
def cycle_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(CycleAssessment.objects.for_user(request.user), pk=pk)
    form = CycleForm(
        request.POST or None, request.FILES or None, assessment=assessment, user=request.user
    )
    searched = request.method == "POST" and _cycle_fallback_search(request, form, assessment)
    if request.method == "POST" and not searched and form.is_valid():
        try:
            cycle_assessment_links_save(
                assessment=assessment,
                user=request.user,
                comment=form.cleaned_data["comment"],
                scores=form.scores(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Самооценка сохранена.")
            return redirect(assessment)
    return render(request, "roadmaps/cycle_form.html", {"form": form, "assessment": assessment})


@role_required(*WIDE_ROLES)
def cycle_document(request: AuthedHttpRequest, pk: int, element: str) -> HttpResponse:
    assessment = get_object_or_404(CycleAssessment.objects.for_user(request.user), pk=pk)
    row = get_object_or_404(assessment.scores, element=element)
    if not row.document:
        raise Http404("Документ не приложен.")
    with row.document.open("rb") as handle:
        content = handle.read()
    kind = row.document.name.rsplit(".", 1)[-1]
    return download(
        row.document_name or f"document.{kind}",
        services.EVIDENCE_KINDS.get(kind, "application/octet-stream"),
        content,
    )
