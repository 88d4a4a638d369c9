"""Upload of result files: dry run, confirmation, progress, history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from assessments.choices import UploadStatus
from assessments.filtersets_uploads import ResultUploadFilterSet
from assessments.forms_uploads import ResultUploadForm
from assessments.models import ResultUpload
from assessments.services import imports
from assessments.tables_uploads import ResultUploadTable
from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import Role
from msoko.uploads import original_file_response
from msoko.views import ObjectListView

# Who may upload: the department (any school, municipal-wide files) and directors (own school).
UPLOADER_ROLES = (Role.SPECIALIST, Role.ADMIN, Role.DIRECTOR)


def _upload(request: AuthedHttpRequest, pk: int) -> ResultUpload:
    """An upload the user may see; another school's upload does not exist for him (404)."""
    return get_object_or_404(
        ResultUpload.objects.for_user(request.user).select_related(
            "uploaded_by", "campaign__procedure", "campaign__subject", "school", "job"
        ),
        pk=pk,
    )


@role_required(*UPLOADER_ROLES)
def upload_create(request: AuthedHttpRequest) -> HttpResponse:
    """Upload a file: it is checked at once (dry run) and applied only on confirmation."""
    form = ResultUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        upload = imports.upload_check(
            user=request.user,
            filename=uploaded.name or "file.xlsx",
            data=uploaded.read(),
            options=form.options(),
        )
        return redirect("assessments:upload_detail", pk=upload.pk)
    recent = (
        ResultUpload.objects.for_user(request.user)
        .select_related("uploaded_by", "campaign__procedure", "campaign__subject")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "assessments/uploads/upload_form.html",
        {"form": form, "recent": recent, "max_mb": settings.UPLOAD_MAX_MB},
    )


@role_required()
def upload_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The dry-run report: format, campaign, per-school plan, problems; confirm; progress."""
    upload = _upload(request, pk)
    report = upload.report or {}
    may_confirm = (
        upload.status == UploadStatus.CHECKED
        and (request.user.can_edit or request.user.is_director)
        and request.user.role != Role.OFFICIAL
    )
    return render(
        request,
        "assessments/uploads/upload_detail.html",
        {
            "upload": upload,
            "report": report,
            "problems": report.get("problems", []),
            "hidden_problems": max(
                0, report.get("problems_total", 0) - len(report.get("problems", []))
            ),
            "may_confirm": may_confirm,
            "job": upload.job,
        },
    )


@require_POST
@role_required(*UPLOADER_ROLES)
def upload_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Queue the import; the upload page shows the job's progress.

    The dry-run page asks for a tick when the file replaces results with fewer rows.
    """
    upload = _upload(request, pk)
    try:
        imports.upload_confirm(
            upload_id=upload.pk,
            user=request.user,
            replace_acknowledged=request.POST.get("replace_acknowledged") == "1",
        )
    except imports.ImportRejected as exc:
        messages.error(request, "Файл не поставлен в очередь: " + "; ".join(exc.messages) + ".")
    else:
        messages.success(request, "Загрузка поставлена в очередь. Ход выполнения — ниже.")
    return redirect("assessments:upload_detail", pk=upload.pk)


@role_required()
def upload_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The fragment htmx polls until the import is finished; then it links to the campaign."""
    upload = _upload(request, pk)
    return render(request, "assessments/uploads/_outcome.html", {"upload": upload})


@role_required()
def upload_file(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The original file, as uploaded, for those who may see the upload."""
    return original_file_response(_upload(request, pk))


class UploadListView(ObjectListView):
    """The upload history: who, when, which file, how many rows, and what became of it."""

    model = ResultUpload
    table_class = ResultUploadTable
    filterset_class = ResultUploadFilterSet
    title = "Загрузки результатов"
    export_name = "zagruzki-rezultatov"
    create_url = "assessments:upload_create"
    create_roles = frozenset(UPLOADER_ROLES)

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("uploaded_by", "campaign__procedure", "campaign__subject", "school")
        )


urlpatterns: list[URLPattern] = [
    path("uploads/", UploadListView.as_view(), name="upload_list"),
    path("uploads/new/", upload_create, name="upload_create"),
    path("uploads/<int:pk>/", upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/confirm/", upload_confirm, name="upload_confirm"),
    path("uploads/<int:pk>/progress/", upload_progress, name="upload_progress"),
    path("uploads/<int:pk>/file/", upload_file, name="upload_file"),
]
