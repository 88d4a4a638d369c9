"""The shared base of list, detail and form views, the home page and job progress."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from msoko.access import AuthedHttpRequest, RoleRequiredMixin, ScopedObjectMixin, role_required
from msoko.choices import EDITOR_ROLES
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
def home(request: AuthedHttpRequest) -> HttpResponse:
    from assessments.selectors import home_summary as assessments_summary
    from roadmaps.selectors import home_summary as roadmaps_summary
    from schools.selectors import home_summary

    context = {
        "summary": home_summary(request.user),
        "assessments": assessments_summary(request.user),
        "roadmaps": roadmaps_summary(request.user),
    }
    return render(request, "home.html", context)


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
