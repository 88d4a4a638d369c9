"""Campaign catalogue, tracker, templates and results pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from assessments import selectors, stats, stored
from assessments.choices import ProcedureCode
from assessments.filtersets import CampaignFilterSet, EgeThresholdFilterSet
from assessments.forms import (
    CampaignForm,
    ConditionFormSet,
    EgeThresholdForm,
    LockForm,
    ScaleForm,
    TaskFileForm,
    TaskFormSet,
    scale_from_forms,
    scale_initial,
    task_initial,
    tasks_from_formset,
)
from assessments.models import Campaign, EgeThreshold, Procedure, Subject
from assessments.parsing import ParsedFile
from assessments.scales import Scale
from assessments.services import campaigns as services
from assessments.services.figures import figures_request
from assessments.tables import CampaignTable, EgeThresholdTable
from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES
from msoko.exports import XLSX_TYPE, download
from msoko.spreadsheets import FileRejected
from msoko.views import ObjectListView

TABS = (
    ("figures", "Показатели"),
    ("tasks", "Задания"),
    ("journal", "Журнал"),
    ("distribution", "Распределение баллов"),
    ("tracker", "Приём результатов"),
)


class CampaignListView(ObjectListView):
    model = Campaign
    table_class = CampaignTable
    filterset_class = CampaignFilterSet
    title = "Оценочные кампании"
    export_name = "kampanii"
    create_url = "assessments:campaign_create"
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        return selectors.campaigns_for(self.request.user)


def _campaign(request: AuthedHttpRequest, pk: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.for_user(request.user).select_related("procedure", "subject"), pk=pk
    )


#: Rows per page of the results page's tables.
TABLE_PAGE = 25


@require_POST
@role_required(*EDITOR_ROLES)
def campaign_compute(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Recompute the campaign's stored figures now (a job per municipality)."""
    campaign = _campaign(request, pk)
    jobs = figures_request(campaign_id=campaign.pk, user=request.user)
    if jobs:
        messages.success(
            request,
            "Расчёт показателей поставлен в очередь; страница покажет их, когда он завершится.",
        )
    else:
        messages.info(request, "Результатов кампании пока нет: рассчитывать нечего.")
    return redirect(campaign.get_absolute_url())


@role_required()
def campaign_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The results page: figures per school and for the municipality, tasks, journal,
    the primary-score distribution and the upload tracker; `?export=xlsx` gives the same.
    """
    campaign = _campaign(request, pk)
    user = request.user
    context: dict[str, Any] = {"campaign": campaign, "title": str(campaign), "tabs": TABS}
    view = stored.report_for(campaign, user, request.GET.get("municipality"))
    context.update(stored=view, can_edit=user.can_edit, scale=stats.campaign_scale(campaign))
    report = view.report
    if report is None and not view.has_results:
        # No results yet: nothing to read, the figures of an empty campaign are empty.
        report = stats.campaign_report(campaign, user=user)
    if report is None:
        return render(request, "assessments/campaign_detail.html", context)
    tracker = stats.tracker(report, user)
    if request.GET.get("export") == "xlsx":
        stamp = timezone.localdate().isoformat()
        filename = (
            f"rezultaty-{campaign.procedure.code}-{campaign.year}-{campaign.subject.code}-"
            f"{campaign.grade}-{stamp}.xlsx"
        )
        return download(filename, XLSX_TYPE, stats.report_xlsx(report, tracker.table))
    tab = request.GET.get("tab", "figures")
    if tab not in dict(TABS):
        tab = "figures"
    focus = _focus_school(request, report)
    is_ege = report.is_ege and not report.has_marks
    tables: dict[str, Any] = {}
    if tab == "figures":
        if is_ege:
            tables |= {"main": stats.ege_table(report), "totals": stats.ege_total_table(report)}
        else:
            tables |= {
                "main": stats.figures_table(report),
                "totals": stats.comparison_table(report),
            }
            context["marks_chart"] = stats.marks_chart(report, focus)
    elif tab == "tasks":
        tables |= {
            "tasks": stats.task_table(report),
            "task_schools": stats.task_school_table(report),
            "requirements": stats.requirement_table(report),
        }
        context["task_chart"] = stats.task_chart(report, focus)
    elif tab == "journal":
        tables |= {
            "journal": stats.journal_table(report),
            "journal_totals": stats.journal_comparison_table(report),
        }
        context["journal_chart"] = stats.journal_chart(report, focus)
    elif tab == "distribution":
        tables["distribution"] = stats.distribution_table(report, focus)
        context["cutoffs"] = stats.mark_cutoffs(report)
        context["distribution_charts"] = stats.distribution_charts(report, focus)
    else:
        tables["tracker"] = tracker.table
    for name, table in tables.items():
        # A table of every school is paged (a municipality has a hundred): its own page
        # parameter, so the tables of one tab page independently.
        table.prefix = f"{name}-"
        RequestConfig(request, paginate={"per_page": TABLE_PAGE}).configure(table)
    context.update(
        report=report,
        tracker=tracker,
        tab=tab,
        tables=tables,
        is_ege=is_ege,
        focus=focus,
        scale=report.scale,
        events=list(selectors.campaign_events(campaign)[:10]) if user.can_edit else [],
        can_edit=user.can_edit,
        lock_form=LockForm(),
    )
    return render(request, "assessments/campaign_detail.html", context)


def _focus_school(request: AuthedHttpRequest, report: stats.CampaignReport) -> Any:
    """The school whose distribution is shown next to the municipality's (?school=)."""
    wanted = request.GET.get("school")
    for school, _stats in report.schools:
        if wanted == str(school.pk):
            return school
    if request.user.is_director and report.schools:
        return report.schools[0][0]
    return None


