"""Pages of identification: rules and their versions, runs with protocols, lists, groups.

Specialists edit rules, run them and review and confirm lists; officials read everything;
a director sees the rules, the status of his own school and his school's protocol lines,
never another school's values.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES, WIDE_ROLES
from msoko.exports import download
from reports import selectors
from reports import selectors_identification as found
from reports.choices import ListStatus, RunStatus
from reports.forms_identification import (
    ConfirmForm,
    CriterionFormSet,
    EntryForm,
    RuleVersionForm,
    RunForm,
    definition_from,
    definition_initial,
)
from reports.identification import (
    COMBINE,
    CONTEXT,
    MARKER_HANDLING,
    OUTCOMES,
    THRESHOLD_KINDS,
    criterion_text,
    rule_from_definition,
)
from reports.models import IdentificationRule, IdentificationRun, RuleVersion
from reports.protocols import PDF_TYPE, XLSX_TYPE, protocol_lines
from reports.services import (
    RuleError,
    identification_request,
    known_indicators,
    list_confirm,
    list_entry_set,
    rule_version_create,
    rule_version_update,
)
from roadmaps.selectors_risks import programme_progress
from schools.models import Municipality, School


def _rule(code: str) -> IdentificationRule:
    return get_object_or_404(IdentificationRule, code=code)


def _years(municipality: Municipality | None) -> list[int]:
    from assessments.models import IndicatorValue

    years = set()
    if municipality is not None:
        years = set(
            IndicatorValue.objects.filter(municipality=municipality)
            .values_list("year", flat=True)
            .distinct()
        )
    return sorted(years, reverse=True) or [2026]


def _described(version: RuleVersion) -> dict[str, Any]:
    rule = rule_from_definition(version.definition)
    known = known_indicators()
    return {
        "version": version,
        "combine": COMBINE[rule.combine]
        + (f", K = {rule.k}" if rule.combine == "at_least" else "")
        + (f", порог {rule.min_score}" if rule.combine == "weighted" else ""),
        "markers": MARKER_HANDLING[rule.markers],
        "context": CONTEXT[rule.context].replace("N", str(rule.context_band))
        if rule.context == "similar"
        else CONTEXT[rule.context],
        "criteria": [
            {
                "c": c,
                "indicator": known.get(c.indicator, (c.indicator, "", None))[0],
                "threshold": THRESHOLD_KINDS[c.threshold],
                "text": criterion_text(c, known.get(c.indicator, ("", "", None))[2]),
            }
            for c in rule.criteria
        ],
    }


@role_required()
def rule_list(request: AuthedHttpRequest) -> HttpResponse:
    municipality = selectors.municipality_of_request(request)
    rules = list(found.rules_for(request.user))
    lists = (
        list(found.lists_for(request.user).filter(municipality=municipality)[:40])
        if municipality
        else []
    )
    return render(
        request,
        "reports/rules/rule_list.html",
        {
            "rules": [
                (rule, _described(rule.versions.all()[0])) for rule in rules if rule.versions.all()
            ],
            "lists": lists,
            "municipality": municipality,
            "title": "Правила отбора ШНОР и ШНСУ",
        },
    )


@role_required()
def rule_detail(request: AuthedHttpRequest, code: str) -> HttpResponse:
    rule = _rule(code)
    municipality = selectors.municipality_of_request(request)
    versions = list(rule.versions.order_by("-version"))
    runs = (
        list(
            found.runs_for(request.user).filter(version__rule=rule, municipality=municipality)[:30]
        )
        if municipality
        else []
    )
    form = RunForm(
        versions=[v.version for v in versions],
        years=_years(municipality),
        initial={"version": versions[0].version if versions else None},
    )
    used = set(
        IdentificationRun.objects.filter(version__rule=rule).values_list("version_id", flat=True)
    )
    return render(
        request,
        "reports/rules/rule_detail.html",
        {
            "rule": rule,
            "versions": [(_described(v), v.pk in used) for v in versions],
            "runs": runs,
            "form": form,
            "municipality": municipality,
            "title": rule.name,
        },
    )


def _version_form_page(
    request: AuthedHttpRequest, rule: IdentificationRule, base: RuleVersion, editing: bool
) -> HttpResponse:
    if request.method == "POST":
        form = RuleVersionForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and formset.is_valid():
            definition = definition_from(form, formset)
            try:
                if editing:
                    version = rule_version_update(
                        version=base,
                        definition=definition,
                        note=form.cleaned_data["note"],
                        user=request.user,
                    )
                    messages.success(request, f"Версия {version.version} изменена.")
                else:
                    version = rule_version_create(
                        rule=rule,
                        definition=definition,
                        note=form.cleaned_data["note"],
                        user=request.user,
                    )
                    messages.success(request, f"Сохранена версия {version.version}.")
                return redirect("reports:rule_detail", code=rule.code)
            except RuleError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
    else:
        initial, criteria = definition_initial(base.definition)
        form = RuleVersionForm(initial=initial)
        formset = CriterionFormSet(prefix="criteria", initial=criteria)
    return render(
        request,
        "reports/rules/version_form.html",
        {
            "rule": rule,
            "base": base,
            "editing": editing,
            "form": form,
            "formset": formset,
            "title": f"{rule.name}: "
            + (f"изменение версии {base.version}" if editing else "новая версия"),
        },
    )


@role_required(*EDITOR_ROLES)
def rule_version_new(request: AuthedHttpRequest, code: str) -> HttpResponse:
    rule = _rule(code)
    versions = rule.versions.order_by("-version")
    wanted = request.GET.get("from")
    base = (
        versions.filter(version=int(wanted)).first() if wanted and wanted.isdigit() else None
    ) or versions.first()
    if base is None:
        raise Http404
    return _version_form_page(request, rule, base, editing=False)


@role_required(*EDITOR_ROLES)
def rule_version_edit(request: AuthedHttpRequest, code: str, version: int) -> HttpResponse:
    rule = _rule(code)
    base = get_object_or_404(RuleVersion, rule=rule, version=version)
    if base.used:
        messages.error(
            request,
            f"Версия {base.version} уже применялась: её нельзя изменить. Изменения сохраняются "
            "как новая версия.",
        )
        return redirect(f"{_url('reports:rule_version_new', rule.code)}?from={base.version}")
    return _version_form_page(request, rule, base, editing=True)


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@require_POST
@role_required(*EDITOR_ROLES)
def run_create(request: AuthedHttpRequest, code: str) -> HttpResponse:
    rule = _rule(code)
    municipality = selectors.municipality_of_request(request)
    if municipality is None:
        messages.error(request, "Не выбран муниципалитет.")
        return redirect("reports:rule_detail", code=rule.code)
    versions = list(rule.versions.values_list("version", flat=True))
    form = RunForm(request.POST, versions=versions, years=_years(municipality))
    if not form.is_valid():
        messages.error(request, "Выберите год и версию из списка.")
        return redirect("reports:rule_detail", code=rule.code)
    version = rule.versions.get(version=form.cleaned_data["version"])
    try:
        run = identification_request(
            version=version,
            municipality=municipality,
            year=form.cleaned_data["year"],
            user=request.user,
        )
    except RuleError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("reports:rule_detail", code=rule.code)
    return redirect("reports:run_detail", pk=run.pk)


def _own_ids(request: AuthedHttpRequest) -> list[int] | None:
    """The schools whose protocol lines the user may read (None: every school)."""
    if request.user.sees_all_schools:
        return None
    return request.user.visible_school_ids()


@role_required()
def run_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(found.runs_for(request.user), pk=pk)
    protocol = run.protocol or {}
    lines = protocol_lines(protocol, _own_ids(request)) if protocol else []
    show = request.GET.get("show", "selected")
    if show != "all":
        lines = [line for line in lines if line.outcome != "not_listed"] or (
            lines if not request.user.sees_all_schools else []
        )
    context = {
        "run": run,
        "job": run.job,
        "protocol": protocol,
        "lines": lines,
        "show": show,
        "outcomes": OUTCOMES,
        "school_list": getattr(run, "school_list", None) if run.status == RunStatus.DONE else None,
        "title": f"Протокол запуска № {run.pk}",
    }
    polled = bool(request.headers.get("HX-Request"))
    if polled and run.status != RunStatus.QUEUED:
        response = HttpResponse("")  # finished: the whole page reloads with the protocol
        response["HX-Refresh"] = "true"
        return response
    template = "reports/rules/_run_job.html" if polled else "reports/rules/run_detail.html"
    return render(request, template, context)


def _run_file(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    if request.user.role not in WIDE_ROLES and not request.user.is_superuser:
        raise PermissionDenied("Протокол целиком доступен отделу образования.")
    run = get_object_or_404(found.runs_for(request.user), pk=pk)
    stored = run.pdf if kind == "pdf" else run.xlsx
    if not stored:
        raise Http404("Протокол ещё не готов.")
    with stored.open("rb") as handle:
        content = handle.read()
    name = stored.name.rsplit("/", 1)[-1]
    return download(name, PDF_TYPE if kind == "pdf" else XLSX_TYPE, content)


@role_required()
def run_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _run_file(request, pk, "pdf")


@role_required()
def run_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _run_file(request, pk, "xlsx")


@role_required()
def list_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    school_list = get_object_or_404(found.lists_for(request.user), pk=pk)
    entries = school_list.entries.select_related("school", "changed_by").order_by(
        "-included", "school__short_name"
    )
    own = _own_ids(request)
    if own is not None:
        entries = entries.filter(school_id__in=own)
    editable = request.user.can_edit and school_list.status == ListStatus.DRAFT
    in_list = set(school_list.entries.filter(included=True).values_list("school_id", flat=True))
    candidates = [
        (s.pk, s.short_name)
        for s in School.objects.general()
        .filter(municipality=school_list.municipality)
        .order_by("short_name")
    ]
    return render(
        request,
        "reports/rules/list_detail.html",
        {
            "school_list": school_list,
            "entries": [_labelled(e) for e in entries],
            "editable": editable,
            "entry_form": EntryForm(schools=candidates) if editable else None,
            "confirm_form": ConfirmForm() if editable else None,
            "included_count": len(in_list),
            "outcomes": OUTCOMES,
            "title": str(school_list),
        },
    )


def _form_errors(request: AuthedHttpRequest, form: Any) -> None:
    """A refused one-off POST tells why on the page it returns to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _labelled(entry: Any) -> Any:
    entry.outcome_label = (
        "добавлена специалистом"
        if entry.origin == "added"
        else OUTCOMES.get(entry.outcome, entry.outcome)
    )
    return entry


