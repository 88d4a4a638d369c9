"""The shared base of list, detail and form views, the home page and job progress."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from msoko.access import (
    AuthedHttpRequest,
    RoleRequiredMixin,
    ScopedObjectMixin,
    role_required,
    user_has_role,
)
from msoko.choices import EDITOR_ROLES, UploadStatus
from msoko.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, download, table_rows, xlsx_bytes
from msoko.jobs import broker_status, worker_heartbeat_get
from msoko.models import Job

logger = logging.getLogger(__name__)


class ObjectListView(RoleRequiredMixin, ScopedObjectMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated table of what the user may see, exportable as XLSX/CSV.

    The export goes through the same table and the same filters as the page, so a column
    is declared once (tables.py) and the file matches what the user sees.
    """

    template_name = "list.html"
    paginate_by = 25
    export_name: ClassVar[str] = "export"
    title: ClassVar[str] = ""
    create_url: ClassVar[str | None] = None
    create_roles: ClassVar[frozenset[str]] = EDITOR_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        export = request.GET.get("export")
        if export in ("xlsx", "csv"):
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def export(self, kind: str) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = (
            filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()
        )
        table = self.get_table_class()(queryset, request=self.request)
        header, rows = table_rows(table)
        stamp = timezone.localdate().isoformat()
        if kind == "csv":
            return download(f"{self.export_name}-{stamp}.csv", CSV_TYPE, csv_bytes(header, rows))
        content = xlsx_bytes([(self.title or self.export_name, header, rows)])
        return download(f"{self.export_name}-{stamp}.xlsx", XLSX_TYPE, content)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["title"] = self.title
        context["can_create"] = bool(self.create_url) and (
            user.is_superuser or getattr(user, "role", None) in self.create_roles
        )
        context["create_url"] = self.create_url
        return context


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@role_required()
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a background job; htmx polls the fragment until it is finished."""
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    template = "jobs/_job.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For monitoring: the database, the broker, the last worker heartbeat, free disk space.

    No sign-in, and only states: no versions, paths or host names. 503 when the database is
    unreachable (no page can be served); a broker or worker problem is «degraded» with 200,
    since pages still work and queued jobs wait for the workers.
    """
    database = _database_status()
    broker = broker_status()
    heartbeat = worker_heartbeat_get()
    stale = timezone.now() - timedelta(minutes=settings.JOB_STALE_MINUTES)
    workers_ok = broker == "in-process" or (heartbeat is not None and heartbeat >= stale)
    if database != "ok":
        status = "error"
    elif broker == "error" or not workers_ok:
        status = "degraded"
    else:
        status = "ok"
    body = {
        "status": status,
        "database": database,
        "broker": broker,
        "worker_heartbeat": heartbeat.isoformat() if heartbeat else None,
        "media_free_bytes": _free_bytes(Path(settings.MEDIA_ROOT)),
    }
    return JsonResponse(body, status=503 if database != "ok" else 200)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("healthz: the database is unreachable")
        return "error"
    return "ok"


def _free_bytes(path: Path) -> int | None:
    while not path.exists() and path.parent != path:
        path = path.parent  # MEDIA_ROOT is created with the first upload
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


