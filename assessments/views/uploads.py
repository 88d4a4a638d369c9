"""Upload of result files: dry run, confirmation, progress, history (msoko.views.ImportPages)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, path

from assessments.choices import UploadStatus
from assessments.filtersets_uploads import ResultUploadFilterSet
from assessments.forms_uploads import ResultUploadForm
from assessments.models import ResultUpload
from assessments.services import imports
from assessments.tables_uploads import ResultUploadTable
from msoko.access import AuthedHttpRequest
from msoko.choices import ALL_ROLES, Role
from msoko.views import ImportPages, ObjectListView

# Who may upload: the department (any school, municipal-wide files) and directors (own school).
UPLOADER_ROLES = (Role.SPECIALIST, Role.ADMIN, Role.DIRECTOR)


class ResultUploadPages(ImportPages):
    """Result files: a director uploads for his school, the department for any school."""

    flow = imports.RESULTS
    namespace = "assessments"
    prefix = "upload"
    path = "uploads/"
    upload_path = "uploads/new/"
    names = {"upload": "upload_create"}
    form_class = ResultUploadForm
    form_template = "assessments/uploads/upload_form.html"
    detail_template = "assessments/uploads/upload_detail.html"
    roles = UPLOADER_ROLES
    viewer_roles = tuple(ALL_ROLES)

    def queryset(self, request: AuthedHttpRequest) -> Any:
        return (
            super()
            .queryset(request)
            .select_related("campaign__procedure", "campaign__subject", "school")
        )

    def form(self, request: AuthedHttpRequest) -> Any:
        return ResultUploadForm(request.POST or None, request.FILES or None, user=request.user)

    def store_kwargs(self, request: AuthedHttpRequest, form: Any) -> dict[str, Any]:
        return {"options": form.options()}

    def form_context(self, request: AuthedHttpRequest) -> dict[str, Any]:
        return {"max_mb": settings.UPLOAD_MAX_MB}

    def recent(self, request: AuthedHttpRequest) -> Any:
        return self.queryset(request).order_by("-created_at")[:10]

    def may_confirm(self, request: AuthedHttpRequest, upload: Any) -> bool:
        return (
            upload.status == UploadStatus.CHECKED
            and (request.user.can_edit or request.user.is_director)
            and request.user.role != Role.OFFICIAL
        )

    def confirm_options(self, request: AuthedHttpRequest) -> dict[str, Any]:
        return {"replace_acknowledged": bool(request.POST.get("replace_acknowledged"))}

    def imported_link(self, upload: Any) -> dict[str, Any]:
        if upload.campaign is None:
            return {}
        return {
            "imported_url": upload.campaign.get_absolute_url(),
            "imported_label": f"Перейти к кампании «{upload.campaign}»",
        }


PAGES = ResultUploadPages()


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
    *PAGES.urls(),
]