def _hint_initial(request: AuthedHttpRequest, parsed: ParsedFile) -> dict[str, Any]:
    """The posted campaign fields, with blanks filled from the file's title rows."""
    initial: dict[str, Any] = {
        key: value for key, value in request.POST.items() if key in CampaignForm.Meta.fields
    }
    initial = {key: value for key, value in initial.items() if value}
    if "year" not in initial and parsed.year:
        initial["year"] = parsed.year
    if "grade" not in initial and parsed.grade:
        initial["grade"] = parsed.grade
    if "procedure" not in initial and parsed.procedure:
        codes = [c.value for c in ProcedureCode if c.label == parsed.procedure]
        procedure = Procedure.objects.filter(code__in=codes).first()
        if procedure is not None:
            initial["procedure"] = procedure.pk
    if "subject" not in initial and parsed.subject:
        name = parsed.subject.strip()
        subject = Subject.objects.filter(Q(name__iexact=name)).first()
        if subject is None:
            lowered = name.lower()
            subject = next(
                (s for s in Subject.objects.all() if lowered in [x.lower() for x in s.synonyms]),
                None,
            )
        if subject is not None:
            initial["subject"] = subject.pk
    return initial


def _campaign_form(request: AuthedHttpRequest, campaign: Campaign) -> HttpResponse:
    existing = list(campaign.tasks.all()) if campaign.pk else []
    post = request.POST if request.method == "POST" else None
    form = CampaignForm(post, instance=campaign)
    formset = TaskFormSet(post, prefix="tasks", initial=task_initial(existing))
    file_form = TaskFileForm(post, request.FILES or None)
    if request.method == "POST":
        if "load_tasks" in request.POST:
            upload = request.FILES.get("tasks_file")
            if upload is None:
                file_form.add_error("tasks_file", "Выберите файл с результатами.")
            elif file_form.is_valid():  # the size, before the file is read
                try:
                    tasks, parsed = services.campaign_tasks_from_file(
                        filename=upload.name or "file.xlsx", data=upload.read()
                    )
                except FileRejected as exc:  # the safe reader's refusal: a message, not a 500
                    file_form.add_error("tasks_file", str(exc))
                except ValidationError as exc:
                    file_form.add_error("tasks_file", exc)
                else:
                    form = CampaignForm(instance=campaign, initial=_hint_initial(request, parsed))
                    formset = TaskFormSet(prefix="tasks", initial=task_initial(tasks))
                    file_form = TaskFileForm()
                    messages.info(
                        request,
                        f"Из файла «{upload.name}» прочитано заданий: {len(tasks)}. "
                        "Проверьте перечень и сохраните кампанию.",
                    )
        elif form.is_valid() and formset.is_valid():
            try:
                saved = services.campaign_save(
                    campaign=form.save(commit=False),
                    tasks=tasks_from_formset(formset),
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Кампания «{saved}» сохранена.")
                return redirect(saved)
    title = f"Изменение: {campaign}" if campaign.pk else "Новая оценочная кампания"
    return render(
        request,
        "assessments/campaign_form.html",
        {
            "form": form,
            "formset": formset,
            "file_form": file_form,
            "campaign": campaign,
            "title": title,
            "has_results": bool(campaign.pk) and campaign.results.exists(),
        },
    )


@role_required(*EDITOR_ROLES)
def campaign_create(request: AuthedHttpRequest) -> HttpResponse:
    return _campaign_form(request, Campaign())


@role_required(*EDITOR_ROLES)
def campaign_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _campaign_form(request, _campaign(request, pk))


@role_required(*EDITOR_ROLES)
def campaign_scale(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Edit the scale: every save makes a new ScaleVersion and becomes the campaign's scale."""
    campaign = _campaign(request, pk)
    current = stats.campaign_scale(campaign)
    initial, conditions_initial = scale_initial(current, campaign.max_primary)
    post = request.POST if request.method == "POST" else None
    form = ScaleForm(post, initial=initial)
    conditions = ConditionFormSet(post, prefix="conditions", initial=conditions_initial)
    if request.method == "POST" and form.is_valid() and conditions.is_valid():
        try:
            scale = scale_from_forms(form, conditions)
            version = services.campaign_scale_set(
                campaign=campaign,
                scale=scale,
                comment=form.cleaned_data["comment"],
                user=request.user,
                remark=form.cleaned_data["remark"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Шкала сохранена (версия {version.version}).")
            return redirect(campaign)
    versions = [
        (version, Scale.from_dict(version.scale).describe())
        for version in campaign.scale_versions.select_related("created_by")
    ]
    return render(
        request,
        "assessments/scale_form.html",
        {
            "campaign": campaign,
            "form": form,
            "conditions": conditions,
            "current": current,
            "versions": versions,
            "title": f"Шкала перевода: {campaign}",
        },
    )


@require_POST
@role_required(*EDITOR_ROLES)
def campaign_lock(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = LockForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if services.campaign_lock(campaign=campaign, user=request.user, comment=comment):
        messages.success(request, "Приём результатов закрыт: новые загрузки не принимаются.")
    else:
        messages.info(request, "Приём результатов уже закрыт.")
    return redirect(f"{campaign.get_absolute_url()}?tab=tracker")


@require_POST
@role_required(*EDITOR_ROLES)
def campaign_unlock(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = LockForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if services.campaign_unlock(campaign=campaign, user=request.user, comment=comment):
        messages.success(request, "Приём результатов снова открыт.")
    else:
        messages.info(request, "Приём результатов уже открыт.")
    return redirect(f"{campaign.get_absolute_url()}?tab=tracker")


@role_required()
def campaign_template(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The collection form to fill in; a director's copy names his school."""
    campaign = _campaign(request, pk)
    school = request.user.own_school()
    label = f"{school.short_name} ({school.login})" if school else ""
    try:
        filename, content_type, content = services.CampaignTemplate(
            campaign, school_label=label
        ).render()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(campaign)
    return download(filename, content_type, content)


class ThresholdListView(ObjectListView):
    model = EgeThreshold
    table_class = EgeThresholdTable
    filterset_class = EgeThresholdFilterSet
    title = "Минимальные баллы ЕГЭ"
    export_name = "porogi-ege"
    create_url = "assessments:threshold_create"
    paginate_by = 50
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        return selectors.thresholds_for(self.request.user)

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"can_edit": self.request.user.can_edit}


def _threshold_form(request: AuthedHttpRequest, threshold: EgeThreshold) -> HttpResponse:
    form = EgeThresholdForm(request.POST or None, instance=threshold)
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_save(threshold=form.save(commit=False), user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Порог сохранён.")
            return redirect("assessments:threshold_list")
    title = "Изменение порога ЕГЭ" if threshold.pk else "Новый порог ЕГЭ"
    return render(
        request,
        "form.html",
        {"form": form, "title": title, "back": reverse("assessments:threshold_list")},
    )


@role_required(*EDITOR_ROLES)
def threshold_create(request: AuthedHttpRequest) -> HttpResponse:
    return _threshold_form(request, EgeThreshold())


@role_required(*EDITOR_ROLES)
def threshold_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _threshold_form(request, get_object_or_404(EgeThreshold, pk=pk))


@role_required()
def reference(request: AuthedHttpRequest) -> HttpResponse:
    """Procedures and subjects (read-only; IT staff edit them in the admin site)."""
    return render(
        request,
        "assessments/reference.html",
        {
            "procedures": selectors.procedures(),
            "subjects": selectors.subjects(),
            "title": "Процедуры и предметы",
        },
    )


urlpatterns: list[URLPattern] = [
    path("", CampaignListView.as_view(), name="campaign_list"),
    path("new/", campaign_create, name="campaign_create"),
    path("<int:pk>/", campaign_detail, name="campaign_detail"),
    path("<int:pk>/compute/", campaign_compute, name="campaign_compute"),
    path("<int:pk>/edit/", campaign_update, name="campaign_update"),
    path("<int:pk>/scale/", campaign_scale, name="campaign_scale"),
    path("<int:pk>/lock/", campaign_lock, name="campaign_lock"),
    path("<int:pk>/unlock/", campaign_unlock, name="campaign_unlock"),
    path("<int:pk>/template.xlsx", campaign_template, name="campaign_template"),
    path("thresholds/", ThresholdListView.as_view(), name="threshold_list"),
    path("thresholds/new/", threshold_create, name="threshold_create"),
    path("thresholds/<int:pk>/edit/", threshold_update, name="threshold_update"),
    path("reference/", reference, name="reference"),
]