class ImportPages:
    """The pages of one import flow (msoko.uploads): the form, the dry run, confirm,
    progress and the original file, alike for every importer.

    An app makes one instance with its flow, form and templates and adds `urls()` to its
    urlpatterns; the URL names are `<prefix>`, `<prefix>_detail`, `<prefix>_confirm`,
    `<prefix>_progress` and `<prefix>_file` (`names` may rename them). Every upload is
    looked up through `for_user`, so another school's or municipality's upload is a 404.
    Subclasses adapt `store_kwargs` (what the form adds to the file), `may_confirm`,
    `confirm_options` and `detail_context`.
    """

    flow: Any
    namespace: str
    prefix: str
    path: str
    form_class: Any
    form_template: str
    detail_template: str
    roles: tuple[str, ...] = tuple(EDITOR_ROLES)  # who may upload and confirm
    viewer_roles: tuple[str, ...] = tuple(EDITOR_ROLES)  # who may open an upload's pages
    upload_path: str | None = None  # the form's path when it is not `path` itself
    names: ClassVar[dict[str, str]] = {}

    def url_name(self, page: str) -> str:
        default = self.prefix if page == "upload" else f"{self.prefix}_{page}"
        return self.names.get(page, default)

    def reverse(self, page: str, *args: Any) -> str:
        from django.urls import reverse

        return reverse(f"{self.namespace}:{self.url_name(page)}", args=args)

    def queryset(self, request: AuthedHttpRequest) -> Any:
        return self.flow.model._default_manager.for_user(request.user).select_related(
            "uploaded_by", "job"
        )

    def get(self, request: AuthedHttpRequest, pk: int) -> Any:
        return get_object_or_404(self.queryset(request), pk=pk)

    # --- what an importer adapts --------------------------------------------------------

    def form(self, request: AuthedHttpRequest) -> Any:
        return self.form_class(request.POST or None, request.FILES or None)

    def store_kwargs(self, request: AuthedHttpRequest, form: Any) -> dict[str, Any]:
        """Options for the check and model fields the form adds to the file."""
        return {}

    def may_confirm(self, request: AuthedHttpRequest, upload: Any) -> bool:
        return upload.status == UploadStatus.CHECKED and user_has_role(request.user, self.roles)

    def confirm_options(self, request: AuthedHttpRequest) -> dict[str, Any]:
        return {}

    def detail_context(self, request: AuthedHttpRequest, upload: Any) -> dict[str, Any]:
        return {}

    def recent(self, request: AuthedHttpRequest) -> Any:
        return self.queryset(request).order_by("-created_at")[:20]

    def form_context(self, request: AuthedHttpRequest) -> dict[str, Any]:
        return {}

    # --- the pages ----------------------------------------------------------------------

    def upload_view(self, request: AuthedHttpRequest) -> HttpResponse:
        """Upload a file: it is checked at once (dry run) and applied only on confirmation."""
        from msoko.uploads import upload_store

        form = self.form(request)
        if request.method == "POST" and form.is_valid():
            uploaded = form.cleaned_data["file"]
            upload = upload_store(
                self.flow,
                user=request.user,
                filename=uploaded.name or "file",
                data=uploaded.read(),
                **self.store_kwargs(request, form),
            )
            return redirect(self.reverse("detail", upload.pk))
        return render(
            request,
            self.form_template,
            {
                "form": form,
                "recent": self.recent(request),
                "pages": self,
                **self.form_context(request),
            },
        )

    def detail_view(self, request: AuthedHttpRequest, pk: int) -> HttpResponse:
        """The dry-run report, the problems, the confirm button, and then the progress."""
        upload = self.get(request, pk)
        if upload.status == UploadStatus.CHECKING:
            return render(request, "imports/checking.html", self.outcome_context(upload))
        context = {
            "upload": upload,
            "report": upload.report or {},
            "job": upload.job,
            "may_confirm": self.may_confirm(request, upload),
            "pages": self,
            "file_url": self.reverse("file", upload.pk),
            "confirm_url": self.reverse("confirm", upload.pk),
            "upload_url": self.reverse("upload"),
            **self.outcome_context(upload),
            **self.detail_context(request, upload),
        }
        return render(request, self.detail_template, context)

    def confirm_view(self, request: AuthedHttpRequest, pk: int) -> HttpResponse:
        """Queue the commit; the upload page shows the job's progress."""
        from msoko.uploads import UploadRefused, upload_confirm

        upload = self.get(request, pk)
        try:
            upload_confirm(
                self.flow,
                upload_id=upload.pk,
                user=request.user,
                **self.confirm_options(request),
            )
        except UploadRefused as exc:
            messages.error(request, "Файл не поставлен в очередь: " + "; ".join(exc.messages) + ".")
        else:
            messages.success(request, "Загрузка поставлена в очередь. Ход выполнения — ниже.")
        return redirect(self.reverse("detail", upload.pk))

    def progress_view(self, request: AuthedHttpRequest, pk: int) -> HttpResponse:
        """The fragment htmx polls until the commit is finished."""
        upload = self.get(request, pk)
        response = render(request, "imports/_outcome.html", self.outcome_context(upload))
        if (
            request.GET.get("was") == UploadStatus.CHECKING
            and upload.status != UploadStatus.CHECKING
        ):
            response["HX-Refresh"] = "true"  # the check is done: show the page with its report
        return response

    def file_view(self, request: AuthedHttpRequest, pk: int) -> HttpResponse:
        """The original file, for those who may see the upload (a refused one as opaque bytes)."""
        from msoko.uploads import original_file_response

        return original_file_response(self.get(request, pk))

    def outcome_context(self, upload: Any) -> dict[str, Any]:
        return {
            "upload": upload,
            "file_url": self.reverse("file", upload.pk),
            "progress_url": self.reverse("progress", upload.pk),
            **self.imported_link(upload),
        }

    def imported_link(self, upload: Any) -> dict[str, Any]:
        """Where to go once the file is in («open the road map»); none by default."""
        return {}

    def urls(self) -> list[Any]:
        from django.urls import path
        from django.views.decorators.http import require_POST

        everyone = role_required(*self.viewer_roles)
        uploaders = role_required(*self.roles)
        return [
            path(
                self.upload_path or self.path,
                uploaders(self.upload_view),
                name=self.url_name("upload"),
            ),
            path(f"{self.path}<int:pk>/", everyone(self.detail_view), name=self.url_name("detail")),
            path(
                f"{self.path}<int:pk>/confirm/",
                require_POST(uploaders(self.confirm_view)),
                name=self.url_name("confirm"),
            ),
            path(
                f"{self.path}<int:pk>/progress/",
                everyone(self.progress_view),
                name=self.url_name("progress"),
            ),
            path(
                f"{self.path}<int:pk>/file/", everyone(self.file_view), name=self.url_name("file")
            ),
        ]
