"""The shared base of list, detail and form views, the home page and job progress."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from msoko.access import AuthedHttpRequest, RoleRequiredMixin, ScopedObjectMixin, role_required
from msoko.choices import EDITOR_ROLES
from msoko.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, download, table_rows, xlsx_bytes
from msoko.models import Job


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