@require_POST
@role_required(*EDITOR_ROLES)
def list_entry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    school_list = get_object_or_404(found.lists_for(request.user), pk=pk)
    candidates = [
        (s.pk, s.short_name)
        for s in School.objects.general().filter(municipality=school_list.municipality)
    ]
    form = EntryForm(request.POST, schools=candidates)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reports:list_detail", pk=school_list.pk)
    try:
        list_entry_set(
            school_list=school_list,
            school=School.objects.get(pk=form.cleaned_data["school"]),
            included=form.cleaned_data["included"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
        messages.success(request, "Перечень изменён.")
    except RuleError as exc:
        messages.error(request, str(exc))
    return redirect("reports:list_detail", pk=school_list.pk)


@require_POST
@role_required(*EDITOR_ROLES)
def list_confirm_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    school_list = get_object_or_404(found.lists_for(request.user), pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reports:list_detail", pk=school_list.pk)
    try:
        list_confirm(
            school_list=school_list,
            act_number=form.cleaned_data["act_number"],
            act_date=form.cleaned_data["act_date"],
            user=request.user,
        )
        messages.success(request, "Перечень утверждён.")
    except RuleError as exc:
        messages.error(request, str(exc))
    return redirect("reports:list_detail", pk=school_list.pk)


@role_required()
def groups_page(request: AuthedHttpRequest) -> HttpResponse:
    """The 2 × 2 of ШНОР × ШНСУ for a year, with the movement from the year before."""
    municipality = selectors.municipality_of_request(request)
    years = _years(municipality)
    wanted = request.GET.get("year", "")
    year = int(wanted) if wanted.isdigit() and int(wanted) in years else years[0]
    board = found.groups(request.user, municipality, year) if municipality else None
    order = [g.value for g in found.GROUP_ORDER]
    labels = {g.value: g.label for g in found.GROUP_ORDER}
    movement = (
        [(labels[a], [board.movement.get((a, b), 0) for b in order]) for a in order]
        if board and board.previous
        else []
    )
    programmes = []
    if board and board.shnor and request.user.sees_all_schools:
        progress = programme_progress(request.user, year, list(board.shnor.schools))
        programmes = sorted(progress.values(), key=lambda p: p.school_name)
    return render(
        request,
        "reports/rules/groups.html",
        {
            "programmes": programmes,
            "board": board,
            "year": year,
            "years": years,
            "municipality": municipality,
            "labels": [labels[g] for g in order],
            "movement": movement,
            "title": f"Четыре группы ОО: ШНОР × ШНСУ, {year}",
        },
    )
