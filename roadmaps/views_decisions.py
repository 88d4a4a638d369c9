"""Pages of the register of адресные рекомендации and управленческие решения, and the
search behind the self-assessment's pickers.

Every object is looked up through `for_user` (a director asking for a recommendation to
another school gets 404); writes go through roadmaps/services_decisions.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import catalogue
from assessments.models import Subject
from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES
from msoko.exports import download
from msoko.history import history_entries
from msoko.views import ObjectListView
from roadmaps import selectors_decisions as selectors
from roadmaps import services_decisions as services
from roadmaps.filtersets_decisions import DecisionFilterSet, RecommendationFilterSet
from roadmaps.forms_decisions import (
    DecisionForm,
    RecommendationForm,
    ResponseForm,
    decision_initial,
    recommendation_initial,
)
from roadmaps.models import (
    BasisKind,
    CycleAssessment,
    Decision,
    Recommendation,
    RecommendationStatus,
)
from roadmaps.services import EVIDENCE_KINDS
from roadmaps.tables_decisions import STATUS_CSS, DecisionTable, RecommendationTable
from schools.models import School


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's refusal under the fields it names (the rest above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


# ------------------------------------------------------------------ recommendations


class RecommendationListView(ObjectListView):
    model = Recommendation
    table_class = RecommendationTable
    filterset_class = RecommendationFilterSet
    template_name = "roadmaps/decisions/recommendation_list.html"
    title = "Адресные рекомендации"
    export_name = "rekomendatsii"
    create_url = "roadmaps:recommendation_create"
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        return selectors.recommendations_for(self.request.user)


def _prefill(request: AuthedHttpRequest) -> dict[str, Any]:
    """The form's initial values from a finding named in the address, so that other pages
    can link «Дать рекомендацию»: ?school=ID&basis_kind=marker&marker=ID, or
    ?school=ID&indicator=CODE&year=Y[&subject=ID&grade=G], or ?basis_kind=criterion&code=K1
    &year=Y&text=…; anything the user may not see is ignored."""
    get = request.GET
    user = request.user
    initial: dict[str, Any] = {"year": timezone.localdate().year, "basis_kind": BasisKind.OTHER}
    school_id = _int(get.get("school"))
    if school_id and School.objects.for_user(user).filter(pk=school_id).exists():
        initial["school"] = school_id
    if get.get("group"):
        initial["group"] = get["group"]
    kind = get.get("basis_kind", "")
    marker_id = _int(get.get("marker"))
    if marker_id:
        marker = selectors.markers_for(user).filter(pk=marker_id).first()
        if marker is not None:
            initial.update(basis_kind=BasisKind.MARKER, marker=marker.pk)
            initial.setdefault("school", marker.school_id)
    elif get.get("indicator") in catalogue.CATALOGUE:
        initial.update(
            basis_kind=BasisKind.INDICATOR,
            indicator=get["indicator"],
            basis_year=_int(get.get("year")),
            grade=_int(get.get("grade")),
            part=get.get("part", "")[:16],
        )
        subject_id = _int(get.get("subject"))
        if subject_id and Subject.objects.filter(pk=subject_id).exists():
            initial["subject"] = subject_id
    elif kind in (BasisKind.CRITERION, BasisKind.OTHER):
        initial.update(
            basis_kind=kind,
            basis_code=get.get("code", "")[:64],
            basis_year=_int(get.get("year")),
            basis_value=get.get("value", "")[:200],
            basis_text=get.get("text", "")[:2000],
        )
    return initial


def _basis(
    request: AuthedHttpRequest, data: dict[str, Any], recommendation: Recommendation | None
) -> tuple[services.Basis, School | None]:
    school = data.get("school")
    marker = data.get("marker")
    if school is None and not data.get("group") and marker is not None:
        school = marker.school  # a marker's recommendation goes to its school by default
    municipality = data.get("municipality") or (
        recommendation.municipality if recommendation else None
    )
    basis = services.basis_build(
        user=request.user,
        kind=data["basis_kind"],
        school=school,
        municipality=municipality,
        marker=marker,
        indicator=data.get("indicator") or "",
        year=data.get("basis_year"),
        subject=data.get("subject"),
        grade=data.get("grade"),
        part=data.get("part") or "",
        code=data.get("basis_code") or "",
        value=data.get("basis_value") or "",
        text=data.get("basis_text") or "",
        url=data.get("basis_url") or "",
        previous=recommendation,
    )
    return basis, school


def _recommendation_save(
    request: AuthedHttpRequest, form: RecommendationForm, recommendation: Recommendation | None
) -> Recommendation | None:
    data = form.cleaned_data
    try:
        basis, school = _basis(request, data, recommendation)
        fields = {
            "user": request.user,
            "year": data["year"],
            "text": data["text"],
            "basis": basis,
            "school": school,
            "group": data.get("group") or "",
            "due_date": data.get("due_date"),
            "number": data.get("number") or "",
        }
        if recommendation is None:
            return services.recommendation_create(municipality=data.get("municipality"), **fields)
        return services.recommendation_update(recommendation=recommendation, **fields)
    except ValidationError as exc:
        _add_errors(form, exc)
        return None


def _preview(request: AuthedHttpRequest, form: RecommendationForm) -> services.Basis | None:
    """What the prefilled basis will be recorded as, shown before saving."""
    initial = form.initial
    if initial.get("basis_kind") not in (BasisKind.MARKER, BasisKind.INDICATOR):
        return None
    try:
        data = {
            key: form.fields[key].to_python(initial.get(key))
            for key in ("school", "marker", "subject")
        }
        data.update(
            basis_kind=initial["basis_kind"],
            indicator=initial.get("indicator", ""),
            basis_year=initial.get("basis_year"),
            grade=initial.get("grade"),
            part=initial.get("part", ""),
        )
        return _basis(request, data, None)[0]
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
        return None


@role_required(*EDITOR_ROLES)
def recommendation_create(request: AuthedHttpRequest) -> HttpResponse:
    initial = _prefill(request) if request.method == "GET" else {}
    form = RecommendationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _recommendation_save(request, form, None)
        if saved is not None:
            messages.success(request, f"Рекомендация № {saved.number} зарегистрирована.")
            return redirect(saved)
    return render(
        request,
        "roadmaps/decisions/recommendation_form.html",
        {
            "form": form,
            "title": "Новая адресная рекомендация",
            "preview": _preview(request, form) if request.method == "GET" else None,
            "back": "roadmaps:recommendation_list",
        },
    )


def _recommendation(request: AuthedHttpRequest, pk: int) -> Recommendation:
    return get_object_or_404(selectors.recommendations_for(request.user), pk=pk)


@role_required(*EDITOR_ROLES)
def recommendation_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    form = RecommendationForm(
        request.POST or None,
        user=request.user,
        recommendation=recommendation,
        initial=recommendation_initial(recommendation),
    )
    if request.method == "POST" and form.is_valid():
        saved = _recommendation_save(request, form, recommendation)
        if saved is not None:
            messages.success(request, "Рекомендация сохранена.")
            return redirect(saved)
    return render(
        request,
        "roadmaps/decisions/recommendation_form.html",
        {
            "form": form,
            "title": f"Рекомендация № {recommendation.number}",
            "recommendation": recommendation,
        },
    )


def _detail(
    request: AuthedHttpRequest,
    recommendation: Recommendation,
    response_form: ResponseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    may_respond = services.can_respond(user, recommendation)
    if may_respond and response_form is None:
        response_form = ResponseForm(
            initial={
                "response": recommendation.response,
                "response_links": recommendation.response_links,
            }
        )
    records = recommendation.history.select_related("history_user").order_by("-history_date")
    return render(
        request,
        "roadmaps/decisions/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "status_css": STATUS_CSS.get(RecommendationStatus(recommendation.status), "secondary"),
            "overdue": selectors.is_overdue(recommendation),
            "basis_link": services.is_safe_basis_url(recommendation.basis_url),
            "response_form": response_form if may_respond else None,
            "can_edit": user.can_edit,
            "can_review": user.can_edit and recommendation.status == RecommendationStatus.ANSWERED,
            "decisions": Decision.objects.for_user(user).filter(recommendations=recommendation),
            "history": history_entries(records[:50], lambda r: "Рекомендация", Recommendation),
        },
        status=status,
    )


@role_required()
def recommendation_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _recommendation(request, pk))


@require_POST
@role_required(*EDITOR_ROLES, "director")
def recommendation_respond(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The school's response; a refused form comes back with its messages, unsaved."""
    recommendation = _recommendation(request, pk)
    form = ResponseForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.recommendation_respond(
                recommendation=recommendation,
                user=request.user,
                response=form.cleaned_data["response"],
                links=form.cleaned_data["response_links"],
                filename=upload.name if upload else "",
                data=upload.read() if upload else None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Ответ сохранён и направлен в отдел образования.")
            return redirect(recommendation)
    if not services.can_respond(request.user, recommendation):
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(recommendation)
    return _detail(request, recommendation, form)


@require_POST
@role_required(*EDITOR_ROLES)
def recommendation_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    verdict = request.POST.get("verdict")
    if verdict not in ("accept", "reject"):
        messages.error(request, "Выберите: принять ответ или вернуть на доработку.")
        return redirect(recommendation)
    try:
        services.recommendation_review(
            recommendation=recommendation, user=request.user, accept=verdict == "accept"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Рекомендация отмечена исполненной."
            if verdict == "accept"
            else "Ответ не принят: ОО может ответить ещё раз.",
        )
    return redirect(recommendation)


@role_required()
def recommendation_file(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The response file, only here and after the access check (no public media URL)."""
    recommendation = _recommendation(request, pk)
    if not recommendation.response_file:
        raise Http404("Файл не приложен.")
    with recommendation.response_file.open("rb") as handle:
        content = handle.read()
    kind = (recommendation.response_file.name or "").rsplit(".", 1)[-1].lower()
    return download(
        recommendation.response_file_name or f"otvet.{kind}",
        EVIDENCE_KINDS.get(kind, "application/octet-stream"),
        content,
    )


# ------------------------------------------------------------------ decisions


class DecisionListView(ObjectListView):
    model = Decision
    table_class = DecisionTable
    filterset_class = DecisionFilterSet
    title = "Управленческие решения"
    export_name = "upravlencheskie-resheniya"
    create_url = "roadmaps:decision_create"
    request: AuthedHttpRequest

    def get_queryset(self) -> Any:
        return selectors.decisions_for(self.request.user)


def _decision_fields(request: AuthedHttpRequest, form: DecisionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "user": request.user,
        "year": data["year"],
        "act_number": data["act_number"],
        "act_date": data["act_date"],
        "title": data["title"],
        "text": data["text"],
        "school": data["school"],
        "recommendations": data["recommendations"],
        "indicator_code": data["indicator_code"],
        "subject": data["subject"],
        "grade": data["grade"],
        "roadmap": data["roadmap"],
        "measures": data["measures"],
    }


@role_required(*EDITOR_ROLES)
def decision_create(request: AuthedHttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    recommendation_id = _int(request.GET.get("recommendation"))
    if recommendation_id:
        found = selectors.recommendations_for(request.user).filter(pk=recommendation_id).first()
        if found is not None:
            initial.update(recommendations=[found.pk], school=found.school_id, year=found.year)
    form = DecisionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_create(
                municipality=form.cleaned_data.get("municipality"),
                **_decision_fields(request, form),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            count = decision.tasks.count()
            messages.success(
                request,
                f"Решение зарегистрировано; мер в дорожной карте: {count}."
                if count
                else "Решение зарегистрировано.",
            )
            return redirect(decision)
    return render(
        request,
        "roadmaps/decisions/decision_form.html",
        {"form": form, "title": "Новое управленческое решение"},
    )


def _decision(request: AuthedHttpRequest, pk: int) -> Decision:
    return get_object_or_404(selectors.decisions_for(request.user), pk=pk)


@role_required(*EDITOR_ROLES)
def decision_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    form = DecisionForm(
        request.POST or None,
        user=request.user,
        decision=decision,
        initial=decision_initial(decision),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(decision=decision, **_decision_fields(request, form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Решение сохранено.")
            return redirect(decision)
    return render(
        request,
        "roadmaps/decisions/decision_form.html",
        {"form": form, "title": f"Решение № {decision.act_number}", "decision": decision},
    )


@role_required()
def decision_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The decision, its measures with their statuses, and the effect analysis."""
    decision = _decision(request, pk)
    user = request.user
    records = decision.history.select_related("history_user").order_by("-history_date")
    return render(
        request,
        "roadmaps/decisions/decision_detail.html",
        {
            "decision": decision,
            "indicator": catalogue.CATALOGUE.get(decision.indicator_code),
            "recommendations": selectors.recommendations_for(user).filter(decisions=decision),
            "measures": selectors.decision_measures(decision, user),
            "progress": selectors.decisions_progress(decision, user),
            "effect": selectors.decision_effect(decision, user),
            "can_edit": user.can_edit,
            "history": history_entries(records[:50], lambda r: "Решение", Decision),
        },
    )


# ------------------------------------------------------------------ the self-assessment picker


@role_required(*EDITOR_ROLES)
def cycle_pick(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """The matches of a picker's search (an htmx fragment): ?element=goals&q_<kind>_goals=…
    (the picker's own field names, sent with hx-include); the chosen ones are left out."""
    assessment = get_object_or_404(CycleAssessment.objects.for_user(request.user), pk=pk)
    if kind not in selectors.PICK_KINDS:
        raise Http404("Нет такого списка.")
    element = request.GET.get("element", "")
    name = f"{kind}_{element}"
    term = request.GET.get(f"q_{name}") or request.GET.get("q") or ""
    chosen = [int(v) for v in request.GET.getlist(name) if v.isdigit()]
    items = selectors.pick_search(kind, request.user, assessment, term[:200], exclude=chosen)
    return render(
        request,
        "roadmaps/_picker_results.html",
        {"items": items, "term": term.strip(), "name": name},
    )
