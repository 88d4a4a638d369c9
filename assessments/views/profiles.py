"""РЦОИ column-mapping profiles: a specialist keeps one per region and protocol kind."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse

from assessments.filtersets import MappingProfileFilterSet
from assessments.forms import MappingProfileForm
from assessments.models import MappingProfile
from assessments.services.campaigns import mapping_profile_save
from assessments.tables import MappingProfileTable
from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES
from msoko.views import ObjectListView


class MappingProfileListView(ObjectListView):
    model = MappingProfile
    table_class = MappingProfileTable
    filterset_class = MappingProfileFilterSet
    title = "Профили протоколов РЦОИ"
    export_name = "profili-rcoi"
    create_url = "assessments:profile_create"
    roles = EDITOR_ROLES

    def get_queryset(self) -> Any:
        return MappingProfile.objects.select_related("updated_by")


def _edit(request: AuthedHttpRequest, profile: MappingProfile | None) -> HttpResponse:
    form = MappingProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        saved = mapping_profile_save(
            profile=form.save(commit=False), columns=form.columns(), user=request.user
        )
        messages.success(request, f"Профиль «{saved.name}» сохранён.")
        return redirect("assessments:profile_list")
    title = f"Профиль: {profile.name}" if profile else "Новый профиль протокола РЦОИ"
    back = reverse("assessments:profile_list")
    return render(request, "form.html", {"form": form, "title": title, "back": back})


@role_required(*EDITOR_ROLES)
def profile_create(request: AuthedHttpRequest) -> HttpResponse:
    return _edit(request, None)


@role_required(*EDITOR_ROLES)
def profile_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(MappingProfile, pk=pk))


urlpatterns: list[URLPattern] = [
    path("profiles/", MappingProfileListView.as_view(), name="profile_list"),
    path("profiles/new/", profile_create, name="profile_create"),
    path("profiles/<int:pk>/edit/", profile_update, name="profile_update"),
]
