"""The page «Отчёты»: the analytic documents by year and kind, their generation, downloads
and the specialists' commentaries. Officials and specialists see every document of their
municipality; a director only his own school's card."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES
from msoko.exports import download
from reports import selectors
from reports.documents import catalogue
from reports.documents.render import DOCX_TYPE, PDF_TYPE
from reports.models import DocumentStatus, ReportComment, ReportDocument
from reports.services_documents import DocumentError, comment_save, document_request
from schools.models import Municipality, School
from schools.selectors import schools_for


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Документ")
    year = forms.TypedChoiceField(label="Год", coerce=int)
    school = forms.TypedChoiceField(
        label="ОО (для карточки)", coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, kinds: list[Any], years: list[int], schools: list[School], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.kind, k.title) for k in kinds]  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["school"].choices = [("", "—")] + [(s.pk, s.short_name) for s in schools]  # type: ignore[attr-defined]


def _kinds(request: AuthedHttpRequest) -> list[Any]:
    kinds = catalogue.kinds()
    if not request.user.sees_all_schools:  # a director: his school's card only
        kinds = [k for k in kinds if k.per_school]
    return kinds


def _years() -> list[int]:
    from assessments.models import Campaign

    years = sorted(set(Campaign.objects.values_list("year", flat=True)), reverse=True)
    return years or [2026]


def _form(
    request: AuthedHttpRequest, municipality: Municipality | None, data: Any = None
) -> DocumentForm:
    schools = list(
        schools_for(request.user).filter(municipality=municipality).order_by("short_name")
        if municipality
        else []
    )
    return DocumentForm(data, kinds=_kinds(request), years=_years(), schools=schools)


@role_required()
def document_list(request: AuthedHttpRequest) -> HttpResponse:
    municipality = selectors.municipality_of_request(request)
    documents = ReportDocument.objects.for_user(request.user).select_related("school", "job")
    if municipality is not None:
        documents = documents.filter(municipality=municipality)
    wanted_year = request.GET.get("year", "")
    if wanted_year.isdigit():
        documents = documents.filter(year=int(wanted_year))
    wanted_kind = request.GET.get("kind", "")
    if wanted_kind:
        documents = documents.filter(kind=wanted_kind)
    grouped: dict[tuple[int, str], list[ReportDocument]] = {}
    for document in documents.order_by("-year", "kind", "school__short_name", "-version")[:300]:
        grouped.setdefault((document.year, document.title), []).append(document)
    return render(
        request,
        "reports/documents/list.html",
        {
            "groups": [(year, title, docs) for (year, title), docs in grouped.items()],
            "form": _form(request, municipality),
            "kinds": _kinds(request),
            "years": _years(),
            "year": wanted_year,
            "kind": wanted_kind,
            "municipality": municipality,
            "title": "Отчёты",
        },
    )


@require_POST
@role_required()
def document_create(request: AuthedHttpRequest) -> HttpResponse:
    municipality = selectors.municipality_of_request(request)
    form = _form(request, municipality, request.POST)
    if municipality is None or not form.is_valid():
        messages.error(request, "Выберите документ и год из списка.")
        return redirect("reports:document_list")
    kind = form.cleaned_data["kind"]
    school = None
    if form.cleaned_data["school"]:
        school = get_object_or_404(schools_for(request.user), pk=form.cleaned_data["school"])
    if not request.user.can_edit and not (
        request.user.is_director and school is not None and school.pk == request.user.school_id
    ):
        messages.error(request, "Формировать документы может специалист отдела образования.")
        return redirect("reports:document_list")
    try:
        document = document_request(
            kind=kind,
            year=form.cleaned_data["year"],
            municipality=municipality,
            school=school,
            user=request.user,
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("reports:document_list")
    return redirect("reports:document_detail", pk=document.pk)


@role_required()
def document_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        ReportDocument.objects.for_user(request.user).select_related(
            "job", "school", "municipality"
        ),
        pk=pk,
    )
    polled = bool(request.headers.get("HX-Request"))
    if polled and document.status != DocumentStatus.QUEUED:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    comments = dict(
        ReportComment.objects.filter(
            kind=document.kind,
            year=document.year,
            municipality=document.municipality,
            school=document.school,
        ).values_list("key", "text")
    )
    blocks = [
        {"key": key, "title": title, "text": comments.get(key, "")}
        for key, title in document.params.get("commentaries", [])
    ]
    versions = ReportDocument.objects.for_user(request.user).filter(
        kind=document.kind,
        year=document.year,
        municipality=document.municipality,
        school=document.school,
    )
    context = {
        "document": document,
        "job": document.job,
        "blocks": blocks,
        "versions": versions.order_by("-version"),
        "title": f"{document.title}, {document.year}",
    }
    template = "reports/documents/_job.html" if polled else "reports/documents/detail.html"
    return render(request, template, context)


def _file(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    document = get_object_or_404(ReportDocument.objects.for_user(request.user), pk=pk)
    stored = document.pdf if kind == "pdf" else document.docx
    if document.status != DocumentStatus.DONE or not stored:
        raise Http404("Документ ещё не готов.")
    with stored.open("rb") as handle:
        content = handle.read()
    return download(
        stored.name.rsplit("/", 1)[-1], PDF_TYPE if kind == "pdf" else DOCX_TYPE, content
    )


@role_required()
def document_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _file(request, pk, "pdf")


@role_required()
def document_docx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _file(request, pk, "docx")


@require_POST
@role_required(*EDITOR_ROLES)
def document_comments(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Save the commentaries of a document's blocks; the next version will carry them."""
    document = get_object_or_404(ReportDocument.objects.for_user(request.user), pk=pk)
    saved = 0
    for key, _title in document.params.get("commentaries", []):
        field = f"comment-{key}"
        if field in request.POST:
            comment_save(
                kind=document.kind,
                year=document.year,
                municipality=document.municipality,
                school=document.school,
                key=key,
                text=request.POST[field][:20000],
                user=request.user,
            )
            saved += 1
    messages.success(
        request,
        f"Комментарии сохранены ({saved}). Они войдут в следующую версию документа — "
        "сформируйте её заново.",
    )
    return redirect("reports:document_detail", pk=document.pk)
